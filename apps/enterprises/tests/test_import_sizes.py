"""Size classes after an import: refreshed once the import commits, only where rows changed;
and the one rule for "the latest four quarters" shared by imports and services."""

from decimal import Decimal

import pytest
from django_tasks.signals import task_enqueued

from apps.enterprises import services, sizing
from apps.enterprises.imports import pipeline, sizes
from apps.enterprises.imports.report import ErrorSink
from apps.enterprises.imports.testing import template_headers, write_csv, write_xlsx
from apps.enterprises.models import Enterprise, SizeClass
from apps.enterprises.tests.factories import EnterpriseFactory, LedgerEntryFactory
from apps.registry.loaders import load_size_thresholds

LEDGER = template_headers("ledger")


@pytest.fixture(autouse=True)
def thresholds(db):
    load_size_thresholds()
    sizing.clear_caches()
    yield
    sizing.clear_caches()


@pytest.fixture
def enqueued():
    """The size-class refresh tasks enqueued while the test runs."""
    seen = []

    def record(sender, task_result, **kwargs):
        if task_result.task.name == "size_class_refresh":
            seen.append(task_result.args)

    task_enqueued.connect(record)
    yield seen
    task_enqueued.disconnect(record)


def run(path, user):
    sink = ErrorSink()
    outcome = pipeline.run(kind="ledger", path=path, user=user, sink=sink, apply=True)
    assert outcome.ok, list(sink.all())
    return outcome


def year_rows(ent, revenue, employees, assets="900"):
    return [
        [ent.uscc, 2025, q, "单季", revenue, "", "", "", employees, assets] for q in (1, 2, 3, 4)
    ]


def test_size_class_is_right_once_the_import_has_committed(
    street_a, district_admin, tmp_path, enqueued, django_capture_on_commit_callbacks
):
    # 软件和信息技术服务业: medium needs ≥ 100 people and ≥ 1000 万元 a year; small ≥ 10 and 50.
    medium, small, untouched = (EnterpriseFactory(street=street_a) for _ in range(3))
    rows = year_rows(medium, "300", 120) + year_rows(small, "20", 15)
    path = write_csv(tmp_path / "l.csv", LEDGER, rows)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outcome = run(path, district_admin)
    # Inside the import's transaction nothing was classified yet: it is work for afterwards.
    assert Enterprise.objects.get(pk=medium.pk).size_class == SizeClass.UNKNOWN
    # Two things wait for the commit: the size refresh, then the ledger hooks (insights).
    assert outcome.size_refresh_queued == 2 and len(callbacks) == 2
    callbacks[0]()  # the commit happened: the task is enqueued (run at once by the test backend)
    assert len(enqueued) == 1
    classes = dict(Enterprise.objects.values_list("pk", "size_class"))
    assert classes[medium.pk] == SizeClass.MEDIUM
    assert classes[small.pk] == SizeClass.SMALL
    assert classes[untouched.pk] == SizeClass.UNKNOWN
    assert services.latest_figures(medium) == sizing.Figures(Decimal(1200), 120, Decimal(900))


def test_reimporting_the_same_file_enqueues_no_refresh(
    street_a, district_admin, tmp_path, enqueued, django_capture_on_commit_callbacks
):
    ent = EnterpriseFactory(street=street_a)
    path = write_xlsx(tmp_path / "l.xlsx", LEDGER, year_rows(ent, 300.0, 120))
    with django_capture_on_commit_callbacks(execute=True):
        run(path, district_admin)
    assert len(enqueued) == 1
    assert Enterprise.objects.get(pk=ent.pk).size_class == SizeClass.MEDIUM
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = run(path, district_admin)
    assert (second.new, second.changed, second.unchanged) == (0, 0, 4)
    assert second.size_refresh_queued == 0 and callbacks == [] and len(enqueued) == 1


def test_a_changed_quarter_refreshes_only_its_enterprise(
    street_a, district_admin, tmp_path, enqueued, django_capture_on_commit_callbacks
):
    grows, stays = (EnterpriseFactory(street=street_a) for _ in range(2))
    with django_capture_on_commit_callbacks(execute=True):
        run(
            write_csv(
                tmp_path / "a.csv", LEDGER, year_rows(grows, "20", 15) + year_rows(stays, "20", 15)
            ),
            district_admin,
        )
    rows = year_rows(grows, "20", 15) + year_rows(stays, "20", 15)
    rows[3] = [grows.uscc, 2025, 4, "单季", "1000", "", "", "", 150, "900"]
    with django_capture_on_commit_callbacks(execute=True):
        outcome = run(write_csv(tmp_path / "b.csv", LEDGER, rows), district_admin)
    assert outcome.changed == 1 and outcome.size_refresh_queued == 1
    assert enqueued[-1] == [[[grows.pk, grows.pk]]]
    # 20 + 20 + 20 + 1000 = 1060 万元 and 150 people: medium.
    assert Enterprise.objects.get(pk=grows.pk).size_class == SizeClass.MEDIUM
    assert Enterprise.objects.get(pk=stays.pk).size_class == SizeClass.SMALL


def test_a_failed_import_enqueues_nothing(
    street_a, district_admin, tmp_path, enqueued, django_capture_on_commit_callbacks
):
    ent = EnterpriseFactory(street=street_a)
    rows = [*year_rows(ent, "300", 120), ["91110105MA0000000Y", 2025, 1, "", "1", "", "", "", 1, 1]]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outcome = pipeline.run(
            kind="ledger",
            path=write_csv(tmp_path / "l.csv", LEDGER, rows),
            user=district_admin,
            sink=ErrorSink(),
            apply=True,
        )
    assert not outcome.applied and callbacks == [] and enqueued == []


def test_refresh_is_a_no_op_when_run_again(street_a):
    ent = EnterpriseFactory(street=street_a)
    for quarter in (1, 2, 3, 4):
        LedgerEntryFactory(enterprise=ent, year=2025, quarter=quarter, revenue=300, employees=120)
    assert sizes.refresh([ent.pk]) == 1
    assert Enterprise.objects.get(pk=ent.pk).size_class == SizeClass.MEDIUM
    assert sizes.refresh([ent.pk]) == 0


def test_id_ranges_round_trip():
    assert sizes.pack([7, 1, 2, 3, 3, 9, 8]) == [[1, 3], [7, 9]]
    assert sizes.unpack(sizes.pack([5, 1, 2, 40])) == [1, 2, 5, 40]
    assert sizes.pack([]) == []


def q(year, quarter, revenue="100", employees=10, assets="500"):
    return (year, quarter, None if revenue is None else Decimal(revenue), employees, assets)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([], sizing.Figures(None, None, None)),
        # Four consecutive quarters: revenue is their sum; period-end values of the latest.
        (
            [q(2025, 2, employees=12), q(2025, 1), q(2024, 4), q(2024, 3, assets="1")],
            sizing.Figures(Decimal(400), 12, Decimal(500)),
        ),
        # A gap (2024 Q4 missing): no annual revenue, never guessed.
        (
            [q(2025, 2), q(2025, 1), q(2024, 3), q(2024, 2)],
            sizing.Figures(None, 10, Decimal(500)),
        ),
        # Fewer than four quarters, or one without revenue: none either.
        ([q(2025, 1), q(2024, 4), q(2024, 3)], sizing.Figures(None, 10, Decimal(500))),
        (
            [q(2025, 1), q(2024, 4, revenue=None), q(2024, 3), q(2024, 2)],
            sizing.Figures(None, 10, Decimal(500)),
        ),
        # Only the latest four count; SQLite's floats are read as their decimal text.
        (
            [
                (2025, 4, 0.1, 3, 0.3),
                (2025, 3, 0.2, 3, 1),
                (2025, 2, 0.3, 3, 1),
                (2025, 1, 0.4, 3, 1),
                (2024, 4, 99, 3, 1),
            ],
            sizing.Figures(Decimal("1.0"), 3, Decimal("0.3")),
        ),
    ],
)
def test_figures_from_rows(rows, expected):
    assert sizing.figures_from_rows(rows) == expected


def test_services_and_import_read_the_same_figures(street_a):
    ent = EnterpriseFactory(street=street_a)
    for year, quarter, revenue in [(2024, 3, 5), (2024, 4, 7), (2025, 1, 11), (2025, 2, 13)]:
        LedgerEntryFactory(enterprise=ent, year=year, quarter=quarter, revenue=revenue)
    assert services.latest_figures(ent) == sizing.Figures(Decimal(36), 20, Decimal(500))


def test_imported_rows_are_flagged_once_the_import_has_committed(
    street_a, district_admin, tmp_path, django_capture_on_commit_callbacks
):
    from apps.enterprises.models import LedgerFlag, QualityRule

    ent = EnterpriseFactory(street=street_a)
    rows = [[ent.uscc, 2025, 1, "单季", "100", "", "250", "", 12, "900"]]  # 纳税 above 营业收入
    path = write_csv(tmp_path / "l.csv", LEDGER, rows)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run(path, district_admin)
    assert not LedgerFlag.objects.exists()  # nothing inside the import's transaction
    callbacks[0]()  # committed: the follow-up task runs (at once with the test backend)
    flag = LedgerFlag.objects.get()
    assert flag.entry.enterprise_id == ent.pk and flag.rule == QualityRule.TAX_ABOVE_REVENUE
