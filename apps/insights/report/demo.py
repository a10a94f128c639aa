"""Demo data: a subscription for leaders and 街乡 officers, and this month's reports of the
district (records and aggregates-only), so the list is not empty after `make run`."""

import random

from django.utils import timezone

from apps.accounts import roles
from apps.accounts.models import Role, User
from apps.core.scoping import Grade
from apps.insights import selectors
from apps.insights.models_report import MonthlyReport, ReportSubscription, ReportTrigger

from .period import month_start, report_period
from .services import report_generate, subscription_save


def seed(*, scale: str, rng: random.Random) -> dict[str, int]:
    staff = User.objects.filter(username="staff").first()
    made = {"subscriptions": 0, "reports": 0}
    if staff is not None and not ReportSubscription.objects.exists():
        for name in (roles.LEADER, roles.STREET_OFFICER):
            role = Role.objects.filter(group__name=name).first()
            if role is not None:
                subscription_save(actor=staff, name=name, role=role, email=True)
                made["subscriptions"] += 1
    if selectors.latest_period() is None:
        return made
    month = month_start(timezone.localdate())
    year, quarter = report_period(month)
    for detail in (Grade.RECORDS, Grade.AGGREGATE):
        exists = MonthlyReport.objects.filter(
            month=month, street=None, detail=detail, trigger=ReportTrigger.SCHEDULED
        ).exists()
        if not exists:
            report_generate(
                year=year,
                quarter=quarter,
                detail=detail,
                trigger=ReportTrigger.SCHEDULED,
                month=month,
            )
            made["reports"] += 1
    return made
