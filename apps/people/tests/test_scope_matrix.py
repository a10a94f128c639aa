"""Scope and grade matrix (SECURITY.md 6): people are district-level data for FIC staff.

* FIC staff (district_admin, personal-data grade): everything.
* people_reader (records grade, whole district): reads, exports masked; no edit, no reveal,
  no unmasked export, no import.
* Street officers (even given people permissions), chamber staff, enterprise accounts:
  nothing — the list is empty and every person is a 404 (decision 0015).
* leader (aggregates only), auditor: 403. Anonymous: to the sign-in page.
"""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.accounts import roles
from apps.accounts.tests.factories import UserFactory
from apps.core.scoping import ScopeKind
from apps.core.testing import FORBIDDEN, LOGIN, NOT_FOUND, OK, Row, run_matrix

from .factories import EvaluationFactory, PersonFactory

pytestmark = pytest.mark.django_db

OBJECT_PAGES = ["people:detail", "people:history"]
WRITE_PAGES = [
    "people:update",
    "people:photo_edit",
    "people:arrangement_create",
    "people:honour_create",
    "people:training_create",
    "people:evaluation_create",
]


@pytest.fixture
def street_officer_with_people_perms(builtin_roles, street_a):
    """A street officer someone gave the people reader role as well: still sees nobody."""
    return UserFactory(
        username="street_people",
        scope_kind=ScopeKind.STREETS,
        streets=[street_a],
        roles=[builtin_roles[roles.STREET_OFFICER], builtin_roles[roles.PEOPLE_READER]],
    )


@pytest.fixture
def chamber_staff_with_people_perms(builtin_roles, chamber_a):
    return UserFactory(
        username="chamber_people",
        scope_kind=ScopeKind.CHAMBERS,
        chambers=[chamber_a],
        roles=[builtin_roles[roles.CHAMBER_STAFF], builtin_roles[roles.PEOPLE_READER]],
    )


def test_object_pages(request, login, person):
    rows = []
    for url in OBJECT_PAGES:
        rows += [
            Row("district_admin", "person", url, OK),
            Row("people_reader", "person", url, OK),
            Row("street_a_clerk", "person", url, FORBIDDEN),
            Row("street_officer_with_people_perms", "person", url, NOT_FOUND),
            Row("chamber_staff_with_people_perms", "person", url, NOT_FOUND),
            Row("leader", "person", url, FORBIDDEN),
            Row("auditor", "person", url, FORBIDDEN),
            Row("enterprise_user", "person", url, FORBIDDEN),
            Row("anonymous", "person", url, LOGIN),
        ]
    for url in WRITE_PAGES:
        rows += [
            Row("district_admin", "person", url, OK),
            Row("people_reader", "person", url, FORBIDDEN),
            Row("street_officer_with_people_perms", "person", url, FORBIDDEN),
            Row("leader", "person", url, FORBIDDEN),
            Row("anonymous", "person", url, LOGIN),
        ]
    run_matrix(request, login, rows)


def test_list_export_and_create(request, login, person):
    rows = []
    for url in ["people:list", "people:export"]:
        rows += [
            Row("district_admin", "", url, OK),
            Row("people_reader", "", url, OK),
            Row("street_a_clerk", "", url, FORBIDDEN),
            Row("leader", "", url, FORBIDDEN),
            Row("enterprise_user", "", url, FORBIDDEN),
            Row("anonymous", "", url, LOGIN),
        ]
    for url in ["people:create", "people:import_start", "people:export_request"]:
        rows += [
            Row("district_admin", "", url, OK),
            Row("people_reader", "", url, FORBIDDEN),
            Row("street_a_clerk", "", url, FORBIDDEN),
            Row("anonymous", "", url, LOGIN),
        ]
    run_matrix(request, login, rows)


@pytest.mark.parametrize(
    "persona", ["street_officer_with_people_perms", "chamber_staff_with_people_perms"]
)
def test_street_and_chamber_users_see_nobody_even_with_the_permissions(
    request, login, persona, person
):
    client = login(request.getfixturevalue(persona))
    response = client.get(reverse("people:list"))
    assert response.status_code == 200
    assert list(response.context["object_list"]) == []
    assert person.name not in response.content.decode()
    response = client.get(reverse("people:list"), {"q": person.name})
    assert list(response.context["object_list"]) == []
    content = client.get(reverse("people:export")).content
    sheet = load_workbook(io.BytesIO(content)).active
    assert all(
        person.name not in [c for c in row if c] for row in sheet.iter_rows(values_only=True)
    )


def test_part_pages_of_a_person_out_of_scope_are_404(request, login, person):
    from .factories import ArrangementFactory

    arrangement = ArrangementFactory(person=person)
    evaluation = EvaluationFactory(person=person)
    client = login(request.getfixturevalue("street_officer_with_people_perms"))
    assert client.get(reverse("people:arrangement_update", args=[arrangement.pk])).status_code in (
        403,
        404,
    )
    admin = login(request.getfixturevalue("district_admin"))
    assert admin.get(reverse("people:arrangement_update", args=[arrangement.pk])).status_code == 200
    assert admin.post(reverse("people:evaluation_delete", args=[evaluation.pk])).status_code == 302


def test_another_users_import_or_export_request_is_404(request, login, district_admin, approver):
    from apps.people.models import PersonExport, PersonImport

    job = PersonImport.objects.create(
        status="invalid", original_name="a.xlsx", size=1, digest="0", created_by=approver
    )
    client = login(district_admin)
    assert client.get(reverse("people:import_detail", args=[job.pk])).status_code == 404
    export = PersonExport.objects.create(created_by=approver, reason="工作需要", row_count=1)
    reader = login(request.getfixturevalue("people_reader"))
    assert reader.get(reverse("people:export_detail", args=[export.pk])).status_code == 404
    # An approver (whole district) sees others' requests; its requester sees it.
    assert client.get(reverse("people:export_detail", args=[export.pk])).status_code == 200
    assert login(approver).get(reverse("people:export_detail", args=[export.pk])).status_code == 200


def test_people_pages_need_the_second_factor(client, builtin_roles, person):
    """A reader of the people database (records grade) must still pass TOTP."""
    user = UserFactory(username="reader_without_otp", roles=[builtin_roles[roles.PEOPLE_READER]])
    assert user.requires_mfa
    client.force_login(user)
    response = client.get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_enrol"))


def test_the_module_door_refuses_without_a_second_factor_even_if_the_middleware_would_not(
    client, builtin_roles, person, monkeypatch
):
    from apps.accounts import middleware

    monkeypatch.setattr(middleware.SecondFactorRequiredMiddleware, "__call__", _passthrough)
    user = UserFactory(username="reader_no_mw", roles=[builtin_roles[roles.PEOPLE_READER]])
    client.force_login(user)
    response = client.get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 302
    assert "otp" in response["Location"]


def _passthrough(self, request):
    return self.get_response(request)


def test_list_holds_only_whole_district_rows(login, district_admin):
    people = PersonFactory.create_batch(3)
    response = login(district_admin).get(reverse("people:list"))
    assert {p.pk for p in response.context["object_list"]} == {p.pk for p in people}
