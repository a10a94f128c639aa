from datetime import time

from apps.core.schedules import Schedule

from .tasks import ledger_quality_check

SCHEDULES = [
    # After midnight imports, before the 02:00 account jobs.
    Schedule(name="enterprises.quality_check", task=ledger_quality_check, daily_at=time(1, 30)),
]
