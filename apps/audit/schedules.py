from datetime import time

from apps.core.schedules import Schedule

from .tasks import prune_audit_events

SCHEDULES = [Schedule(name="audit.prune", task=prune_audit_events, daily_at=time(3, 0))]
