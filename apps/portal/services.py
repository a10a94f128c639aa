"""Every write of the enterprise portal: registration, invitations, approval and rejection
of enterprise account requests. Each writes its audit event; notifications are queued in
the same transaction (nothing is sent if it rolls back)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from apps.accounts import roles
from apps.accounts.models import Role, User, UserKind
from apps.accounts.services import user_create, user_update
from apps.audit.models import Result
from apps.audit.services import audit_record, diff, snapshot
from apps.core.scoping import ScopeKind
from apps.enterprises.services import validate_uscc

from . import selectors
from .models import EnterpriseLink, Invitation, LinkStatus

LINK_FIELDS = ["uscc", "name", "street", "status", "decided_by", "decided_at", "reason"]
# No 0/O, 1/I/L: codes are read out over the phone and typed on phones.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


class AlreadyLinked(ValidationError):
    """The enterprise already has an approved account."""


class InvitationInvalid(ValidationError):
    """The invitation code is unknown, used, expired or for another enterprise."""


def _notify(recipients, **kwargs) -> int:
    from apps.core.notify import notify

    return notify(list(recipients), **kwargs)


def _already_linked_error() -> AlreadyLinked:
    return AlreadyLinked(
        _(
            "This enterprise already has an account. Please contact the person who manages "
            "it in your company, or your street office or the Federation of Industry and "
            "Commerce."
        ),
        code="already_linked",
    )


# --- invitation codes ------------------------------------------------------------


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def code_digest(code: str) -> str:
    """A keyed hash of an invitation code: a database dump does not give the codes."""
    key = getattr(settings, "PORTAL_INVITATION_KEY", "") or None
    return salted_hmac(
        "apps.portal.invitation", normalise_code(code), secret=key, algorithm="sha256"
    ).hexdigest()


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@transaction.atomic
def invitation_create(*, actor: User, uscc: str) -> tuple[Invitation, str]:
    """A one-time code for an enterprise of the database that ``actor`` may see.

    Returns the invitation and the code, which is shown once and stored only hashed.
    """
    code = validate_uscc(uscc)
    enterprise = selectors.enterprise_in_scope(actor, code)
    if enterprise is None:
        raise ValidationError(
            _("No enterprise with this credit code in your data scope."), code="not_found"
        )
    if selectors.linked_accounts(code).exists():
        raise _already_linked_error()
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    invitation = Invitation.objects.create(
        uscc=code,
        enterprise_name=enterprise.name,
        street=enterprise.street,
        code_digest=code_digest(raw),
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.PORTAL_INVITATION_DAYS),
    )
    audit_record(
        action="portal.invitation_create",
        actor=actor,
        obj=invitation,
        changes=diff({}, {"uscc": code, "expires_at": invitation.expires_at}),
    )
    return invitation, format_code(raw)


def _usable_invitation(code: str, uscc: str) -> Invitation:
    digest = code_digest(code)
    invitation = Invitation.objects.select_for_update().filter(code_digest=digest).first()
    if invitation is None:
        raise InvitationInvalid(_("This invitation code is not valid."), code="unknown")
    if invitation.is_used:
        raise InvitationInvalid(
            _("This invitation code has already been used. Ask for a new one."), code="used"
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid(
            _("This invitation code has expired. Ask for a new one."), code="expired"
        )
    if invitation.uscc != uscc:
        raise InvitationInvalid(
            _("This invitation code is for another enterprise."), code="other_enterprise"
        )
    return invitation


# --- registration ---------------------------------------------------------------


def _enterprise_group() -> Group:
    role = Role.objects.filter(group__name=roles.ENTERPRISE).select_related("group").first()
    if role is None:
        role = roles.ensure_builtin_roles()[roles.ENTERPRISE]
    return role.group


def _approve(*, actor: User | None, link: EnterpriseLink, reason: str = "") -> None:
    """Link the account: its scope becomes the enterprise and it gets the 企业用户 role."""
    # Every request for this credit code is locked, so two reviewers cannot both link it.
    list(EnterpriseLink.objects.select_for_update().filter(uscc=link.uscc).values("pk"))
    if selectors.linked_accounts(link.uscc).exclude(pk=link.user_id).exists():
        raise _already_linked_error()
    before = snapshot(link, LINK_FIELDS)
    link.status = LinkStatus.APPROVED
    link.decided_by = actor
    link.decided_at = timezone.now()
    link.reason = reason
    link.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    user = link.user
    role_groups = [*user.groups.all(), _enterprise_group()]
    # user_update audits the scope and role change; the approver is its actor.
    user_update(
        actor=actor,
        user=user,
        kind=UserKind.ENTERPRISE,
        scope_kind=ScopeKind.ENTERPRISE,
        scope_uscc=link.uscc,
        roles=role_groups,
    )
    audit_record(
        action="portal.link_approve",
        actor=actor,
        obj=link,
        changes=diff(before, snapshot(link, LINK_FIELDS)),
    )


@transaction.atomic
def registration_submit(
    *,
    uscc: str,
    name: str,
    contact_name: str,
    mobile: str,
    username: str,
    password: str,
    email: str = "",
    invitation_code: str = "",
) -> EnterpriseLink:
    """A new enterprise account and its link request (public registration).

    With a valid invitation code the link is approved at once on the inviter's behalf.
    Raises AlreadyLinked (nothing is created; the caller reports it with
    ``registration_duplicate_report``), InvitationInvalid or ValidationError.
    """
    code = validate_uscc(uscc)
    if selectors.linked_accounts(code).exists():
        raise _already_linked_error()
    invitation = _usable_invitation(invitation_code, code) if invitation_code.strip() else None
    enterprise = selectors.registry_enterprise(code)
    user, _password = user_create(
        actor=None,
        username=username,
        kind=UserKind.ENTERPRISE,
        scope_kind=ScopeKind.ENTERPRISE,
        full_name=contact_name,
        email=email,
        password=password,
        must_change_password=False,  # the person chose it
    )
    # user_create takes no mobile; the SMS of the decision goes to it.
    User.objects.filter(pk=user.pk).update(mobile=mobile)
    user.mobile = mobile
    link = EnterpriseLink(
        user=user,
        uscc=code,
        name=name.strip(),
        registry_name=enterprise.name if enterprise else "",
        in_registry=enterprise is not None,
        street=enterprise.street if enterprise else None,
        contact_name=contact_name.strip(),
        mobile=mobile,
        email=email,
        invitation=invitation,
    )
    link.full_clean(exclude=["user", "invitation", "street", "decided_by"])
    link.save()
    audit_record(
        action="portal.registration",
        actor=user,
        obj=link,
        changes=diff({}, snapshot(link, LINK_FIELDS)),
        message="invitation" if invitation else "",
    )
    if invitation is not None:
        invitation.used_at = timezone.now()
        invitation.used_by = user
        invitation.save(update_fields=["used_at", "used_by"])
        audit_record(action="portal.invitation_use", actor=user, obj=invitation)
        _approve(actor=invitation.created_by, link=link)
        _notify_decision(link)
    else:
        _notify(
            selectors.reviewers_for(link.street),
            kind="portal.registration",
            subject=_("New enterprise account request"),
            body=_("%(name)s (%(uscc)s) asks for an enterprise account.")
            % {"name": link.name, "uscc": link.uscc},
            url=reverse("portal:review_detail", args=[link.pk]),
            related=link,
        )
    return link


@transaction.atomic
def registration_duplicate_report(*, uscc: str, name: str, contact_name: str) -> int:
    """Someone tried to register an enterprise that already has an account: the street
    officers of its 街乡 and FIC staff are told (nothing else is written but the audit).
    Returns the number of notifications queued."""
    code = validate_uscc(uscc)
    enterprise = selectors.registry_enterprise(code)
    street = enterprise.street if enterprise else None
    audit_record(
        action="portal.registration_duplicate",
        actor=None,
        object_type="enterprises.enterprise",
        object_id=str(enterprise.pk) if enterprise else "",
        object_repr=f"{name} ({code})"[:200],
        result=Result.DENIED,
        message=f"contact: {contact_name}"[:500],
    )
    return _notify(
        selectors.reviewers_for(street),
        kind="portal.duplicate",
        subject=_("Registration refused: the enterprise already has an account"),
        body=_(
            "Someone (contact: %(contact)s) tried to register an account for %(name)s "
            "(%(uscc)s), which already has one. If the enterprise's contact has changed, "
            "help them reach the current account holder."
        )
        % {"contact": contact_name, "name": enterprise.name if enterprise else name, "uscc": code},
        url=reverse("portal:review_list") + "?status=approved&q=" + code,
    )


@transaction.atomic
def link_resubmit(
    *, user: User, uscc: str, name: str, contact_name: str, mobile: str
) -> EnterpriseLink:
    """A rejected account asks again with corrected details."""
    latest = selectors.latest_link(user)
    if user.scope_uscc or latest is None or latest.status != LinkStatus.REJECTED:
        raise ValidationError(_("Only a rejected request can be submitted again."))
    code = validate_uscc(uscc)
    if selectors.linked_accounts(code).exists():
        raise _already_linked_error()
    enterprise = selectors.registry_enterprise(code)
    link = EnterpriseLink(
        user=user,
        uscc=code,
        name=name.strip(),
        registry_name=enterprise.name if enterprise else "",
        in_registry=enterprise is not None,
        street=enterprise.street if enterprise else None,
        contact_name=contact_name.strip(),
        mobile=mobile,
        email=latest.email,
    )
    link.full_clean(exclude=["user", "invitation", "street", "decided_by"])
    link.save()
    audit_record(
        action="portal.registration",
        actor=user,
        obj=link,
        changes=diff({}, snapshot(link, LINK_FIELDS)),
        message="resubmitted",
    )
    _notify(
        selectors.reviewers_for(link.street),
        kind="portal.registration",
        subject=_("New enterprise account request"),
        body=_("%(name)s (%(uscc)s) asks for an enterprise account.")
        % {"name": link.name, "uscc": link.uscc},
        url=reverse("portal:review_detail", args=[link.pk]),
        related=link,
    )
    return link


# --- review ------------------------------------------------------------------------


def _pending_in_scope(actor: User, link: EnterpriseLink) -> EnterpriseLink:
    """Re-read the request under lock, through the reviewer's scope."""
    link = (
        EnterpriseLink.objects.in_scope(actor)
        .select_for_update()
        .select_related("user")
        .filter(pk=link.pk)
        .first()
    )
    if link is None:
        raise EnterpriseLink.DoesNotExist
    if link.status != LinkStatus.PENDING:
        raise ValidationError(_("This request has already been decided."), code="decided")
    return link


def _notify_decision(link: EnterpriseLink) -> int:
    if link.status == LinkStatus.APPROVED:
        subject = _("Your enterprise account has been approved")
        body = _("Your account now acts for %(name)s (%(uscc)s). Sign in to start.") % {
            "name": link.registry_name or link.name,
            "uscc": link.uscc,
        }
        url = reverse("portal:home")
    else:
        subject = _("Your enterprise account request was not approved")
        body = _("Reason: %(reason)s. You can correct the details and submit again.") % {
            "reason": link.reason
        }
        url = reverse("portal:waiting")
    return _notify(
        [link.user],
        kind="portal.decision",
        subject=subject,
        body=body,
        url=url,
        channels=("inapp", "sms"),
        related=link,
    )


@transaction.atomic
def link_approve(*, actor: User, link: EnterpriseLink) -> EnterpriseLink:
    """Approve a pending request in the reviewer's scope."""
    if not actor.has_perm("portal.review_enterprise_link"):
        raise PermissionDenied
    link = _pending_in_scope(actor, link)
    _approve(actor=actor, link=link)
    _notify_decision(link)
    return link


@transaction.atomic
def link_reject(*, actor: User, link: EnterpriseLink, reason: str) -> EnterpriseLink:
    """Reject a pending request with a reason the applicant will read."""
    if not actor.has_perm("portal.review_enterprise_link"):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the rejection."), code="reason")
    link = _pending_in_scope(actor, link)
    before = snapshot(link, LINK_FIELDS)
    link.status = LinkStatus.REJECTED
    link.decided_by = actor
    link.decided_at = timezone.now()
    link.reason = reason[:500]
    link.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    audit_record(
        action="portal.link_reject",
        actor=actor,
        obj=link,
        changes=diff(before, snapshot(link, LINK_FIELDS)),
    )
    _notify_decision(link)
    return link
