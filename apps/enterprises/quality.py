"""Data quality of the economic ledger (数据质量): rules that flag suspicious rows.

Rules (apps.enterprises.models.QualityRule), each on one ledger row:

* TAX_ABOVE_REVENUE  纳税总额 > 0 and above 营业收入 of the same quarter.
* QOQ_JUMP           营业收入 changed against the previous quarter by more than
                     settings.QUALITY_CHANGE_FACTOR (F) in either direction:
                     later > base × F, or later < base ÷ F.
* YOY_JUMP           the same against the same quarter of the previous year.
                     Both change rules skip tiny bases: the earlier figure must be at
                     least QUALITY_MIN_BASE 万元 (default 10), because a ratio over a
                     base of a few 万元 says nothing. A negative later figure is left
                     to NEGATIVE_REVENUE.
* NO_EMPLOYEES       从业人员 = 0 while 营业收入 > 0.
* NEGATIVE_REVENUE   营业收入 < 0.
* NOT_BEIJING        the credit code's region part (characters 3-4) is not "11".
                     It concerns the enterprise, not a quarter, so only its latest
                     ledger row carries it, and once confirmed on any of its rows it
                     is not raised again.

Flags are LedgerFlag rows, one per (row, rule). Checking is idempotent: a check
creates the flags whose condition holds, deletes the open ones whose condition no
longer holds, and keeps confirmed ones. A confirmation covers the figures it was
given for: when the figures change and the rule still fires, the flag opens again.

Entry points (keep these signatures stable, the import and ledger code call them):

    quality_check(entries)                  rows given (LedgerEntry objects or ids)
    quality_check_enterprises(enterprise_ids)  all rows of these enterprises; call
                                            after an import has been applied
    quality_check_all()                     the whole ledger (nightly task)
    ledger_flag_confirm(*, actor, flag, reason)   confirm one flag, audited
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_record

from .models import Enterprise, LedgerEntry, LedgerFlag, QualityRule

BEIJING = "11"
DEFAULT_MIN_BASE = Decimal(10)  # 万元
# Enterprises per batch of a full run: about 12 ledger rows each.
BATCH = 2000
REASON_MAX_LENGTH = 200


def change_factor() -> Decimal:
    return Decimal(str(settings.QUALITY_CHANGE_FACTOR))


def min_base() -> Decimal:
    return Decimal(str(getattr(settings, "QUALITY_MIN_BASE", DEFAULT_MIN_BASE)))


@dataclass(frozen=True)
class Row:
    id: int
    enterprise_id: int
    year: int
    quarter: int
    revenue: Decimal | None
    tax: Decimal | None
    employees: int | None

    @property
    def period(self) -> int:
        return self.year * 4 + self.quarter - 1


@dataclass
class CheckResult:
    created: int = 0
    cleared: int = 0
    reopened: int = 0
    enterprises: int = 0

    def add(self, other: "CheckResult") -> None:
        self.created += other.created
        self.cleared += other.cleared
        self.reopened += other.reopened
        self.enterprises += other.enterprises

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "cleared": self.cleared,
            "reopened": self.reopened,
            "enterprises": self.enterprises,
        }


# --- Rules: each returns the flag's detail (language-neutral figures) or None -------


def tax_above_revenue(row: Row) -> str | None:
    if row.tax is None or row.revenue is None:
        return None
    if row.tax > 0 and row.tax > row.revenue:
        return f"{row.tax} > {row.revenue}"
    return None


def revenue_jump(row: Row, base: Row | None, factor: Decimal, floor: Decimal) -> str | None:
    if base is None or base.revenue is None or row.revenue is None:
        return None
    if base.revenue < floor or row.revenue < 0:
        return None
    if row.revenue > base.revenue * factor or row.revenue * factor < base.revenue:
        return f"{base.year}Q{base.quarter} {base.revenue} → {row.revenue}"
    return None


def no_employees(row: Row) -> str | None:
    if row.employees == 0 and row.revenue is not None and row.revenue > 0:
        return f"0 / {row.revenue}"
    return None


def negative_revenue(row: Row) -> str | None:
    if row.revenue is not None and row.revenue < 0:
        return str(row.revenue)
    return None


def not_beijing(uscc: str) -> str | None:
    region = (uscc or "")[2:4]
    return None if region == BEIJING else region


def expected_flags(
    rows: list[Row], uscc_by_enterprise: dict[int, str], confirmed_elsewhere: set[int]
) -> dict[tuple[int, str], str]:
    """(entry id, rule) -> detail for every flag the rules raise on these rows.

    ``rows`` must hold all ledger rows of their enterprises (the change rules compare
    neighbours; NOT_BEIJING goes on the latest row). ``confirmed_elsewhere``: the
    enterprises whose NOT_BEIJING flag has been confirmed already.
    """
    factor, floor = change_factor(), min_base()
    by_period = {(r.enterprise_id, r.period): r for r in rows}
    latest: dict[int, Row] = {}
    flags: dict[tuple[int, str], str] = {}
    for row in rows:
        checks = {
            QualityRule.TAX_ABOVE_REVENUE: tax_above_revenue(row),
            QualityRule.QOQ_JUMP: revenue_jump(
                row, by_period.get((row.enterprise_id, row.period - 1)), factor, floor
            ),
            QualityRule.YOY_JUMP: revenue_jump(
                row, by_period.get((row.enterprise_id, row.period - 4)), factor, floor
            ),
            QualityRule.NO_EMPLOYEES: no_employees(row),
            QualityRule.NEGATIVE_REVENUE: negative_revenue(row),
        }
        for rule, detail in checks.items():
            if detail is not None:
                flags[(row.id, rule.value)] = detail
        current = latest.get(row.enterprise_id)
        if current is None or row.period > current.period:
            latest[row.enterprise_id] = row
    for enterprise_id, row in latest.items():
        if enterprise_id in confirmed_elsewhere:
            continue
        region = not_beijing(uscc_by_enterprise.get(enterprise_id, ""))
        if region is not None:
            flags[(row.id, QualityRule.NOT_BEIJING.value)] = region
    return flags


# --- Checking ------------------------------------------------------------------------


@transaction.atomic
def _check_batch(enterprise_ids: list[int]) -> CheckResult:
    rows = [
        Row(*values)
        for values in LedgerEntry.objects.filter(enterprise_id__in=enterprise_ids)
        .order_by()
        .values_list("id", "enterprise_id", "year", "quarter", "revenue", "tax", "employees")
    ]
    uscc = dict(
        Enterprise.objects.filter(pk__in=enterprise_ids).order_by().values_list("id", "uscc")
    )
    existing = {
        (flag.entry_id, flag.rule): flag
        for flag in LedgerFlag.objects.filter(entry__enterprise_id__in=enterprise_ids)
        .order_by()
        .only("id", "entry_id", "rule", "detail", "confirmed")
    }
    entry_enterprise = {r.id: r.enterprise_id for r in rows}
    confirmed_elsewhere = {
        entry_enterprise[entry_id]
        for (entry_id, rule), flag in existing.items()
        if rule == QualityRule.NOT_BEIJING and flag.confirmed and entry_id in entry_enterprise
    }
    wanted = expected_flags(rows, uscc, confirmed_elsewhere)

    result = CheckResult(enterprises=len(enterprise_ids))
    stale = [flag.pk for key, flag in existing.items() if key not in wanted and not flag.confirmed]
    if stale:
        result.cleared = LedgerFlag.objects.filter(pk__in=stale).delete()[0]
    changed = []
    for key, detail in wanted.items():
        flag = existing.get(key)
        if flag is None or flag.detail == detail:
            continue
        if flag.confirmed:
            result.reopened += 1
        flag.detail = detail
        flag.confirmed, flag.confirmed_by, flag.confirmed_at, flag.reason = False, None, None, ""
        changed.append(flag)
    if changed:
        LedgerFlag.objects.bulk_update(
            changed, ["detail", "confirmed", "confirmed_by", "confirmed_at", "reason"]
        )
    new = [
        LedgerFlag(entry_id=entry_id, rule=rule, detail=detail)
        for (entry_id, rule), detail in wanted.items()
        if (entry_id, rule) not in existing
    ]
    # ignore_conflicts: a concurrent check of the same rows must not fail the import.
    LedgerFlag.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    result.created = len(new)
    return result


def quality_check_enterprises(enterprise_ids: Iterable[int]) -> CheckResult:
    """Re-check every ledger row of these enterprises (e.g. after an import was applied).

    Runs in batches, each in its own transaction (or inside the caller's). Returns
    counts of flags created, cleared and reopened.
    """
    ids = sorted(set(enterprise_ids))
    result = CheckResult()
    for start in range(0, len(ids), BATCH):
        result.add(_check_batch(ids[start : start + BATCH]))
    return result


def quality_check(entries: Iterable[LedgerEntry | int]) -> CheckResult:
    """Re-check these ledger rows and the rows that compare against them.

    A changed quarter moves the quarter-on-quarter check of the next quarter and the
    year-on-year check of the same quarter next year, so the whole ledger of each
    enterprise concerned is re-checked (about a dozen rows each).
    """
    ids = [e.pk if isinstance(e, LedgerEntry) else int(e) for e in entries]
    enterprise_ids = set(
        LedgerEntry.objects.filter(pk__in=ids).order_by().values_list("enterprise_id", flat=True)
    )
    return quality_check_enterprises(enterprise_ids)


def quality_check_all() -> CheckResult:
    """The whole ledger, batch by batch (the nightly task)."""
    ids = list(
        LedgerEntry.objects.order_by("enterprise_id")
        .values_list("enterprise_id", flat=True)
        .distinct()
    )
    # Enterprises without ledger rows have no flags: flags go with their rows (CASCADE).
    return quality_check_enterprises(ids)


# --- Confirming ------------------------------------------------------------------------


@transaction.atomic
def ledger_flag_confirm(*, actor, flag: LedgerFlag, reason: str) -> LedgerFlag:
    """Mark a flag as checked and correct, with the reason; writes "ledger_flag.confirm".

    The caller has checked the permission (enterprises.confirm_ledgerflag) and that the
    flag is in the actor's scope.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Enter the reason for confirming this flag."), code="required")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            _("The reason can be at most %(limit)d characters long."),
            code="max_length",
            params={"limit": REASON_MAX_LENGTH},
        )
    current = (
        LedgerFlag.objects.select_for_update(of=("self",))
        .select_related("entry__enterprise")
        .get(pk=flag.pk)
    )
    if current.confirmed:
        raise ValidationError(
            _("This flag has already been confirmed by someone else."), code="confirmed"
        )
    current.confirmed = True
    current.confirmed_by = actor
    current.confirmed_at = timezone.now()
    current.reason = reason
    current.save(update_fields=["confirmed", "confirmed_by", "confirmed_at", "reason"])
    entry = current.entry
    audit_record(
        action="ledger_flag.confirm",
        actor=actor,
        obj=entry.enterprise,
        message=f"{entry.year}Q{entry.quarter} {current.rule}",
        changes={
            "rule": [None, current.rule],
            "detail": [None, current.detail],
            "confirmed": [False, True],
            "reason": [None, reason],
        },
    )
    return current
