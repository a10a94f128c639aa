"""Data-quality rules (issue 3 §8): each rule flags what it should and nothing else."""

import random
from decimal import Decimal

import pytest

from apps.core.demo import make_uscc
from apps.enterprises import quality
from apps.enterprises.models import LedgerEntry, LedgerFlag, QualityRule
from apps.enterprises.tests.factories import EnterpriseFactory, LedgerEntryFactory

pytestmark = pytest.mark.django_db

R = QualityRule


@pytest.fixture(autouse=True)
def _factor(settings):
    settings.QUALITY_CHANGE_FACTOR = 5
    settings.QUALITY_MIN_BASE = 10


def entry(enterprise=None, year=2025, quarter=1, **figures) -> LedgerEntry:
    enterprise = enterprise or EnterpriseFactory()
    return LedgerEntryFactory(enterprise=enterprise, year=year, quarter=quarter, **figures)


def rules_on(row: LedgerEntry) -> set[str]:
    return set(LedgerFlag.objects.filter(entry=row).values_list("rule", flat=True))


def check(*rows: LedgerEntry) -> None:
    quality.quality_check(rows)


def test_a_clean_row_gets_no_flag():
    row = entry(revenue=100, tax=5, employees=20)
    check(row)
    assert rules_on(row) == set()


@pytest.mark.parametrize(
    ("revenue", "tax", "flagged"),
    [(100, 150, True), (100, 100, False), (100, 5, False), (-5, 0, False), (None, 3, False)],
)
def test_tax_above_revenue(revenue, tax, flagged):
    row = entry(revenue=revenue, tax=tax)
    check(row)
    assert (R.TAX_ABOVE_REVENUE in rules_on(row)) is flagged


@pytest.mark.parametrize(
    ("before", "after", "flagged"),
    [
        (100, 600, True),  # more than 5 times
        (100, 500, False),  # exactly 5 times is within the limit
        (100, 19, True),  # below a fifth
        (100, 20, False),
        (100, 0, True),  # a quarter that fell to nothing
        (5, 500, False),  # a base under 10 万元 says nothing
        (None, 500, False),
    ],
)
def test_quarter_on_quarter_change(before, after, flagged):
    enterprise = EnterpriseFactory()
    entry(enterprise, 2024, 4, revenue=before)
    later = entry(enterprise, 2025, 1, revenue=after, tax=0)
    quality.quality_check_enterprises([enterprise.pk])
    assert (R.QOQ_JUMP in rules_on(later)) is flagged
    assert R.YOY_JUMP not in rules_on(later)  # no 2024Q1 row to compare with


@pytest.mark.parametrize(
    ("before", "after", "flagged"), [(100, 700, True), (100, 300, False), (200, 30, True)]
)
def test_year_on_year_change(before, after, flagged):
    enterprise = EnterpriseFactory()
    entry(enterprise, 2024, 2, revenue=before)
    later = entry(enterprise, 2025, 2, revenue=after, tax=0)
    quality.quality_check_enterprises([enterprise.pk])
    assert (R.YOY_JUMP in rules_on(later)) is flagged
    assert R.QOQ_JUMP not in rules_on(later)  # 2025Q1 is missing


@pytest.mark.parametrize(
    ("employees", "revenue", "flagged"),
    [(0, 100, True), (0, 0, False), (None, 100, False), (3, 100, False)],
)
def test_revenue_with_no_employees(employees, revenue, flagged):
    row = entry(employees=employees, revenue=revenue, tax=0)
    check(row)
    assert (R.NO_EMPLOYEES in rules_on(row)) is flagged


@pytest.mark.parametrize(("revenue", "flagged"), [(Decimal("-0.01"), True), (0, False)])
def test_negative_revenue(revenue, flagged):
    row = entry(revenue=revenue, tax=0)
    check(row)
    assert (R.NEGATIVE_REVENUE in rules_on(row)) is flagged


def test_a_credit_code_from_outside_beijing_is_flagged_once_on_the_latest_row():
    hebei = EnterpriseFactory(uscc=make_uscc(random.Random(1), division="130105"))
    older = entry(hebei, 2024, 4)
    latest = entry(hebei, 2025, 1)
    beijing_row = entry(EnterpriseFactory(uscc=make_uscc(random.Random(2))))
    quality.quality_check_enterprises([hebei.pk, beijing_row.enterprise_id])
    assert rules_on(latest) == {R.NOT_BEIJING}
    assert rules_on(older) == set()
    assert rules_on(beijing_row) == set()
    assert LedgerFlag.objects.get(entry=latest).detail == "13"

    # A new quarter moves the open flag to it.
    newest = entry(hebei, 2025, 2)
    check(newest)
    assert rules_on(newest) == {R.NOT_BEIJING}
    assert rules_on(latest) == set()


def test_a_confirmed_region_flag_is_not_raised_again_next_quarter(district_admin):
    hebei = EnterpriseFactory(uscc=make_uscc(random.Random(3), division="130105"))
    row = entry(hebei, 2025, 1)
    check(row)
    flag = LedgerFlag.objects.get(entry=row)
    quality.ledger_flag_confirm(actor=district_admin, flag=flag, reason="迁入本区，代码未换")
    newest = entry(hebei, 2025, 2)
    check(newest)
    assert rules_on(newest) == set()
    assert LedgerFlag.objects.get(pk=flag.pk).confirmed


def test_checking_twice_changes_nothing():
    row = entry(revenue=-1, tax=3, employees=0)
    check(row)
    first = sorted(LedgerFlag.objects.values_list("pk", "entry_id", "rule", "detail"))
    result = quality.quality_check([row])
    assert result.created == result.cleared == result.reopened == 0
    assert sorted(LedgerFlag.objects.values_list("pk", "entry_id", "rule", "detail")) == first
    assert {r for _pk, _e, r, _d in first} == {R.TAX_ABOVE_REVENUE, R.NEGATIVE_REVENUE}


def test_a_corrected_row_loses_its_open_flag_but_keeps_a_confirmed_one(district_admin):
    wrong = entry(revenue=100, tax=150, employees=0)
    check(wrong)
    confirmed = LedgerFlag.objects.get(entry=wrong, rule=R.NO_EMPLOYEES)
    quality.ledger_flag_confirm(actor=district_admin, flag=confirmed, reason="全部外包，无雇员")
    LedgerEntry.objects.filter(pk=wrong.pk).update(tax=5, employees=3)
    result = quality.quality_check([wrong])
    assert result.cleared == 1
    assert rules_on(wrong) == {R.NO_EMPLOYEES}
    assert LedgerFlag.objects.get(pk=confirmed.pk).confirmed


def test_a_confirmed_flag_opens_again_when_its_figures_change(district_admin):
    row = entry(revenue=100, tax=150)
    check(row)
    flag = LedgerFlag.objects.get(entry=row)
    quality.ledger_flag_confirm(actor=district_admin, flag=flag, reason="一次性补缴")
    LedgerEntry.objects.filter(pk=row.pk).update(tax=900)
    assert quality.quality_check([row]).reopened == 1
    flag.refresh_from_db()
    assert (flag.confirmed, flag.reason, flag.detail) == (False, "", "900.00 > 100.00")


def test_changing_a_quarter_rechecks_the_next_quarter_that_compares_with_it():
    enterprise = EnterpriseFactory()
    q1 = entry(enterprise, 2025, 1, revenue=100)
    q2 = entry(enterprise, 2025, 2, revenue=1000, tax=0)
    check(q1, q2)
    assert R.QOQ_JUMP in rules_on(q2)
    LedgerEntry.objects.filter(pk=q1.pk).update(revenue=900)
    check(q1)  # only the changed row is named
    assert R.QOQ_JUMP not in rules_on(q2)


def test_the_nightly_task_checks_the_whole_ledger():
    from apps.enterprises.schedules import SCHEDULES
    from apps.enterprises.tasks import ledger_quality_check

    rows = [entry(revenue=-1, tax=0) for _ in range(3)]
    result = ledger_quality_check.enqueue()  # the test settings run tasks immediately
    assert result.return_value["created"] == 3
    assert all(rules_on(r) == {R.NEGATIVE_REVENUE} for r in rows)
    assert ledger_quality_check in [s.task for s in SCHEDULES]
