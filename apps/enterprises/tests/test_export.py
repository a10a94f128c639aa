"""Excel export of the enterprise list and of its ledger."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from apps.audit.models import ExportRecord
from apps.core import crypto
from apps.enterprises.tests.factories import EnterpriseFactory, LedgerEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The list caches street and tag choices and counts; ids repeat between tests.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def workbook_rows(response) -> list[tuple]:
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def data_rows(rows: list[tuple], first_header: str) -> list[tuple]:
    """The rows under the column header row (after the title area)."""
    start = next(i for i, row in enumerate(rows) if row[0] == first_header)
    return rows[start + 1 :]


@pytest.fixture
def risky_a(enterprise_a):
    enterprise_a.contact_phone = "13912345678"
    enterprise_a.legal_representative = '=HYPERLINK("http://x","点我")'
    enterprise_a.address = "@SUM(1+1)"
    enterprise_a.save()
    return enterprise_a


def test_street_officer_export_is_scoped_masked_and_neutralised(
    login, street_a_clerk, risky_a, enterprise_b
):
    response = login(street_a_clerk).get(reverse("enterprises:list"), {"export": "xlsx"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = workbook_rows(response)
    body = data_rows(rows, "统一社会信用代码")
    assert [r[1] for r in body] == ["北京商务科技有限公司"]  # not enterprise_b
    text = " ".join(str(v) for row in rows for v in row if v is not None)
    assert not MOBILE.search(text), "an 11-digit mobile number is in the file"
    assert "139****5678" in text
    assert all(not str(v).startswith(("=", "+", "-", "@")) for row in rows for v in row if v)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_header_area_names_the_exporter_and_the_time_and_the_filter(
    login, street_a_clerk, enterprise_a
):
    street_a_clerk.first_name = "小王"
    street_a_clerk.save()
    response = login(street_a_clerk).get(
        reverse("enterprises:export"), {"q": "商务", "status": "active"}
    )
    rows = workbook_rows(response)
    header_text = "\n".join(str(r[0]) for r in rows[:6])
    assert "street_a_clerk" in header_text
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", header_text)
    assert "商务" in header_text
    assert [r[1] for r in data_rows(rows, "统一社会信用代码")] == ["北京商务科技有限公司"]


def test_staff_with_the_personal_grade_get_whole_phones_and_the_log_says_so(
    login, district_admin, risky_a
):
    response = login(district_admin).get(reverse("enterprises:export"))
    body = data_rows(workbook_rows(response), "统一社会信用代码")
    assert "13912345678" in [r[13] for r in body]
    record = ExportRecord.objects.get()
    assert record.personal_data is True


def test_every_export_is_logged_with_filter_count_and_digest(
    login, street_a_clerk, enterprise_a, street_a
):
    EnterpriseFactory(street=street_a, name="北京建外第二有限公司")
    response = login(street_a_clerk).get(
        reverse("enterprises:list"), {"export": "xlsx", "street": street_a.pk, "after": "x"}
    )
    record = ExportRecord.objects.get()
    assert record.actor == street_a_clerk
    assert record.name == "enterprises.list"
    assert record.row_count == 2
    assert record.filters == {"street": str(street_a.pk)}
    assert record.digest == crypto.provider().digest(response.content)
    assert record.personal_data is False


def test_export_needs_the_export_permission(login, enterprise_user, enterprise_a):
    enterprise_a.uscc = enterprise_user.scope_uscc
    enterprise_a.save()
    client = login(enterprise_user)
    assert client.get(reverse("enterprises:list"), {"export": "xlsx"}).status_code == 403
    assert client.get(reverse("enterprises:export")).status_code == 403
    assert client.get(reverse("enterprises:ledger_export")).status_code == 403
    # The list itself is allowed, but offers no export button.
    html = client.get(reverse("enterprises:list")).content.decode()
    assert reverse("enterprises:export") not in html
    assert not ExportRecord.objects.exists()


def test_an_invalid_filter_exports_nothing_rather_than_everything(
    login, district_admin, enterprise_a, enterprise_b
):
    response = login(district_admin).get(reverse("enterprises:export"), {"status": "bogus"})
    assert data_rows(workbook_rows(response), "统一社会信用代码") == []


def test_ledger_export_of_the_filtered_enterprises_and_years(
    login, street_a_clerk, enterprise_a, enterprise_b, street_a
):
    other = EnterpriseFactory(street=street_a, name="北京建外餐饮有限公司")
    for quarter, revenue in [(1, 100), (2, 150)]:
        LedgerEntryFactory(enterprise=enterprise_a, year=2025, quarter=quarter, revenue=revenue)
    LedgerEntryFactory(enterprise=enterprise_a, year=2022, quarter=1)  # outside the years
    LedgerEntryFactory(enterprise=enterprise_b, year=2025, quarter=1)  # outside the scope
    LedgerEntryFactory(enterprise=other, year=2025, quarter=1)  # outside the filter
    response = login(street_a_clerk).get(
        reverse("enterprises:ledger_export"), {"q": "商务", "year_from": 2024, "year_to": 2025}
    )
    assert response.status_code == 200
    rows = workbook_rows(response)
    body = data_rows(rows, "统一社会信用代码")
    assert [(r[1], r[3], r[4], r[5], r[6]) for r in body] == [
        ("北京商务科技有限公司", 2025, 1, 100, 100),
        ("北京商务科技有限公司", 2025, 2, 150, 250),
    ]
    header_text = "\n".join(str(r[0]) for r in rows[:6])
    assert "2024–2025" in header_text
    record = ExportRecord.objects.get()
    assert (record.name, record.row_count) == ("enterprises.ledger", 2)
    assert record.filters["year_from"] == 2024


def test_ledger_year_to_date_is_empty_when_a_quarter_is_missing(
    login, street_a_clerk, enterprise_a
):
    LedgerEntryFactory(enterprise=enterprise_a, year=2025, quarter=2, revenue=150)
    response = login(street_a_clerk).get(
        reverse("enterprises:ledger_export"), {"year_from": 2025, "year_to": 2025}
    )
    body = data_rows(workbook_rows(response), "统一社会信用代码")
    assert [(r[4], r[5], r[6] or None) for r in body] == [(2, 150, None)]
