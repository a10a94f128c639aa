"""Audit log writes: apps.audit.services.audit_record against a plain, unaudited insert.

Writes 5,000 events through audit_record (each in its own autocommit transaction, as a
view would) and 5,000 rows of apps.core.models.ScheduleState with Model.objects.create.
Three rounds each; the median round counts. Prints events/s and the ratio of the time
per row (audited / plain).
"""

import itertools

from _common import report, setup, timeit

EVENTS = 5_000
ROUNDS = 3


def main() -> None:
    setup()
    from apps.accounts.models import User
    from apps.audit.models import AuditEvent
    from apps.audit.services import audit_record
    from apps.core.models import ScheduleState

    actor = User.objects.create(username="bench_actor", full_name="基准用户")
    counter = itertools.count()

    def audited():
        for i in range(EVENTS):
            audit_record(
                action="bench.write",
                actor=actor,
                obj=actor,
                changes={"field": [i, i + 1]},
                message="benchmark",
            )

    def plain():
        for _ in range(EVENTS):
            ScheduleState.objects.create(name=f"bench-{next(counter)}")

    audit_seconds = timeit(audited, n=ROUNDS, warmup=0)
    plain_seconds = timeit(plain, n=ROUNDS, warmup=0)
    assert AuditEvent.objects.filter(action="bench.write").count() == EVENTS * ROUNDS

    print(f"-- {EVENTS} rows per round, median of {ROUNDS} rounds")
    print(f"audit_record: {EVENTS / audit_seconds:,.0f} events/s")
    print(f"ScheduleState.objects.create: {EVENTS / plain_seconds:,.0f} rows/s")
    report(
        f"{EVENTS} audit_record calls",
        audit_seconds,
        f"{EVENTS} plain creates",
        plain_seconds,
    )
    print(
        f"per event: {audit_seconds / EVENTS * 1e6:.0f} µs audited, "
        f"{plain_seconds / EVENTS * 1e6:.0f} µs plain"
    )


if __name__ == "__main__":
    main()
