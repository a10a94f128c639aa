"""The filings module's to-dos on the home page (settings.HOME_TODO_PROVIDERS)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.todos import Todo

from . import selectors
from .models import Campaign, CampaignStatus, Filing, FilingStatus

CLOSING_SOON_DAYS = 7


def filing_todos(user) -> list[Todo]:
    if not user.is_authenticated:
        return []
    module = _("Enterprise filings")
    items: list[Todo] = []
    if user.has_perm("filings.review_filing"):
        waiting = Filing.objects.in_scope(user).filter(status=FilingStatus.SUBMITTED)
        items.append(
            Todo(
                title=_("Filings awaiting review"),
                url=reverse("filings:review_queue"),
                count=waiting.count(),
                module=module,
            )
        )
        today = timezone.localdate()
        closing = Campaign.objects.filter(
            status=CampaignStatus.OPEN,
            deadline__gte=today,
            deadline__lte=today + timedelta(days=CLOSING_SOON_DAYS),
        ).order_by("deadline", "pk")
        for campaign in closing:
            unfiled = selectors.unfiled(Filing.objects.in_scope(user).filter(campaign=campaign))
            items.append(
                Todo(
                    title=_("%(title)s closes on %(date)s: enterprises not yet filed")
                    % {"title": campaign.title, "date": campaign.deadline.isoformat()},
                    url=reverse("filings:unfiled", args=[campaign.pk]),
                    count=unfiled.count(),
                    module=module,
                )
            )
    if user.has_perm("filings.fill_filing"):
        to_fill = selectors.unfiled(
            Filing.objects.in_scope(user).filter(campaign__status=CampaignStatus.OPEN)
        )
        items.append(
            Todo(
                title=_("Filings to complete"),
                url=reverse("filings:my_list"),
                count=to_fill.count(),
                module=module,
            )
        )
    return items
