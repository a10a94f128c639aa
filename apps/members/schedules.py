from datetime import time

from apps.core.schedules import Schedule

from .tasks import dues_daily

SCHEDULES = [
    # In the morning, when members read their messages and the office is staffed.
    Schedule(name="members.dues", task=dues_daily, daily_at=time(9, 30)),
]
