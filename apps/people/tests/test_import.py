"""Import of people: every bad cell by row and column (in Chinese), preview, all rows or none,
the same file twice changes nothing, and no full ID number or mobile outside its column."""

import io
from datetime import date

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from apps.core.masking import mask_id_number
from apps.enterprises.tests.factories import EnterpriseFactory
from apps.people import idcard
from apps.people.imports import LAYOUT, import_apply, import_start
from apps.people.models import Person, PersonImport, plain

pytestmark = pytest.mark.django_db

HEADERS = [c.template_header for c in LAYOUT]
ID_A = idcard.make("110105", date(1968, 7, 1), 15)  # a man
ID_B = idcard.make("110108", date(1979, 11, 30), 24)  # a woman


def xlsx(rows, headers=HEADERS) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet()
    sheet.merge_range(0, 0, 0, len(headers) - 1, "朝阳区统战人士名单")
    sheet.write_row(1, 0, headers)
    dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for number, values in enumerate(rows, start=2):
        for col, value in enumerate(values):
            if isinstance(value, date):
                sheet.write_datetime(number, col, value, dates)
            else:
                sheet.write(number, col, value)
    workbook.close()
    return SimpleUploadedFile("统战人士.xlsx", buffer.getvalue())


def row(**values) -> list:
    return [values.get(c.key, "") for c in LAYOUT]


@pytest.fixture
def good_rows():
    enterprise = EnterpriseFactory()
    return [
        row(name="周国强", gender="男", ethnicity="汉族", birth_date=date(1968, 7, 1),
            id_number=ID_A, mobile="13901010101", affiliation="民建会员", education="硕士",
            title="高级经济师", uscc=enterprise.uscc, position="董事长", tags="金融、数字经济"),
        row(name="吴静", ethnicity="回族", id_number=ID_B.lower(), affiliation="无党派人士"),
    ]  # fmt: skip


def test_a_good_file_is_previewed_then_imported(district_admin, good_rows):
    job = import_start(actor=district_admin, upload=xlsx(good_rows))
    assert job.status == "validated", job.errors
    assert (job.total_rows, job.created_count) == (2, 2)
    assert not Person.objects.exists()
    preview = str(job.preview)
    assert ID_A not in preview and "13901010101" not in preview
    assert mask_id_number(ID_A) in preview and "139****0101" in preview
    job = import_apply(actor=district_admin, job=job)
    assert job.status == "applied" and job.created_count == 2
    zhou = Person.objects.get(name="周国强")
    assert plain(zhou.id_number) == ID_A and plain(zhou.mobile) == "13901010101"
    wu = Person.objects.get(name="吴静")
    assert (wu.gender, wu.birth_date, wu.ethnicity) == ("F", date(1979, 11, 30), "03")


def test_the_same_file_twice_changes_nothing(district_admin, good_rows):
    import_apply(
        actor=district_admin, job=import_start(actor=district_admin, upload=xlsx(good_rows))
    )
    versions = dict(Person.objects.values_list("name", "version"))
    job = import_start(actor=district_admin, upload=xlsx(good_rows))
    assert (job.created_count, job.updated_count) == (0, 0)
    job = import_apply(actor=district_admin, job=job)
    assert job.status == "applied" and (job.created_count, job.updated_count) == (0, 0)
    assert dict(Person.objects.values_list("name", "version")) == versions


def test_a_changed_row_updates_its_person(district_admin, good_rows):
    import_apply(
        actor=district_admin, job=import_start(actor=district_admin, upload=xlsx(good_rows))
    )
    good_rows[0][LAYOUT.index(next(c for c in LAYOUT if c.key == "mobile"))] = "13902020202"
    job = import_apply(
        actor=district_admin, job=import_start(actor=district_admin, upload=xlsx(good_rows))
    )
    assert (job.created_count, job.updated_count) == (0, 1)
    assert plain(Person.objects.get(name="周国强").mobile) == "13902020202"


def test_every_bad_cell_is_reported_by_row_and_column_and_nothing_is_written(
    district_admin, good_rows
):
    wrong_check = ID_A[:-1] + ("0" if ID_A[-1] != "0" else "1")
    rows = [
        *good_rows,
        row(name="错校验", ethnicity="汉族", id_number=wrong_check, affiliation="群众"),
        row(name="生日不符", ethnicity="汉族", birth_date=date(1968, 7, 2),
            id_number=idcard.make("110105", date(1968, 7, 1), 17), affiliation="群众"),
        row(name="手机十位", ethnicity="汉族",
            id_number=idcard.make("110105", date(1970, 1, 1), 19),
            mobile="1390101010", affiliation="群众"),
        row(name="性别不符", gender="女", ethnicity="汉族",
            id_number=idcard.make("110105", date(1970, 1, 1), 21), affiliation="群众"),
        row(name="", ethnicity="火星族", id_number=ID_A, affiliation="某党", education="幼儿园"),
    ]  # fmt: skip
    with translation.override("zh-hans"):
        job = import_start(actor=district_admin, upload=xlsx(rows))
    assert job.status == "invalid"
    assert not Person.objects.exists()
    by_row = {}
    for error in job.errors:
        by_row.setdefault(error["row"], []).append(error["column"])
    assert any("身份证号码" in c for c in by_row[5])
    assert any("出生日期" in c for c in by_row[6])
    assert any("手机" in c for c in by_row[7])
    assert any("性别" in c for c in by_row[8])
    columns = " ".join(by_row[9])
    for header in ("姓名", "民族", "身份证号码", "政治面貌", "学历"):
        assert header in columns
    assert all("列）" in c for c in by_row[5])  # the column letter is named
    # The error list holds no full ID number or mobile.
    text = str(job.errors)
    assert wrong_check not in text and "1390101010" not in text
    assert ID_A not in text


def test_a_missing_required_header_is_one_error(district_admin):
    headers = [h for h in HEADERS if not h.startswith("身份证")]
    job = import_start(actor=district_admin, upload=xlsx([["张三"]], headers=headers))
    assert job.status == "invalid"
    assert job.errors[0]["row"] == 0


def test_the_pages(login, district_admin, people_reader, good_rows):
    client = login(district_admin)
    template = client.get(reverse("people:import_template"))
    assert template.status_code == 200
    response = client.post(reverse("people:import_start"), {"file": xlsx(good_rows)})
    job = PersonImport.objects.get()
    assert response["Location"] == reverse("people:import_detail", args=[job.pk])
    page = client.get(reverse("people:import_detail", args=[job.pk])).content.decode()
    assert "周国强" in page and ID_A not in page
    client.post(reverse("people:import_confirm", args=[job.pk]))
    assert Person.objects.count() == 2
    assert login(people_reader).get(reverse("people:import_start")).status_code == 403
