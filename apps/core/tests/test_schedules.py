from datetime import datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.core.models import ScheduleState
from apps.core.schedules import Schedule, all_schedules, run_due

pytestmark = pytest.mark.django_db


def at(hour, minute=0, day=26):
    return timezone.make_aware(datetime(2026, 11, day, hour, minute))


def test_only_registered_task_objects_can_be_scheduled():
    with pytest.raises(TypeError):
        Schedule(name="evil", task="os.system", every=timedelta(minutes=1))


def test_daily_schedule_is_due_once_per_day():
    schedule = next(s for s in all_schedules() if s.name == "audit.prune")
    assert schedule.daily_at == time(3, 0)
    assert schedule.is_due(None, at(1))
    assert not schedule.is_due(at(3, 5), at(23))  # already ran today after 03:00
    assert schedule.is_due(at(3, 5), at(3, 1, day=27))  # the next day's slot passed
    assert not schedule.is_due(at(3, 5), at(2, 59, day=27))


def test_run_due_enqueues_each_schedule_once_and_remembers(monkeypatch):
    ran = []
    for schedule in all_schedules():
        monkeypatch.setattr(
            type(schedule.task), "enqueue", lambda self, *a, **k: ran.append(self.name)
        )
    first = run_due(now=at(4))
    assert set(first) == {s.name for s in all_schedules()}
    # Moments later nothing is due (the shortest schedule, insights' safety net, is 30 s).
    assert run_due(now=at(4) + timedelta(seconds=10)) == []
    assert ScheduleState.objects.count() == len(first)


def test_scheduled_tasks_really_run(district_admin):
    # The test settings use the immediate backend: enqueue runs the task now.
    call_command("run_schedules", once=True)
    assert ScheduleState.objects.filter(last_run_at__isnull=False).count() == len(all_schedules())
