"""What the filings module tells enterprises, through apps.core.notify.

Called inside the services' transactions: nothing is sent when they roll back.
"""

import re

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Campaign, Filing, FilingReview, ReminderStage, ReviewDecision

KIND_DECISION = "filings.decision"
KIND_REMINDER = "filings.reminder"
DECISION_CHANNELS = ("inapp", "sms")
REMINDER_CHANNELS = ("inapp", "email", "sms")
_MOBILE = re.compile(r"^1\d{10}$")


def mobile_number(phone: str) -> str:
    """The registry phone as an SMS address, or "" for a landline or nothing."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if _MOBILE.match(digits) else ""


def decision_sent(*, filing: Filing, review: FilingReview, users) -> int:
    from apps.core.notify import notify

    if not users:
        return 0
    campaign = filing.campaign
    if review.decision == ReviewDecision.APPROVE:
        subject = _("Your filing has been approved: %(title)s") % {"title": campaign.title}
        body = _("The figures you submitted for %(title)s (%(period)s) have been approved.") % {
            "title": campaign.title,
            "period": campaign.period_label,
        }
    else:
        subject = _("Your filing has been returned: %(title)s") % {"title": campaign.title}
        body = _(
            "Your filing for %(title)s (%(period)s) was returned for correction: %(comment)s "
            "Please correct it and submit it again."
        ) % {"title": campaign.title, "period": campaign.period_label, "comment": review.comment}
    if review.decision == ReviewDecision.APPROVE and review.comment:
        body = f"{body} {review.comment}"
    return notify(
        users,
        kind=KIND_DECISION,
        subject=subject,
        body=body,
        url=reverse("filings:form", args=[filing.pk]),
        channels=DECISION_CHANNELS,
        related=filing,
    )


def _reminder_text(campaign: Campaign, stage: str, enterprise_name: str) -> tuple[str, str]:
    params = {
        "title": campaign.title,
        "period": campaign.period_label,
        "deadline": campaign.deadline.isoformat(),
        "name": enterprise_name,
    }
    if stage == ReminderStage.OVERDUE:
        subject = _("Overdue filing: %(title)s") % params
        body = (
            _(
                "%(name)s: the deadline of %(title)s (%(period)s) was %(deadline)s and your "
                "figures have not been submitted yet. Please sign in and file them now."
            )
            % params
        )
    else:
        subject = _("Filing reminder: %(title)s") % params
        body = (
            _(
                "%(name)s: please file your figures for %(title)s (%(period)s) by "
                "%(deadline)s. Sign in to the platform to fill in the form."
            )
            % params
        )
    return subject, body


def reminder_sent(*, filing: Filing, stage: str, users) -> int:
    """Remind the enterprise's accounts, or its registry mobile phone when it has none.

    Returns the number of messages queued (0: the enterprise could not be reached).
    """
    from apps.core.notify import deliver, notify

    subject, body = _reminder_text(filing.campaign, stage, filing.enterprise.name)
    if users:
        return notify(
            users,
            kind=KIND_REMINDER,
            subject=subject,
            body=body,
            url=reverse("filings:form", args=[filing.pk]),
            channels=REMINDER_CHANNELS,
            related=filing,
        )
    phone = mobile_number(filing.enterprise.contact_phone)
    if not phone:
        return 0
    deliver("sms", phone, kind=KIND_REMINDER, subject=subject, body=body, related=filing)
    return 1
