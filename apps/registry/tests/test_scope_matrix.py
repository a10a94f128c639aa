"""Scope matrix for the scoped reference screens: streets and chambers."""

import io

import openpyxl
import pytest
from django.urls import reverse

from apps.core.testing import FORBIDDEN, LOGIN, NOT_FOUND, OK, Row, assert_lists_only, run_matrix

pytestmark = pytest.mark.django_db

DETAIL_ROWS = [
    # The right persona sees its own street; another street is a 404, as if absent.
    Row("street_a_clerk", "street_a", "registry:street_detail", OK),
    Row("street_a_clerk", "street_b", "registry:street_detail", NOT_FOUND),
    Row("street_b_clerk", "street_a", "registry:street_detail", NOT_FOUND),
    Row("district_admin", "street_b", "registry:street_detail", OK),
    Row("street_a_clerk", "chamber_a", "registry:chamber_detail", OK),
    Row("street_a_clerk", "chamber_b", "registry:chamber_detail", NOT_FOUND),
    Row("district_admin", "chamber_b", "registry:chamber_detail", OK),
    # Aggregates-only leaders and enterprise users cannot open record pages.
    Row("leader", "street_a", "registry:street_detail", FORBIDDEN),
    Row("enterprise_user", "chamber_a", "registry:chamber_detail", FORBIDDEN),
    Row("auditor", "chamber_a", "registry:chamber_detail", FORBIDDEN),
    Row("anonymous", "chamber_a", "registry:chamber_detail", LOGIN),
    # Writes: a read-only clerk gets 403 in scope and 404 out of scope.
    Row("street_a_clerk", "chamber_a", "registry:chamber_update", FORBIDDEN),
    Row("street_a_clerk", "chamber_b", "registry:chamber_update", FORBIDDEN),
    Row("district_admin", "chamber_b", "registry:chamber_update", OK),
]


def test_object_urls(request, login, chamber_a, chamber_b):
    run_matrix(request, login, DETAIL_ROWS)


def test_write_out_of_scope_is_404_for_a_user_who_may_edit(
    request, login, builtin_roles, street_a, chamber_b
):
    from apps.accounts import roles
    from apps.accounts.tests.factories import UserFactory
    from apps.core.scoping import ScopeKind

    editor = UserFactory(
        scope_kind=ScopeKind.STREETS,
        streets=[street_a],
        roles=[builtin_roles[roles.SYSTEM_ADMIN]],
    )
    client = login(editor)
    url = reverse("registry:chamber_update", args=[chamber_b.pk])
    assert client.get(url).status_code == NOT_FOUND
    response = client.post(url, {"name": "改名", "kind": "street", "version": 1})
    assert response.status_code == NOT_FOUND
    chamber_b.refresh_from_db()
    assert chamber_b.name == "朝外商会"


@pytest.mark.parametrize(
    ("persona", "visible", "hidden"),
    [
        ("street_a_clerk", ["建外商会"], ["朝外商会"]),
        ("street_b_clerk", ["朝外商会"], ["建外商会"]),
        ("district_admin", ["建外商会", "朝外商会"], []),
    ],
)
def test_lists_and_search_hold_only_in_scope_rows(
    request, login, chamber_a, chamber_b, persona, visible, hidden
):
    client = login(request.getfixturevalue(persona))
    assert_lists_only(client.get(reverse("registry:chamber_list")), visible, hidden)
    # Searching for the other street's chamber by name finds nothing.
    for name in hidden:
        found = client.get(reverse("registry:chamber_list"), {"name": name})
        assert_lists_only(found, [], [name])


def test_filter_choices_are_narrowed_to_scope(login, street_a_clerk, street_a, street_b):
    response = login(street_a_clerk).get(reverse("registry:chamber_list"))
    form = response.context["filterset"].form
    assert list(form.fields["street"].queryset) == [street_a]


def test_export_holds_only_in_scope_rows(login, street_a_clerk, chamber_a, chamber_b):
    response = login(street_a_clerk).get(reverse("registry:chamber_list"), {"export": "xlsx"})
    assert response.status_code == OK
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert names == ["建外商会"]


def test_street_list_for_street_clerk(login, street_a_clerk, street_a, street_b):
    response = login(street_a_clerk).get(reverse("registry:street_list"))
    assert [s.pk for s in response.context["object_list"]] == [street_a.pk]
