"""What the member database tells members, through apps.core.notify.

Called inside the services' transactions: nothing is sent when they roll back.
"""

from django.utils.translation import gettext as _

from apps.accounts.models import User, UserKind
from apps.core.notify.services import normalise_mobile
from apps.core.scoping import ScopeKind

from .models import DuesCharge, MemberKind, ReminderStage

KIND_DUES_REMINDER = "members.dues_reminder"
REMINDER_CHANNELS = ("inapp", "email", "sms")


def enterprise_accounts(uscc: str) -> list[User]:
    """The active accounts that act for this enterprise (apps.portal links them)."""
    if not uscc:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            kind=UserKind.ENTERPRISE,
            scope_kind=ScopeKind.ENTERPRISE,
            scope_uscc=uscc,
        ).order_by("pk")
    )


def member_mobile(charge: DuesCharge) -> str:
    """The first mobile number on the member's record, or ""."""
    member = charge.member
    candidates = [member.person_mobile, member.contact_phone]
    if member.kind == MemberKind.ENTERPRISE and member.enterprise_id:
        candidates.append(member.enterprise.contact_phone)
    for value in candidates:
        mobile = normalise_mobile(value)
        if mobile:
            return mobile
    return ""


def _reminder_text(charge: DuesCharge, stage: str) -> tuple[str, str]:
    params = {
        "name": charge.member.display_name,
        "number": charge.member.number,
        "year": charge.year,
        "amount": charge.outstanding,
        "due": charge.due_date.isoformat(),
    }
    if stage == ReminderStage.OVERDUE:
        subject = _("Overdue membership dues for %(year)d") % params
        body = (
            _(
                "%(name)s (member no. %(number)s): your %(year)d membership dues of "
                "%(amount)s yuan were due on %(due)s and have not been received. Please pay "
                "them, or contact the FIC's membership department."
            )
            % params
        )
    else:
        subject = _("Membership dues for %(year)d") % params
        body = (
            _(
                "%(name)s (member no. %(number)s): your %(year)d membership dues of "
                "%(amount)s yuan are due by %(due)s."
            )
            % params
        )
    return subject, body


def dues_reminder_sent(*, charge: DuesCharge, stage: str) -> int:
    """Remind an enterprise member's accounts, or the member's mobile phone on record.
    Returns the number of messages queued (0: the member could not be reached)."""
    from apps.core.notify import deliver, notify

    subject, body = _reminder_text(charge, stage)
    member = charge.member
    users = (
        enterprise_accounts(member.enterprise.uscc)
        if member.kind == MemberKind.ENTERPRISE and member.enterprise_id
        else []
    )
    if users:
        # One in-app message per account, plus the emails and SMS queued.
        return len(users) + notify(
            users,
            kind=KIND_DUES_REMINDER,
            subject=subject,
            body=body,
            channels=REMINDER_CHANNELS,
            related=charge,
        )
    mobile = member_mobile(charge)
    if not mobile:
        return 0
    deliver("sms", mobile, kind=KIND_DUES_REMINDER, subject=subject, body=body, related=charge)
    return 1
