from datetime import time, timedelta

from apps.core.schedules import Schedule

from .tasks import change_marks_compact, import_uploads_sweep, ledger_quality_check

SCHEDULES = [
    # After midnight imports, before the 02:00 account jobs.
    Schedule(name="enterprises.quality_check", task=ledger_quality_check, daily_at=time(1, 30)),
    Schedule(
        name="enterprises.import_uploads_sweep", task=import_uploads_sweep, every=timedelta(hours=1)
    ),
    Schedule(
        name="enterprises.change_marks_compact",
        task=change_marks_compact,
        every=timedelta(minutes=10),
    ),
]
