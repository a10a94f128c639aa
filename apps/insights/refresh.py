"""How the summary learns of changes: the enterprises module's hook (on commit), and the
schedule that catches anything that did not pass through it.

- ``on_ledger_change`` is listed in settings.LEDGER_CHANGE_HOOKS: it enqueues a refresh of
  the enterprises concerned (a background task; with the worker running it is applied
  within seconds). A large change (past INSIGHTS_REFRESH_MAX_ENTERPRISES) is a full
  rebuild in the task instead.
- ``safety_net`` runs every INSIGHTS_SAFETY_NET_SECONDS (schedules.py): a rebuild when one
  is owed (a refresh failed), else a refresh of whatever drifted — an enterprise whose key
  differs from the one it is counted under, a ledger row written recently that differs
  from its fact — and on PostgreSQL only when the enterprise module's data version moved
  since the last look. A nightly rebuild catches the rest (ledger rows deleted by hand).
"""

import logging
from collections.abc import Iterable

from django.conf import settings

from . import summary
from .models import RefreshState

log = logging.getLogger(__name__)


def pack(ids: Iterable[int]) -> list[list[int]]:
    """Ids as [first, last] ranges, so a task's arguments stay small: [1, 2, 3, 7] →
    [[1, 3], [7, 7]]."""
    ranges: list[list[int]] = []
    for pk in sorted(set(ids)):
        if ranges and pk == ranges[-1][1] + 1:
            ranges[-1][1] = pk
        else:
            ranges.append([pk, pk])
    return ranges


def unpack(ranges: Iterable[Iterable[int]]) -> list[int]:
    return [pk for first, last in ranges for pk in range(first, last + 1)]


def on_ledger_change(enterprise_ids: list[int], periods=None) -> None:
    """LEDGER_CHANGE_HOOKS entry: called after the commit of a change to these enterprises.
    `periods` is not needed: a refresh compares each enterprise's facts whole."""
    from .tasks import summary_refresh

    try:
        summary_refresh.enqueue(pack(enterprise_ids))
    except Exception:
        log.exception("insights: could not enqueue the summary refresh; a rebuild is owed")
        summary.mark_dirty()


def refresh_now(id_ranges: list[list[int]]) -> int:
    try:
        return summary.refresh(unpack(id_ranges))
    except Exception:
        summary.mark_dirty()
        raise


def safety_net() -> str:
    """Rebuild if owed; else refresh what drifted. Returns what it did, for the task log."""
    state, _created = RefreshState.objects.get_or_create(pk=1)
    if state.dirty or state.rebuilt_at is None:
        counts = summary.rebuild()
        return f"rebuilt: {counts}"
    version = summary.data_version()
    if version and version == state.data_version:
        return "unchanged"
    ids = summary.drifted(settings.INSIGHTS_SAFETY_NET_WINDOW_MINUTES)
    if ids:
        log.warning("insights: %d enterprises drifted from the summary; refreshing", len(ids))
        summary.refresh(ids)
    if version:
        RefreshState.objects.filter(pk=1).update(data_version=version)
    return f"refreshed {len(ids)}"
