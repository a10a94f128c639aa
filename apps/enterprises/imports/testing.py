"""Build import files for tests and benchmarks (xlsx through xlsxwriter, csv as text)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import xlsxwriter

from .spec import LAYOUTS


def template_headers(kind: str) -> list[str]:
    return [c.template_header for c in LAYOUTS[kind]]


def write_csv(path: Path, header: list[str], rows, encoding: str = "utf-8") -> Path:
    with Path(path).open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return Path(path)


def write_xlsx(path: Path, header: list[str], rows, title: str | None = None) -> Path:
    """An xlsx with real numbers/dates as given; optional merged title row above the header."""
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = workbook.add_worksheet("数据")
    first = 0
    if title:
        sheet.merge_range(0, 0, 0, max(len(header) - 1, 1), title)
        first = 1
    sheet.write_row(first, 0, header)
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for number, row in enumerate(rows, start=first + 1):
        for col, value in enumerate(row):
            if hasattr(value, "isoformat") and not isinstance(value, str):
                sheet.write_datetime(number, col, value, date_format)
            elif isinstance(value, str) and value.startswith("="):
                sheet.write_formula(number, col, value)
            else:
                sheet.write(number, col, value)
    workbook.close()
    return Path(path)


def drop_cached_values(path: Path) -> Path:
    """Remove the cached <v> of every formula cell (as a generator program might write it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"(</f>)<v>[^<]*</v>", rb"\1", data)
            out.writestr(info, data)
    Path(path).write_bytes(buffer.getvalue())
    return Path(path)


def replace_part(path: Path, name: str, data: bytes) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info, data if info.filename == name else source.read(info))
    Path(path).write_bytes(buffer.getvalue())
    return Path(path)
