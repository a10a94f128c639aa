"""One import run: read → validate into staging → counts → (apply in one transaction).

Used by the web flow (through jobs.py), the background task and the commands.
Validation writes nothing but the temporary staging table; with apply=True the
upsert and the audit event happen in one transaction, so an error or a killed
process leaves no partial rows. (A ledger apply on PostgreSQL is that transaction
from the first row read: it writes block by block while reading, and rolls back if
any row is bad.) Size classes are derived data: the enterprises
whose rows were inserted or changed are refreshed by a task enqueued when that
transaction commits (sizes.refresh_after_commit), not inside it.
"""

from __future__ import annotations

import gc
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .. import hooks
from . import apply as applying
from . import ledger, roster, sizes
from .files import UnsafeFile, sniff
from .readers import HeaderError, open_table
from .report import ErrorSink, RowError
from .spec import LAYOUTS
from .staging import is_postgres


@dataclass
class Outcome:
    rows: int = 0
    error_count: int = 0
    first_errors: list[RowError] = field(default_factory=list)
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    applied: bool = False
    # Enterprises queued for the size-class refresh after the commit.
    size_refresh_queued: int = 0
    # Seconds per phase, for the benchmarks.
    timings: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def run(
    *,
    kind: str,
    path: Path,
    user,
    sink: ErrorSink,
    apply: bool = False,
    progress=None,
    name: str = "",
    digest: str = "",
    job=None,
    on_applying=None,
) -> Outcome:
    outcome = Outcome()
    stage = roster.STAGE if kind == "roster" else ledger.STAGE
    # A ledger apply on PostgreSQL writes while it reads (ledger.LiveWriter), so the whole
    # run is its transaction; elsewhere validation comes first and _apply() writes after.
    live = apply and kind == "ledger" and is_postgres()
    try:
        file_kind = sniff(path)
        with transaction.atomic() if live else nullcontext():
            writer = None
            if live:
                if on_applying is not None:
                    on_applying()
                writer = ledger.LiveWriter(actor=user)
                writer.begin()
            table = open_table(path, file_kind, LAYOUTS[kind])
            if kind == "roster":
                validator = roster.RosterValidator(user=user, sink=sink, table=table)
            else:
                validator = ledger.LedgerValidator(user=user, sink=sink, table=table, writer=writer)
            clock = time.perf_counter()
            with _without_cycle_collection():
                outcome.rows = validator.run(progress)
            outcome.timings["validate_and_stage" if writer is None else "validate_and_write"] = (
                time.perf_counter() - clock
            )
            if sink.count:
                if live:
                    transaction.set_rollback(True)
            elif live:
                _finish_live(writer, validator, user, name, digest, job, outcome)
            elif apply:
                if on_applying is not None:
                    on_applying()
                _apply(kind, user, name, digest, job, outcome)
            else:
                clock = time.perf_counter()
                if kind == "roster":
                    new, changed, unchanged, _touched = applying.roster_apply(apply=False)
                else:
                    new, changed, unchanged = ledger.counts()
                outcome.new, outcome.changed, outcome.unchanged = new, changed, unchanged
                outcome.timings["counts"] = time.perf_counter() - clock
            clock = time.perf_counter()
        if live and outcome.applied:
            # The foreign keys were checked as the blocks went in: the commit is the WAL flush.
            outcome.timings["commit"] = time.perf_counter() - clock
    except UnsafeFile as error:
        sink.add(0, "", "", str(error))
    except HeaderError as error:
        for problem in error.problems:
            sink.add(0, _("Header row"), "", problem)
    finally:
        stage.drop()
        sink.close()
    outcome.error_count = sink.count
    outcome.first_errors = sink.first()
    return outcome


@contextmanager
def _without_cycle_collection():
    """Reading a file allocates millions of small objects (rows, cells, staged tuples),
    none in a reference cycle; the cyclic collector would walk them over and over (a
    fifth of the reading time). Memory is freed by reference counting as before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _finish_live(writer, validator, user, name, digest, job, outcome: Outcome) -> None:
    """The 累计 rows, the counts, the audit event and the refreshes after the commit."""
    clock = time.perf_counter()
    writer.finish(cumulative=validator.any_cumulative)
    new, changed = writer.new, writer.changed
    unchanged = validator.staged - new - changed
    touched = sorted(writer.touched)
    applying.audit_import(
        actor=user,
        kind="ledger",
        name=name or "",
        digest=digest,
        counts=(new, changed, unchanged),
        job=job,
    )
    outcome.size_refresh_queued = sizes.refresh_after_commit(touched)
    hooks.ledger_changed(touched)  # the insights summary, after the commit
    outcome.timings["finish"] = time.perf_counter() - clock
    outcome.new, outcome.changed, outcome.unchanged = new, changed, unchanged
    outcome.applied = True


def _apply(kind, user, name, digest, job, outcome: Outcome) -> None:
    """Write everything in one transaction; the counts are taken inside it."""
    clock = time.perf_counter()
    with transaction.atomic():
        if kind == "roster":
            new, changed, unchanged, touched = applying.roster_apply(apply=True)
        else:
            ledger.lock()
            new, changed, unchanged = ledger.counts()
            outcome.timings["counts"] = time.perf_counter() - clock
            clock = time.perf_counter()
            touched = ledger.upsert(actor=user)
        outcome.timings["upsert"] = time.perf_counter() - clock
        applying.audit_import(
            actor=user,
            kind=kind,
            name=name or "",
            digest=digest,
            counts=(new, changed, unchanged),
            job=job,
        )
        outcome.size_refresh_queued = sizes.refresh_after_commit(touched)
        hooks.ledger_changed(touched)  # the insights summary, after the commit
        clock = time.perf_counter()
    # Deferred constraint checks (the ledger's foreign keys) run at the commit.
    outcome.timings["commit"] = time.perf_counter() - clock
    outcome.new, outcome.changed, outcome.unchanged = new, changed, unchanged
    outcome.applied = True
