"""Telling other modules that enterprises or their ledger changed.

Modules that keep figures derived from the ledger (the insights summary) list a function
in settings.LEDGER_CHANGE_HOOKS; the enterprises module calls ``ledger_changed`` from every
write to enterprises or the ledger (services, import apply, the size-class refresh) without
knowing who listens. The listeners run after the transaction commits, so a rolled-back
write tells nobody, and a failing listener never undoes or fails the write.
"""

import threading
from collections.abc import Iterable
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string


def ledger_changed(
    enterprise_ids: Iterable[int], periods: Iterable[tuple[int, int]] | None = None
) -> None:
    """After the current transaction commits, call each hook with these enterprise ids and
    the (year, quarter) periods whose figures changed: None when not known, empty when only
    the enterprises themselves changed (街乡, industry, size class, member status …)."""
    ids = sorted({int(pk) for pk in enterprise_ids})
    if not ids or not settings.LEDGER_CHANGE_HOOKS:
        return
    if getattr(_held, "ids", None) is not None:
        _held.ids.update(ids)
        return
    known = None if periods is None else sorted({(int(y), int(q)) for y, q in periods})

    def call() -> None:
        for path in settings.LEDGER_CHANGE_HOOKS:
            import_string(path)(ids, known)

    transaction.on_commit(call, robust=True)


_held = threading.local()


@contextmanager
def held():
    """Collect the changes made inside, and tell the listeners once at the end, for every
    enterprise concerned and every period (bulk writers such as the demo seeders: one
    refresh instead of one per write)."""
    if getattr(_held, "ids", None) is not None:  # already holding: the outer call tells
        yield
        return
    _held.ids = set()
    try:
        yield
        ids = _held.ids
    finally:
        _held.ids = None
    ledger_changed(ids)
