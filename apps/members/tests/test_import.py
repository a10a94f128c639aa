"""Roster import: every bad row reported by row and column in Chinese, preview, and all rows
or none."""

import io
import random
from datetime import date

import openpyxl
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.core.demo import make_uscc
from apps.enterprises.tests.factories import EnterpriseFactory
from apps.members import services
from apps.members.imports import ROSTER
from apps.members.models import Member, MemberImport, MemberKind

pytestmark = pytest.mark.django_db

HEADERS = [c.template_header for c in ROSTER]
_rng = random.Random(606)


def xlsx(rows, headers=HEADERS, title="朝阳区工商联会员名册") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet()
    sheet.merge_range(0, 0, 0, len(headers) - 1, title)
    sheet.write_row(1, 0, headers)
    dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for number, row in enumerate(rows, start=2):
        for col, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(number, col, value, dates)
            else:
                sheet.write(number, col, value)
    workbook.close()
    return SimpleUploadedFile("会员名册.xlsx", buffer.getvalue())


def row(**values) -> list:
    """A roster row from {column key: value}, blanks elsewhere."""
    return [values.get(c.key, "") for c in ROSTER]


@pytest.fixture
def enterprises(street_a):
    return [EnterpriseFactory(street=street_a) for _ in range(2)]


@pytest.fixture
def good_rows(enterprises, street_a, chamber_a, chamber_b):
    first, second = enterprises
    return [
        row(number="CY201800012", kind="企业会员", uscc=first.uscc, name=first.name,
            join_date=date(2018, 5, 20), chambers=f"{chamber_a.name}、{chamber_b.name}",
            contact_name="张三", contact_phone="010-65000000", directory="是"),
        row(kind="企业", uscc=second.uscc.lower(), name=second.name, street="朝外",
            join_date="2019/3/1", status="暂停", status_date="2024-01-01"),
        row(kind="团体会员", name=chamber_b.name, street="建外", join_date="2020-01-01"),
        row(kind="个人会员", name="李四", street="建外", join_date=date(2021, 6, 1),
            mobile="139 0000 1111", status="退会", status_date=date(2023, 1, 1)),
    ]  # fmt: skip


def upload(client, file):
    return client.post(reverse("members:import_start"), {"file": file})


def test_a_good_roster_is_previewed_then_imported_whole(
    login, district_admin, good_rows, enterprises, chamber_a, chamber_b, street_b
):
    client = login(district_admin)
    response = upload(client, xlsx(good_rows))
    job = MemberImport.objects.get()
    assert response.status_code == 302 and job.status == "validated", job.errors
    page = client.get(reverse("members:import_detail", args=[job.pk])).content.decode()
    assert "CY201800012" in page and "（自动编号）" in page and "李四" in page
    assert not Member.objects.exists()
    response = client.post(reverse("members:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "applied" and job.created_count == 4
    first = Member.objects.get(number="CY201800012")
    assert first.enterprise == enterprises[0] and first.directory_opt_in
    assert set(first.chambers.all()) == {chamber_a, chamber_b}
    second = Member.objects.get(enterprise=enterprises[1])
    assert second.status == "suspended" and second.street == street_b
    group = Member.objects.get(kind=MemberKind.GROUP)
    assert group.chamber == chamber_b
    person = Member.objects.get(kind=MemberKind.PERSON)
    assert person.person_mobile == "13900001111" and person.status == "withdrawn"
    assert person.status_changes.count() == 2
    assert AuditEvent.objects.filter(action="member.import").count() == 1
    assert all(m.source == "import" for m in Member.objects.all())
    enterprises[0].refresh_from_db()
    assert enterprises[0].member_status == "member"


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(
    login, district_admin, street_a, enterprises, chamber_a
):
    good = make_uscc(_rng)
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    member = EnterpriseFactory(street=street_a)
    services.member_create(
        actor=district_admin,
        kind=MemberKind.ENTERPRISE,
        street=street_a,
        join_date=date(2020, 1, 1),
        enterprise=member,
    )
    rows = [
        row(kind="企业会员", uscc=wrong_check, name="校验位错误", join_date="2020-01-01"),
        row(kind="会员", name="类别不对", street="建外", join_date="2020-01-01"),
        row(kind="企业会员", uscc=enterprises[0].uscc, name="甲", join_date="2030-01-01"),
        row(kind="企业会员", uscc=enterprises[0].uscc, name="甲again", join_date="2020-01-01"),
        row(
            kind="个人会员", name="王五", street="火星", join_date="2020-13-45", chambers="无此商会"
        ),
        row(kind="企业会员", uscc=make_uscc(_rng), name="库中没有", join_date="2020-01-01"),
        row(kind="企业会员", uscc=member.uscc, name="已是会员", join_date="2020-01-01"),
        row(kind="个人会员", name="赵六", street="建外", join_date="2020-01-01", mobile="12345"),
    ]
    client = login(district_admin)
    upload(client, xlsx(rows))
    job = MemberImport.objects.get()
    assert job.status == "invalid"
    found = {(e["row"], e["column"].split("（")[0]): e["reason"] for e in job.errors}
    # The title is row 1 and the header row 2: data starts on row 3, as in Excel.
    assert "校验位不正确" in found[(3, "统一社会信用代码")]
    assert "企业会员、团体会员" in found[(4, "会员类别")]
    assert "晚于今天" in found[(5, "入会日期")]
    assert "第 5 行" in found[(6, "统一社会信用代码")]
    assert "街乡" in found[(7, "所属街乡")]
    assert (7, "入会日期") in found and "无此商会" in found[(7, "所属商会")]
    assert "没有该信用代码的企业" in found[(8, "统一社会信用代码")]
    assert "已是会员" in found[(9, "统一社会信用代码")]
    assert "手机" in found[(10, "手机")]
    page = client.get(reverse("members:import_detail", args=[job.pk])).content.decode()
    assert "未导入任何数据" in page and "校验位不正确" in page
    assert Member.objects.count() == 1
    # Confirming an invalid import does nothing.
    client.post(reverse("members:import_confirm", args=[job.pk]))
    assert Member.objects.count() == 1
    report = client.get(reverse("members:import_errors", args=[job.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(report.content)).active
    assert [c.value for c in sheet[1]] == ["行号", "列", "内容", "问题"]
    assert sheet.max_row == len(job.errors) + 1


def test_a_member_admitted_after_the_preview_stops_the_whole_import(
    login, district_admin, good_rows, enterprises, street_a
):
    client = login(district_admin)
    upload(client, xlsx(good_rows))
    job = MemberImport.objects.get()
    assert job.status == "validated"
    services.member_create(
        actor=district_admin,
        kind=MemberKind.ENTERPRISE,
        street=street_a,
        join_date=date(2024, 1, 1),
        enterprise=enterprises[1],
    )
    client.post(reverse("members:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "invalid"
    assert any("已是会员" in e["reason"] for e in job.errors)
    assert Member.objects.count() == 1  # only the one admitted by hand


def test_files_that_are_not_rosters_are_refused(login, district_admin):
    client = login(district_admin)
    upload(client, SimpleUploadedFile("名册.xlsx", b"%PDF-1.4 not a spreadsheet"))
    upload(client, xlsx([row(kind="个人会员")], headers=["会员类别*", "名称*", "备注"]))
    first, second = MemberImport.objects.order_by("pk")
    assert first.status == second.status == "invalid"
    assert first.errors[0]["row"] == 0
    reasons = " ".join(e["reason"] for e in second.errors)
    assert "入会日期" in reasons and "备注" in reasons


def test_the_template_has_the_headers(login, district_admin):
    response = login(district_admin).get(reverse("members:import_template"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == HEADERS
