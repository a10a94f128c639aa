"""Scope matrix of every portal URL (SECURITY.md 6): an out-of-scope request is a 404, a
missing permission a 403, an anonymous visitor goes to the sign-in page."""

import pytest
from django.urls import URLPattern, get_resolver

from apps.core.testing import FORBIDDEN, LOGIN, NOT_FOUND, OK, Row, run_matrix
from apps.portal.models import LinkStatus
from apps.portal.tests.factories import EnterpriseLinkFactory

pytestmark = pytest.mark.django_db

REDIRECT = 302
STAFF = ["district_admin", "street_a_clerk", "street_b_clerk"]


@pytest.fixture
def link_a2(enterprise_a):
    return EnterpriseLinkFactory(enterprise=enterprise_a)


def rows() -> list[Row]:
    matrix = [
        # 我的企业: only an enterprise account has one.
        Row("enterprise_user", "", "portal:home", OK),
        Row("applicant", "", "portal:home", REDIRECT),  # to its waiting page
        *[Row(p, "", "portal:home", NOT_FOUND) for p in [*STAFF, "leader"]],
        Row("anonymous", "", "portal:home", LOGIN),
        # Registration is public; signed-in users are sent home.
        Row("anonymous", "", "portal:register", OK),
        *[Row(p, "", "portal:register", REDIRECT) for p in ["enterprise_user", *STAFF]],
        Row("anonymous", "", "portal:register_done", REDIRECT),
        # The waiting page belongs to accounts not linked yet.
        Row("applicant", "", "portal:waiting", OK),
        *[Row(p, "", "portal:waiting", REDIRECT) for p in ["enterprise_user", *STAFF, "leader"]],
        Row("anonymous", "", "portal:waiting", LOGIN),
        # The review queue and invitations: staff and street officers.
        *[Row(p, "", "portal:review_list", OK) for p in STAFF],
        *[Row(p, "", "portal:invitations", OK) for p in STAFF],
        *[Row(p, "", "portal:review_list", FORBIDDEN) for p in ["leader", "enterprise_user"]],
        *[Row(p, "", "portal:invitations", FORBIDDEN) for p in ["leader", "enterprise_user"]],
        Row("auditor", "", "portal:review_list", FORBIDDEN),
        Row("applicant", "", "portal:review_list", REDIRECT),
        Row("anonymous", "", "portal:review_list", LOGIN),
        Row("anonymous", "", "portal:invitations", LOGIN),
        # One request: its 街乡's officer and FIC staff; another street's officer gets 404.
        Row("district_admin", "link_a", "portal:review_detail", OK),
        Row("street_a_clerk", "link_a", "portal:review_detail", OK),
        Row("street_b_clerk", "link_a", "portal:review_detail", NOT_FOUND),
        Row("street_b_clerk", "link_b", "portal:review_detail", OK),
        Row("district_admin", "link_unknown", "portal:review_detail", OK),
        Row("street_a_clerk", "link_unknown", "portal:review_detail", NOT_FOUND),
        Row("leader", "link_a", "portal:review_detail", FORBIDDEN),
        Row("enterprise_user", "link_a", "portal:review_detail", FORBIDDEN),
        Row("applicant", "link_a", "portal:review_detail", REDIRECT),
        Row("anonymous", "link_a", "portal:review_detail", LOGIN),
    ]
    for name, target in (("portal:review_approve", "link_a"), ("portal:review_reject", "link_a2")):
        matrix += [
            Row("street_b_clerk", target, name, NOT_FOUND, "post"),
            Row("leader", target, name, FORBIDDEN, "post"),
            Row("enterprise_user", target, name, FORBIDDEN, "post"),
            Row("auditor", target, name, FORBIDDEN, "post"),
            Row("anonymous", target, name, LOGIN, "post"),
            Row("street_a_clerk", target, name, REDIRECT, "post"),  # decided
        ]
    return matrix


def test_scope_matrix(request, login, link_a, link_a2, link_b, link_unknown, applicant):
    run_matrix(request, login, rows(), data={"reason": "资料不全"})
    link_a.refresh_from_db()
    link_a2.refresh_from_db()
    assert (link_a.status, link_a2.status) == (LinkStatus.APPROVED, LinkStatus.REJECTED)


def test_the_matrix_covers_every_portal_url():
    from apps.portal import urls

    names = {f"portal:{p.name}" for p in urls.urlpatterns if isinstance(p, URLPattern)}
    assert names == {row.url_name for row in rows()}
    assert get_resolver()  # the portal URLs are mounted


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_decisions_are_post_only(login, district_admin, link_a, method):
    from django.urls import reverse

    client = login(district_admin)
    response = getattr(client, method)(reverse("portal:review_approve", args=[link_a.pk]))
    assert response.status_code == 405
    link_a.refresh_from_db()
    assert link_a.status == LinkStatus.PENDING
