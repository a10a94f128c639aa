"""Background work of the insights module (django-tasks)."""

from django_tasks import task

from . import refresh, summary


@task()
def summary_refresh(id_ranges: list[list[int]]) -> int:
    """Refresh the summary for the enterprises in these [first, last] id ranges. Safe to run
    twice or late: it compares with the ledger as it is now."""
    return refresh.refresh_now(id_ranges)


@task()
def summary_safety_net() -> str:
    return refresh.safety_net()


@task()
def summary_rebuild() -> str:
    return str(summary.rebuild())
