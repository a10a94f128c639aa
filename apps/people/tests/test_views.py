"""The screens: list (filters, search, query count), new and edit (optimistic locking),
history, photo, masked export, the workbench to-dos."""

import io
import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from apps.audit.models import ExportRecord
from apps.enterprises.tests.factories import EnterpriseFactory
from apps.people import idcard, services
from apps.people.models import Affiliation, ArrangementKind, Level, Person, plain

from .factories import ArrangementFactory, EvaluationFactory, PersonFactory

pytestmark = pytest.mark.django_db

FULL_ID = re.compile(r"\b\d{17}[\dX]\b")
FULL_MOBILE = re.compile(r"\b1[3-9]\d{9}\b")


def names(response) -> set[str]:
    return {p.name for p in response.context["object_list"]}


def test_list_filters(login, district_admin):
    today = timezone.localdate()
    cppcc = PersonFactory(name="政协委员甲", affiliation=Affiliation.CNDCA)
    ArrangementFactory(person=cppcc, kind=ArrangementKind.CPPCC, level=Level.DISTRICT)
    npc = PersonFactory(name="人大代表乙", affiliation=Affiliation.CPC)
    ArrangementFactory(person=npc, kind=ArrangementKind.NPC, level=Level.MUNICIPAL)
    ended = PersonFactory(name="往届委员丙", affiliation=Affiliation.MASSES)
    ArrangementFactory(person=ended, start=date(2016, 1, 1), end=date(2021, 1, 1))
    expiring = PersonFactory(name="即将到期丁")
    EvaluationFactory(person=expiring, evaluated_on=today - timedelta(days=3 * 365 - 20))
    valid = PersonFactory(name="有效评价戊")
    EvaluationFactory(person=valid, evaluated_on=today - timedelta(days=100))
    client = login(district_admin)
    url = reverse("people:list")
    assert names(client.get(url, {"affiliation": "democratic"})) == {"政协委员甲"}
    assert names(client.get(url, {"affiliation": Affiliation.CPC})) == {"人大代表乙"}
    assert names(client.get(url, {"arrangement": "cppcc"})) == {"政协委员甲"}
    assert names(client.get(url, {"arrangement": "npc", "level": "municipal"})) == {"人大代表乙"}
    assert names(client.get(url, {"arrangement": "npc", "level": "district"})) == set()
    assert names(client.get(url, {"level": "district"})) == {"政协委员甲"}
    assert names(client.get(url, {"evaluation": "expiring"})) == {"即将到期丁"}
    assert names(client.get(url, {"evaluation": "valid"})) == {"有效评价戊"}
    assert names(client.get(url, {"evaluation": "ineligible"})) == {
        "政协委员甲",
        "人大代表乙",
        "往届委员丙",
    }


def test_filter_by_section_and_tag(login, district_admin):
    from apps.people.models import TalentTag

    manufacturing = EnterpriseFactory()
    a = PersonFactory(name="制造业甲", enterprise=manufacturing)
    PersonFactory(name="无企业乙")
    finance = TalentTag.objects.create(name="金融")
    a.tags.add(finance)
    client = login(district_admin)
    response = client.get(reverse("people:list"), {"section": manufacturing.section})
    assert names(response) == {"制造业甲"}
    assert names(client.get(reverse("people:list"), {"tag": finance.pk})) == {"制造业甲"}


def test_search_by_name_and_pinyin_initials(login, district_admin, people_reader):
    services.person_create(
        actor=district_admin,
        name="张建华",
        gender="M",
        ethnicity="01",
        birth_date=date(1970, 1, 1),
        id_number=idcard.make("110105", date(1970, 1, 1), 11),
        affiliation=Affiliation.MASSES,
        mobile="13811112222",
    )
    PersonFactory(name="李明", name_initials="lm")
    client = login(district_admin)
    url = reverse("people:list")
    assert names(client.get(url, {"q": "建华"})) == {"张建华"}
    assert names(client.get(url, {"q": "zjh"})) == {"张建华"}
    assert names(client.get(url, {"q": "ZJ"})) == {"张建华"}
    # Exact ID number or mobile, through the blind index, for the personal-data grade only.
    the_id = idcard.make("110105", date(1970, 1, 1), 11)
    assert names(client.get(url, {"q": the_id})) == {"张建华"}
    assert names(client.get(url, {"q": "138 1111 2222"})) == {"张建华"}
    reader = login(people_reader)
    assert names(reader.get(url, {"q": the_id})) == set()
    assert names(reader.get(url, {"q": "13811112222"})) == set()


def test_list_query_count_is_pinned(login, district_admin, django_assert_max_num_queries, street_a):
    from apps.members.tests.factories import MemberFactory, PostHoldingFactory

    client = login(district_admin)
    client.get(reverse("people:list"))  # warm the session and permission caches
    for n in range(30):
        person = PersonFactory(enterprise=EnterpriseFactory(street=street_a) if n % 2 else None)
        ArrangementFactory(person=person)
        EvaluationFactory(person=person)
        if n % 5 == 0:
            member = MemberFactory(street=street_a, person_ref=person.pk)
            PostHoldingFactory(member=member)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("people:list"))
    assert len(response.context["object_list"]) == 30


def test_list_decrypts_only_what_it_shows(login, district_admin):
    from apps.core import crypto

    PersonFactory.create_batch(60)
    client = login(district_admin)
    provider = crypto.provider()
    before = provider.decryptions
    response = client.get(reverse("people:list"))
    shown = len(response.context["object_list"])
    assert shown == 50
    # One ID number and one mobile per row on the page, nothing for the other 10.
    assert provider.decryptions - before == 2 * shown
    html = response.content.decode()
    assert not FULL_ID.search(html) and not FULL_MOBILE.search(html)


def test_new_person_through_the_form(login, district_admin):
    enterprise = EnterpriseFactory()
    number = idcard.make("110105", date(1980, 5, 6), 22)
    response = login(district_admin).post(
        reverse("people:create"),
        {
            "name": "孙丽",
            "gender": "F",
            "ethnicity": "03",
            "birth_date": "1980-05-06",
            "id_number": number,
            "mobile": "13700001234",
            "affiliation": Affiliation.CAPD,
            "education": "master",
            "title": "高级经济师",
            "enterprise_uscc": enterprise.uscc,
            "position": "总经理",
            "tags": "金融、数字经济",
            "notes": "",
        },
    )
    person = Person.objects.get(name="孙丽")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert plain(person.id_number) == number and person.enterprise == enterprise
    assert sorted(t.name for t in person.tags.all()) == ["数字经济", "金融"]


def test_the_form_reports_bad_input_on_the_fields(login, district_admin):
    number = idcard.make("110105", date(1980, 5, 6), 22)
    response = login(district_admin).post(
        reverse("people:create"),
        {
            "name": "孙丽",
            "gender": "F",
            "ethnicity": "01",
            "birth_date": "1980-05-07",
            "id_number": number,
            "mobile": "1370000123",
            "affiliation": Affiliation.CAPD,
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "birth_date" in form.errors
    assert not Person.objects.exists()
    response = login(district_admin).post(
        reverse("people:create"),
        {
            "name": "孙丽",
            "gender": "F",
            "ethnicity": "01",
            "birth_date": "1980-05-06",
            "id_number": number,
            "mobile": "1370000123",
            "affiliation": Affiliation.CAPD,
        },
    )
    assert "mobile" in response.context["form"].errors


def test_edit_never_sends_the_stored_values_and_detects_conflicts(login, district_admin, person):
    client = login(district_admin)
    url = reverse("people:update", args=[person.pk])
    page = client.get(url).content.decode()
    assert plain(person.id_number) not in page and plain(person.mobile) not in page
    data = {
        "version": 1,
        "name": person.name,
        "gender": person.gender,
        "ethnicity": "01",
        "birth_date": "1975-03-14",
        "id_number": "",
        "mobile": "",
        "affiliation": Affiliation.CPC,
        "title": "第一次",
    }
    assert client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert person.affiliation == Affiliation.CPC and person.version == 2
    response = client.post(url, {**data, "title": "第二次，基于旧版本"})
    assert response.status_code == 200
    assert "Someone else saved" in response.content.decode() or "保存" in response.content.decode()
    person.refresh_from_db()
    assert person.title == "第一次"
    assert plain(person.mobile).startswith("139")  # kept


def test_a_reader_cannot_edit(login, people_reader, person):
    response = login(people_reader).post(
        reverse("people:update", args=[person.pk]), {"version": 1, "name": "改名"}
    )
    assert response.status_code == 403


def test_history_shows_changes_without_values(login, district_admin, people_reader, person):
    services.person_update(
        actor=district_admin, person=person, version=1, mobile="13600009999", title="律师"
    )
    html = login(people_reader).get(reverse("people:history", args=[person.pk])).content.decode()
    assert "律师" in html and "***" in html
    assert "13600009999" not in html


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 40), (200, 10, 10)).save(buffer, "PNG")
    return buffer.getvalue()


def test_photo_upload_checked_by_content_and_served_to_readers_only(
    login, district_admin, people_reader, street_a_clerk, person, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    client = login(district_admin)
    url = reverse("people:photo_edit", args=[person.pk])
    fake = SimpleUploadedFile("photo.png", b"<?php echo 1; ?>", content_type="image/png")
    response = client.post(url, {"photo": fake})
    assert response.status_code == 200 and response.context["form"].errors
    pdf = SimpleUploadedFile("photo.pdf", b"%PDF-1.4 ...", content_type="application/pdf")
    assert client.post(url, {"photo": pdf}).status_code == 200
    good = SimpleUploadedFile("me.png", png_bytes(), content_type="image/png")
    assert client.post(url, {"photo": good}).status_code == 302
    person.refresh_from_db()
    assert person.photo.startswith("people/photos/") and "me" not in person.photo
    photo = login(people_reader).get(reverse("people:photo", args=[person.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert login(street_a_clerk).get(reverse("people:photo", args=[person.pk])).status_code == 403


def test_masked_export_has_no_full_values_and_is_logged(login, district_admin, people_reader):
    people = PersonFactory.create_batch(3)
    for user in (district_admin, people_reader):
        response = login(user).get(reverse("people:export"))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        text = "\n".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
        for p in people:
            assert plain(p.id_number) not in text and plain(p.mobile) not in text
            assert p.id_number_masked in text
        assert not FULL_ID.search(text) and not FULL_MOBILE.search(text)
        assert "1975-03-14" not in text
        assert user.get_username() in text  # the exporter is named
    records = ExportRecord.objects.filter(name="people.person_list")
    assert records.count() == 2
    assert all(len(r.digest) == 64 and not r.personal_data for r in records)


def test_a_search_by_id_number_is_masked_in_the_export_log(login, district_admin, person):
    number = plain(person.id_number)
    response = login(district_admin).get(reverse("people:export"), {"q": number})
    sheet = load_workbook(io.BytesIO(response.content)).active
    text = "\n".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    assert person.name in text and number not in text  # the filter line is masked too
    record = ExportRecord.objects.get()
    assert number not in str(record.filters)
    assert record.filters["q"] == person.id_number_masked


def test_workbench_lists_expiring_evaluations(login, district_admin, people_reader):
    today = timezone.localdate()
    EvaluationFactory(evaluated_on=today - timedelta(days=3 * 365 - 30))
    EvaluationFactory(evaluated_on=today - timedelta(days=3 * 365 - 30))
    EvaluationFactory(evaluated_on=today - timedelta(days=100))
    from apps.people.todos import people_todos

    todos = {t.url: t.count for t in people_todos(district_admin)}
    assert todos[reverse("people:list") + "?evaluation=expiring"] == 2
    html = login(people_reader).get(reverse("core:home")).content.decode()
    assert reverse("people:list") + "?evaluation=expiring" in html
