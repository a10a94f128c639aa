"""Shared by the imports of other modules that read a whole file before checking its rows
(the member roster, the people database; at most MAX_ROWS rows each): the list of problems
and the first pass over the file.

The enterprise and ledger imports stream instead (pipeline.py): their files run to a
million rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.exports import build_xlsx

from . import files
from .normalise import text
from .readers import HeaderError, Table, column_letter, open_table
from .spec import Column

MAX_ROWS = 20_000
ERRORS_KEPT = 5_000


@dataclass
class Result:
    """Every problem found (the first ERRORS_KEPT kept for the page and the report), the
    clean rows and how many rows the file held."""

    rows: list = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    total: int = 0
    # Column key -> how its values are shown in the report (masks for personal data).
    shown_as: dict[str, Callable[[str], str]] = field(default_factory=dict)

    def add(self, line: int, column: str, value, reason: str, *, key: str = "") -> None:
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            shown = text(value)
            if shown and key in self.shown_as:
                shown = self.shown_as[key](shown)
            self.errors.append(
                {"row": line, "column": column, "value": shown[:200], "reason": str(reason)}
            )


def column_label(table: Table, key: str, columns: dict[str, Column]) -> str:
    """The column as the user finds it: its template name and its letter in the file."""
    position = table.header.positions.get(key)
    header = columns[key].header if key in columns else ""
    if position is None:
        return header
    return f"{header}（{column_letter(position)}列）"


def read_rows(
    path: Path, layout: tuple[Column, ...], result: Result, *, too_many: str
) -> tuple[Table, list[tuple[int, dict]]] | None:
    """The file's rows as (line, {column key: cell}), or None when the file as a whole is
    refused (unsafe, a bad header row, too many rows, no rows), the reason in `result`.
    Cells holding a formula without a calculated value are reported row by row."""
    try:
        table = open_table(path, files.sniff(path), layout)
    except files.UnsafeFile as error:
        result.add(0, "", "", str(error))
        return None
    except HeaderError as error:
        for problem in error.problems:
            result.add(0, _("Header row"), "", problem)
        return None
    columns = {column.key: column for column in layout}
    positions = table.header.positions
    rows = []
    for line, cells in table.rows:
        if len(rows) >= MAX_ROWS:
            result.add(line, "", "", too_many % {"count": MAX_ROWS})
            return None
        for row_number, position in table.uncached:
            if row_number == line:
                key = next((k for k, p in positions.items() if p == position), "")
                result.add(
                    line,
                    column_label(table, key, columns),
                    "",
                    _("The cell holds a formula without a calculated value."),
                )
        width = len(cells)
        rows.append((line, {k: (cells[p] if p < width else None) for k, p in positions.items()}))
    result.total = len(rows)
    if not rows and not result.error_count:
        result.add(0, "", "", _("The file holds no rows."))
        return None
    return table, rows


def finish_job(job, status: str, **fields) -> None:
    """Close an import job (applied, invalid or abandoned): its stored file is deleted."""
    files.remove(job.stored_path)
    for name, value in {"status": status, "finished_at": timezone.now(), **fields}.items():
        setattr(job, name, value)
    job.save()


def errors_xlsx(job) -> bytes:
    """The job's problems as a workbook: row, column, value, problem."""
    headers = [_("Row"), _("Column"), _("Value"), _("Problem")]
    rows = [[e["row"] or "", e["column"], e["value"], e["reason"]] for e in job.errors]
    content, _count = build_xlsx([str(h) for h in headers], rows, str(_("Import errors")))
    return content


def template_xlsx(layout: tuple[Column, ...], title: str) -> bytes:
    """The empty file to fill in: the headers (required ones marked *) and an example row."""
    headers = [c.template_header for c in layout]
    content, _count = build_xlsx(headers, [[c.example for c in layout]], title)
    return content
