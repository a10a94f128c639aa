"""The cached parts of the enterprise list are never older than the database.

PostgreSQL only: there the triggers of migration 0005 version the cache; on SQLite the
list is rendered on every request (test_views_list.py covers it on both).
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.enterprises import listcache
from apps.enterprises.models import ChangeMark
from apps.enterprises.tests.factories import EnterpriseFactory
from apps.registry.tests.factories import DictionaryItemFactory

LIST = "enterprises:list"


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the list is cached by data version on PostgreSQL only")


def page(client, **params) -> str:
    return client.get(reverse(LIST), params).content.decode()


def results(html: str) -> str:
    # The page around the results carries a fresh CSRF token each time.
    return html[html.index('id="enterprise-filters"') : html.index("</main>")]


def enterprise_queries(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "enterprises_enterprise" in q["sql"]]


@pytest.mark.django_db
def test_a_repeated_request_is_served_without_reading_the_enterprises(
    login, street_a_clerk, enterprise_a
):
    client = login(street_a_clerk)
    first = page(client)
    with CaptureQueriesContext(connection) as queries:
        again = page(client)
    assert results(again) == results(first)
    assert enterprise_queries(queries) == []


@pytest.mark.django_db
def test_every_change_the_list_shows_reaches_the_next_request(
    login, street_a_clerk, street_a, enterprise_a
):
    client = login(street_a_clerk)
    assert "北京商务科技有限公司" in page(client)
    enterprise_a.name = "北京商务数据有限公司"
    enterprise_a.save()
    assert "北京商务数据有限公司" in page(client)
    enterprise_a.tags.add(DictionaryItemFactory(kind="enterprise_tag", label="专精特新"))
    assert "专精特新" in page(client)
    street_a.short_name = "建国门外"
    street_a.save()
    assert "建国门外" in page(client)
    EnterpriseFactory(name="北京建外新开有限公司", street=street_a)
    html = page(client)
    assert "北京建外新开有限公司" in html and "共 2 家企业" in html


@pytest.mark.django_db
def test_scopes_do_not_share_pages(login, street_a_clerk, street_b_clerk, enterprise_a):
    assert "北京商务科技有限公司" in page(login(street_a_clerk))
    assert "北京商务科技有限公司" not in page(login(street_b_clerk))


@pytest.mark.django_db(transaction=True)
def test_only_committed_writes_move_the_version(street_a):
    before = listcache.data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        EnterpriseFactory(street=street_a)
        raise RuntimeError("rolled back")
    assert listcache.data_version() == before
    EnterpriseFactory(street=street_a)
    assert listcache.data_version() != before


@pytest.mark.django_db(transaction=True)
def test_compaction_folds_the_marks_and_keeps_the_version(street_a, monkeypatch):
    for _ in range(5):
        EnterpriseFactory(street=street_a)  # five transactions, five marks
    assert ChangeMark.objects.count() >= 5
    before = listcache.data_version()
    monkeypatch.setattr(listcache, "COMPACT_AFTER", 2)
    assert listcache.compact() >= 5
    assert ChangeMark.objects.count() == 1
    assert listcache.data_version() == before
    EnterpriseFactory(street=street_a)
    assert listcache.data_version() != before
