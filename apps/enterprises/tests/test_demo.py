"""Demo data (seed_demo): what a person trying the platform finds in it."""

import io
import random
from collections import Counter, defaultdict
from datetime import date

import pytest
from django.core.management import call_command
from stdnum.cn import uscc as uscc_std

from apps.enterprises import demo, search
from apps.enterprises.models import (
    Enterprise,
    EnterpriseNote,
    LedgerEntry,
    LedgerFlag,
    MemberStatus,
    QualityRule,
    SizeClass,
    Status,
)
from apps.enterprises.selectors import enterprise_search
from apps.enterprises.services import latest_figures
from apps.enterprises.sizing import classify
from apps.registry.loaders import load_all
from apps.registry.models import Street
from conftest import ENTERPRISE_USCC

pytestmark = pytest.mark.django_db

JIANWAI, CHAOWAI = "110105001000", "110105002000"


@pytest.fixture
def reference():
    load_all()


@pytest.fixture
def small(reference):
    return demo.seed(scale="small", rng=random.Random(7))


def ledgers() -> dict[int, list[tuple[int, int]]]:
    by_enterprise = defaultdict(list)
    for pk, year, quarter in LedgerEntry.objects.order_by("year", "quarter").values_list(
        "enterprise_id", "year", "quarter"
    ):
        by_enterprise[pk].append((year, quarter))
    return by_enterprise


def test_periods_are_the_twelve_quarters_before_the_current_one():
    quarters = demo.periods(date(2026, 11, 26))
    assert len(quarters) == 12
    assert quarters[0] == (2023, 4) and quarters[-1] == (2026, 3)
    # Early in a year the last complete quarter is Q4 of the year before.
    assert demo.periods(date(2026, 1, 5))[-1] == (2025, 4)
    assert demo.periods(date(2026, 3, 31))[-1] == (2025, 4)
    assert demo.periods(date(2026, 4, 1))[-1] == (2026, 1)


def test_small_scale_gives_about_300_enterprises_with_valid_unique_credit_codes(small):
    codes = list(Enterprise.objects.values_list("uscc", flat=True))
    assert small["enterprises"] == len(codes) == 300
    assert len(set(codes)) == len(codes)
    assert all(uscc_std.is_valid(code) for code in codes)
    regions = Counter(code[2:4] for code in codes)
    assert regions["11"] > 0.95 * len(codes)
    assert sum(n for region, n in regions.items() if region != "11") >= 2  # for data quality
    names = list(Enterprise.objects.values_list("name", flat=True))
    assert len(set(names)) == len(names)


def test_every_enterprise_has_its_quarters_without_gaps(small):
    quarters = demo.periods()
    by_enterprise = ledgers()
    statuses = dict(Enterprise.objects.values_list("id", "status"))
    assert set(by_enterprise) == set(statuses)
    full = 0
    for pk, rows in by_enterprise.items():
        # Always from the first of the 12 quarters, one row per quarter, no holes.
        assert rows == quarters[: len(rows)], pk
        if statuses[pk] == Status.ACTIVE:
            # An active enterprise may be late with the latest quarter only.
            assert len(rows) >= len(quarters) - 1
        else:
            assert len(rows) >= 4  # deregistered / moved out stop at their exit
        full += len(rows) == len(quarters)
    assert full >= 0.9 * len(by_enterprise)
    assert small["ledger_entries"] == LedgerEntry.objects.count()


def test_every_street_has_enterprises_and_the_persona_streets_have_thirty(small):
    per_street = Counter(Enterprise.objects.values_list("street__code", flat=True))
    assert set(per_street) == set(Street.objects.values_list("code", flat=True))
    assert len(per_street) == 43
    assert per_street[JIANWAI] >= 30 and per_street[CHAOWAI] >= 30


def test_the_mix_looks_like_a_real_district(small):
    qs = Enterprise.objects.all()
    assert qs.values("section").distinct().count() == 18  # A-R; S and T hold no enterprises
    sizes = Counter(qs.values_list("size_class", flat=True))
    assert sizes[SizeClass.UNKNOWN] < 0.2 * qs.count()
    assert len([s for s in sizes if s != SizeClass.UNKNOWN]) >= 3
    assert sizes[SizeClass.MICRO] > sizes[SizeClass.SMALL] > sizes[SizeClass.MEDIUM]
    assert qs.filter(status=Status.DEREGISTERED).exists()
    assert qs.filter(status=Status.MOVED_OUT).exists()
    assert qs.filter(member_status=MemberStatus.MEMBER).count() >= 4
    assert qs.exclude(former_names=[]).exists()
    assert qs.filter(tags__isnull=False).distinct().count() >= 10
    assert EnterpriseNote.objects.exists()
    for field in ("legal_representative", "address", "name_initials", "search_grams"):
        assert not qs.filter(**{field: ""}).exists(), field
    assert all(a.startswith("北京市朝阳区") for a in qs.values_list("address", flat=True))
    for e in qs.only("section", "division", "industry"):
        assert (e.section, e.division) == (e.industry.section, e.industry.code[:2])


def test_figures_are_non_negative_except_the_deliberate_anomalies(small):
    rows = LedgerEntry.objects.all()
    # The only negative revenue is the deliberate 红冲 reversal; tax, R&D and assets
    # are never negative; profit may be a loss.
    negative = rows.filter(revenue__lt=0)
    assert 1 <= negative.count() <= 0.01 * rows.count() + 2
    assert not negative.filter(tax__gt=0).exists()
    for field in ("tax", "rd_expense", "total_assets"):
        assert not rows.filter(**{f"{field}__lt": 0}).exists(), field
    assert rows.filter(profit__lt=0).exists()
    # A few values are missing, as in files from the offices, but not many.
    assert 0 < rows.filter(rd_expense__isnull=True).count() < 0.05 * rows.count()


def test_data_quality_finds_each_kind_of_problem_in_the_persona_streets(small):
    flags = LedgerFlag.objects.filter(entry__enterprise__street__code__in=[JIANWAI, CHAOWAI])
    found = set(flags.values_list("rule", flat=True))
    assert {
        QualityRule.TAX_ABOVE_REVENUE,
        QualityRule.QOQ_JUMP,
        QualityRule.NEGATIVE_REVENUE,
        QualityRule.NO_EMPLOYEES,
        QualityRule.NOT_BEIJING,
    } <= found
    # Most enterprises are clean: the report points at a few, not at everyone.
    flagged = flags.values("entry__enterprise").distinct().count()
    assert flagged < 0.5 * Enterprise.objects.filter(street__code__in=[JIANWAI, CHAOWAI]).count()


def test_searching_a_two_character_word_finds_demo_enterprises(small):
    found = enterprise_search(Enterprise.objects.all(), "科技")
    assert found.count() >= 10
    assert all("科技" in e.name or any("科技" in n for n in e.former_names) for e in found)
    initials = Enterprise.objects.values_list("name_initials", flat=True)[0]
    assert enterprise_search(Enterprise.objects.all(), initials[:5]).exists()


def test_seeding_again_adds_nothing(small):
    before = (Enterprise.objects.count(), LedgerEntry.objects.count())
    assert demo.seed(scale="small", rng=random.Random(7)) == {
        "enterprises": 0,
        "ledger_entries": 0,
    }
    assert (Enterprise.objects.count(), LedgerEntry.objects.count()) == before


def test_district_scale_tops_up_in_chunks_with_every_ledger_on_its_enterprise(
    small, settings, monkeypatch
):
    settings.DEMO_ENTERPRISE_COUNTS = {"small": 300, "district": 777}
    monkeypatch.setattr(demo, "CHUNK", 101)  # several batches, the last one partial
    call_command("seed_demo", scale="district", stdout=io.StringIO())
    assert Enterprise.objects.count() == 777
    by_enterprise = ledgers()
    assert len(by_enterprise) == 777
    # Each enterprise's rows are its own: sizes were computed from the very same figures.
    for e in Enterprise.objects.exclude(size_class=SizeClass.UNKNOWN)[:50]:
        assert e.size_class == classify(e.industry.code, latest_figures(e))
    call_command("seed_demo", scale="district", stdout=io.StringIO())
    assert Enterprise.objects.count() == 777


def test_the_enterprise_persona_gets_its_own_enterprise_in_jianwai(reference, enterprise_user):
    made = demo.ensure_enterprise_for(ENTERPRISE_USCC)
    assert made.street.code == JIANWAI
    assert made.status == Status.ACTIVE and made.member_status == MemberStatus.MEMBER
    assert made.section == "I"
    assert LedgerEntry.objects.filter(enterprise=made).count() == 12
    assert list(Enterprise.objects.in_scope(enterprise_user)) == [made]
    again = demo.ensure_enterprise_for(ENTERPRISE_USCC)
    assert again.pk == made.pk and Enterprise.objects.count() == 1


def test_generator_streams_complete_enterprises(reference):
    quarters = demo.periods()
    taken_codes, taken_names = set(), set()
    stream = demo.generate(
        demo.Reference.load(),
        random.Random(1),
        1000,
        quarters=quarters,
        taken_codes=taken_codes,
        taken_names=taken_names,
    )
    assert iter(stream) is stream  # a generator: nothing is built up front
    items = list(stream)
    assert len(items) == 1000
    assert len({e.uscc for e in items}) == 1000 == len(taken_codes)
    assert len({e.name for e in items}) == 1000
    for e in items:
        assert uscc_std.is_valid(e.uscc)
        assert 4 <= len(e.ledger) <= 12
        assert all(len(row) == 9 for row in e.ledger)
        assert [(y, q) for y, q, *_ in e.ledger] == quarters[: len(e.ledger)]
        # The fast, cached initials are exactly what the services would store.
        assert e.name_initials == search.initials(e.name), e.name
        assert e.search_grams == search.search_grams(e.name, e.former_names)
    sections = Counter(e.industry_section for e in items)
    assert sections["F"] + sections["L"] > sections["C"] + sections["E"]  # services lead
