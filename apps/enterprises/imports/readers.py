"""Read an uploaded table row by row: xlsx through calamine, csv through the csv module.

Both give (row number as the user sees it in Excel, list of cell values). The
header row is found among the first rows, so a title (often merged across the
columns) above it is fine; a header split over two rows by merged cells (a group
title above, the column names below) is read by taking each column's name from
the lower row or, where that cell is empty, from the row above.

xlsx: calamine returns the values Excel cached for formulas and never evaluates
anything; cells with a formula but no cached value are listed by
files.check_xlsx and reported as row errors by the validators.
"""

from __future__ import annotations

import codecs
import csv
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from . import files
from .spec import Column, HeaderMap, header_index, header_key, map_headers

HEADER_SEARCH_ROWS = 30
SNIFF_BYTES = 1024 * 1024


class HeaderError(ValueError):
    """The header row is missing or wrong; .problems lists every problem for the user."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class Table:
    header: HeaderMap
    header_row: int
    rows: Iterator[tuple[int, list]]
    uncached: set[tuple[int, int]] = field(default_factory=set)  # (row, position)
    encoding: str = ""


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


def _csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, list]]:
    with path.open(encoding=encoding, newline="", errors="strict") as handle:
        first = handle.readline()
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        handle.seek(0)
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            for number, row in enumerate(reader, start=1):
                yield number, row
        except UnicodeDecodeError:
            raise files.UnsafeFile(
                _(
                    "The CSV file's text encoding changes part-way (near row %(row)d). "
                    "Save it as UTF-8 or GBK."
                )
                % {"row": number + 1}
            ) from None
        except csv.Error:
            raise files.UnsafeFile(
                _("The CSV file cannot be read near row %(row)d.") % {"row": number + 1}
            ) from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        # iter_rows counts rows from the top of the sheet (row 1), columns from the first used.
        rows = sheet.iter_rows()
    except Exception:
        raise files.UnsafeFile(_("This file is not a valid Excel workbook (.xlsx).")) from None
    start_col = sheet.start[1] if sheet.start else 0
    if not start_col:
        # The common case numbers the rows without a Python frame per row.
        return enumerate(rows, start=1)
    pad = [None] * start_col
    return ((number, pad + list(row)) for number, row in enumerate(rows, start=1))


def _nonblank(rows) -> Iterator[tuple[int, list]]:
    """The rows holding at least one value (per row: usually one look at the first cell)."""
    for item in rows:
        for cell in item[1]:
            if cell is None or (cell.__class__ is str and (not cell or cell.isspace())):
                continue
            yield item
            break


def _blank(row: list) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


def open_table(path: Path, kind: str, columns: tuple[Column, ...]) -> Table:
    """Find the header and return the rows under it. UnsafeFile or HeaderError if unusable."""
    uncached: set[tuple[int, int]] = set()
    encoding = ""
    if kind == files.XLSX:
        check = files.check_xlsx(path)
        rows = _xlsx_rows(path)
        for row_number, letters in check.uncached_formulas:
            uncached.add((row_number, _column_index(letters)))
    else:
        encoding = detect_encoding(path)
        rows = _csv_rows(path, encoding)

    index = header_index(columns)
    head = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    if all(_blank(row) for _n, row in head):
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
    body = _nonblank(itertools.chain(head[best + 1 :], rows))
    return Table(header, header_row, body, uncached, encoding)


def _combined(cells: list, above, index) -> list:
    """A header split over two rows by merged cells: names missing below come from above."""
    for position, cell in enumerate(above):
        if header_key(cell) in index:
            if position >= len(cells):
                cells.extend([None] * (position + 1 - len(cells)))
            if not header_key(cells[position]):
                cells[position] = cell
    return cells


def _column_index(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (ord(char) - 64)
    return number - 1


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


__all__ = ["HeaderError", "Table", "column_letter", "count_rows", "open_table"]
