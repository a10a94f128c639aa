"""The enterprise list: filters, search, sorting, keyset pages, htmx, query counts.

Which rows each persona may see is in test_scope_matrix.py.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.enterprises.models import LedgerSource, MemberStatus, RegistrationType, Status
from apps.enterprises.tests.factories import EnterpriseFactory, LedgerEntryFactory, industry
from apps.registry.tests.factories import DictionaryItemFactory

pytestmark = pytest.mark.django_db

LIST = "enterprises:list"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def names(response) -> list[str]:
    return [e.name for e in response.context["rows"]]


def test_clerk_sees_the_columns_of_their_enterprises(login, street_a_clerk, enterprise_a):
    tag = DictionaryItemFactory(kind="enterprise_tag", code="zjtx", label="专精特新")
    enterprise_a.tags.add(tag)
    response = login(street_a_clerk).get(reverse(LIST))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ["北京商务科技有限公司", enterprise_a.uscc, "建外", "应用软件开发", "专精特新"]:
        assert text in html
    assert reverse("enterprises:detail", args=[enterprise_a.pk]) in html
    assert response.context["total"] == 1


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"section": "F"}, ["北京朝外餐饮管理有限公司"]),
        ({"division": "65"}, ["北京商务科技有限公司"]),
        ({"size_class": "small"}, ["北京商务科技有限公司"]),
        ({"status": Status.DEREGISTERED}, ["北京朝外餐饮管理有限公司"]),
        ({"member_status": MemberStatus.MEMBER}, ["北京商务科技有限公司"]),
        ({"registration_type": RegistrationType.STATE}, ["北京朝外餐饮管理有限公司"]),
        ({"non_public": "yes"}, ["北京商务科技有限公司"]),
        ({"non_public": "no"}, ["北京朝外餐饮管理有限公司"]),
    ],
)
def test_filters(login, district_admin, enterprise_a, enterprise_b, params, expected):
    enterprise_a.size_class = "small"
    enterprise_a.member_status = MemberStatus.MEMBER
    enterprise_a.save()
    retail = industry("5211", "百货零售", section="F")
    enterprise_b.industry, enterprise_b.section, enterprise_b.division = retail, "F", "52"
    enterprise_b.status = Status.DEREGISTERED
    enterprise_b.registration_type = RegistrationType.STATE
    enterprise_b.save()
    response = login(district_admin).get(reverse(LIST), params)
    assert names(response) == expected


def test_street_filter_and_tag_filter(login, district_admin, enterprise_a, enterprise_b):
    tag = DictionaryItemFactory(kind="enterprise_tag", code="gxjs", label="高新技术企业")
    enterprise_b.tags.add(tag)
    client = login(district_admin)
    assert names(client.get(reverse(LIST), {"street": enterprise_a.street_id})) == [
        enterprise_a.name
    ]
    assert names(client.get(reverse(LIST), {"tag": tag.pk})) == [enterprise_b.name]


def test_filed_for_a_period(login, district_admin, enterprise_a, enterprise_b):
    from apps.enterprises.filters import recent_periods

    period = recent_periods()[1][0]
    year, quarter = (int(x) for x in period.split("-"))
    LedgerEntryFactory(enterprise=enterprise_a, year=year, quarter=quarter, source="filing")
    # An imported row is not a filing.
    LedgerEntryFactory(
        enterprise=enterprise_b, year=year, quarter=quarter, source=LedgerSource.IMPORT
    )
    client = login(district_admin)
    filed = client.get(reverse(LIST), {"period": period, "filed": "yes"})
    assert names(filed) == [enterprise_a.name]
    not_filed = client.get(reverse(LIST), {"period": period, "filed": "no"})
    assert names(not_filed) == [enterprise_b.name]


@pytest.mark.parametrize("query", ["商务", "bjsw", "BJSW"])
def test_search_by_name_and_initials(login, district_admin, enterprise_a, enterprise_b, query):
    response = login(district_admin).get(reverse(LIST), {"q": query})
    assert names(response) == [enterprise_a.name]


def test_search_by_credit_code_prefix_and_former_name(login, district_admin, street_a):
    e = EnterpriseFactory(street=street_a, uscc="91110105MA01AB2C3X", name="新名称科技有限公司")
    e.former_names = ["旧称望京贸易公司"]
    from apps.enterprises import search

    e.search_grams = search.search_grams(e.name, e.former_names)
    e.save()
    EnterpriseFactory(street=street_a)
    client = login(district_admin)
    assert names(client.get(reverse(LIST), {"q": "91110105MA01"})) == [e.name]
    assert names(client.get(reverse(LIST), {"q": "望京贸易"})) == [e.name]


def test_sort_is_whitelisted(login, district_admin, street_a):
    EnterpriseFactory(street=street_a, name="乙公司", registered_capital=5)
    EnterpriseFactory(street=street_a, name="甲公司", registered_capital=50)
    EnterpriseFactory(street=street_a, name="丙公司", registered_capital=None)
    client = login(district_admin)
    assert names(client.get(reverse(LIST), {"sort": "-capital"})) == ["甲公司", "乙公司", "丙公司"]
    assert names(client.get(reverse(LIST), {"sort": "capital"})) == ["乙公司", "甲公司", "丙公司"]
    # Anything else is an invalid choice: the form says so and nothing is listed,
    # and no user input ever reaches order_by().
    response = client.get(reverse(LIST), {"sort": "contact_phone"})
    assert response.status_code == 200
    assert names(response) == []
    assert "sort" in response.context["filterset"].form.errors


@pytest.mark.parametrize("sort", ["name", "-name", "uscc", "established", "-capital", "size"])
def test_keyset_pages_walk_every_row_once_both_ways(login, district_admin, street_a, sort):
    from datetime import date

    for i in range(123):
        EnterpriseFactory(
            street=street_a,
            # Duplicate names, capitals and dates, and empty ones, exercise the id tie-break
            # and the NULL segment.
            name=f"企业{i % 40:02d}",
            registered_capital=None if i % 7 == 0 else i % 11,
            established=None if i % 5 == 0 else date(2000 + i % 9, 1, 1),
            size_class=["large", "medium", "small", "micro", "unknown"][i % 5],
        )
    client = login(district_admin)
    seen, pages, params = [], [], {"sort": sort}
    while True:
        response = client.get(reverse(LIST), params)
        page = response.context["page"]
        pages.append([e.pk for e in page.rows])
        seen.extend(e.pk for e in page.rows)
        if not page.next_cursor:
            break
        params = {"sort": sort, "after": page.next_cursor}
    assert len(seen) == 123 and len(set(seen)) == 123
    assert [len(p) for p in pages] == [50, 50, 23]
    # And back again with "previous".
    previous = response.context["page"].prev_cursor
    back = client.get(reverse(LIST), {"sort": sort, "before": previous})
    assert [e.pk for e in back.context["page"].rows] == pages[1]
    first = client.get(reverse(LIST), {"sort": sort, "before": back.context["page"].prev_cursor})
    assert [e.pk for e in first.context["page"].rows] == pages[0]
    assert first.context["page"].is_first


def test_a_forged_cursor_shows_the_first_page(login, district_admin, enterprise_a):
    response = login(district_admin).get(reverse(LIST), {"after": "not-a-cursor!!"})
    assert response.status_code == 200
    assert names(response) == [enterprise_a.name]


def test_count_is_not_counted_on_every_request(login, district_admin, street_a):
    for _ in range(3):
        EnterpriseFactory(street=street_a)
    client = login(district_admin)
    first = client.get(reverse(LIST), {"street": street_a.pk})
    assert "3 家企业" in first.content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(reverse(LIST), {"street": street_a.pk})
    assert "3 家企业" in again.content.decode()
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_query_count_does_not_grow_with_rows(
    login, street_a_clerk, street_a, django_assert_max_num_queries
):
    tag = DictionaryItemFactory(kind="enterprise_tag", code="ss", label="上市公司")
    EnterpriseFactory(street=street_a).tags.add(tag)
    client = login(street_a_clerk)
    client.get(reverse(LIST), {"section": "I"})  # warm the session and the caches
    cache.clear()
    with CaptureQueriesContext(connection) as one_row:
        client.get(reverse(LIST), {"section": "I"})
    for _ in range(60):
        EnterpriseFactory(street=street_a).tags.add(tag)
    cache.clear()
    # With every cache empty: session, user, its user and group permissions, grade and
    # streets, the data version (PostgreSQL), four filter choice lists, the count, the
    # page, its tags, and the session's idle-timeout stamp.
    with django_assert_max_num_queries(15):
        response = client.get(reverse(LIST), {"section": "I"})
    assert response.content.decode().count("上市公司") >= 50
    cache.clear()
    with CaptureQueriesContext(connection) as fifty_rows:
        client.get(reverse(LIST), {"section": "I"})
    assert len(fifty_rows) == len(one_row)


def test_htmx_request_gets_the_partial_with_the_division_choices(
    login, district_admin, enterprise_a
):
    industry("5211", "百货零售", section="F")
    response = login(district_admin).get(
        reverse(LIST), {"section": "F", "division": "65"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="enterprise-results"' in html
    # The division list follows the section, and a division of another section is dropped.
    assert 'hx-swap-oob="true"' in html and "52 " in html and ">65 " not in html


def test_full_page_is_wired_for_htmx(login, district_admin, enterprise_a):
    html = login(district_admin).get(reverse(LIST)).content.decode()
    assert 'hx-push-url="true"' in html and 'hx-target="#enterprise-results"' in html


def test_street_choices_are_narrowed_to_scope(login, street_a_clerk, street_a, street_b):
    response = login(street_a_clerk).get(reverse(LIST))
    choices = response.context["filterset"].form.fields["street"].choices
    assert [label for value, label in choices if value] == ["建外"]
    assert "朝外" not in response.content.decode()
