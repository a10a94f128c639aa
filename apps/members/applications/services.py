"""Writes of the application workflow: 提交 → 初审 → 审批 → 入会, 退回, 驳回.

Every decision names the version of the application the reviewer saw. The row is locked
(SELECT … FOR UPDATE on PostgreSQL) and the status change is one conditional UPDATE on
(version, status), so two reviewers deciding at once cannot both win: the second gets
ApplicationConflict and nothing of theirs is written, and an application is admitted once.
"""

from __future__ import annotations

import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_record, diff, personal_data_read_log, snapshot
from apps.core.crypto import provider
from apps.core.masking import mask_phone
from apps.core.notify import deliver
from apps.core.scoping import Grade
from apps.enterprises.services import enterprise_create, validate_uscc
from apps.members.models_applications import (
    Application,
    ApplicationAttachment,
    ApplicationKind,
    ApplicationStatus,
    ApplicationStep,
    AttachmentSlot,
    StepAction,
)

from . import selectors, uploads

REVIEW = "members.review_application"
APPROVE = "members.approve_application"

# What an applicant fills in (the same fields for a new application and an answer to a return).
APPLICANT_FIELDS = [
    "street",
    "uscc",
    "org_name",
    "legal_representative",
    "industry",
    "employees",
    "chamber",
    "address",
    "person_name",
    "gender",
    "employer",
    "position",
    "contact_name",
    "mobile",
    "email",
    "introduction",
]
AUDITED_FIELDS = [*APPLICANT_FIELDS, "status", "reason", "meeting_name", "meeting_date", "member"]

# The document each kind must attach; any kind may add one more (OTHER).
REQUIRED_SLOT = {
    ApplicationKind.ENTERPRISE: AttachmentSlot.LICENCE,
    ApplicationKind.GROUP: AttachmentSlot.REGISTRATION,
    ApplicationKind.PERSON: AttachmentSlot.ID_SCAN,
}

_REFERENCE_ALPHABET = "3456789ACDEFGHJKMNPQRTUVWXY"


class ApplicationConflict(ValidationError):
    """Someone else decided on the application after this reviewer opened it."""


@dataclass(frozen=True)
class NewAttachment:
    slot: str
    upload: object  # an UploadedFile (or any File) already passed uploads.check_upload
    checked: uploads.Checked


def slots_for(kind: str) -> list[str]:
    return [REQUIRED_SLOT[kind], AttachmentSlot.OTHER]


# --- helpers ----------------------------------------------------------------------------


def _new_reference() -> str:
    today = timezone.localdate()
    while True:
        tail = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))
        reference = f"RH{today:%y%m%d}{tail}"
        if not Application.objects.filter(reference=reference).exists():
            return reference


def _state(application: Application) -> dict:
    values = snapshot(application, AUDITED_FIELDS)
    values["mobile"] = mask_phone(values.get("mobile"))  # the audit log holds no full mobile
    return values


def _clean_fields(kind: str, data: dict) -> dict:
    unknown = set(data) - set(APPLICANT_FIELDS)
    if unknown:
        raise TypeError(f"not an applicant field: {sorted(unknown)}")
    fields = {name: data.get(name) for name in APPLICANT_FIELDS if name in data}
    for name in APPLICANT_FIELDS:
        if fields.get(name) is None and name not in {"industry", "chamber", "employees", "street"}:
            fields[name] = ""
    if kind == ApplicationKind.PERSON:
        fields["contact_name"] = fields.get("person_name", "")
        for name in ("uscc", "org_name", "legal_representative"):
            fields[name] = ""
        fields["industry"] = fields["chamber"] = fields["employees"] = None
    else:
        for name in ("person_name", "gender", "employer", "position"):
            fields[name] = ""
        if fields.get("uscc"):
            fields["uscc"] = validate_uscc(fields["uscc"])
        if kind == ApplicationKind.ENTERPRISE:
            fields["chamber"] = None
    return fields


def _store(application: Application, new: NewAttachment, saved: list[str]) -> None:
    """Save one checked file under a random name; `saved` collects the names so that a
    failed write can remove them again."""
    if not isinstance(new.checked, uploads.Checked):
        raise TypeError("attachments must pass uploads.check_upload first")
    if new.slot not in slots_for(application.kind):
        raise ValidationError(_("This document does not belong to this kind of application."))
    new.upload.seek(0)
    data = new.upload.read()
    name = default_storage.save(uploads.stored_name(new.checked), ContentFile(data))
    saved.append(name)
    ApplicationAttachment.objects.filter(
        application=application, slot=new.slot, current=True
    ).update(current=False)
    ApplicationAttachment.objects.create(
        application=application,
        slot=new.slot,
        file=name,
        original_name=(getattr(new.upload, "name", "") or "")[-200:],
        content_type=new.checked.content_type,
        size=len(data),
        digest=provider().digest(data),
    )


@contextmanager
def _files_removed_on_error():
    """Files saved while writing an application are deleted again if the write fails."""
    saved: list[str] = []
    try:
        yield saved
    except BaseException:
        for name in saved:
            default_storage.delete(name)
        raise


def _step(application: Application, action: str, *, actor=None, note: str = "") -> None:
    ApplicationStep.objects.create(application=application, action=action, actor=actor, note=note)


def _status_url() -> str:
    path = reverse("members:apply_status")
    site = settings.NOTIFY_SITE_URL.rstrip("/")
    return f"{site}{path}" if site else path


def _tell_applicant(application: Application, *, kind: str, subject: str, body: str) -> None:
    """SMS to the applicant's mobile, and email when they gave an address (after commit)."""
    deliver("sms", application.mobile, kind=kind, subject=subject, body=body, related=application)
    if application.email:
        deliver(
            "email", application.email, kind=kind, subject=subject, body=body, related=application
        )


def _require(actor, *perms: str) -> None:
    if actor is None or not any(actor.has_perm(perm) for perm in perms):
        raise PermissionDenied


def _lock(actor, application: Application, version: int) -> Application:
    """The application as stored now, locked; a conflict if it changed since `version`."""
    current = (
        Application.objects.in_scope(actor).select_for_update().get(pk=application.pk)
    )  # DoesNotExist when out of scope: the view answers 404
    if current.version != version:
        raise ApplicationConflict(
            _(
                "Someone else has acted on this application since you opened it (it is now "
                "“%(status)s”). Reload the page to see what was decided."
            )
            % {"status": current.get_status_display()},
            code="conflict",
        )
    return current


def _move(current: Application, *, to: str, **fields) -> Application:
    """Write the status change only if nobody else wrote since the lock was taken."""
    updated = Application.objects.filter(
        pk=current.pk, version=current.version, status=current.status
    ).update(status=to, version=F("version") + 1, updated_at=timezone.now(), **fields)
    if not updated:
        raise ApplicationConflict(
            _("Someone else has acted on this application since you opened it."),
            code="conflict",
        )
    current.refresh_from_db()
    return current


# --- the applicant ----------------------------------------------------------------------


@transaction.atomic
def application_submit(
    *,
    kind: str,
    data: dict,
    attachments: list[NewAttachment],
    sensitive_consent: bool = False,
) -> Application:
    """A new application from the public form (no account: the actor is the applicant)."""
    if kind not in ApplicationKind.values:
        raise ValidationError(_("Unknown kind of membership."))
    slots = {item.slot for item in attachments}
    if REQUIRED_SLOT[kind] not in slots:
        raise ValidationError(
            _("Attach the %(document)s.") % {"document": AttachmentSlot(REQUIRED_SLOT[kind]).label},
            code="attachment_missing",
        )
    if kind == ApplicationKind.PERSON and not sensitive_consent:
        raise ValidationError(
            _("Consent to the use of your identity card scan is needed."), code="consent"
        )
    now = timezone.now()
    fields = _clean_fields(kind, data)
    with _files_removed_on_error() as saved:
        application = Application(
            reference=_new_reference(),
            kind=kind,
            status=ApplicationStatus.SUBMITTED,
            consent_at=now,
            sensitive_consent_at=now if sensitive_consent else None,
            submitted_at=now,
            **fields,
        )
        application.enterprise = selectors.enterprise_for_uscc(application.uscc)
        application.full_clean()
        application.save()
        for item in attachments:
            _store(application, item, saved)
        application.duplicate_flags = [d.text for d in selectors.duplicates(application)]
        Application.objects.filter(pk=application.pk).update(
            duplicate_flags=application.duplicate_flags
        )
        _step(application, StepAction.SUBMITTED)
        audit_record(
            action="members.application.submit",
            obj=application,
            changes=diff({}, _state(application)),
        )
        _tell_applicant(
            application,
            kind="members.application.submitted",
            subject=_("Membership application received"),
            body=_(
                "Your membership application has been received. Reference number: "
                "%(reference)s. Check its progress with this number and your mobile at "
                "%(url)s"
            )
            % {"reference": application.reference, "url": _status_url()},
        )
    return application


@transaction.atomic
def application_resubmit(
    *, application: Application, version: int, data: dict, attachments: list[NewAttachment]
) -> Application:
    """The applicant answers a return: corrected details and/or new documents; the
    application goes back to preliminary review."""
    current = Application.objects.select_for_update().get(pk=application.pk)
    if current.version != version or current.status != ApplicationStatus.RETURNED:
        raise ApplicationConflict(
            _("This application cannot be changed now (it is “%(status)s”).")
            % {"status": current.get_status_display()},
            code="conflict",
        )
    before = _state(current)
    fields = _clean_fields(current.kind, data)
    with _files_removed_on_error() as saved:
        for name, value in fields.items():
            setattr(current, name, value)
        current.enterprise = selectors.enterprise_for_uscc(current.uscc)
        current.full_clean()
        for item in attachments:
            _store(current, item, saved)
        flags = [d.text for d in selectors.duplicates(current)]
        moved = _move(
            current,
            to=ApplicationStatus.SUBMITTED,
            **{name: getattr(current, name) for name in fields},
            enterprise=current.enterprise,
            duplicate_flags=flags,
            reason="",
            reviewed_by=None,
            reviewed_at=None,
        )
        _step(moved, StepAction.RESUBMITTED)
        changes = diff(before, _state(moved))
        changes["attachments"] = [[], sorted(item.slot for item in attachments)]
        audit_record(action="members.application.resubmit", obj=moved, changes=changes)
    return moved


# --- the reviewers ----------------------------------------------------------------------


@transaction.atomic
def application_review(
    *, actor, application: Application, version: int, note: str = ""
) -> Application:
    """初审通过: the membership department passes the application on for approval."""
    _require(actor, REVIEW)
    current = _lock(actor, application, version)
    if current.status != ApplicationStatus.SUBMITTED:
        raise ApplicationConflict(_("Only a new application can pass preliminary review."))
    before = _state(current)
    now = timezone.now()
    moved = _move(
        current,
        to=ApplicationStatus.REVIEWED,
        reviewed_by=actor,
        reviewed_at=now,
        duplicate_flags=[d.text for d in selectors.duplicates(current)],
    )
    _step(moved, StepAction.REVIEWED, actor=actor, note=note)
    audit_record(
        action="members.application.review",
        actor=actor,
        obj=moved,
        changes=diff(before, _state(moved)),
        message=note,
    )
    return moved


def _decidable(actor, current: Application) -> None:
    """Return or reject: at 初审 by the membership department, at 审批 by the leader."""
    if current.status == ApplicationStatus.SUBMITTED:
        _require(actor, REVIEW)
    elif current.status == ApplicationStatus.REVIEWED:
        _require(actor, APPROVE)
    else:
        raise ApplicationConflict(
            _("This application has already been decided (it is “%(status)s”).")
            % {"status": current.get_status_display()},
            code="conflict",
        )


@transaction.atomic
def application_return(
    *, actor, application: Application, version: int, reason: str
) -> Application:
    """退回: back to the applicant, who adds what is missing on the status page."""
    _require(actor, REVIEW, APPROVE)
    if not reason.strip():
        raise ValidationError(_("Say what the applicant must add or correct."))
    current = _lock(actor, application, version)
    _decidable(actor, current)
    before = _state(current)
    moved = _move(current, to=ApplicationStatus.RETURNED, reason=reason.strip())
    _step(moved, StepAction.RETURNED, actor=actor, note=moved.reason)
    audit_record(
        action="members.application.return",
        actor=actor,
        obj=moved,
        changes=diff(before, _state(moved)),
    )
    _tell_applicant(
        moved,
        kind="members.application.returned",
        subject=_("Membership application: more information needed"),
        body=_(
            "Your membership application %(reference)s needs more information: %(reason)s "
            "Open %(url)s with the reference number and your mobile to add it."
        )
        % {"reference": moved.reference, "reason": moved.reason, "url": _status_url()},
    )
    return moved


@transaction.atomic
def application_reject(
    *, actor, application: Application, version: int, reason: str
) -> Application:
    """驳回: not admitted, with the reason the applicant reads. Final."""
    _require(actor, REVIEW, APPROVE)
    if not reason.strip():
        raise ValidationError(_("Give the reason for the rejection."))
    current = _lock(actor, application, version)
    _decidable(actor, current)
    before = _state(current)
    moved = _move(
        current,
        to=ApplicationStatus.REJECTED,
        reason=reason.strip(),
        decided_by=actor,
        decided_at=timezone.now(),
    )
    _step(moved, StepAction.REJECTED, actor=actor, note=moved.reason)
    audit_record(
        action="members.application.reject",
        actor=actor,
        obj=moved,
        changes=diff(before, _state(moved)),
    )
    _tell_applicant(
        moved,
        kind="members.application.rejected",
        subject=_("Membership application not admitted"),
        body=_("Your membership application %(reference)s was not admitted: %(reason)s")
        % {"reference": moved.reference, "reason": moved.reason},
    )
    return moved


def _enterprise_for(actor, application: Application):
    """The enterprise of the database, added from the application if it is not there yet."""
    enterprise = selectors.enterprise_for_uscc(application.uscc)
    if enterprise is not None:
        return enterprise
    if application.industry_id is None:
        raise ValidationError(_("Choose the enterprise's industry before admitting it."))
    return enterprise_create(
        actor=actor,
        uscc=application.uscc,
        name=application.org_name,
        street=application.street,
        industry=application.industry,
        legal_representative=application.legal_representative,
        address=application.address,
    )


@transaction.atomic
def application_approve(
    *,
    actor,
    application: Application,
    version: int,
    join_date: date | None = None,
    meeting_name: str = "",
    meeting_date: date | None = None,
    note: str = "",
) -> Application:
    """审批通过 → 入会: the leader in charge approves (citing a meeting if there was one); the
    member is created with its number, the enterprise linked, a certificate issued and the
    applicant told."""
    from apps.members.certificates.services import certificate_issue
    from apps.members.services import member_create

    _require(actor, APPROVE)
    current = _lock(actor, application, version)
    if current.status != ApplicationStatus.REVIEWED:
        raise ApplicationConflict(
            _(
                "Only an application that passed preliminary review can be approved "
                "(it is “%(status)s”)."
            )
            % {"status": current.get_status_display()},
            code="conflict",
        )
    before = _state(current)
    enterprise = None
    if current.kind == ApplicationKind.ENTERPRISE:
        enterprise = _enterprise_for(actor, current)
    member = member_create(
        actor=actor,
        kind=current.kind,
        street=current.street,
        join_date=join_date or timezone.localdate(),
        enterprise=enterprise,
        chamber=current.chamber if current.kind == ApplicationKind.GROUP else None,
        group_name=current.org_name if current.kind == ApplicationKind.GROUP else "",
        person_name=current.person_name,
        person_mobile=current.mobile if current.kind == ApplicationKind.PERSON else "",
        contact_name=current.contact_name,
        contact_phone=current.mobile,
        source_application=current,
    )
    moved = _move(
        current,
        to=ApplicationStatus.ADMITTED,
        member=member,
        enterprise=enterprise,
        decided_by=actor,
        decided_at=timezone.now(),
        meeting_name=meeting_name.strip(),
        meeting_date=meeting_date,
    )
    step_note = note.strip()
    if meeting_name:
        cited = meeting_name.strip() + (f" {meeting_date:%Y-%m-%d}" if meeting_date else "")
        step_note = f"{cited}\n{step_note}".strip()
    _step(moved, StepAction.ADMITTED, actor=actor, note=step_note)
    audit_record(
        action="members.application.admit",
        actor=actor,
        obj=moved,
        changes=diff(before, _state(moved)),
        message=step_note,
    )
    certificate_issue(actor=actor, member=member)
    _tell_applicant(
        moved,
        kind="members.application.admitted",
        subject=_("Welcome: membership approved"),
        body=_(
            "Your membership application %(reference)s has been approved. Your member "
            "number is %(number)s."
        )
        % {"reference": moved.reference, "number": member.number},
    )
    return moved


@transaction.atomic
def attachment_read(*, actor, attachment: ApplicationAttachment) -> ApplicationAttachment:
    """A reviewer opens an attachment: audited; an identity card scan is also a read of
    personal data (SECURITY.md 15)."""
    _require(actor, REVIEW, APPROVE)
    needed = Grade.PERSONAL if attachment.is_sensitive else Grade.RECORDS
    if actor.grade < needed:
        raise PermissionDenied
    audit_record(
        action="members.application.attachment_read",
        actor=actor,
        obj=attachment.application,
        message=f"{attachment.slot}:{attachment.pk}",
    )
    if attachment.is_sensitive:
        personal_data_read_log(
            actor=actor,
            obj=attachment.application,
            fields=[f"attachment:{attachment.slot}"],
            reason=_("Review of the membership application"),
        )
    return attachment
