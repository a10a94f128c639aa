"""Applying imports: idempotent, all-or-nothing, 累计 → 单季, scope, one audit event."""

import random
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import translation

from apps.audit.models import AuditEvent
from apps.core.demo import make_uscc
from apps.enterprises.imports import apply as applying
from apps.enterprises.imports import pipeline
from apps.enterprises.imports.report import ErrorSink
from apps.enterprises.imports.testing import template_headers, write_csv, write_xlsx
from apps.enterprises.models import Enterprise, LedgerEntry
from apps.enterprises.tests.factories import EnterpriseFactory, LedgerEntryFactory, industry
from apps.registry.models import DictionaryItem

ROSTER = template_headers("roster")
LEDGER = template_headers("ledger")


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def reference(street_a, street_b):
    industry("6513")
    industry("5211", "百货零售", "F")
    DictionaryItem.objects.create(kind="enterprise_tag", code="zjtx", label="专精特新")
    return street_a


def run(kind, path, user, apply=True):
    sink = ErrorSink()
    outcome = pipeline.run(kind=kind, path=path, user=user, sink=sink, apply=apply, name="f.xlsx")
    return outcome, list(sink.all())


def roster_rows(n, seed=3):
    rng = random.Random(seed)
    return [
        [
            make_uscc(rng),
            f"北京测试{i}号科技有限公司",
            "建外",
            "6513",
            "私营企业",
            f"2020-01-0{i % 9 + 1}",
            "1,000",
            "张三",
            "建国路1号",
            "010-65000000",
            "专精特新",
        ]
        for i in range(n)
    ]


def test_roster_import_twice_changes_nothing_the_second_time(reference, district_admin, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", ROSTER, roster_rows(5))
    first, errors = run("roster", path, district_admin)
    assert first.ok, errors
    assert (first.new, first.changed, first.unchanged) == (5, 0, 0)
    stamp = list(Enterprise.objects.order_by("pk").values_list("version", "updated_at"))
    second, _e = run("roster", path, district_admin)
    assert (second.new, second.changed, second.unchanged) == (0, 0, 5)
    assert list(Enterprise.objects.order_by("pk").values_list("version", "updated_at")) == stamp
    events = list(AuditEvent.objects.filter(action="enterprise.import").order_by("pk"))
    assert len(events) == 2 and events[0].changes == {"new": [0, 5]} and events[1].changes == {}
    ent = Enterprise.objects.get(name="北京测试0号科技有限公司")
    assert ent.section == "I" and ent.division == "65" and ent.name_initials.startswith("bjcs")
    assert list(ent.tags.values_list("label", flat=True)) == ["专精特新"]
    assert ent.registered_capital == 1000


def test_roster_change_is_counted_and_keeps_former_name(reference, district_admin, tmp_path):
    ent = EnterpriseFactory(street=reference, name="北京旧名有限公司")
    path = write_csv(
        tmp_path / "r.csv", ROSTER[:4], [[ent.uscc, "北京新名有限公司", "建外", "5211"]]
    )
    outcome, errors = run("roster", path, district_admin)
    assert (outcome.new, outcome.changed, outcome.unchanged) == (0, 1, 0), errors
    ent.refresh_from_db()
    assert ent.name == "北京新名有限公司" and "北京旧名有限公司" in ent.former_names
    assert ent.section == "F" and ent.version == 2


def test_division_code_is_stored_as_the_division(reference, district_admin, tmp_path):
    path = write_csv(
        tmp_path / "r.csv", ROSTER[:4], [[roster_rows(1)[0][0], "北京甲公司", "建外", "65"]]
    )
    outcome, errors = run("roster", path, district_admin)
    assert outcome.ok, errors
    ent = Enterprise.objects.get()
    assert ent.industry.code == "65" and ent.division == "65" and ent.section == "I"


def test_ledger_import_twice_changes_nothing(reference, district_admin, tmp_path):
    ents = [EnterpriseFactory(street=reference) for _ in range(3)]
    rows = [
        [e.uscc, 2025, q, "单季", "100.5", "10", "5", "1", "20", "500"]
        for e in ents
        for q in (1, 2)
    ]
    path = write_csv(tmp_path / "l.csv", LEDGER, rows)
    first, errors = run("ledger", path, district_admin)
    assert (first.new, first.changed, first.unchanged) == (6, 0, 0), errors
    stamps = list(LedgerEntry.objects.order_by("pk").values_list("updated_at", flat=True))
    second, _e = run("ledger", path, district_admin)
    assert (second.new, second.changed, second.unchanged) == (0, 0, 6)
    assert list(LedgerEntry.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps
    assert AuditEvent.objects.filter(action="ledger.import").order_by("-pk")[0].changes == {}


def test_ledger_change_counts_and_empty_cell_keeps_value(reference, district_admin, tmp_path):
    ent = EnterpriseFactory(street=reference)
    LedgerEntryFactory(enterprise=ent, year=2025, quarter=1, revenue=100, tax=5)
    path = write_csv(tmp_path / "l.csv", LEDGER[:7], [[ent.uscc, 2025, 1, "", "120", "", ""]])
    outcome, errors = run("ledger", path, district_admin)
    assert (outcome.new, outcome.changed, outcome.unchanged) == (0, 1, 0), errors
    entry = LedgerEntry.objects.get()
    assert entry.revenue == 120 and entry.tax == 5


def test_cumulative_rows_become_single_quarters(reference, district_admin, tmp_path):
    ent = EnterpriseFactory(street=reference)
    LedgerEntryFactory(enterprise=ent, year=2025, quarter=1, revenue=100, tax=5, employees=10)
    rows = [
        [ent.uscc, 2025, 2, "累计", "250", "", "12", "", "30", "900"],
        [ent.uscc, 2025, 3, "累计", "400.10", "", "20", "", "31", "950"],
    ]
    outcome, errors = run("ledger", write_csv(tmp_path / "l.csv", LEDGER, rows), district_admin)
    assert outcome.ok, errors
    q = {e.quarter: e for e in LedgerEntry.objects.all()}
    assert (q[2].revenue, q[2].tax, q[2].employees, q[2].total_assets) == (150, 7, 30, 900)
    assert (q[3].revenue, q[3].tax, q[3].employees) == (Decimal("150.10"), 8, 31)


def test_cumulative_without_earlier_quarter_is_a_row_error(reference, district_admin, tmp_path):
    ent = EnterpriseFactory(street=reference)
    rows = [
        [ent.uscc, 2025, 3, "累计", "400", "", "", "", "", ""],
        [ent.uscc, 2025, 1, "单季", "100", "", "", "", "", ""],
    ]
    _outcome, errors = run("ledger", write_csv(tmp_path / "l.csv", LEDGER, rows), district_admin)
    assert [e.row for e in errors] == [2] and "Q2" in errors[0].reason
    assert not LedgerEntry.objects.exists()


def test_error_at_the_last_row_writes_nothing(reference, district_admin, tmp_path):
    rows = roster_rows(50)
    rows[-1][3] = "0000"
    _outcome, errors = run("roster", write_xlsx(tmp_path / "r.xlsx", ROSTER, rows), district_admin)
    assert [e.row for e in errors] == [51]
    assert (
        not Enterprise.objects.exists()
        and not AuditEvent.objects.filter(action="enterprise.import").exists()
    )


@pytest.mark.parametrize("kind", ["roster", "ledger"])
def test_crash_mid_apply_leaves_no_partial_rows(
    reference, district_admin, tmp_path, monkeypatch, kind
):
    if kind == "roster":
        path = write_xlsx(tmp_path / "r.xlsx", ROSTER, roster_rows(30))
    else:
        ents = [EnterpriseFactory(street=reference) for _ in range(5)]
        path = write_csv(tmp_path / "l.csv", LEDGER[:5], [[e.uscc, 2025, 1, "", 1] for e in ents])

    def crash(*args, **kwargs):
        raise RuntimeError("killed")

    # The last step inside the import's transaction.
    monkeypatch.setattr(applying, "audit_import", crash)
    before = Enterprise.objects.count()
    with pytest.raises(RuntimeError):
        run(kind, path, district_admin)
    assert Enterprise.objects.count() == before and not LedgerEntry.objects.exists()
    assert not AuditEvent.objects.filter(action__endswith=".import").exists()


def test_street_officer_imports_only_their_street(reference, street_a_clerk, street_b, tmp_path):
    other = EnterpriseFactory(street=street_b)
    rows = roster_rows(2)
    rows[1][2] = "朝外"
    rows.append([other.uscc, "北京改名有限公司", "建外", "6513", "", "", "", "", "", "", ""])
    _outcome, errors = run("roster", write_xlsx(tmp_path / "r.xlsx", ROSTER, rows), street_a_clerk)
    assert [(e.row, e.column) for e in errors] == [(3, "所属街乡*"), (4, "统一社会信用代码*")]
    assert all("数据范围" in e.reason for e in errors)
    assert Enterprise.objects.count() == 1


def test_street_officer_ledger_only_for_enterprises_in_scope(
    reference, street_a_clerk, street_b, tmp_path
):
    mine = EnterpriseFactory(street=reference)
    other = EnterpriseFactory(street=street_b)
    rows = [[mine.uscc, 2025, 1, "", 1], [other.uscc, 2025, 1, "", 1]]
    _outcome, errors = run(
        "ledger", write_csv(tmp_path / "l.csv", LEDGER[:5], rows), street_a_clerk
    )
    assert [e.row for e in errors] == [3] and "数据范围" in errors[0].reason
    assert not LedgerEntry.objects.exists()


def test_random_cells_give_row_errors_or_valid_rows_never_exceptions(
    reference, district_admin, tmp_path
):
    """A plain fuzz test (hypothesis is not installed): random cells, fixed seeds."""
    ent = EnterpriseFactory(street=reference)
    alphabet = [
        "",
        " ",
        "０",
        "1",
        "-",
        ".",
        ",",
        "e",
        "年",
        "累计",
        "=",
        "\t",
        "𠀀",
        "\u3000",
        "9" * 20,
        "NaN",
        "inf",
        "2024/13/45",
        "Q5",
        "\x7f",
        "'",
        '"',
        "1,2,3",
        "1e400",
    ]
    for seed in range(40):
        rng = random.Random(seed)

        def cell(rng=rng):
            choice = rng.random()
            if choice < 0.3:
                return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 4)))
            if choice < 0.5:
                return rng.uniform(-1e16, 1e16)
            if choice < 0.6:
                return rng.randint(-10, 3000)
            return str(rng.randint(0, 10**6) / 100)

        ledger_rows = [
            [rng.choice([ent.uscc, cell()]), *(cell() for _ in range(9))] for _ in range(20)
        ]
        roster = [[cell() for _ in range(11)] for _ in range(10)]
        for kind, header, rows in (("ledger", LEDGER, ledger_rows), ("roster", ROSTER, roster)):
            for writer, suffix in ((write_xlsx, "xlsx"), (write_csv, "csv")):
                data = [[str(v) if writer is write_csv else v for v in r] for r in rows]
                if writer is write_xlsx:
                    data = [
                        [
                            v if not (isinstance(v, str) and v.startswith("=")) else "x" + v
                            for v in r
                        ]
                        for r in data
                    ]
                path = writer(tmp_path / f"{kind}{seed}.{suffix}", header, data)
                outcome, errors = run(kind, path, district_admin, apply=False)
                assert outcome.rows == len(rows)
                assert all(e.reason for e in errors)


def test_xlsx_and_csv_of_the_same_ledger_store_the_same_figures(
    reference, district_admin, tmp_path
):
    """An xlsx's numbers arrive as floats and are staged as whole cents (binary COPY on
    PostgreSQL), a csv's as text: both must store the very same decimals, 累计 included.
    The csv of the same rows, imported after the xlsx, must then change nothing."""
    ents = [EnterpriseFactory(street=reference) for _ in range(3)]
    largest = "99999999999999.99" if connection.vendor == "postgresql" else "9999999999999.99"
    rows = [
        [ents[0].uscc, 2025, 1, "单季", 0.1, -0.01, 0.07, "", 12.0, 1234567.89],
        [ents[0].uscc, 2025, 2, "累计", 0.3, 1.0, 0.1, "", 15.0, 99.99],
        [ents[0].uscc, 2025, 3, "累计", 10.05, 1.1, 0.2, "", 16.0, 99.99],
        # Text cells in the xlsx (the careful check): the largest amount numeric(16,2)
        # holds (SQLite keeps decimals as floats: 15 digits there), full-width digits and
        # a thousands separator.
        [ents[1].uscc, 2025, 1, "", largest, "１００", "1,234.5", "", "7", ""],
        [ents[2].uscc, 2025, 4, "单季", 9999999999999.99, 0.0, "", "", "", 0.01],
    ]
    xlsx = write_xlsx(tmp_path / "l.xlsx", LEDGER, rows)
    first, errors = run("ledger", xlsx, district_admin)
    assert (first.new, first.changed, first.unchanged) == (5, 0, 0), errors
    stored = {
        (e.enterprise_id, e.quarter): (
            e.revenue,
            e.profit,
            e.tax,
            e.rd_expense,
            e.employees,
            e.total_assets,
        )
        for e in LedgerEntry.objects.all()
    }
    D = Decimal
    assert stored[(ents[0].pk, 1)] == (D("0.10"), D("-0.01"), D("0.07"), None, 12, D("1234567.89"))
    # 累计 0.3 − 0.1 and 10.05 − 0.3; profit 1.0 − (−0.01) and 1.1 − 1.0; employees as given.
    assert stored[(ents[0].pk, 2)] == (D("0.20"), D("1.01"), D("0.03"), None, 15, D("99.99"))
    assert stored[(ents[0].pk, 3)][:3] == (D("9.75"), D("0.10"), D("0.10"))
    assert stored[(ents[1].pk, 1)] == (
        D(largest),
        D("100.00"),
        D("1234.50"),
        None,
        7,
        None,
    )
    assert stored[(ents[2].pk, 4)] == (
        D("9999999999999.99"),
        D("0.00"),
        None,
        None,
        None,
        D("0.01"),
    )

    as_text = [[v if isinstance(v, str) else repr(v) for v in row] for row in rows]
    second, errors = run("ledger", write_csv(tmp_path / "l.csv", LEDGER, as_text), district_admin)
    assert (second.new, second.changed, second.unchanged) == (0, 0, 5), errors
