from datetime import time

from apps.core.schedules import Schedule

from .tasks import filing_reminders

SCHEDULES = [
    # In the morning, when enterprises read their messages and offices are staffed.
    Schedule(name="filings.reminders", task=filing_reminders, daily_at=time(9, 0)),
]
