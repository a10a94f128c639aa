"""The enterprise screens with junk in the query string and the form: never a 500.

(apps/core/tests/test_no_server_errors.py walks every URL too, but needs an object for
each <int:pk> pattern; this file covers these screens on their own.)"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The list caches street and tag choices and counts; ids repeat between tests.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


PERSONAS = ["district_admin", "street_a_clerk", "leader", "enterprise_user", "anonymous"]
JUNK = {
    "q": "<script>' OR 1=1 --",
    "street": "abc",
    "section": "ZZ",
    "division": "9'",
    "tag": "-1",
    "sort": "password",
    "period": "2025-9",
    "filed": "maybe",
    "after": "eyJ4IjoxfQ",
    "before": "W251bGwsIngiXQ",
    "year_from": "x",
    "year_to": "99999999999",
    "export": "pdf",
    "year": "abc",
    "quarter": "7",
    "version": "x",
    "date": "2026-13-45",
}
PAGES = [
    ("enterprises:list", False),
    ("enterprises:export", False),
    ("enterprises:ledger_export", False),
    ("enterprises:create", False),
    ("enterprises:detail", True),
    ("enterprises:update", True),
    ("enterprises:history", True),
    ("enterprises:note_add", True),
    ("enterprises:ledger_edit", True),
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_enterprise_page_answers_500(request, login, persona, enterprise_a):
    client = login(request.getfixturevalue(persona))
    client.raise_request_exception = False
    failures = []
    for name, needs_pk in PAGES:
        url = reverse(name, args=[enterprise_a.pk] if needs_pk else [])
        for method in ("get", "post"):
            status = getattr(client, method)(url, JUNK).status_code
            if status >= 500:
                failures.append(f"{persona} {method.upper()} {url}: {status}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "cursor",
    ["WyJhIiwxXQ", "W251bGwsMV0", "WzEuNSwxXQ", "WyIyMDI1LTEzLTAxIiwxXQ", "W1tdLDFd"],
)
@pytest.mark.parametrize("sort", ["name", "established", "-capital", "size"])
def test_forged_cursors_of_every_type_never_fail(login, district_admin, enterprise_a, cursor, sort):
    client = login(district_admin)
    for key in ("after", "before"):
        response = client.get(reverse("enterprises:list"), {key: cursor, "sort": sort})
        assert response.status_code == 200
