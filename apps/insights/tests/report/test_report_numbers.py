"""The generated .docx holds the dashboard's numbers, which are the ledger's."""

import io
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.conf import settings
from django.db.models import Count, Sum
from django.utils import translation

from apps.core.scoping import Grade
from apps.enterprises.models import LedgerEntry
from apps.insights import selectors
from apps.insights.report import tables
from apps.insights.report.services import report_generate
from apps.insights.report.viewer import Viewer

from .conftest import QUARTER, YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def read_docx(report) -> docx.document.Document:
    with report.docx.open("rb") as handle:
        return docx.Document(io.BytesIO(handle.read()))


def cell_number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def headline_rows(document) -> dict[str, list[str]]:
    """Key figures table: row label -> the row's cells."""
    with translation.override(settings.LANGUAGE_CODE):
        labels = tables.headline_labels()
    rows = {row.cells[0].text: [c.text for c in row.cells] for row in document.tables[0].rows}
    return {name: rows[label] for name, label in labels.items()}


def ledger_totals(**scope):
    entries = LedgerEntry.objects.filter(year=YEAR, **scope)
    ytd = entries.filter(quarter__lte=QUARTER).aggregate(revenue=Sum("revenue"), tax=Sum("tax"))
    single = entries.filter(quarter=QUARTER).aggregate(
        revenue=Sum("revenue"), tax=Sum("tax"), employees=Sum("employees"), n=Count("id")
    )
    return ytd, single


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_district_report_tables_equal_the_selectors_and_the_ledger(ledger):
    report = report_generate(year=YEAR, quarter=QUARTER, detail=Grade.RECORDS)
    assert report.status == "done", report.error

    rows = headline_rows(read_docx(report))
    # Columns: indicator | quarter | a year earlier | change | year to date | earlier | change
    ytd, single = ledger_totals()
    assert cell_number(rows["revenue"][4]) == ytd["revenue"]
    assert cell_number(rows["tax"][4]) == ytd["tax"]
    assert cell_number(rows["revenue"][1]) == single["revenue"]
    assert cell_number(rows["employees"][1]) == single["employees"]
    assert cell_number(rows["enterprises"][1]) == single["n"] == 7

    viewer = Viewer(street_id=None, grade=Grade.RECORDS)
    query = selectors.Query(year=YEAR, quarter=QUARTER)
    dashboard_ytd = selectors.headline(viewer, query.replace(cumulative=True))
    dashboard_q = selectors.headline(viewer, query)
    assert cell_number(rows["revenue"][4]) == dashboard_ytd.revenue.value
    assert cell_number(rows["revenue"][5]) == dashboard_ytd.revenue.previous
    assert cell_number(rows["tax"][1]) == dashboard_q.tax.value
    assert rows["revenue"][6] == f"{dashboard_ytd.revenue.change * 100:+.1f}%"


def test_by_street_table_and_the_appendix_hold_the_same_numbers(ledger, street_a, street_b):
    report = report_generate(year=YEAR, quarter=QUARTER, detail=Grade.RECORDS)
    by_street = read_docx(report).tables[1]
    printed = {row.cells[0].text: cell_number(row.cells[2].text) for row in by_street.rows[1:]}
    for street in (street_a, street_b):
        ytd, _single = ledger_totals(enterprise__street=street)
        assert printed[street.short_name] == ytd["revenue"]

    with report.xlsx.open("rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    assert len(book.sheetnames) == len(read_docx(report).tables)
    sheet = book[book.sheetnames[1]]
    values = {row[0]: row[2] for row in sheet.iter_rows(values_only=True) if row[0] in printed}
    assert {k: Decimal(str(v)) for k, v in values.items()} == printed


def test_street_report_holds_only_its_street(ledger, street_a):
    report = report_generate(year=YEAR, quarter=QUARTER, street=street_a, detail=Grade.RECORDS)
    rows = headline_rows(read_docx(report))
    ytd, _single = ledger_totals(enterprise__street=street_a)
    assert cell_number(rows["revenue"][4]) == ytd["revenue"]
    text = all_text(read_docx(report))
    assert "朝外测试" not in text
    assert "建外测试4有限公司" in text  # the records report lists its top enterprises


def test_aggregates_report_names_no_enterprise_and_suppresses_small_cells(ledger, street_b):
    report = report_generate(year=YEAR, quarter=QUARTER, detail=Grade.AGGREGATE)
    document = read_docx(report)
    text = all_text(document)
    assert "测试" not in text  # no enterprise name anywhere
    by_street = {row.cells[0].text: row.cells[1].text for row in document.tables[1].rows[1:]}
    assert by_street[street_b.short_name] == "<3"
    assert report.figures["top_revenue"] == []


def test_the_charts_are_in_the_document(ledger):
    report = report_generate(year=YEAR, quarter=QUARTER, detail=Grade.RECORDS)
    pictures = read_docx(report).inline_shapes
    assert len(pictures) == 4  # by street, by section, by size, trend
