"""Dues (会费): the rates table, each year's charges, payments, reminders and the lapse flag.

A year's charge is fixed when the year is assessed (daily, for members not yet charged),
from the highest rate that applies to the member: the rate of their kind, or of a post
they hold. Changing the rates changes the charges assessed afterwards, not earlier ones.
Members whose dues stay unpaid for over MEMBERS_LAPSE_AFTER_DAYS after the due date are
flagged for the lapse review; staff decide, nobody is lapsed automatically.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_record

from . import notices
from .models import (
    CURRENT_STATUSES,
    DuesCharge,
    DuesPayment,
    DuesRate,
    DuesReminder,
    Member,
    MemberKind,
    PaymentMethod,
    PostHolding,
    ReminderStage,
)


def due_date_for(year: int, join_date: date | None = None) -> date:
    """The year's due date (MEMBERS_DUES_DUE_DATE, "MM-DD"); a member admitted later in
    the year has MEMBERS_DUES_NEW_MEMBER_DAYS from the join date."""
    month, day = (int(part) for part in settings.MEMBERS_DUES_DUE_DATE.split("-"))
    due = date(year, month, day)
    if join_date is not None and join_date.year == year:
        due = max(due, join_date + timedelta(days=settings.MEMBERS_DUES_NEW_MEMBER_DAYS))
    return due


def rate_table() -> dict[tuple[str, str], Decimal]:
    return {(r.kind, r.post): r.amount for r in DuesRate.objects.all()}


def amount_for(
    member: Member, on: date, rates: dict | None = None, posts: list[str] | None = None
) -> Decimal | None:
    """The highest rate that applies to the member on `on`; None when no rate applies.
    `posts`: the posts the member holds on `on`, when the caller has them already."""
    rates = rate_table() if rates is None else rates
    if posts is None:
        posts = list(
            PostHolding.objects.filter(member=member).current_on(on).values_list("post", flat=True)
        )
    candidates = [rates.get((member.kind, ""))]
    candidates += [rates.get((member.kind, post)) for post in posts]
    found = [amount for amount in candidates if amount is not None]
    return max(found) if found else None


def _posts_on(on: date) -> dict[int, list[str]]:
    held: dict[int, list[str]] = {}
    for member_id, post in PostHolding.objects.current_on(on).values_list("member_id", "post"):
        held.setdefault(member_id, []).append(post)
    return held


@transaction.atomic
def dues_rates_save(*, actor, rates: dict[tuple[str, str], Decimal | None]) -> int:
    """Set the rates table: {(kind, post or ""): amount, or None to remove}. Returns changes."""
    before = {f"{k}/{p}": str(a) for (k, p), a in rate_table().items()}
    changed = 0
    for (kind, post), amount in rates.items():
        if kind not in MemberKind.values:
            raise ValueError(f"unknown kind {kind!r}")
        if amount is None:
            changed += DuesRate.objects.filter(kind=kind, post=post).delete()[0]
            continue
        if amount < 0:
            raise ValidationError(_("A rate cannot be negative."), code="negative")
        row, created = DuesRate.objects.get_or_create(
            kind=kind, post=post, defaults={"amount": amount}
        )
        if created or row.amount != amount:
            DuesRate.objects.filter(pk=row.pk).update(amount=amount)
            changed += 1
    after = {f"{k}/{p}": str(a) for (k, p), a in rate_table().items()}
    if changed:
        changes = {
            key: [before.get(key), after.get(key)]
            for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key)
        }
        audit_record(
            action="dues.rates",
            actor=actor,
            object_type="members.duesrate",
            object_repr=_("Dues rates"),
            changes=changes,
        )
    return changed


@transaction.atomic
def dues_assess(*, year: int, today: date | None = None) -> int:
    """Charge every current member who joined by the end of `year` and has no charge for it
    yet (idempotent: run daily). Members to whom no rate applies are not charged."""
    today = today or timezone.localdate()
    rates = rate_table()
    if not rates:
        return 0
    charged = DuesCharge.objects.filter(year=year).values("member_id")
    members = (
        Member.objects.filter(status__in=CURRENT_STATUSES, join_date__year__lte=year)
        .exclude(pk__in=charged)
        .order_by("pk")
    )
    # The posts held when the year is assessed: today, or the year's first or last day.
    on = min(max(today, date(year, 1, 1)), date(year, 12, 31))
    held = _posts_on(on)
    rows = []
    for member in members.iterator(chunk_size=500):
        amount = amount_for(member, on, rates, held.get(member.pk, []))
        if not amount:
            continue
        rows.append(
            DuesCharge(
                member=member,
                year=year,
                amount=amount,
                due_date=due_date_for(year, member.join_date),
            )
        )
    DuesCharge.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    if rows:
        audit_record(
            action="dues.assess",
            object_type="members.duescharge",
            object_repr=str(year),
            changes={"charges": [None, len(rows)]},
        )
    return len(rows)


def _check_receipt(receipt_number: str) -> str:
    receipt_number = (receipt_number or "").strip()
    if not receipt_number:
        raise ValidationError(_("Enter the receipt number."), code="receipt")
    if DuesPayment.objects.filter(receipt_number=receipt_number).exists():
        raise ValidationError(
            _("Receipt number %(number)s has already been recorded.") % {"number": receipt_number},
            code="receipt_taken",
        )
    return receipt_number


@transaction.atomic
def dues_payment_record(
    *,
    actor,
    member: Member,
    year: int,
    amount: Decimal,
    paid_on: date,
    method: str,
    receipt_number: str,
    note: str = "",
) -> DuesPayment:
    """Record a payment for one year's dues. A year not assessed yet is charged now; paying
    more than is owed for the year is refused."""
    if amount is None or amount <= 0:
        raise ValidationError(_("The amount must be more than zero."), code="amount")
    if method not in PaymentMethod.values:
        raise ValidationError(_("Choose how the dues were paid."), code="method")
    if paid_on > timezone.localdate():
        raise ValidationError(_("The payment date cannot be in the future."), code="date")
    receipt_number = _check_receipt(receipt_number)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if year < member.join_date.year:
        raise ValidationError(_("The member had not joined in that year."), code="year")
    charge = DuesCharge.objects.select_for_update().filter(member=member, year=year).first()
    if charge is None:
        due = amount_for(member, max(date(year, 1, 1), min(paid_on, date(year, 12, 31))))
        charge = DuesCharge.objects.create(
            member=member,
            year=year,
            amount=due if due is not None else amount,
            due_date=due_date_for(year, member.join_date),
        )
    if amount > charge.amount - charge.paid:
        raise ValidationError(
            _("%(year)d dues are %(due)s yuan, of which %(left)s yuan are unpaid.")
            % {"year": year, "due": charge.amount, "left": charge.amount - charge.paid},
            code="overpaid",
        )
    payment = DuesPayment(
        member=member,
        year=year,
        amount=amount,
        paid_on=paid_on,
        method=method,
        receipt_number=receipt_number,
        note=note.strip(),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    payment.full_clean(exclude=["recorded_by"])
    payment.save()
    DuesCharge.objects.filter(pk=charge.pk).update(paid=F("paid") + amount)
    audit_record(
        action="dues.payment",
        actor=actor,
        obj=member,
        changes={"dues": [None, f"{year}: {amount}"]},
        message=f"{receipt_number} {method} {paid_on.isoformat()}",
    )
    lapse_flag_refresh(member=member)
    return payment


def lapse_cutoff(today: date) -> date:
    return today - timedelta(days=settings.MEMBERS_LAPSE_AFTER_DAYS)


def lapse_flag_refresh(*, member: Member, today: date | None = None) -> bool:
    """Set or clear the member's lapse-review flag from their unpaid dues; True if flagged."""
    today = today or timezone.localdate()
    owing = (
        member.status in CURRENT_STATUSES
        and DuesCharge.objects.outstanding()
        .filter(member=member, due_date__lt=lapse_cutoff(today))
        .exists()
    )
    if owing and member.lapse_flagged_on is None:
        Member.objects.filter(pk=member.pk).update(lapse_flagged_on=today)
        member.lapse_flagged_on = today
        audit_record(
            action="member.lapse_flag", obj=member, changes={"lapse": [None, today.isoformat()]}
        )
    elif not owing and member.lapse_flagged_on is not None:
        Member.objects.filter(pk=member.pk).update(lapse_flagged_on=None)
        audit_record(
            action="member.lapse_flag",
            obj=member,
            changes={"lapse": [member.lapse_flagged_on.isoformat(), None]},
        )
        member.lapse_flagged_on = None
    return owing


@transaction.atomic
def lapse_flags_refresh(today: date | None = None) -> dict[str, int]:
    """The nightly check: flag members in arrears for over a year, clear the others."""
    today = today or timezone.localdate()
    owing = (
        DuesCharge.objects.outstanding()
        .filter(due_date__lt=lapse_cutoff(today), member__status__in=CURRENT_STATUSES)
        .values("member_id")
    )
    flagged = cleared = 0
    for member in Member.objects.filter(pk__in=owing, lapse_flagged_on__isnull=True):
        flagged += lapse_flag_refresh(member=member, today=today)
    for member in Member.objects.filter(lapse_flagged_on__isnull=False).exclude(pk__in=owing):
        lapse_flag_refresh(member=member, today=today)
        cleared += 1
    return {"flagged": flagged, "cleared": cleared}


@dataclass
class ReminderResult:
    charges: int = 0
    messages: int = 0


def reminder_stage(charge: DuesCharge, today: date) -> str | None:
    before = timedelta(days=settings.MEMBERS_DUES_REMIND_BEFORE_DAYS)
    after = timedelta(days=settings.MEMBERS_DUES_REMIND_AFTER_DAYS)
    if charge.due_date - before <= today <= charge.due_date:
        return ReminderStage.BEFORE
    if today >= charge.due_date + after:
        return ReminderStage.OVERDUE
    return None


def dues_reminders_due(today: date | None = None) -> dict[str, int]:
    """The scheduled reminders (daily): before the due date and once overdue, each at most
    once per year's dues. Each charge is handled in its own transaction."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.MEMBERS_DUES_REMIND_BEFORE_DAYS)
    charges = (
        DuesCharge.objects.outstanding()
        .filter(due_date__lte=horizon, member__status__in=CURRENT_STATUSES)
        .select_related("member", "member__enterprise")
        .order_by("pk")
    )
    totals = {"charges": 0, "messages": 0}
    for charge in charges.iterator(chunk_size=500):
        stage = reminder_stage(charge, today)
        if stage is None:
            continue
        with transaction.atomic():
            reminder, created = DuesReminder.objects.get_or_create(charge=charge, stage=stage)
            if not created:
                continue
            sent = notices.dues_reminder_sent(charge=charge, stage=stage)
            DuesReminder.objects.filter(pk=reminder.pk).update(messages=sent)
        totals["charges"] += 1
        totals["messages"] += sent
    return totals


def arrears_total(charges) -> Decimal:
    """Unpaid total of a queryset of charges."""
    sums = charges.aggregate(amount=Sum("amount"), paid=Sum("paid"))
    return (sums["amount"] or Decimal(0)) - (sums["paid"] or Decimal(0))
