"""On PostgreSQL the search is served by the indexes of migration 0002, not a table scan."""

import random

import pytest
from django.db import connection

from apps.core.demo import company_name, make_uscc
from apps.enterprises import search
from apps.enterprises.models import Enterprise
from apps.enterprises.selectors import enterprise_search
from apps.enterprises.tests.factories import industry
from apps.registry.tests.factories import StreetFactory

pytestmark = pytest.mark.django_db

N = 3000


@pytest.fixture
def many_enterprises():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL indexes (migration 0002); SQLite scans with LIKE")
    rng = random.Random(5)
    street, leaf = StreetFactory(), industry()
    rows, seen = [], set()
    while len(rows) < N:
        name, _code = company_name(rng)
        uscc = make_uscc(rng)
        if name in seen or uscc in seen:
            continue
        seen.update((name, uscc))
        rows.append(
            Enterprise(
                uscc=uscc,
                name=name,
                street=street,
                industry=leaf,
                section=leaf.section,
                division=leaf.code[:2],
                search_grams=search.search_grams(name),
                name_initials=search.initials(name),
            )
        )
    Enterprise.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enterprises_enterprise")
        # At a few thousand rows a scan is cheap; make the planner show what it can use.
        cursor.execute("SET LOCAL enable_seqscan = off")
    return rows


def plan(queryset) -> str:
    return queryset.explain()


def test_a_two_character_query_uses_the_bigram_gin_index(many_enterprises):
    name = many_enterprises[3].name
    queryset = enterprise_search(Enterprise.objects.order_by(), name[2:4])
    assert "ent_search_grams_gin" in plan(queryset)
    assert name in set(queryset.values_list("name", flat=True))


def test_a_longer_query_uses_the_index_and_confirms_the_substring(many_enterprises):
    name = many_enterprises[7].name
    queryset = enterprise_search(Enterprise.objects.order_by(), name[2:7])
    text = plan(queryset)
    assert "ent_search_grams_gin" in text
    assert "~~" in text  # the LIKE that confirms adjacency
    assert name in set(queryset.values_list("name", flat=True))


def test_pinyin_initials_use_the_trigram_index(many_enterprises):
    queryset = enterprise_search(Enterprise.objects.order_by(), "bjhx")
    assert "ent_initials_trgm" in plan(queryset)


def test_a_credit_code_prefix_uses_a_btree_index(many_enterprises):
    prefix = many_enterprises[0].uscc[:14]
    queryset = enterprise_search(Enterprise.objects.order_by(), prefix)
    text = plan(queryset)
    assert "Index" in text and "uscc" in text, text
    assert many_enterprises[0].name in set(queryset.values_list("name", flat=True))
