"""Recurring schedules, declared in code.

Each module lists its schedules in a ``schedules.py`` named in
settings.SCHEDULE_MODULES. A schedule names a registered task object, never a
string from the database, so nobody can schedule arbitrary code by editing a row.
The database only remembers when each schedule last ran.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from importlib import import_module

from django.conf import settings
from django.utils import timezone
from django_tasks.base import Task


@dataclass(frozen=True)
class Schedule:
    name: str
    task: Task
    every: timedelta | None = None
    daily_at: time | None = None  # local time

    def __post_init__(self):
        if not isinstance(self.task, Task):
            raise TypeError(
                f"schedule {self.name!r}: only registered task objects can be scheduled"
            )
        if (self.every is None) == (self.daily_at is None):
            raise ValueError(f"schedule {self.name!r}: give exactly one of every / daily_at")

    def is_due(self, last_run: datetime | None, now: datetime) -> bool:
        if self.every is not None:
            return last_run is None or now - last_run >= self.every
        local_now = timezone.localtime(now)
        slot = timezone.make_aware(datetime.combine(local_now.date(), self.daily_at))
        if local_now < slot:
            slot -= timedelta(days=1)
        return last_run is None or last_run < slot


def all_schedules() -> list[Schedule]:
    schedules: list[Schedule] = []
    for path in settings.SCHEDULE_MODULES:
        schedules.extend(import_module(path).SCHEDULES)
    names = [s.name for s in schedules]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"duplicate schedule names: {sorted(duplicates)}")
    return schedules


def run_due(now: datetime | None = None) -> list[str]:
    """Enqueue every schedule that is due; returns the names enqueued."""
    from django.db import transaction

    from .models import ScheduleState

    now = now or timezone.now()
    enqueued = []
    for schedule in all_schedules():
        with transaction.atomic():
            state, _created = ScheduleState.objects.select_for_update().get_or_create(
                name=schedule.name
            )
            if schedule.is_due(state.last_run_at, now):
                schedule.task.enqueue()
                state.last_run_at = now
                state.save(update_fields=["last_run_at"])
                enqueued.append(schedule.name)
    return enqueued
