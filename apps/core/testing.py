"""Test helpers every module uses: the scope matrix (SECURITY.md 6).

A matrix row says: this persona, asking for this object through this URL, gets
this status. All rows run and every mismatch is reported at once, so a failing
matrix reads as a table of what leaked or what broke.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

OK, FORBIDDEN, NOT_FOUND, LOGIN = 200, 403, 404, 302


@dataclass(frozen=True)
class Row:
    persona: str  # a fixture name from the root conftest
    target: str  # a fixture name for the object (or "" for a list URL)
    url_name: str
    expected: int
    method: str = "get"


def run_matrix(request, login, rows: Iterable[Row], data: dict | None = None) -> None:
    failures = []
    for row in rows:
        user = request.getfixturevalue(row.persona)
        args = [request.getfixturevalue(row.target).pk] if row.target else []
        url = reverse(row.url_name, args=args)
        client = login(user)
        response = getattr(client, row.method)(url, data or {})
        if response.status_code != row.expected:
            failures.append(
                f"{row.persona:<16} {row.method.upper():<4} {url:<40} "
                f"expected {row.expected}, got {response.status_code}"
            )
    assert not failures, "scope matrix mismatches:\n" + "\n".join(failures)


def assert_lists_only(response, visible: Iterable[str], hidden: Iterable[str]) -> None:
    """The list shows every visible row and none of the hidden ones.

    Rows are read from the page's ``object_list`` (every row, not only this
    page's) and must also be rendered; a hidden label may still appear in the
    page where the user typed it into the search box.
    """
    content = response.content.decode()
    rows = {str(obj) for obj in response.context["object_list"]}
    missing = [label for label in visible if label not in rows or label not in content]
    leaked = [label for label in hidden if label in rows]
    assert not missing and not leaked, f"missing: {missing}; leaked: {leaked}"
