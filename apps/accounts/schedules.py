from datetime import time

from apps.core.schedules import Schedule

from .tasks import clear_expired_sessions, disable_idle_accounts

SCHEDULES = [
    Schedule(name="accounts.disable_idle", task=disable_idle_accounts, daily_at=time(2, 0)),
    Schedule(name="accounts.clear_sessions", task=clear_expired_sessions, daily_at=time(2, 10)),
]
