"""Scope matrix of every filing URL (SECURITY.md 6) × persona: the enterprise user, both
street officers, staff, the leader, the auditor and anonymous visitors."""

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.core.testing import FORBIDDEN, LOGIN, NOT_FOUND, OK, Row, run_matrix
from apps.filings import services
from apps.filings.models import FilingStatus, TargetKind
from apps.filings.tests.factories import CampaignFactory, FilingFactory, submit

pytestmark = pytest.mark.django_db
REDIRECT = 302


@pytest.fixture
def own_submitted(own_filing, enterprise_user):
    submit(own_filing, enterprise_user)
    own_filing.refresh_from_db()
    return own_filing


@pytest.fixture
def b_submitted(filing_b):
    submit(filing_b, None)
    filing_b.refresh_from_db()
    return filing_b


@pytest.fixture
def draft(district_admin):
    return services.campaign_create(
        actor=district_admin,
        year=2025,
        quarter=3,
        title="草稿任务",
        deadline=timezone.localdate(),
        indicators=["revenue"],
        target_kind=TargetKind.FILTER,
        target_filter={},
    )


@pytest.fixture
def other_campaign(enterprise_a):
    """A campaign the persona enterprise is not asked in."""
    campaign = CampaignFactory()
    FilingFactory(campaign=campaign, enterprise=enterprise_a)
    return campaign


STAFF_SIDE = ["district_admin", "street_a_clerk", "street_b_clerk"]
OUTSIDERS = [("auditor", FORBIDDEN), ("anonymous", LOGIN)]


def get_rows() -> list[Row]:
    rows = []
    # Campaigns and progress: staff and officers, leaders (aggregates) too.
    for name, target in [("filings:campaign_list", ""), ("filings:campaign", "campaign")]:
        rows += [Row(p, target, name, OK) for p in [*STAFF_SIDE, "leader"]]
        rows += [Row("enterprise_user", target, name, FORBIDDEN)]
        rows += [Row(p, target, name, code) for p, code in OUTSIDERS]
    # A draft exists only for those who manage campaigns.
    rows += [
        Row("district_admin", "draft", "filings:campaign", OK),
        Row("street_a_clerk", "draft", "filings:campaign", NOT_FOUND),
        Row("leader", "draft", "filings:campaign", NOT_FOUND),
    ]
    # Creating and editing campaigns: FIC staff only.
    for name, target in [("filings:campaign_create", ""), ("filings:campaign_update", "draft")]:
        rows += [Row("district_admin", target, name, OK)]
        rows += [
            Row(p, target, name, FORBIDDEN)
            for p in ["street_a_clerk", "street_b_clerk", "leader", "enterprise_user", "auditor"]
        ]
        rows += [Row("anonymous", target, name, LOGIN)]
    # Chasing lists and the review queue: records-grade staff and officers (rows scoped).
    for name, target in [
        ("filings:unfiled", "campaign"),
        ("filings:unfiled_export", "campaign"),
        ("filings:review_queue", ""),
    ]:
        rows += [Row(p, target, name, OK) for p in STAFF_SIDE]
        rows += [Row(p, target, name, FORBIDDEN) for p in ["leader", "enterprise_user"]]
        rows += [Row(p, target, name, code) for p, code in OUTSIDERS]
    # One filing under review: its own 街乡 and staff only.
    rows += [
        Row("district_admin", "own_submitted", "filings:review", OK),
        Row("street_a_clerk", "own_submitted", "filings:review", OK),
        Row("street_b_clerk", "own_submitted", "filings:review", NOT_FOUND),
        Row("street_a_clerk", "b_submitted", "filings:review", NOT_FOUND),
        Row("street_b_clerk", "b_submitted", "filings:review", OK),
        Row("leader", "own_submitted", "filings:review", FORBIDDEN),
        Row("enterprise_user", "own_submitted", "filings:review", FORBIDDEN),
        Row("auditor", "own_submitted", "filings:review", FORBIDDEN),
        Row("anonymous", "own_submitted", "filings:review", LOGIN),
    ]
    # The enterprise's pages: its own filings only; staff and officers do not fill in.
    rows += [
        Row("enterprise_user", "", "filings:my_list", OK),
        *[Row(p, "", "filings:my_list", FORBIDDEN) for p in [*STAFF_SIDE, "leader", "auditor"]],
        Row("anonymous", "", "filings:my_list", LOGIN),
    ]
    for name in ("filings:form", "filings:receipt"):
        rows += [
            Row("enterprise_user", "own_submitted", name, OK),
            Row("enterprise_user", "b_submitted", name, NOT_FOUND),
            *[Row(p, "own_submitted", name, FORBIDDEN) for p in [*STAFF_SIDE, "leader"]],
            Row("anonymous", "own_submitted", name, LOGIN),
        ]
    rows += [
        Row("enterprise_user", "campaign", "filings:campaign_fill", REDIRECT),
        Row("enterprise_user", "other_campaign", "filings:campaign_fill", NOT_FOUND),
        Row("enterprise_user", "draft", "filings:campaign_fill", NOT_FOUND),
        Row("district_admin", "campaign", "filings:campaign_fill", FORBIDDEN),
        Row("street_a_clerk", "campaign", "filings:campaign_fill", FORBIDDEN),
        Row("anonymous", "campaign", "filings:campaign_fill", LOGIN),
    ]
    return rows


def test_every_get_url(request, login, own_submitted, b_submitted, campaign, draft, other_campaign):
    run_matrix(request, login, get_rows())


def post_rows() -> list[Row]:
    """POSTs that must change nothing: out of scope (404) or not allowed (403)."""
    rows = []
    for name in ("filings:approve", "filings:return"):
        rows += [
            Row("street_b_clerk", "own_submitted", name, NOT_FOUND, "post"),
            Row("street_a_clerk", "b_submitted", name, NOT_FOUND, "post"),
            Row("enterprise_user", "own_submitted", name, FORBIDDEN, "post"),
            Row("leader", "own_submitted", name, FORBIDDEN, "post"),
            Row("anonymous", "own_submitted", name, LOGIN, "post"),
        ]
    for name in ("filings:campaign_open", "filings:campaign_close"):
        rows += [
            Row(p, "campaign", name, FORBIDDEN, "post")
            for p in ["street_a_clerk", "leader", "enterprise_user"]
        ]
        rows += [Row("anonymous", "campaign", name, LOGIN, "post")]
    rows += [
        Row(p, "campaign", "filings:remind", FORBIDDEN, "post")
        for p in ["leader", "enterprise_user", "auditor"]
    ]
    rows += [Row("street_a_clerk", "draft", "filings:remind", NOT_FOUND, "post")]
    for name in ("filings:form", "filings:validate", "filings:correct"):
        rows += [
            Row("enterprise_user", "b_submitted", name, NOT_FOUND, "post"),
            *[Row(p, "own_submitted", name, FORBIDDEN, "post") for p in STAFF_SIDE],
            Row("anonymous", "own_submitted", name, LOGIN, "post"),
        ]
    return rows


def test_posts_out_of_scope_or_without_permission_change_nothing(
    request, login, own_submitted, b_submitted, campaign, draft
):
    data = {"comment": "越权", "field": "revenue", "revenue": "1", "version": "1"}
    run_matrix(request, login, post_rows(), data=data)
    for filing in (own_submitted, b_submitted):
        filing.refresh_from_db()
        assert filing.status == FilingStatus.SUBMITTED
        assert not filing.reviews.exists()
    campaign.refresh_from_db()
    assert campaign.status == "open" and not campaign.reminders.exists()


def test_the_allowed_posts_work(
    request, login, own_submitted, b_submitted, campaign, street_a_clerk, street_b_clerk
):
    run_matrix(
        request,
        login,
        [
            Row("street_a_clerk", "own_submitted", "filings:approve", 302, "post"),
            Row("street_b_clerk", "b_submitted", "filings:return", 302, "post"),
            Row("street_a_clerk", "campaign", "filings:remind", 302, "post"),
        ],
        data={"comment": "请核实"},
    )
    own_submitted.refresh_from_db()
    b_submitted.refresh_from_db()
    assert own_submitted.status == FilingStatus.APPROVED
    assert b_submitted.status == FilingStatus.RETURNED
    # 建外's officer reminded 建外's enterprise that has not filed, nobody in 朝外.
    assert {r.street.short_name for r in campaign.reminders.all()} == {"建外"}


@pytest.mark.parametrize(
    ("persona", "visible", "hidden"),
    [
        ("street_a_clerk", ["own_submitted"], ["b_submitted"]),
        ("street_b_clerk", ["b_submitted"], ["own_submitted"]),
        ("district_admin", ["own_submitted", "b_submitted"], []),
    ],
)
def test_the_queue_lists_only_rows_in_scope(request, login, persona, visible, hidden):
    shown = [request.getfixturevalue(name) for name in visible]
    not_shown = [request.getfixturevalue(name) for name in hidden]
    response = login(request.getfixturevalue(persona)).get(reverse("filings:review_queue"))
    listed = {f.pk for f in response.context["object_list"]}
    page = response.content.decode()
    for filing in shown:
        assert filing.pk in listed and filing.enterprise.name in page
    for filing in not_shown:
        assert filing.pk not in listed and filing.enterprise.name not in page


def test_the_unfiled_list_holds_only_rows_in_scope(
    login, street_b_clerk, own_filing, filing_a, filing_b
):
    response = login(street_b_clerk).get(reverse("filings:unfiled", args=[own_filing.campaign_id]))
    assert [f.pk for f in response.context["object_list"]] == [filing_b.pk]
    assert own_filing.enterprise.name not in response.content.decode()
