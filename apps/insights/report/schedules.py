from datetime import time

from apps.core.schedules import Schedule

from .tasks import monthly_reports_task

# Daily: on the 1st it generates and sends the month's reports; on later days it finds
# them done and does nothing (a month whose 1st the machine was off is caught up, and a
# report that failed is tried again).
SCHEDULES = [
    Schedule(name="insights.monthly_reports", task=monthly_reports_task, daily_at=time(6, 0)),
]
