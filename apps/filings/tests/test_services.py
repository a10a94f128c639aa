"""The filing services: campaigns, drafts, submissions, reviews, locking and history."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.enterprises.models import LedgerEntry, LedgerSource, Status
from apps.enterprises.tests.factories import EnterpriseFactory
from apps.filings import services
from apps.filings.models import (
    Campaign,
    CampaignStatus,
    Filing,
    FilingStatus,
    ReviewDecision,
    TargetKind,
)
from apps.filings.tests.factories import GOOD, submit

pytestmark = pytest.mark.django_db


def draft_campaign(actor, **fields):
    defaults = {
        "year": 2025,
        "quarter": 3,
        "title": "测试填报",
        "deadline": timezone.localdate() + timedelta(days=5),
        "indicators": ["revenue", "employees"],
        "target_kind": TargetKind.FILTER,
        "target_filter": {},
    }
    return services.campaign_create(actor=actor, **(defaults | fields))


# --- Campaigns ----------------------------------------------------------------------------


def test_opening_asks_the_enterprises_matching_the_filter_then(district_admin, street_a, street_b):
    in_a = EnterpriseFactory(street=street_a)
    EnterpriseFactory(street=street_b)
    EnterpriseFactory(street=street_a, status=Status.DEREGISTERED)
    campaign = draft_campaign(district_admin, target_filter={"streets": [street_a.pk]})
    assert not Filing.objects.exists()  # a draft asks nobody

    made = services.campaign_open(actor=district_admin, campaign=campaign)

    assert made == 1
    filing = Filing.objects.get()
    assert (filing.enterprise, filing.street, filing.status) == (
        in_a,
        street_a,
        FilingStatus.NOT_STARTED,
    )
    # An enterprise registered later is not asked: targets are fixed when the campaign opens.
    EnterpriseFactory(street=street_a)
    services.campaign_close(actor=district_admin, campaign=campaign)
    assert services.campaign_open(actor=district_admin, campaign=campaign) == 0
    assert Filing.objects.count() == 1
    assert AuditEvent.objects.filter(action="campaign.open").count() == 2


def test_opening_by_list_asks_exactly_the_listed_codes(district_admin, street_a):
    listed, _other = EnterpriseFactory(street=street_a), EnterpriseFactory(street=street_a)
    campaign = draft_campaign(
        district_admin, target_kind=TargetKind.LIST, target_codes=[listed.uscc]
    )
    services.campaign_open(actor=district_admin, campaign=campaign)
    assert list(Filing.objects.values_list("enterprise", flat=True)) == [listed.pk]


def test_a_list_campaign_needs_its_list(district_admin):
    with pytest.raises(ValidationError):
        draft_campaign(district_admin, target_kind=TargetKind.LIST, target_codes=[])


def test_a_campaign_asks_only_ledger_indicators(district_admin):
    with pytest.raises(ValidationError):
        draft_campaign(district_admin, indicators=["revenue", "password"])
    with pytest.raises(ValidationError):
        draft_campaign(district_admin, indicators=[])


def test_opening_with_no_match_stays_a_draft(district_admin, street_a):
    campaign = draft_campaign(district_admin, target_filter={"streets": [street_a.pk]})
    with pytest.raises(services.FilingError):
        services.campaign_open(actor=district_admin, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_only_a_draft_can_be_edited(district_admin, campaign):
    with pytest.raises(services.FilingError):
        services.campaign_update(actor=district_admin, campaign=campaign, title="改")


# --- Drafts and submissions -------------------------------------------------------------


def test_draft_keeps_partial_figures(enterprise_user, own_filing):
    filing = services.filing_save_draft(
        actor=enterprise_user,
        filing=own_filing,
        version=own_filing.version,
        values={"revenue": " １,２０5.5 ", "employees": ""},
    )
    assert filing.status == FilingStatus.DRAFT
    # Full-width digits and thousands separators are read; empty fields are not stored.
    assert filing.values == {"revenue": "1205.50"}
    assert filing.version == own_filing.version + 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"revenue": "12O.5"}, "revenue"),  # a letter O for a zero
        ({"revenue": "一百"}, "revenue"),
        ({"employees": "-3"}, "employees"),
        ({"employees": "2.5"}, "employees"),
        ({"tax": "-1"}, "tax"),
        ({"revenue": "1.234"}, "revenue"),
    ],
)
def test_wrong_figures_are_refused_and_nothing_changes(enterprise_user, own_filing, values, field):
    with pytest.raises(services.FilingInvalid) as caught:
        services.filing_save_draft(
            actor=enterprise_user, filing=own_filing, version=own_filing.version, values=values
        )
    assert set(caught.value.field_errors) == {field}
    own_filing.refresh_from_db()
    assert own_filing.values == {} and own_filing.status == FilingStatus.NOT_STARTED


def test_submission_needs_every_indicator(enterprise_user, own_filing):
    values = dict(GOOD, profit="")
    with pytest.raises(services.FilingInvalid) as caught:
        submit(own_filing, enterprise_user, values=values)
    assert set(caught.value.field_errors) == {"profit"}


def test_a_submission_gets_a_receipt_and_is_kept(enterprise_user, own_filing):
    submission = submit(own_filing, enterprise_user)
    own_filing.refresh_from_db()
    assert own_filing.status == FilingStatus.SUBMITTED
    assert own_filing.submitted_at is not None and not own_filing.late
    assert submission.revision == 1
    assert submission.receipt_no == f"TB2025Q3-{own_filing.pk:07d}-01"
    assert submission.values["revenue"] == "120.50"
    assert submission.submitted_by == enterprise_user


def test_revenue_a_thousand_times_last_quarter_needs_a_comment(enterprise_user, own_filing):
    values = dict(GOOD, revenue="100000")  # last quarter: 100
    with pytest.raises(services.FilingInvalid) as caught:
        submit(own_filing, enterprise_user, values=values)
    assert "revenue" in caught.value.field_errors

    submission = submit(
        own_filing,
        enterprise_user,
        values=values,
        comments={"qoq_jump": "本季度完成大额合同交付", "yoy_jump": "同上"},
    )
    assert submission.confirmations == {"qoq_jump": "本季度完成大额合同交付", "yoy_jump": "同上"}


def test_tax_above_revenue_and_no_employees_are_warnings(enterprise_user, own_filing):
    values = dict(GOOD, revenue="100", tax="150", employees="0")
    with pytest.raises(services.FilingInvalid) as caught:
        submit(own_filing, enterprise_user, values=values)
    assert set(caught.value.field_errors) == {"tax", "employees"}


def test_a_submission_after_the_deadline_is_accepted_and_marked_late(
    enterprise_user, own_filing, campaign
):
    Campaign.objects.filter(pk=campaign.pk).update(
        deadline=timezone.localdate() - timedelta(days=1)
    )
    own_filing.campaign.refresh_from_db()
    submission = submit(own_filing, enterprise_user)
    own_filing.refresh_from_db()
    assert submission.late and own_filing.late
    assert own_filing.status == FilingStatus.SUBMITTED


def test_an_older_version_is_a_conflict_and_nothing_is_lost(enterprise_user, own_filing):
    opened = own_filing.version  # both tabs opened the form at this version
    services.filing_save_draft(
        actor=enterprise_user, filing=own_filing, version=opened, values={"revenue": "111"}
    )
    with pytest.raises(services.FilingConflict):
        services.filing_submit(
            actor=enterprise_user, filing=own_filing, version=opened, values=dict(GOOD)
        )
    own_filing.refresh_from_db()
    assert own_filing.values == {"revenue": "111.00"}
    assert own_filing.status == FilingStatus.DRAFT
    assert not own_filing.submissions.exists()


def test_a_closed_campaign_takes_no_more_figures(district_admin, enterprise_user, own_filing):
    services.campaign_close(actor=district_admin, campaign=own_filing.campaign)
    with pytest.raises(services.FilingError):
        submit(own_filing, enterprise_user)


# --- Review ---------------------------------------------------------------------------------


def test_approval_writes_the_ledger_with_source_filing(street_a_clerk, enterprise_user, own_filing):
    submit(own_filing, enterprise_user)
    review = services.filing_approve(actor=street_a_clerk, filing=own_filing, comment="")
    own_filing.refresh_from_db()
    assert review.decision == ReviewDecision.APPROVE
    assert own_filing.status == FilingStatus.APPROVED and own_filing.approved_at
    entry = LedgerEntry.objects.get(enterprise=own_filing.enterprise, year=2025, quarter=3)
    assert entry.source == LedgerSource.FILING
    assert (entry.revenue, entry.employees, entry.rd_expense) == (
        Decimal("120.50"),
        21,
        Decimal("1.50"),
    )
    assert entry.updated_by == street_a_clerk


def test_approval_writes_only_the_indicators_asked(
    district_admin, street_a_clerk, enterprise_user, street_a
):
    enterprise = EnterpriseFactory(street=street_a, uscc="91110105MA00000011")
    enterprise_user.scope_uscc = enterprise.uscc
    campaign = draft_campaign(
        district_admin,
        indicators=["revenue"],
        target_kind=TargetKind.LIST,
        target_codes=[enterprise.uscc],
    )
    services.campaign_open(actor=district_admin, campaign=campaign)
    filing = Filing.objects.get(campaign=campaign)
    submit(filing, enterprise_user, values={"revenue": "50"})
    services.filing_approve(actor=street_a_clerk, filing=filing)
    entry = LedgerEntry.objects.get(enterprise=enterprise)
    assert entry.revenue == Decimal("50.00") and entry.employees is None


def test_return_needs_a_comment_and_goes_back_to_the_enterprise(
    street_a_clerk, enterprise_user, own_filing
):
    submit(own_filing, enterprise_user)
    with pytest.raises(ValidationError):
        services.filing_return(actor=street_a_clerk, filing=own_filing, comment="  ")
    services.filing_return(actor=street_a_clerk, filing=own_filing, comment="利润总额有误")
    own_filing.refresh_from_db()
    assert own_filing.status == FilingStatus.RETURNED
    assert not LedgerEntry.objects.filter(
        enterprise=own_filing.enterprise, year=2025, quarter=3
    ).exists()
    # The enterprise corrects and submits again.
    second = submit(own_filing, enterprise_user, values=dict(GOOD, profit="12"))
    assert second.revision == 2


def test_a_reviewer_of_another_street_cannot_decide(street_b_clerk, enterprise_user, own_filing):
    submit(own_filing, enterprise_user)
    with pytest.raises(PermissionDenied):
        services.filing_approve(actor=street_b_clerk, filing=own_filing)
    with pytest.raises(PermissionDenied):
        services.filing_return(actor=street_b_clerk, filing=own_filing, comment="越权")
    own_filing.refresh_from_db()
    assert own_filing.status == FilingStatus.SUBMITTED


def test_an_enterprise_cannot_touch_another_enterprises_filing(enterprise_user, filing_a):
    with pytest.raises(PermissionDenied):
        submit(filing_a, enterprise_user)


def test_a_filing_is_reviewed_once(street_a_clerk, district_admin, enterprise_user, own_filing):
    submit(own_filing, enterprise_user)
    services.filing_approve(actor=street_a_clerk, filing=own_filing)
    with pytest.raises(services.FilingError):
        services.filing_return(actor=district_admin, filing=own_filing, comment="晚了")


def test_approved_is_locked_and_a_correction_keeps_the_history(
    street_a_clerk, enterprise_user, own_filing
):
    submit(own_filing, enterprise_user)
    services.filing_approve(actor=street_a_clerk, filing=own_filing)
    own_filing.refresh_from_db()
    with pytest.raises(services.FilingError):
        services.filing_save_draft(
            actor=enterprise_user,
            filing=own_filing,
            version=own_filing.version,
            values={"revenue": "1"},
        )

    services.filing_correction_start(
        actor=enterprise_user, filing=own_filing, version=own_filing.version
    )
    own_filing.refresh_from_db()
    assert own_filing.status == FilingStatus.DRAFT and own_filing.approved_at is not None
    # Until the correction is approved the ledger keeps the approved figures.
    submit(own_filing, enterprise_user, values=dict(GOOD, revenue="130"))
    entry = LedgerEntry.objects.get(enterprise=own_filing.enterprise, year=2025, quarter=3)
    assert entry.revenue == Decimal("120.50")
    services.filing_approve(actor=street_a_clerk, filing=own_filing, comment="更正已核")
    entry.refresh_from_db()
    assert entry.revenue == Decimal("130.00")
    assert own_filing.submissions.count() == 2
    assert list(own_filing.reviews.values_list("decision", flat=True)) == ["approve", "approve"]
