"""Read an uploaded table row by row: xlsx through calamine, csv through the csv module.

Both give (row number as the user sees it in Excel, list of cell values). The
header row is found among the first rows, so a title (often merged across the
columns) above it is fine; a header split over two rows by merged cells (a group
title above, the column names below) is read by taking each column's name from
the lower row or, where that cell is empty, from the row above.

xlsx: the file is checked and its first sheet cut into slices of whole rows by
files.SheetSlices; calamine parses each slice (in a worker thread, while the rows
before it are validated), returns the values Excel cached for formulas and never
evaluates anything; cells with a formula but no cached value are noted by
SheetSlices and reported as row errors by the validators.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import queue
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _

from . import files
from .spec import Column, HeaderMap, header_index, header_key, map_headers

HEADER_SEARCH_ROWS = 30
SNIFF_BYTES = 1024 * 1024
# Parsed xlsx slices waiting for the validator (each at most a few MB of rows).
SLICES_AHEAD = 2
CSV_BLOCK_ROWS = 10_000
# While a sheet is read, how long a thread that wants the GIL waits before the holder
# must let go (Python's default is 5 ms). See short_gil_waits.
READING_SWITCH_INTERVAL = 0.0002


class HeaderError(ValueError):
    """The header row is missing or wrong; .problems lists every problem for the user."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


# (number of the first row, rows): consecutive rows, blank ones included.
Block = tuple[int, list[list]]


@dataclass
class Table:
    header: HeaderMap
    header_row: int
    # The rows under the header, a block at a time; read them once, by blocks or by rows.
    blocks: Iterator[Block]
    # Formula cells without a cached value: (row, position) and their rows.
    uncached: set[tuple[int, int]] = field(default_factory=set)
    uncached_rows: set[int] = field(default_factory=set)
    encoding: str = ""
    kind: str = ""  # files.XLSX or files.CSV

    @property
    def rows(self) -> Iterator[tuple[int, list]]:
        """(number, row) for every row holding at least one value."""
        return _nonblank(
            (number, row) for first, rows in self.blocks for number, row in enumerate(rows, first)
        )


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK and GB2312)."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)  # a character cut at the end is fine
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
        return "gb18030"
    except UnicodeDecodeError:
        raise files.UnsafeFile(
            _("The CSV file's text encoding is not recognised. Save it as UTF-8 or GBK.")
        ) from None


def _csv_blocks(path: Path, encoding: str) -> Iterator[Block]:
    with path.open(encoding=encoding, newline="", errors="strict") as handle:
        first = handle.readline()
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        handle.seek(0)
        reader = csv.reader(handle, delimiter=delimiter)
        number = 1
        try:
            while rows := list(itertools.islice(reader, CSV_BLOCK_ROWS)):
                yield number, rows
                number += len(rows)
        except UnicodeDecodeError:
            raise files.UnsafeFile(
                _(
                    "The CSV file's text encoding changes part-way (near row %(row)d). "
                    "Save it as UTF-8 or GBK."
                )
                % {"row": reader.line_num + 1}
            ) from None
        except csv.Error:
            raise files.UnsafeFile(
                _("The CSV file cannot be read near row %(row)d.") % {"row": reader.line_num}
            ) from None


def _xlsx_blocks(slices: files.SheetSlices) -> Iterator[Block]:
    """The sheet's rows by slices, each parsed by calamine in a worker thread.

    calamine releases the GIL while it parses, so the next slice is parsed while the
    rows of this one are validated; at most SLICES_AHEAD parsed slices wait in memory.
    Their cells become Python values here, in the reading thread: that conversion
    holds the GIL throughout, and would stall the reader if the worker did it. Row
    numbers come from the sheet (calamine counts from its first used cell) and each
    row is padded to start at column A.
    """
    language = translation.get_language()
    ready: queue.Queue = queue.Queue(maxsize=SLICES_AHEAD)
    stop = threading.Event()

    def hand_over(item) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        translation.activate(language)  # for the messages of UnsafeFile
        try:
            for workbook in slices:
                if not hand_over(_parse_slice(workbook, slices.not_workbook)):
                    return
            hand_over(None)
        except BaseException as error:  # re-raised in the reading thread
            hand_over(error)
        finally:
            slices.close()
            translation.deactivate()

    worker = threading.Thread(target=work, name="xlsx-slices", daemon=True)
    with short_gil_waits():
        worker.start()
        try:
            while (item := ready.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                if item.start is None:
                    continue
                first_row, first_col = item.start
                rows = item.to_python()
                if first_col:
                    pad = [None] * first_col
                    rows = [pad + row for row in rows]
                yield first_row + 1, rows
        finally:
            stop.set()
            worker.join()


_switch_lock = threading.Lock()
_switch_users = 0
_switch_saved = 0.0


@contextmanager
def short_gil_waits():
    """Let the slice reader take the GIL back quickly while a sheet is read.

    The reader thread lets go of the GIL hundreds of times per file (each inflate,
    CRC and calamine parse runs without it) and each time must wait for it again,
    while the validating thread is busy in Python and keeps it for up to the switch
    interval: at the default 5 ms, a 200,000-row sheet lost ~0.3 s (15%) of reading
    to those waits. Process-wide, so the first of concurrent readings sets it and
    the last restores it; other threads only switch more often meanwhile.
    """
    global _switch_users, _switch_saved
    with _switch_lock:
        if _switch_users == 0:
            _switch_saved = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_saved, READING_SWITCH_INTERVAL))
        _switch_users += 1
    try:
        yield
    finally:
        with _switch_lock:
            _switch_users -= 1
            if _switch_users == 0:
                sys.setswitchinterval(_switch_saved)


def _parse_slice(workbook, not_workbook: str):
    """The slice's sheet as calamine holds it (cells not yet Python values)."""
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_filelike(workbook).get_sheet_by_index(0)
    except Exception:
        raise files.UnsafeFile(not_workbook) from None


def _nonblank(rows) -> Iterator[tuple[int, list]]:
    """The rows holding at least one value (per row: usually one look at the first cell)."""
    for item in rows:
        for cell in item[1]:
            if cell is None or (cell.__class__ is str and (not cell or cell.isspace())):
                continue
            yield item
            break


def blank(row: list) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


def open_table(path: Path, kind: str, columns: tuple[Column, ...]) -> Table:
    """Find the header and return the rows under it. UnsafeFile or HeaderError if unusable."""
    uncached: set[tuple[int, int]] = set()
    uncached_rows: set[int] = set()
    encoding = ""
    if kind == files.XLSX:
        slices = files.SheetSlices(path)
        # Filled by the worker as it reads, before the rows concerned are handed out.
        uncached, uncached_rows = slices.uncached, slices.uncached_rows
        blocks = _xlsx_blocks(slices)
    else:
        encoding = detect_encoding(path)
        blocks = _csv_blocks(path, encoding)

    index = header_index(columns)
    head: list[tuple[int, list]] = []
    rest: Block | None = None
    for first, rows in blocks:
        wanted = HEADER_SEARCH_ROWS - len(head)
        head.extend(enumerate(rows[:wanted], first))
        if len(rows) > wanted:
            rest = (first + wanted, rows[wanted:])
            break
    if all(blank(row) for _n, row in head):
        raise files.UnsafeFile(_("The file holds no rows."))
    best, best_score, best_cells = None, 0, []
    for position, (_n, row) in enumerate(head):
        cells = _combined(list(row), head[position - 1][1] if position else [], index)
        score = sum(1 for cell in cells if header_key(cell) in index)
        if score > best_score:
            best, best_score, best_cells = position, score, cells
    if best is None or best_score < 2:
        raise HeaderError(
            [
                _(
                    "No header row found. The first row of the table must hold the column "
                    "names of the template, e.g. %(example)s."
                )
                % {"example": "、".join(c.template_header for c in columns[:3])}
            ]
        )
    cells = best_cells
    header = map_headers(cells, columns)
    problems = header.problems()
    if problems:
        raise HeaderError(problems)
    header_row = head[best][0]
    body = itertools.chain(
        ((number, [row]) for number, row in head[best + 1 :]), [rest] if rest else [], blocks
    )
    return Table(header, header_row, body, uncached, uncached_rows, encoding, kind)


def _combined(cells: list, above, index) -> list:
    """A header split over two rows by merged cells: names missing below come from above."""
    for position, cell in enumerate(above):
        if header_key(cell) in index:
            if position >= len(cells):
                cells.extend([None] * (position + 1 - len(cells)))
            if not header_key(cells[position]):
                cells[position] = cell
    return cells


def column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def count_rows(path: Path, kind: str) -> int:
    """A cheap upper bound of the data rows, to decide on background processing."""
    if kind == files.XLSX:
        return files.xlsx_declared_rows(path)
    lines = 0
    with path.open("rb") as handle:
        while block := handle.read(files.CHUNK):
            lines += block.count(b"\n")
    return lines


__all__ = ["HeaderError", "Table", "blank", "column_letter", "count_rows", "open_table"]
