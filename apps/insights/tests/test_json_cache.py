"""The dashboard's JSON is served from the cache until the ledger or the summary changes,
and never shared between scopes or grades.

PostgreSQL only: the version comes from the enterprise module's change marks (its
migration 0005); on SQLite every request is computed (test_views.py covers both).
"""

import random

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.enterprises.models import LedgerEntry
from apps.insights import summary
from apps.insights.selectors import Query, latest_period

from .data import district, from_ledger

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the JSON is cached by data version on PostgreSQL only")


@pytest.fixture
def built(street_a, street_b):
    ents = district(random.Random(5), streets=[street_a, street_b], enterprises=30)
    summary.rebuild()
    return ents


def chart(client, name: str, **params) -> dict:
    response = client.get(reverse("insights:data_json", args=[name]), params)
    assert response.status_code == 200
    return response.json()


def revenue(client) -> float:
    return chart(client, "headline")["figures"]["revenue"]["value"]


def test_a_repeated_request_reads_no_summary(login, built, district_admin):
    client = login(district_admin)
    year, quarter = latest_period()
    # With the period in the URL, as the dashboard asks.
    first = chart(client, "by-street", year=year, quarter=quarter)
    with CaptureQueriesContext(connection) as queries:
        again = chart(client, "by-street", year=year, quarter=quarter)
    assert again == first
    assert not [q for q in queries.captured_queries if "insights_rollup" in q["sql"]]


def test_a_ledger_change_shows_once_the_summary_is_refreshed(login, built, district_admin):
    client = login(district_admin)
    year, quarter = latest_period()
    before = revenue(client)
    entry = LedgerEntry.objects.filter(year=year, quarter=quarter, revenue__isnull=False).first()
    LedgerEntry.objects.filter(pk=entry.pk).update(revenue=F("revenue") + 1000)
    # The ledger moved the version; the summary has not been refreshed yet, so the figure
    # answered (and cached) is still the summary's.
    assert revenue(client) == before
    summary.refresh([entry.enterprise_id])
    after = revenue(client)
    assert after == pytest.approx(before + 1000)
    assert after == pytest.approx(float(from_ledger(Query(year=year, quarter=quarter))["revenue"]))


def test_a_rebuild_alone_gives_a_new_version(login, built, district_admin):
    client = login(district_admin)
    year, quarter = latest_period()
    before = revenue(client)
    # A change the summary missed (no hook ran), then the nightly rebuild.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE enterprises_ledgerentry SET revenue = revenue + 500"
            " WHERE id = (SELECT min(id) FROM enterprises_ledgerentry"
            " WHERE year = %s AND quarter = %s AND revenue IS NOT NULL)",
            [year, quarter],
        )
    assert revenue(client) == before
    summary.rebuild()
    assert revenue(client) == pytest.approx(before + 500)


def test_scopes_and_grades_do_not_share_answers(
    login, built, district_admin, street_a_clerk, leader, street_a
):
    district = chart(login(district_admin), "by-street")
    street = chart(login(street_a_clerk), "by-street")
    assert {c["key"] for c in street["cells"]} == {str(street_a.pk)}
    assert len(district["cells"]) > len(street["cells"])
    # The leader sees aggregates only: the top lists are refused, not served from the cache.
    chart(login(district_admin), "top-revenue")
    response = login(leader).get(reverse("insights:data_json", args=["top-revenue"]))
    assert response.status_code == 403
