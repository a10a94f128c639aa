"""Scope matrix of the enterprise screens (SECURITY.md 6): list, detail, edit, history,
journal, ledger entry, export and search × persona. Import pages are tested with the import
screens."""

import io

import openpyxl
import pytest
from django.urls import reverse

from apps.core.testing import FORBIDDEN, LOGIN, NOT_FOUND, OK, Row, assert_lists_only, run_matrix
from apps.enterprises.tests.factories import EnterpriseFactory
from conftest import ENTERPRISE_USCC

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The list caches street and tag choices and counts; ids repeat between tests.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


OBJECT_PAGES = [
    "enterprises:detail",
    "enterprises:update",
    "enterprises:history",
    "enterprises:note_add",
    "enterprises:ledger_edit",
]
READ_PAGES = ["enterprises:detail", "enterprises:history"]
LIST_PAGES = ["enterprises:list", "enterprises:export", "enterprises:ledger_export"]


@pytest.fixture
def own_enterprise(street_a):
    return EnterpriseFactory(name="北京自有企业科技有限公司", street=street_a, uscc=ENTERPRISE_USCC)


def rows() -> list[Row]:
    matrix = []
    for page in OBJECT_PAGES:
        matrix += [
            Row("district_admin", "enterprise_a", page, OK),
            Row("district_admin", "enterprise_b", page, OK),
            # Another street's enterprise does not exist for a street officer.
            Row("street_a_clerk", "enterprise_a", page, OK),
            Row("street_a_clerk", "enterprise_b", page, NOT_FOUND),
            Row("street_b_clerk", "enterprise_b", page, OK),
            Row("street_b_clerk", "enterprise_a", page, NOT_FOUND),
            # Aggregates-only leaders and the auditor never open record pages.
            Row("leader", "enterprise_a", page, FORBIDDEN),
            Row("auditor", "enterprise_a", page, FORBIDDEN),
            Row("anonymous", "enterprise_a", page, LOGIN),
        ]
    for page in READ_PAGES:
        matrix += [
            Row("enterprise_user", "own_enterprise", page, OK),
            Row("enterprise_user", "enterprise_a", page, NOT_FOUND),
        ]
    for page in ["enterprises:update", "enterprises:note_add", "enterprises:ledger_edit"]:
        # An enterprise account reads its own record but writes nothing here.
        matrix.append(Row("enterprise_user", "own_enterprise", page, FORBIDDEN))
    for page in LIST_PAGES:
        matrix += [
            Row("district_admin", "", page, OK),
            Row("street_a_clerk", "", page, OK),
            Row("leader", "", page, FORBIDDEN),
            Row("auditor", "", page, FORBIDDEN),
            Row("anonymous", "", page, LOGIN),
        ]
    matrix += [
        Row("enterprise_user", "", "enterprises:list", OK),
        Row("enterprise_user", "", "enterprises:export", FORBIDDEN),
        Row("enterprise_user", "", "enterprises:ledger_export", FORBIDDEN),
        Row("district_admin", "", "enterprises:create", OK),
        Row("street_a_clerk", "", "enterprises:create", OK),
        Row("enterprise_user", "", "enterprises:create", FORBIDDEN),
        Row("leader", "", "enterprises:create", FORBIDDEN),
        Row("anonymous", "", "enterprises:create", LOGIN),
    ]
    return matrix


def test_object_and_list_urls(request, login, enterprise_a, enterprise_b, own_enterprise):
    run_matrix(request, login, rows())


def test_writes_out_of_scope_are_404_and_change_nothing(login, street_a_clerk, enterprise_b):
    client = login(street_a_clerk)
    version, name = enterprise_b.version, enterprise_b.name
    posts = {
        "enterprises:update": {"name": "改名", "version": version},
        "enterprises:note_add": {"date": "2025-01-01", "text": "越界"},
        "enterprises:ledger_edit": {"year": 2025, "quarter": 1, "revenue": 1},
    }
    for url_name, data in posts.items():
        response = client.post(reverse(url_name, args=[enterprise_b.pk]), data)
        assert response.status_code == NOT_FOUND, url_name
    enterprise_b.refresh_from_db()
    assert (enterprise_b.name, enterprise_b.version) == (name, version)
    assert not enterprise_b.notes.exists() and not enterprise_b.ledger.exists()


@pytest.mark.parametrize(
    ("persona", "visible", "hidden"),
    [
        (
            "street_a_clerk",
            ["北京商务科技有限公司", "北京自有企业科技有限公司"],
            ["北京朝外餐饮管理有限公司"],
        ),
        ("street_b_clerk", ["北京朝外餐饮管理有限公司"], ["北京商务科技有限公司"]),
        (
            "enterprise_user",
            ["北京自有企业科技有限公司"],
            ["北京商务科技有限公司", "北京朝外餐饮管理有限公司"],
        ),
        ("district_admin", ["北京商务科技有限公司", "北京朝外餐饮管理有限公司"], []),
    ],
)
def test_list_and_search_hold_only_in_scope_rows(
    request, login, enterprise_a, enterprise_b, own_enterprise, persona, visible, hidden
):
    client = login(request.getfixturevalue(persona))
    assert_lists_only(client.get(reverse("enterprises:list")), visible, hidden)
    # Searching for another street's enterprise by name, initials or credit code finds nothing.
    others = {enterprise_a.name: enterprise_a, enterprise_b.name: enterprise_b}
    for name in hidden:
        other = others[name]
        for query in (name[2:6], other.name_initials, other.uscc[:12]):
            found = client.get(reverse("enterprises:list"), {"q": query})
            assert_lists_only(found, [], [name])


@pytest.mark.parametrize(
    ("persona", "visible", "hidden"),
    [
        ("street_a_clerk", ["北京商务科技有限公司"], ["北京朝外餐饮管理有限公司"]),
        ("street_b_clerk", ["北京朝外餐饮管理有限公司"], ["北京商务科技有限公司"]),
        ("district_admin", ["北京商务科技有限公司", "北京朝外餐饮管理有限公司"], []),
    ],
)
def test_exports_hold_only_in_scope_rows(
    request, login, enterprise_a, enterprise_b, persona, visible, hidden
):
    from apps.enterprises.tests.factories import LedgerEntryFactory

    LedgerEntryFactory(enterprise=enterprise_a, year=2025)
    LedgerEntryFactory(enterprise=enterprise_b, year=2025)
    client = login(request.getfixturevalue(persona))
    for url_name in ["enterprises:export", "enterprises:ledger_export"]:
        response = client.get(reverse(url_name), {"year_from": 2025, "year_to": 2025})
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        names = {row[1] for row in sheet.iter_rows(values_only=True)}
        assert all(name in names for name in visible), url_name
        assert not any(name in names for name in hidden), url_name
        # Asking the export for the other street by filter gives nothing either.
        other = enterprise_b if persona == "street_a_clerk" else enterprise_a
        if hidden:
            response = client.get(reverse(url_name), {"street": other.street_id})
            assert response.status_code == OK
            sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
            assert not {row[1] for row in sheet.iter_rows(values_only=True)} & set(hidden)
