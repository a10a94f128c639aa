from django.utils import timezone
from django_tasks import task


@task()
def dues_daily() -> dict[str, int]:
    """Assess this year's dues of members not charged yet, refresh the lapse-review flags
    and send the reminders that are due (before the due date and once overdue)."""
    from . import dues

    today = timezone.localdate()
    result = {"charged": dues.dues_assess(year=today.year, today=today)}
    result |= dues.lapse_flags_refresh(today)
    result |= dues.dues_reminders_due(today)
    return result
