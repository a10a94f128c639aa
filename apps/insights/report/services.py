"""Monthly reports: generating, sending, subscriptions; the big screen's display tokens.

    report_generate(year=2026, quarter=3, street=None, detail=Grade.RECORDS, actor=user)
    report_request(actor=user, year=…, quarter=…, street=…, detail=…)   # in the background
    monthly_reports_send()            # the schedule, daily: this month's reports, once
    display_token_create(actor=admin, name="三楼会议室", street=None) -> (token, raw)

A report is built outside any transaction (it reads for seconds and draws charts), then
written in one: its files, figures and status, with the audit event.
"""

import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.core import request_context
from apps.core.notify import Attachment, notify
from apps.core.scoping import Grade, ScopeKind, scope_of
from apps.insights.models_report import (
    DisplayToken,
    MonthlyReport,
    ReportDetail,
    ReportStatus,
    ReportSubscription,
    ReportTrigger,
    reader_grade,
)
from apps.registry.models import Street

from . import appendix, document
from .figures import collect, since_previous
from .period import month_start, report_period

logger = logging.getLogger(__name__)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- generating ----------------------------------------------------------------------------


def _previous_figures(report: MonthlyReport) -> dict | None:
    previous = (
        MonthlyReport.objects.filter(
            year=report.year,
            quarter=report.quarter,
            street_id=report.street_id,
            detail=report.detail,
            status=ReportStatus.DONE,
            month__lt=report.month,
        )
        .order_by("-month", "-generated_at")
        .values_list("figures", flat=True)
        .first()
    )
    return previous or None


def file_names(report: MonthlyReport) -> tuple[str, str]:
    """What the recipient's files are called (the stored names are random)."""
    with translation.override(settings.LANGUAGE_CODE):
        base = _("%(scope)s data report %(year)s Q%(quarter)s (%(month)s)") % {
            "scope": report.scope_name,
            "year": report.year,
            "quarter": report.quarter,
            "month": f"{report.month:%Y-%m}",
        }
        return f"{base}.docx", _("%(name)s appendix") % {"name": base} + ".xlsx"


def report_build(*, report: MonthlyReport) -> MonthlyReport:
    """Build an existing report's files now; on failure it is marked failed, not raised."""
    MonthlyReport.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING, error="")
    try:
        with translation.override(settings.LANGUAGE_CODE):
            figures = collect(
                year=report.year,
                quarter=report.quarter,
                street_id=report.street_id,
                detail=report.detail,
            )
            info = document.ReportInfo(
                scope=report.scope_name,
                month=report.month,
                generated_at=timezone.now(),
                detail=report.detail,
                since=since_previous(figures, _previous_figures(report)),
            )
            docx = document.build(figures, info)
            xlsx = appendix.build(figures, info)
    except Exception as error:
        logger.exception("insights: report %s failed", report.pk)
        with transaction.atomic():
            report.status = ReportStatus.FAILED
            report.error = f"{type(error).__name__}: {error}"[:500]
            report.save(update_fields=["status", "error"])
            audit_record(
                action="insights.report_failed",
                obj=report,
                result="failure",
                message=report.error,
            )
        return report
    with transaction.atomic():
        report.docx.save("report.docx", ContentFile(docx), save=False)
        report.xlsx.save("report.xlsx", ContentFile(xlsx), save=False)
        report.figures = figures
        report.status = ReportStatus.DONE
        report.generated_at = timezone.now()
        report.error = ""
        report.save()
        audit_record(
            action="insights.report_generate",
            actor=report.requested_by,
            obj=report,
            message=f"{report.year}Q{report.quarter} detail={report.detail}",
        )
    return report


def _check_scope(actor, street: Street | None, detail: int) -> None:
    if actor is None:
        return
    if not actor.has_perm("insights.add_monthlyreport"):
        raise PermissionDenied
    scope = scope_of(actor)
    if scope.kind == ScopeKind.STREETS:
        if street is None or street.pk not in scope.street_ids:
            raise PermissionDenied
    elif scope.kind != ScopeKind.DISTRICT:
        raise PermissionDenied
    if detail > reader_grade(actor) or detail not in ReportDetail.values:
        raise PermissionDenied


def _new_report(*, year: int, quarter: int, street, detail, actor, trigger, month) -> MonthlyReport:
    if quarter not in (1, 2, 3, 4):
        raise ValidationError(_("The quarter is 1 to 4."))
    return MonthlyReport.objects.create(
        month=month or month_start(timezone.localdate()),
        year=year,
        quarter=quarter,
        street=street,
        detail=detail,
        trigger=trigger,
        requested_by=actor,
        status=ReportStatus.PENDING,
    )


def report_generate(
    *,
    year: int,
    quarter: int,
    street: Street | None = None,
    detail: int = Grade.RECORDS,
    actor: User | None = None,
    trigger: str = ReportTrigger.ON_DEMAND,
    month: date | None = None,
) -> MonthlyReport:
    """Generate the report of a quarter for the district (street=None) or one 街乡 now,
    at a detail grade (aggregates: no names, "<3" suppression). `actor` None: the system."""
    _check_scope(actor, street, detail)
    report = _new_report(
        year=year,
        quarter=quarter,
        street=street,
        detail=detail,
        actor=actor,
        trigger=trigger,
        month=month,
    )
    return report_build(report=report)


@transaction.atomic
def report_request(
    *, actor: User, year: int, quarter: int, street: Street | None, detail: int
) -> MonthlyReport:
    """Ask for a report from the page: it is built by a background task after commit."""
    from .tasks import report_build_task

    _check_scope(actor, street, detail)
    report = _new_report(
        year=year,
        quarter=quarter,
        street=street,
        detail=detail,
        actor=actor,
        trigger=ReportTrigger.ON_DEMAND,
        month=None,
    )
    audit_record(action="insights.report_request", actor=actor, obj=report)
    transaction.on_commit(lambda: report_build_task.enqueue(report.pk))
    return report


# --- recipients and sending ------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """A report to generate: for a scope (None: the district) at a detail grade."""

    street_id: int | None
    detail: int


def variants_of(user: User) -> list[Variant]:
    """The reports a user receives: one per scope they hold, at their grade."""
    detail = reader_grade(user)
    if detail < Grade.AGGREGATE or not user.is_active:
        return []
    scope = scope_of(user)
    if scope.kind == ScopeKind.DISTRICT:
        return [Variant(None, detail)]
    if scope.kind == ScopeKind.STREETS:
        return [Variant(street_id, detail) for street_id in sorted(scope.street_ids)]
    return []


def subscribers() -> dict[User, bool]:
    """Every active subscriber -> whether any of their subscriptions asks for email."""
    wanted: dict[User, bool] = {}
    subscriptions = ReportSubscription.objects.filter(active=True).select_related("role__group")
    for subscription in subscriptions.prefetch_related("users"):
        users = [u for u in subscription.users.all() if u.is_active]
        if subscription.role_id:
            users += list(subscription.role.group.user_set.filter(is_active=True))
        for user in users:
            wanted[user] = wanted.get(user, False) or subscription.email
    return wanted


def recipients_by_variant() -> dict[Variant, list[tuple[User, bool]]]:
    plan: dict[Variant, list[tuple[User, bool]]] = defaultdict(list)
    for user, email in subscribers().items():
        for variant in variants_of(user):
            plan[variant].append((user, email))
    return plan


@transaction.atomic
def report_send(*, report: MonthlyReport, recipients: list[tuple[User, bool]]) -> int:
    """In-app message to every recipient, and email with the files to those who want it.
    Returns the number of emails queued."""
    if not report.is_ready or not recipients:
        return 0
    docx_name, xlsx_name = file_names(report)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Monthly data report: %(scope)s, %(year)s Q%(quarter)s") % {
            "scope": report.scope_name,
            "year": report.year,
            "quarter": report.quarter,
        }
        body = _(
            "The data report of %(month)s for %(scope)s is ready: figures of %(year)s Q%(quarter)s "
            "with their changes year on year. The Word document and its Excel appendix are on "
            "the platform, under Monthly data reports."
        ) % {
            "month": f"{report.month:%Y-%m}",
            "scope": report.scope_name,
            "year": report.year,
            "quarter": report.quarter,
        }
    url = reverse("reports:list") + f"#report-{report.pk}"
    by_email = [user for user, email in recipients if email]
    in_app_only = [user for user, email in recipients if not email]
    queued = 0
    if by_email:
        queued = notify(
            by_email,
            kind="insights.report",
            subject=subject,
            body=body,
            url=url,
            channels=("inapp", "email"),
            related=report,
            attachments=[
                Attachment(name=docx_name, path=report.docx.name, content_type=DOCX_TYPE),
                Attachment(name=xlsx_name, path=report.xlsx.name, content_type=XLSX_TYPE),
            ],
        )
    if in_app_only:
        notify(
            in_app_only, kind="insights.report", subject=subject, body=body, url=url, related=report
        )
    audit_record(
        action="insights.report_send",
        obj=report,
        message=f"recipients={len(recipients)} emails={len(by_email)}",
    )
    return queued


def monthly_reports_send(*, today: date | None = None) -> list[MonthlyReport]:
    """This month's scheduled reports: one per (scope, grade) some subscriber needs, and
    always the district's records report (the history). Each is generated and sent once:
    a run that finds one done skips it; a failed one is tried again by the next run."""
    month = month_start(today or timezone.localdate())
    year, quarter = report_period(month)
    plan = recipients_by_variant()
    variants = set(plan) | {Variant(None, Grade.RECORDS)}
    done = []
    for variant in sorted(variants, key=lambda v: (v.street_id or 0, v.detail)):
        existing = MonthlyReport.objects.filter(
            month=month,
            trigger=ReportTrigger.SCHEDULED,
            street_id=variant.street_id,
            detail=variant.detail,
        ).first()
        if existing is not None and existing.status != ReportStatus.FAILED:
            continue  # done, or another run is building it
        if existing is None:
            try:
                with transaction.atomic():
                    existing = MonthlyReport.objects.create(
                        month=month,
                        year=year,
                        quarter=quarter,
                        street_id=variant.street_id,
                        detail=variant.detail,
                        trigger=ReportTrigger.SCHEDULED,
                        status=ReportStatus.RUNNING,
                    )
            except IntegrityError:
                continue  # a concurrent run took it
        report = report_build(report=existing)
        if report.is_ready:
            report_send(report=report, recipients=plan.get(variant, []))
            done.append(report)
    return done


# --- subscriptions ------------------------------------------------------------------------------


SUBSCRIPTION_FIELDS = ["name", "role", "email", "active"]


@transaction.atomic
def subscription_save(
    *,
    actor: User,
    subscription: ReportSubscription | None = None,
    name: str,
    role=None,
    users=(),
    email: bool = True,
    active: bool = True,
) -> ReportSubscription:
    users = list(users)
    if role is None and not users:
        raise ValidationError(_("Choose a role or at least one user."))
    creating = subscription is None
    subscription = subscription or ReportSubscription(created_by=actor)
    before = {} if creating else _subscription_state(subscription)
    subscription.name, subscription.role = name, role
    subscription.email, subscription.active = email, active
    subscription.save()
    subscription.users.set(users)
    from apps.audit.services import diff

    audit_record(
        action="insights.subscription_create" if creating else "insights.subscription_update",
        actor=actor,
        obj=subscription,
        changes=diff(before, _subscription_state(subscription)),
    )
    return subscription


def _subscription_state(subscription: ReportSubscription) -> dict:
    state = {name: getattr(subscription, name) for name in SUBSCRIPTION_FIELDS}
    state["users"] = [u.get_username() for u in subscription.users.all()]
    return state


@transaction.atomic
def subscription_delete(*, actor: User, subscription: ReportSubscription) -> None:
    audit_record(action="insights.subscription_delete", actor=actor, obj=subscription)
    subscription.delete()


# --- display tokens -----------------------------------------------------------------------------


def token_digest(raw: str) -> str:
    return salted_hmac("apps.insights.display_token", raw.strip(), algorithm="sha256").hexdigest()


@transaction.atomic
def display_token_create(
    *, actor: User, name: str, street: Street | None = None
) -> tuple[DisplayToken, str]:
    """A new token; the raw value is returned once and never stored."""
    if not actor.has_perm("insights.add_displaytoken"):
        raise PermissionDenied
    if scope_of(actor).kind != ScopeKind.DISTRICT and (
        street is None or street.pk not in scope_of(actor).street_ids
    ):
        raise PermissionDenied
    raw = secrets.token_urlsafe(32)
    token = DisplayToken.objects.create(
        name=name, street=street, digest=token_digest(raw), prefix=raw[:6], created_by=actor
    )
    audit_record(
        action="insights.display_token_create",
        actor=actor,
        obj=token,
        message=f"scope={token.scope_name}",
    )
    return token, raw


@transaction.atomic
def display_token_revoke(*, actor: User, token: DisplayToken) -> DisplayToken:
    if not actor.has_perm("insights.change_displaytoken"):
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = timezone.now(), actor
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(action="insights.display_token_revoke", actor=actor, obj=token)
    return token


def display_token_resolve(raw: str) -> DisplayToken | None:
    """The usable token with this value, or None (unknown or revoked)."""
    if not raw or len(raw) > 100:
        return None
    return (
        DisplayToken.objects.usable()
        .select_related("street")
        .filter(digest=token_digest(raw))
        .first()
    )


@transaction.atomic
def display_token_use(*, token: DisplayToken, what: str) -> None:
    """Record a use of the token in the audit log: the screen opened ("page") or its
    figures fetched ("data", once per refresh)."""
    now, ip = timezone.now(), request_context.current().ip
    audit_record(
        action="insights.display_token_use",
        obj=token,
        username=f"display:{token.prefix}",
        message=what,
    )
    DisplayToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip)
    token.last_used_at, token.last_used_ip = now, ip
