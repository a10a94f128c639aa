"""The summary agrees with the ledger: after a full rebuild, after every kind of change
through the hooks, and on random slices, single-quarter and cumulative."""

import random
from datetime import date

import pytest

from apps.enterprises import hooks, services
from apps.enterprises.models import Enterprise, LedgerEntry, LedgerSource, MemberStatus, SizeClass
from apps.insights import refresh, summary
from apps.insights.models import Fact, RefreshState, Rollup, SummarizedEnterprise, Summary
from apps.insights.selectors import Query, breakdown, headline, trend

from .data import INDUSTRIES, PERIODS, district, figures_of, from_ledger

pytestmark = pytest.mark.django_db


def tables() -> dict:
    """The three tables' contents, comparable between two builds."""
    columns = [f.attname for f in Summary._meta.fields if f.attname != "id"]
    return {
        "summary": sorted(
            tuple(str(v) for v in row) for row in Summary.objects.values_list(*columns)
        ),
        "facts": sorted(tuple(str(v) for v in row) for row in Fact.objects.values_list()),
        "keys": sorted(SummarizedEnterprise.objects.values_list()),
        "rollup": sorted(
            tuple(str(v) for v in row)
            for row in Rollup.objects.values_list(
                *[f.attname for f in Rollup._meta.fields if f.attname != "id"]
            )
        ),
    }


def random_query(rng: random.Random, streets: list[int]) -> Query:
    year, quarter = rng.choice(PERIODS)
    code, section = rng.choice(INDUSTRIES)
    return Query(
        year=year,
        quarter=quarter,
        cumulative=rng.random() < 0.5,
        street_id=rng.choice([None, *streets]),
        section=rng.choice(["", "", section]),
        division=rng.choice(["", "", "", code[:2]]) if section == "I" else "",
        size_class=rng.choice(["", "", SizeClass.MICRO, SizeClass.SMALL]),
        members_only=rng.random() < 0.25,
    )


def assert_agrees(user, rng, streets, slices=40):
    for _ in range(slices):
        query = random_query(rng, streets)
        expected = from_ledger(query)
        assert figures_of(headline(user, query)) == expected, query
        for cell in breakdown(user, query, rng.choice(["street", "section", "division", "size"])):
            assert figures_of(cell) == from_ledger(cell.query), cell.query
    query = random_query(rng, streets)
    for cell in trend(user, query, quarters=8):
        assert figures_of(cell) == from_ledger(cell.query), cell.query


@pytest.mark.parametrize("seed", [1, 2])
def test_rebuilt_summary_agrees_with_the_ledger_on_random_slices(district_admin, street_a, seed):
    rng = random.Random(seed)
    district(rng, streets=[street_a], enterprises=40)
    summary.rebuild()
    streets = list(Enterprise.objects.values_list("street_id", flat=True).distinct())
    assert_agrees(district_admin, rng, streets)


def test_cumulative_adds_quarters_and_takes_period_end_figures(district_admin, street_a):
    ent = district(random.Random(3), streets=[street_a], enterprises=1)[0]
    LedgerEntry.objects.filter(enterprise=ent).delete()
    for quarter, revenue, employees in [(1, 10, 5), (2, 20, 6), (3, 30, 7)]:
        LedgerEntry.objects.create(
            enterprise=ent, year=2025, quarter=quarter, revenue=revenue, employees=employees,
            source=LedgerSource.IMPORT,
        )  # fmt: skip
    summary.rebuild()
    single = headline(district_admin, Query(year=2025, quarter=3))
    ytd = headline(district_admin, Query(year=2025, quarter=3, cumulative=True))
    assert (single.revenue.value, single.employees.value) == (30, 7)
    assert (ytd.revenue.value, ytd.employees.value, ytd.enterprises.value) == (60, 7, 1)


def test_every_change_through_the_hooks_keeps_the_summary_equal_to_a_rebuild(
    district_admin, street_a, street_b, django_capture_on_commit_callbacks
):
    rng = random.Random(7)
    ents = district(rng, streets=[street_a, street_b], enterprises=30)
    summary.rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        # A quarter edited and a new one added (manual entry, approved filings).
        services.ledger_save(
            actor=district_admin, enterprise=ents[0], year=2025, quarter=2,
            source=LedgerSource.MANUAL, revenue=123456, tax=1,
        )  # fmt: skip
        services.ledger_save(
            actor=district_admin, enterprise=ents[1], year=2026, quarter=1,
            source=LedgerSource.FILING, revenue=5, employees=3,
        )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        # Moved to another 街乡 and another industry; a member now.
        moved = ents[2]
        services.enterprise_update(
            actor=district_admin,
            enterprise=moved,
            version=moved.version,
            street=street_b if moved.street_id != street_b.pk else street_a,
            industry=next(e.industry for e in ents if e.section != moved.section),
            member_status=MemberStatus.MEMBER,
        )
    with django_capture_on_commit_callbacks(execute=True):
        # Bulk writes that only say which enterprises they touched (as imports do).
        Enterprise.objects.filter(pk=ents[3].pk).update(size_class=SizeClass.LARGE)
        LedgerEntry.objects.filter(enterprise=ents[4]).delete()
        LedgerEntry.objects.filter(enterprise=ents[5], year=2024).update(revenue=7, tax=None)
        hooks.ledger_changed([ents[3].pk, ents[4].pk, ents[5].pk])
    refreshed = tables()
    summary.rebuild()
    assert refreshed == tables()
    streets = [street_a.pk, street_b.pk]
    assert_agrees(district_admin, random.Random(8), streets, slices=15)


def test_a_rolled_back_write_refreshes_nothing(
    district_admin, street_a, django_capture_on_commit_callbacks
):
    ents = district(random.Random(9), streets=[street_a], enterprises=3)
    summary.rebuild()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        hooks.ledger_changed([ents[0].pk])
    assert len(callbacks) == 1  # runs only once the transaction has committed


def test_the_safety_net_finds_changes_that_bypassed_the_hooks(district_admin, street_a):
    ents = district(random.Random(11), streets=[street_a], enterprises=8)
    assert refresh.safety_net().startswith("rebuilt")  # nothing built yet
    Enterprise.objects.filter(pk=ents[0].pk).update(member_status=MemberStatus.MEMBER)
    LedgerEntry.objects.filter(enterprise=ents[1], year=2025).update(revenue=99)
    LedgerEntry.objects.create(
        enterprise=ents[2], year=2026, quarter=1, revenue=1, source=LedgerSource.IMPORT
    )
    assert refresh.safety_net() == "refreshed 3"
    refreshed = tables()
    summary.rebuild()
    assert refreshed == tables()
    assert refresh.safety_net() in ("refreshed 0", "unchanged")


def test_a_failed_refresh_leaves_a_rebuild_owed_and_the_safety_net_does_it(
    district_admin, street_a, monkeypatch
):
    district(random.Random(12), streets=[street_a], enterprises=4)
    summary.rebuild()

    def broken(ids):
        raise RuntimeError("database went away")

    monkeypatch.setattr(summary, "refresh", broken)
    with pytest.raises(RuntimeError):
        refresh.refresh_now([[1, 3]])
    assert RefreshState.objects.get().dirty
    monkeypatch.undo()
    assert refresh.safety_net().startswith("rebuilt")
    assert not RefreshState.objects.get().dirty


def test_a_refresh_of_many_enterprises_is_a_rebuild(settings, district_admin, street_a):
    ents = district(random.Random(13), streets=[street_a], enterprises=5)
    settings.INSIGHTS_REFRESH_MAX_ENTERPRISES = 2
    summary.refresh([e.pk for e in ents])
    assert RefreshState.objects.get().rebuilt_at is not None
    assert Fact.objects.count() == LedgerEntry.objects.count()


def test_pack_and_unpack_ids():
    assert refresh.pack([7, 1, 2, 3, 3]) == [[1, 3], [7, 7]]
    assert refresh.unpack([[1, 3], [7, 7]]) == [1, 2, 3, 7]


def test_demo_seed_builds_the_summary(street_a):
    from apps.insights import demo

    district(random.Random(14), streets=[street_a], enterprises=3)
    counts = demo.seed(scale="small", rng=random.Random(1))
    assert counts["facts"] == LedgerEntry.objects.count() > 0
    assert date.today()  # the seeder needs no period of its own
