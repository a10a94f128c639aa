"""Excel export of a list view's filtered, scoped queryset (``?export=xlsx``).

Cells that a spreadsheet would run as a formula are neutralised (SECURITY.md 13),
and every export is logged with who, what, filter, row count and the file's SM3
digest.
"""

import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from . import crypto

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text that would start a formula gets a leading apostrophe-like quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return value
    return neutralise(str(value))


def _write_sheet(workbook, sheet_name: str, headers, rows, title_rows) -> int:
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True})
    for line, text in enumerate(title_rows):
        sheet.write_string(line, 0, neutralise(str(text)))
    top = len(title_rows)
    sheet.write_row(top, 0, [neutralise(str(h)) for h in headers], bold)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            cell = _cell(value)
            if isinstance(cell, str):
                sheet.write_string(top + count, col, cell)
            else:
                sheet.write(top + count, col, cell)
    sheet.freeze_panes(top + 1, 0)
    return count


def _workbook(buffer, constant_memory: bool):
    options = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    # xlsxwriter ignores constant_memory when in_memory is set.
    options["constant_memory" if constant_memory else "in_memory"] = True
    return xlsxwriter.Workbook(buffer, options)


def build_xlsx(
    headers: list[str],
    rows,
    sheet_name: str = "Sheet1",
    *,
    title_rows: list[str] | tuple[str, ...] = (),
    constant_memory: bool = False,
) -> tuple[bytes, int]:
    """Write rows to an xlsx in memory; strings are never turned into formulas.

    ``title_rows`` are lines written above the column headers (who exported, when,
    with which filter). ``constant_memory`` streams rows to a temporary file instead
    of keeping every cell in memory: use it for district-scale exports (rows must
    then arrive in order, which they do here).
    """
    buffer = io.BytesIO()
    workbook = _workbook(buffer, constant_memory)
    count = _write_sheet(workbook, sheet_name, headers, rows, title_rows)
    workbook.close()
    return buffer.getvalue(), count


@dataclass(frozen=True)
class Sheet:
    """One sheet of build_workbook: a name, column headers, rows, lines above them."""

    name: str
    headers: list[str]
    rows: list[list]
    title_rows: tuple[str, ...] = ()


def build_workbook(sheets: list[Sheet]) -> bytes:
    """Several sheets in one xlsx, with the same neutralising as build_xlsx."""
    buffer = io.BytesIO()
    workbook = _workbook(buffer, constant_memory=False)
    for sheet in sheets:
        _write_sheet(workbook, sheet.name, sheet.headers, sheet.rows, sheet.title_rows)
    workbook.close()
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class ExportMixin:
    """Add to a list view with ``export_columns`` = [(header, accessor), ...]."""

    export_columns: list[tuple[str, str]] = []
    export_name: str = ""
    export_permission: str | None = None

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx" and self.export_columns:
            return self.export_xlsx()
        return super().get(request, *args, **kwargs)

    def export_rows(self, queryset):
        for obj in queryset.iterator(chunk_size=2000):
            row = []
            for _header, accessor in self.export_columns:
                value = obj
                for part in accessor.split("."):
                    value = getattr(value, part, None) if value is not None else None
                    if callable(value):
                        value = value()
                row.append(value)
            yield row

    def export_xlsx(self):
        from apps.audit.services import export_log

        if self.export_permission and not self.request.user.has_perm(self.export_permission):
            raise PermissionDenied
        queryset = self.get_queryset()
        headers = [str(header) for header, _accessor in self.export_columns]
        content, count = build_xlsx(headers, self.export_rows(queryset), str(self.export_name))
        filters = {k: v for k, v in self.request.GET.items() if k not in {"export", "page"}}
        export_log(
            actor=self.request.user,
            name=str(self.export_name),
            filters=filters,
            row_count=count,
            digest=crypto.provider().digest(content),
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(content, f"{self.export_name}-{stamp}.xlsx")
