"""Row errors: every one is spooled to a file next to the upload (the full report),
the first ones are kept for the page. Memory stays flat however many rows are bad."""

from __future__ import annotations

import csv
import heapq
from dataclasses import asdict, dataclass
from pathlib import Path

PAGE_ERRORS = 200
# The downloadable report lists at most this many rows (the page says so).
XLSX_MAX_ROWS = 100_000


@dataclass(frozen=True, order=True)
class RowError:
    row: int  # as the user sees it in Excel; 0 for the file as a whole
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)


class ErrorSink:
    def __init__(self, spool: Path | None = None):
        self.spool = spool
        self.count = 0
        self._first: list[RowError] = []
        self._handle = spool.open("w", encoding="utf-8", newline="") if spool else None
        self._writer = csv.writer(self._handle) if self._handle else None
        self._memory: list[RowError] = [] if spool is None else None  # commands keep them

    def add(self, row: int, column: str, value, reason: str) -> None:
        shown = "" if value is None else str(value)
        if len(shown) > 200:
            shown = shown[:200] + "…"
        error = RowError(row, column, shown, str(reason))
        self.count += 1
        if len(self._first) < PAGE_ERRORS:
            heapq.heappush(self._first, _Neg(error))
        elif error < self._first[0].error:
            heapq.heapreplace(self._first, _Neg(error))
        if self._writer is not None:
            self._writer.writerow([error.row, error.column, error.value, error.reason])
        if self._memory is not None:
            self._memory.append(error)

    def first(self) -> list[RowError]:
        return sorted(item.error for item in self._first)

    def all(self):
        """Every error (in the order found). From memory or the spool."""
        if self._memory is not None:
            yield from sorted(self._memory)
            return
        self.close()
        yield from read_spool(self.spool)

    def close(self) -> None:
        if self._handle is not None and not self._handle.closed:
            self._handle.close()


class _Neg:
    """Max-heap wrapper: keep the N errors with the smallest row numbers."""

    __slots__ = ("error",)

    def __init__(self, error: RowError):
        self.error = error

    def __lt__(self, other: _Neg) -> bool:
        return other.error < self.error


def read_spool(path: Path | None):
    if path is None or not Path(path).exists():
        return
    with Path(path).open(encoding="utf-8", newline="") as handle:
        for row, column, value, reason in csv.reader(handle):
            yield RowError(int(row), column, value, reason)
