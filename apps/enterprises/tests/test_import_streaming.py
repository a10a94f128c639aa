"""Large imports are read in slices and written in blocks: the results are the same as
reading and writing all at once (row numbers, values, errors, counts, all or nothing)."""

import random
import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest
import xlsxwriter
from django.db import connection
from django.utils import translation

from apps.audit.models import AuditEvent
from apps.core.demo import make_uscc
from apps.enterprises.imports import files, ledger, pipeline, staging
from apps.enterprises.imports.report import ErrorSink
from apps.enterprises.imports.testing import (
    drop_cached_values,
    replace_part,
    template_headers,
    write_csv,
    write_xlsx,
)
from apps.enterprises.models import Enterprise, LedgerEntry
from apps.enterprises.tests.factories import EnterpriseFactory, LedgerEntryFactory, industry

LEDGER = template_headers("ledger")
ROSTER = template_headers("roster")


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def small_slices(monkeypatch):
    """A few rows per slice and per block, so that small files take every seam."""
    monkeypatch.setattr(files, "FIRST_SLICE_BYTES", 600)
    monkeypatch.setattr(files, "SLICE_BYTES", 1500)
    monkeypatch.setattr(files, "PARTS_SHARE", 0)
    monkeypatch.setattr(staging, "MIN_BLOCK_ROWS", 3)
    monkeypatch.setattr(staging, "BLOCK_ROWS", 5)


def run(kind, path, user, apply=True, progress=None):
    sink = ErrorSink()
    outcome = pipeline.run(
        kind=kind, path=path, user=user, sink=sink, apply=apply, name="f", progress=progress
    )
    return outcome, list(sink.all())


def enterprises(street, n):
    return [EnterpriseFactory(street=street) for _ in range(n)]


def ledger_sheet(path, rows, *, first_col=0, title=None):
    """A ledger sheet through xlsxwriter's shared strings, as Excel writes them."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    top = 0
    if title:
        sheet.merge_range(0, first_col, 0, first_col + 4, title)
        top = 1
    sheet.write_row(top, first_col, LEDGER)
    for number, row in enumerate(rows, start=top + 1):
        if row is not None:  # None leaves a blank row
            sheet.write_row(number, first_col, row)
    book.close()
    return path


def test_slices_give_the_rows_of_the_whole_sheet(street_a, district_admin, tmp_path, small_slices):
    ents = enterprises(street_a, 30)
    rows = []
    for i, ent in enumerate(ents):
        rows.append([ent.uscc, 2025, 1, "单季", 100 + i, f"{i}.5", "", 1, i, 1000])
        if i % 7 == 3:
            rows.append(None)
    path = ledger_sheet(tmp_path / "l.xlsx", rows, first_col=2, title="2025年一季度台帐")
    assert len(list(files.SheetSlices(path))) > 4
    outcome, errors = run("ledger", path, district_admin)
    assert outcome.applied, errors
    assert (outcome.rows, outcome.new) == (30, 30)
    stored = {e.enterprise_id: e for e in LedgerEntry.objects.all()}
    for i, ent in enumerate(ents):
        entry = stored[ent.pk]
        assert (entry.revenue, entry.profit, entry.tax, entry.employees) == (
            100 + i,
            Decimal(f"{i}.5"),
            None,
            i,
        )


def test_errors_in_later_slices_carry_their_row_numbers(
    street_a, district_admin, tmp_path, small_slices
):
    ents = enterprises(street_a, 25)
    rows = [[e.uscc, 2025, 2, "", 10, "", "", "", 5, ""] for e in ents]
    rows[20][4] = "约十万"
    rows.insert(12, None)
    path = ledger_sheet(tmp_path / "l.xlsx", rows, first_col=1)
    outcome, errors = run("ledger", path, district_admin)
    # Header in row 1, a blank row 14, so the 21st enterprise is on row 23, column F.
    assert [(e.row, e.column, e.value) for e in errors] == [(23, "营业收入(万元)", "约十万")]
    assert not outcome.applied and not LedgerEntry.objects.exists()


def test_uncached_formula_in_a_later_slice_is_an_error(
    street_a, district_admin, tmp_path, small_slices
):
    ents = enterprises(street_a, 20)
    rows = [[e.uscc, 2025, 1, "", "=10+5"] for e in ents]
    path = write_xlsx(tmp_path / "l.xlsx", LEDGER[:5], rows)
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    # Every formula gets a cached value but the one on row 18.
    sheet = re.sub(rb"<f>10\+5</f><v>0</v>", b"<f>10+5</f><v>15</v>", sheet)
    sheet = sheet.replace(b'<c r="E18"><f>10+5</f><v>15</v></c>', b'<c r="E18"><f>10+5</f></c>')
    replace_part(path, "xl/worksheets/sheet1.xml", sheet)
    _outcome, errors = run("ledger", path, district_admin)
    assert [(e.row, e.column) for e in errors] == [(18, "营业收入(万元)")]
    assert "公式" in errors[0].reason and not LedgerEntry.objects.exists()


def test_empty_cell_before_an_uncached_formula_keeps_the_right_column(
    street_a, district_admin, tmp_path
):
    ent = EnterpriseFactory(street=street_a)
    path = write_xlsx(tmp_path / "l.xlsx", LEDGER[:6], [[ent.uscc, 2025, 1, "", "", "=1+1"]])
    drop_cached_values(path)
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    # An empty cell written self-closed, as some programs do, just before the formula.
    sheet = re.sub(rb'(<c r="F2")', rb'<c r="E2" s="0"/>\1', sheet)
    replace_part(path, "xl/worksheets/sheet1.xml", sheet)
    _outcome, errors = run("ledger", path, district_admin)
    assert [(e.row, e.column) for e in errors] == [(2, "利润总额(万元)")]


@pytest.mark.parametrize("markup", [b"<!-- </row> -->", b"<?note </row>?>"])
def test_markup_that_could_hide_a_row_end_keeps_one_piece(
    street_a, district_admin, tmp_path, small_slices, markup
):
    ents = enterprises(street_a, 12)
    rows = [[e.uscc, 2025, 3, "", 7] for e in ents]
    path = write_xlsx(tmp_path / "l.xlsx", LEDGER[:5], rows)
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    replace_part(
        path, "xl/worksheets/sheet1.xml", sheet.replace(b'<row r="3"', markup + b'<row r="3"')
    )
    assert len(list(files.SheetSlices(path))) == 1
    outcome, errors = run("ledger", path, district_admin, apply=False)
    assert outcome.ok and outcome.rows == 12 and outcome.new == 12, errors


def test_roster_in_slices_with_dates_and_shared_strings(
    street_a, district_admin, tmp_path, small_slices
):
    industry("6513")
    rng = random.Random(5)
    rows = [
        [make_uscc(rng), f"北京切片{i}号有限公司", "建外", "6513", "私营企业", date(2020, 1, i + 1)]
        for i in range(20)
    ]
    path = write_xlsx(tmp_path / "r.xlsx", [*ROSTER[:5], "成立日期"], rows)
    outcome, errors = run("roster", path, district_admin)
    assert outcome.applied and outcome.new == 20, errors
    assert Enterprise.objects.get(name="北京切片19号有限公司").established == date(2020, 1, 20)


# --- blocks written while the file is read (PostgreSQL) and progress ------------------


def test_progress_between_blocks_can_use_the_database(
    street_a, district_admin, tmp_path, small_slices
):
    ents = enterprises(street_a, 23)
    rows = [[e.uscc, 2024, 4, "", 1] for e in ents]
    seen = []

    def progress(count):
        # A progress update is a query on the import's own connection (jobs.py): it must
        # not meet a COPY or a statement still running there.
        seen.append((count, Enterprise.objects.count()))

    for apply, path in ((False, "p.csv"), (True, "a.csv")):
        seen.clear()
        outcome, errors = run(
            "ledger", write_csv(tmp_path / path, LEDGER[:5], rows), district_admin, apply, progress
        )
        assert outcome.ok, errors
        counts = [count for count, _n in seen]
        assert len(counts) >= 4 and counts == sorted(counts) and counts[-1] == 23
    assert LedgerEntry.objects.count() == 23


def test_blocks_count_new_changed_and_unchanged(street_a, district_admin, tmp_path, small_slices):
    ents = enterprises(street_a, 12)
    # Stored: 2024 Q4 of the first 8 (the last 4 of them as in the file); 2025 Q1 is new.
    for i, ent in enumerate(ents[:8]):
        LedgerEntryFactory(enterprise=ent, year=2024, quarter=4, revenue=10 if i >= 4 else 1)
    rows = [[e.uscc, 2024, 4, "", 10] for e in ents] + [[e.uscc, 2025, 1, "", 3] for e in ents]
    outcome, errors = run("ledger", write_csv(tmp_path / "l.csv", LEDGER[:5], rows), district_admin)
    assert outcome.applied, errors
    assert (outcome.new, outcome.changed, outcome.unchanged) == (4 + 12, 4, 4)
    assert LedgerEntry.objects.filter(year=2024, quarter=4, revenue=10).count() == 12
    assert outcome.size_refresh_queued == 12
    assert AuditEvent.objects.get(action="ledger.import").changes == {
        "new": [0, 16],
        "changed": [0, 4],
    }


def test_cumulative_rows_with_blocks(street_a, district_admin, tmp_path, small_slices):
    ents = enterprises(street_a, 6)
    rows = [[e.uscc, 2025, 1, "", 100] for e in ents] + [
        [e.uscc, 2025, 2, "累计", 250] for e in ents
    ]
    outcome, errors = run("ledger", write_csv(tmp_path / "l.csv", LEDGER[:5], rows), district_admin)
    assert outcome.applied and outcome.new == 12, errors
    assert set(LedgerEntry.objects.filter(quarter=2).values_list("revenue", flat=True)) == {150}


@pytest.mark.parametrize("problem", ["duplicate", "bad row"])
def test_a_problem_in_a_late_block_leaves_nothing(
    street_a, district_admin, tmp_path, small_slices, problem
):
    ents = enterprises(street_a, 20)
    rows = [[e.uscc, 2025, 1, "", 5] for e in ents]
    if problem == "duplicate":
        rows.append([ents[2].uscc, 2025, 1, "", 6])
    else:
        rows.append([ents[2].uscc, 2025, 9, "", 6])
    outcome, errors = run("ledger", write_csv(tmp_path / "l.csv", LEDGER[:5], rows), district_admin)
    assert not outcome.applied and errors
    if problem == "duplicate":
        assert sorted(e.row for e in errors) == [4, 22]
    assert not LedgerEntry.objects.exists()
    assert not AuditEvent.objects.filter(action="ledger.import").exists()


def test_a_failure_between_blocks_leaves_nothing(
    street_a, district_admin, tmp_path, small_slices, monkeypatch
):
    ents = enterprises(street_a, 20)
    rows = [[e.uscc, 2025, 1, "", 5] for e in ents]
    calls = []
    absorb = ledger.LiveWriter.absorb

    def failing(self, results):
        calls.append(results)
        if len(calls) == 2:
            raise RuntimeError("killed")
        absorb(self, results)

    monkeypatch.setattr(ledger.LiveWriter, "absorb", failing)
    path = write_csv(tmp_path / "l.csv", LEDGER[:5], rows)
    if connection.vendor != "postgresql":
        pytest.skip("blocks are written while reading on PostgreSQL only")
    with pytest.raises(RuntimeError):
        run("ledger", path, district_admin)
    assert not LedgerEntry.objects.exists()


def test_the_switch_interval_is_short_only_while_a_sheet_is_read(
    street_a, district_admin, tmp_path, small_slices
):
    import sys

    from apps.enterprises.imports import readers

    before = sys.getswitchinterval()
    ents = enterprises(street_a, 2)
    # Past the header search's 30 rows and over several slices: read while iterated.
    rows = [[ents[n % 2].uscc, 2025, 1, "", 1.5] for n in range(100)]
    path = ledger_sheet(tmp_path / "l.xlsx", rows)
    table = readers.open_table(path, files.XLSX, ledger.LEDGER)
    short = pytest.approx(readers.READING_SWITCH_INTERVAL)  # kept in microseconds
    seen = [sys.getswitchinterval() for _first, _rows in table.blocks]
    assert len(seen) > 1 and all(value == short for value in seen)
    assert sys.getswitchinterval() == before
    # Readings left part-way (an error while importing drops the table) and overlapping:
    # the interval is restored when the last of them ends.
    outer = readers.open_table(path, files.XLSX, ledger.LEDGER)
    next(outer.blocks)
    inner = readers.open_table(path, files.XLSX, ledger.LEDGER)
    next(inner.blocks)
    del outer
    assert sys.getswitchinterval() == short
    del inner
    assert sys.getswitchinterval() == before
