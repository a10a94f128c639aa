"""Masking everywhere, and the reveal of one full value: grade × permission × reason."""

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent, PersonalDataRead, Result
from apps.people.models import plain

pytestmark = pytest.mark.django_db


def full_values(person):
    return plain(person.id_number), plain(person.mobile)


@pytest.mark.parametrize("persona", ["district_admin", "people_reader"])
def test_the_detail_page_masks_for_everyone(request, login, persona, person):
    id_number, mobile = full_values(person)
    response = login(request.getfixturevalue(persona)).get(
        reverse("people:detail", args=[person.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert id_number not in html and mobile not in html
    assert person.id_number_masked in html and person.mobile_masked in html
    assert "no-store" in response["Cache-Control"]


def test_the_reveal_button_only_for_the_grade(login, district_admin, people_reader, person):
    url = reverse("people:reveal", args=[person.pk])
    assert (
        url
        in login(district_admin).get(reverse("people:detail", args=[person.pk])).content.decode()
    )
    assert (
        url
        not in login(people_reader).get(reverse("people:detail", args=[person.pk])).content.decode()
    )


def test_the_birth_date_is_a_year_only_without_the_grade(
    login, people_reader, district_admin, person
):
    html = login(people_reader).get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "1975-03-14" not in html and "1975-**-**" in html
    html = login(district_admin).get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "1975-03-14" in html


def test_reveal_with_a_reason_shows_the_value_once_and_logs_it(login, district_admin, person):
    id_number, _mobile = full_values(person)
    client = login(district_admin)
    url = reverse("people:reveal", args=[person.pk])
    form = client.get(url, {"field": "id_number"}, headers={"HX-Request": "true"})
    assert form.status_code == 200
    assert id_number not in form.content.decode()
    assert "<html" not in form.content.decode()  # the htmx partial
    response = client.post(
        url,
        {"field": "id_number", "reason": "核对政协委员推荐材料"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert id_number in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    read = PersonalDataRead.objects.get()
    assert (read.actor, read.object_id, read.fields, read.reason) == (
        district_admin,
        str(person.pk),
        ["id_number"],
        "核对政协委员推荐材料",
    )
    assert AuditEvent.objects.filter(action="person.reveal", result=Result.SUCCESS).count() == 1
    # For that view only: the page, loaded again, is masked.
    again = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert id_number not in again


def test_reveal_of_the_mobile_without_htmx(login, district_admin, person):
    _id, mobile = full_values(person)
    response = login(district_admin).post(
        reverse("people:reveal", args=[person.pk]), {"field": "mobile", "reason": "电话通知开会"}
    )
    assert response.status_code == 200
    assert mobile in response.content.decode()
    assert "<html" in response.content.decode()
    assert PersonalDataRead.objects.get().fields == ["mobile"]


@pytest.mark.parametrize("reason", ["", " ", "x"])
def test_a_reveal_without_a_reason_shows_nothing_and_logs_nothing(
    login, district_admin, person, reason
):
    id_number, _mobile = full_values(person)
    response = login(district_admin).post(
        reverse("people:reveal", args=[person.pk]),
        {"field": "id_number", "reason": reason},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert id_number not in response.content.decode()
    assert "is-invalid" in response.content.decode()
    assert not PersonalDataRead.objects.exists()


@pytest.mark.parametrize("persona", ["people_reader", "street_a_clerk", "leader"])
def test_the_reveal_endpoint_called_without_the_grade_is_403_and_logged(
    request, login, persona, person
):
    user = request.getfixturevalue(persona)
    id_number, _mobile = full_values(person)
    response = login(user).post(
        reverse("people:reveal", args=[person.pk]), {"field": "id_number", "reason": "想看看"}
    )
    assert response.status_code == 403
    assert id_number not in response.content.decode()
    assert not PersonalDataRead.objects.exists()
    denied = AuditEvent.objects.get(action="person.reveal")
    assert denied.result == Result.DENIED
    assert denied.actor == user
    assert denied.object_id == str(person.pk)


def test_a_personal_grade_user_without_the_reveal_permission_is_refused(
    login, builtin_roles, person
):
    from django.contrib.auth.models import Group

    from apps.accounts.models import Role
    from apps.accounts.tests.factories import UserFactory
    from apps.core.scoping import Grade

    group = Group.objects.create(name="只读含个人信息")
    from django.contrib.auth.models import Permission

    group.permissions.add(Permission.objects.get(codename="view_person"))
    role = Role.objects.create(group=group, grade=Grade.PERSONAL)
    user = UserFactory(username="personal_no_reveal", roles=[role])
    response = login(user).post(
        reverse("people:reveal", args=[person.pk]), {"field": "mobile", "reason": "工作需要"}
    )
    assert response.status_code == 403
    assert AuditEvent.objects.get(action="person.reveal").result == Result.DENIED


def test_reveal_of_a_person_that_does_not_exist_is_404(login, district_admin):
    response = login(district_admin).post(
        reverse("people:reveal", args=[999999]), {"field": "mobile", "reason": "工作需要"}
    )
    assert response.status_code == 404
    assert not PersonalDataRead.objects.exists()


def test_an_unknown_field_reveals_nothing(login, district_admin, person):
    response = login(district_admin).post(
        reverse("people:reveal", args=[person.pk]), {"field": "notes", "reason": "工作需要"}
    )
    assert response.status_code == 200
    assert not PersonalDataRead.objects.exists()
