"""Writes of the filings module: campaigns, filings, reviews and reminders.

Every function here checks its rule, writes the audit event and, where someone must be
told, calls apps.core.notify inside the same transaction (nothing is sent on rollback).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.audit.services import audit_record, diff, snapshot
from apps.enterprises.models import LedgerSource
from apps.enterprises.services import ledger_save

from . import notices, rules, selectors, targets
from .models import (
    INDICATORS,
    TARGET_FILTER_KEYS,
    Campaign,
    CampaignStatus,
    Filing,
    FilingReview,
    FilingStatus,
    FilingSubmission,
    Reminder,
    ReminderStage,
    ReviewDecision,
    TargetKind,
)

CAMPAIGN_FIELDS = [
    "year",
    "quarter",
    "title",
    "deadline",
    "indicators",
    "target_kind",
    "target_filter",
    "target_codes",
    "target_file_name",
]
REVIEW_COMMENT_MAX_LENGTH = 500
BULK_BATCH = 2000


class FilingError(ValidationError):
    """The action is not allowed in the filing's or campaign's present state."""


class FilingConflict(FilingError):
    """The filing was saved elsewhere (another tab, another person) after it was opened."""


class FilingInvalid(ValidationError):
    """Figures or comments are wrong; ``field_errors`` maps each field to its message."""

    def __init__(self, field_errors: dict[str, str]):
        super().__init__(list(field_errors.values()))
        self.field_errors = field_errors


CONFLICT_MESSAGE = gettext_lazy(
    "This filing was saved in another window or by someone else after you opened it. "
    "Your entries are kept below; check them against the saved figures and save again."
)


def _conflict() -> FilingConflict:
    return FilingConflict(str(CONFLICT_MESSAGE), code="conflict")


def _check_scope(actor, filing: Filing) -> None:
    """Services re-check scope: a caller that forgot cannot reach another 街乡's filing."""
    if actor is not None and not Filing.objects.in_scope(actor).filter(pk=filing.pk).exists():
        raise PermissionDenied


# --- Campaigns --------------------------------------------------------------------------


def _clean_campaign_fields(fields: dict) -> dict:
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    if "indicators" in fields:
        wanted = set(fields["indicators"] or [])
        # Ledger order; anything else stays in so that clean() refuses it.
        fields["indicators"] = [n for n in INDICATORS if n in wanted] + sorted(
            str(n) for n in wanted - set(INDICATORS)
        )
    if "target_filter" in fields:
        spec = fields["target_filter"] or {}
        fields["target_filter"] = {
            key: sorted({str(v) for v in spec.get(key) or []})
            for key in TARGET_FILTER_KEYS
            if spec.get(key)
        }
    return fields


def _check_targets(campaign: Campaign) -> None:
    if campaign.target_kind == TargetKind.LIST and not campaign.target_codes:
        raise ValidationError(
            {"target_codes": _("Upload the list of credit codes of the enterprises asked.")}
        )


@transaction.atomic
def campaign_create(*, actor, **fields) -> Campaign:
    """A draft campaign. Targets are chosen now but matched when it opens."""
    fields = _clean_campaign_fields(fields)
    campaign = Campaign(created_by=actor, status=CampaignStatus.DRAFT, **fields)
    campaign.full_clean(exclude=["created_by"])  # None for the demo seeder and scripts
    _check_targets(campaign)
    campaign.save()
    audit_record(
        action="campaign.create",
        actor=actor,
        obj=campaign,
        changes=diff({}, snapshot(campaign, CAMPAIGN_FIELDS)),
    )
    return campaign


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, **fields) -> Campaign:
    current = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if current.status != CampaignStatus.DRAFT:
        raise FilingError(_("Only a draft campaign can be edited."), code="not_draft")
    before = snapshot(current, CAMPAIGN_FIELDS)
    for name, value in _clean_campaign_fields(fields).items():
        setattr(current, name, value)
    current.full_clean()
    _check_targets(current)
    current.save()
    changes = diff(before, snapshot(current, CAMPAIGN_FIELDS))
    if changes:
        audit_record(action="campaign.update", actor=actor, obj=current, changes=changes)
    return current


def target_count(campaign: Campaign) -> int:
    return targets.enterprises_matching(
        target_kind=campaign.target_kind,
        target_filter=campaign.target_filter,
        codes=campaign.target_codes,
    ).count()


@transaction.atomic
def campaign_open(*, actor, campaign: Campaign) -> int:
    """Open a draft (its targets are the enterprises matching now) or reopen a closed one.

    Returns the number of filings made (0 when reopening).
    """
    current = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if current.status == CampaignStatus.OPEN:
        raise FilingError(_("This campaign is already open."), code="open")
    made = 0
    if current.status == CampaignStatus.DRAFT:
        matching = targets.enterprises_matching(
            target_kind=current.target_kind,
            target_filter=current.target_filter,
            codes=current.target_codes,
        ).order_by("pk")
        batch = []
        for enterprise_id, street_id in matching.values_list("pk", "street_id").iterator(
            chunk_size=BULK_BATCH
        ):
            batch.append(Filing(campaign=current, enterprise_id=enterprise_id, street_id=street_id))
            if len(batch) >= BULK_BATCH:
                Filing.objects.bulk_create(batch)
                made += len(batch)
                batch = []
        if batch:
            Filing.objects.bulk_create(batch)
            made += len(batch)
        if not made:
            raise FilingError(
                _("No enterprise in operation matches the targets of this campaign."),
                code="no_targets",
            )
        current.opened_at = timezone.now()
    current.status = CampaignStatus.OPEN
    current.closed_at = None
    current.save(update_fields=["status", "opened_at", "closed_at"])
    audit_record(
        action="campaign.open",
        actor=actor,
        obj=current,
        message=f"targets={made}" if made else "reopened",
        changes={"status": [campaign.status, CampaignStatus.OPEN]},
    )
    return made


@transaction.atomic
def campaign_close(*, actor, campaign: Campaign) -> Campaign:
    """No more saving or submitting; submissions already in can still be reviewed."""
    current = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if current.status != CampaignStatus.OPEN:
        raise FilingError(_("Only an open campaign can be closed."), code="not_open")
    current.status = CampaignStatus.CLOSED
    current.closed_at = timezone.now()
    current.save(update_fields=["status", "closed_at"])
    audit_record(
        action="campaign.close",
        actor=actor,
        obj=current,
        changes={"status": [CampaignStatus.OPEN, CampaignStatus.CLOSED]},
    )
    return current


# --- Filing (the enterprise) ------------------------------------------------------------


def _locked_for_edit(filing: Filing, version: int) -> Filing:
    current = Filing.objects.select_for_update().select_related("campaign").get(pk=filing.pk)
    if current.version != version:
        raise _conflict()
    if current.campaign.status != CampaignStatus.OPEN:
        raise FilingError(
            _("This campaign is closed: figures can no longer be changed."), code="closed"
        )
    if current.status == FilingStatus.SUBMITTED:
        raise FilingError(
            _("This filing has been submitted and is awaiting review."), code="submitted"
        )
    if current.status == FilingStatus.APPROVED:
        raise FilingError(
            _("This filing has been approved and is locked. Start a correction to change it."),
            code="approved",
        )
    return current


def _write(current: Filing, version: int, **fields) -> Filing:
    """The version check and the write in one UPDATE: two tabs racing cannot both win."""
    fields["updated_at"] = timezone.now()
    updated = Filing.objects.filter(pk=current.pk, version=version).update(
        version=F("version") + 1, **fields
    )
    if not updated:
        raise _conflict()
    current.refresh_from_db()
    return current


def _parse(current: Filing, values: Mapping) -> tuple[dict, dict[str, str]]:
    indicators = current.campaign.ordered_indicators()
    return rules.parse_values(indicators, {k: values.get(k, "") for k in indicators})


@transaction.atomic
def filing_save_draft(
    *, actor, filing: Filing, version: int, values: Mapping, comments: Mapping | None = None
) -> Filing:
    """Keep what the enterprise typed so far. Empty fields are fine; wrong ones are not."""
    _check_scope(actor, filing)
    current = _locked_for_edit(filing, version)
    parsed, errors = _parse(current, values)
    if errors:
        raise FilingInvalid(errors)
    comments = {
        rule: str(text).strip()[: rules.COMMENT_MAX_LENGTH]
        for rule, text in (comments or {}).items()
        if rule in rules.RULE_FIELD and str(text).strip()
    }
    before = {"status": current.status, **current.values}
    current = _write(
        current,
        version,
        status=FilingStatus.DRAFT,
        values=rules.to_json(parsed),
        confirmations=comments,
    )
    changes = diff(before, {"status": current.status, **current.values})
    if changes:
        audit_record(action="filing.save_draft", actor=actor, obj=current, changes=changes)
    return current


def receipt_number(filing: Filing, revision: int) -> str:
    campaign = filing.campaign
    return f"TB{campaign.year}Q{campaign.quarter}-{filing.pk:07d}-{revision:02d}"


@transaction.atomic
def filing_submit(
    *, actor, filing: Filing, version: int, values: Mapping, comments: Mapping | None = None
) -> FilingSubmission:
    """Submit the figures for review. Every indicator asked must be filled, and every
    data-quality warning explained in a comment. After the deadline it is accepted and
    marked late."""
    _check_scope(actor, filing)
    current = _locked_for_edit(filing, version)
    parsed, errors = _parse(current, values)
    for name, value in parsed.items():
        if value is None and name not in errors:
            errors[name] = _("Fill in this figure (enter 0 if there is none).")
    if errors:
        raise FilingInvalid(errors)
    campaign = current.campaign
    warnings = selectors.comparison_for(current).warnings(
        parsed, year=campaign.year, quarter=campaign.quarter
    )
    confirmations, missing = rules.clean_confirmations(comments or {}, warnings)
    if missing:
        raise FilingInvalid(missing)
    now = timezone.now()
    late = timezone.localdate(now) > campaign.deadline
    stored = rules.to_json(parsed)
    current = _write(
        current,
        version,
        status=FilingStatus.SUBMITTED,
        values=stored,
        confirmations=confirmations,
        submitted_at=now,
        late=late,
    )
    revision = current.submissions.count() + 1
    submission = FilingSubmission.objects.create(
        filing=current,
        revision=revision,
        receipt_no=receipt_number(current, revision),
        values=stored,
        confirmations=confirmations,
        late=late,
        submitted_by=actor,
        submitted_at=now,
    )
    audit_record(
        action="filing.submit",
        actor=actor,
        obj=current,
        message=submission.receipt_no + (" late" if late else ""),
        changes={name: [None, text] for name, text in stored.items()},
    )
    return submission


@transaction.atomic
def filing_correction_start(*, actor, filing: Filing, version: int) -> Filing:
    """Reopen an approved filing as a draft. The approved figures stay on the ledger and
    in the history until a corrected submission is approved in turn."""
    _check_scope(actor, filing)
    current = Filing.objects.select_for_update().select_related("campaign").get(pk=filing.pk)
    if current.version != version:
        raise _conflict()
    if current.status != FilingStatus.APPROVED:
        raise FilingError(_("Only an approved filing can be corrected."), code="not_approved")
    if current.campaign.status != CampaignStatus.OPEN:
        raise FilingError(
            _("This campaign is closed: figures can no longer be changed."), code="closed"
        )
    current = _write(current, version, status=FilingStatus.DRAFT)
    audit_record(
        action="filing.correction_start",
        actor=actor,
        obj=current,
        changes={"status": [FilingStatus.APPROVED, FilingStatus.DRAFT]},
    )
    return current


# --- Review (street officers, FIC staff) ------------------------------------------------


def _locked_for_review(actor, filing: Filing) -> tuple[Filing, FilingSubmission]:
    _check_scope(actor, filing)
    current = (
        Filing.objects.select_for_update()
        .select_related("campaign", "enterprise")
        .get(pk=filing.pk)
    )
    if current.status != FilingStatus.SUBMITTED:
        raise FilingError(
            _("This filing is not awaiting review (someone may have reviewed it already)."),
            code="not_submitted",
        )
    return current, current.submissions.order_by("-revision").first()


@transaction.atomic
def filing_approve(*, actor, filing: Filing, comment: str = "") -> FilingReview:
    """Accept the latest submission: its figures go to the ledger with source "filing"."""
    current, submission = _locked_for_review(actor, filing)
    comment = (comment or "").strip()[:REVIEW_COMMENT_MAX_LENGTH]
    campaign = current.campaign
    figures = {
        name: value
        for name, value in rules.from_json(submission.values).items()
        if name in campaign.indicators
    }
    ledger_save(
        actor=actor,
        enterprise=current.enterprise,
        year=campaign.year,
        quarter=campaign.quarter,
        source=LedgerSource.FILING,
        **figures,
    )
    now = timezone.now()
    review = FilingReview.objects.create(
        filing=current,
        submission=submission,
        decision=ReviewDecision.APPROVE,
        comment=comment,
        reviewed_by=actor,
        reviewed_at=now,
    )
    current = _write(current, current.version, status=FilingStatus.APPROVED, approved_at=now)
    audit_record(
        action="filing.approve",
        actor=actor,
        obj=current,
        message=submission.receipt_no,
        changes={"status": [FilingStatus.SUBMITTED, FilingStatus.APPROVED]},
    )
    users = selectors.enterprise_users([current.enterprise.uscc]).get(current.enterprise.uscc)
    notices.decision_sent(filing=current, review=review, users=users or [])
    return review


@transaction.atomic
def filing_return(*, actor, filing: Filing, comment: str) -> FilingReview:
    """Send the submission back to the enterprise with what to correct."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(
            {"comment": _("Say what the enterprise should correct.")}, code="required"
        )
    if len(comment) > REVIEW_COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "comment": _("The comment can be at most %(limit)d characters long.")
                % {"limit": REVIEW_COMMENT_MAX_LENGTH}
            },
            code="max_length",
        )
    current, submission = _locked_for_review(actor, filing)
    review = FilingReview.objects.create(
        filing=current,
        submission=submission,
        decision=ReviewDecision.RETURN,
        comment=comment,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
    )
    current = _write(current, current.version, status=FilingStatus.RETURNED)
    audit_record(
        action="filing.return",
        actor=actor,
        obj=current,
        message=submission.receipt_no,
        changes={
            "status": [FilingStatus.SUBMITTED, FilingStatus.RETURNED],
            "comment": [None, comment],
        },
    )
    users = selectors.enterprise_users([current.enterprise.uscc]).get(current.enterprise.uscc)
    notices.decision_sent(filing=current, review=review, users=users or [])
    return review


# --- Reminders (催报) --------------------------------------------------------------------


@dataclass
class ReminderResult:
    enterprises: int = 0  # reminded now
    messages: int = 0  # deliveries queued
    unreachable: int = 0  # no account and no mobile phone on the registry
    skipped: int = 0  # reminded at this stage already (or too recently, by hand)


def manual_cooldown() -> timedelta:
    return timedelta(hours=int(getattr(settings, "FILINGS_MANUAL_REMINDER_HOURS", 24)))


@transaction.atomic
def reminders_send(*, actor, campaign: Campaign, stage: str) -> ReminderResult:
    """Remind every enterprise of the campaign that has not filed, within the actor's
    scope (the schedule passes actor=None: the whole district).

    The scheduled stages reach an enterprise at most once each; a reminder by hand skips
    enterprises reminded in the last FILINGS_MANUAL_REMINDER_HOURS (default 24).
    """
    if stage not in ReminderStage.values:
        raise ValueError(f"unknown reminder stage {stage!r}")
    # One sender per campaign at a time, so no enterprise is reminded twice in a race.
    current = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if current.status != CampaignStatus.OPEN:
        raise FilingError(_("Reminders are sent only while a campaign is open."), code="not_open")
    filings = Filing.objects.filter(campaign=current)
    if actor is not None:
        filings = filings.in_scope(actor)
    filings = selectors.unfiled(filings)
    total = filings.count()
    if stage == ReminderStage.MANUAL:
        since = timezone.now() - manual_cooldown()
        filings = filings.exclude(selectors.reminded_recently(current, since))
    else:
        filings = filings.exclude(reminders__stage=stage)
    filings = list(filings.select_related("enterprise", "campaign").order_by("pk"))
    result = ReminderResult(skipped=total - len(filings))
    users = selectors.enterprise_users(f.enterprise.uscc for f in filings)
    now = timezone.now()
    reminders = []
    for filing in filings:
        sent = notices.reminder_sent(
            filing=filing, stage=stage, users=users.get(filing.enterprise.uscc, [])
        )
        result.enterprises += 1
        result.messages += sent
        result.unreachable += 0 if sent else 1
        reminders.append(
            Reminder(
                campaign=current,
                filing=filing,
                enterprise_id=filing.enterprise_id,
                street_id=filing.street_id,
                stage=stage,
                channel_count=min(sent, 32767),
                sent_by=actor,
                sent_at=now,
            )
        )
    Reminder.objects.bulk_create(reminders, batch_size=BULK_BATCH)
    if reminders:
        audit_record(
            action="filing.remind",
            actor=actor,
            obj=current,
            message=(
                f"{stage} enterprises={result.enterprises} messages={result.messages} "
                f"unreachable={result.unreachable}"
            ),
        )
    return result


def reminders_due(today: date | None = None) -> dict[str, int]:
    """The scheduled reminders (daily): N days before the deadline, and once overdue.

    FILINGS_REMIND_BEFORE_DAYS (default 3) and FILINGS_REMIND_OVERDUE_AFTER_DAYS (default 1)
    set the days. Each campaign is handled in its own transaction.
    """
    today = today or timezone.localdate()
    before = timedelta(days=int(getattr(settings, "FILINGS_REMIND_BEFORE_DAYS", 3)))
    after = timedelta(days=int(getattr(settings, "FILINGS_REMIND_OVERDUE_AFTER_DAYS", 1)))
    totals = {"campaigns": 0, "enterprises": 0, "messages": 0}
    for campaign in Campaign.objects.filter(status=CampaignStatus.OPEN).order_by("pk"):
        if campaign.deadline - before <= today <= campaign.deadline:
            stage = ReminderStage.BEFORE_DEADLINE
        elif today >= campaign.deadline + after:
            stage = ReminderStage.OVERDUE
        else:
            continue
        result = reminders_send(actor=None, campaign=campaign, stage=stage)
        totals["campaigns"] += 1
        totals["enterprises"] += result.enterprises
        totals["messages"] += result.messages
    return totals
