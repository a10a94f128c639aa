"""Which enterprises a campaign asks: by filter, or by an uploaded list of credit codes.

The list reader is small on purpose (one column of codes, at most a few thousand rows)
but holds uploads to the same rules as the enterprise imports (SECURITY.md 11, 12):
the type is decided by content, an xlsx is checked for its unpacked size, compression
ratio and entity tricks before calamine reads it (cached values only, nothing is
evaluated), and every bad row is reported with its row number and reason.
"""

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from apps.enterprises.models import Enterprise, Status
from apps.enterprises.services import validate_uscc

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_RATIO = 100
MAX_ENTRIES = 200
# One IN (...) list on SQLite holds up to 32,766 values.
MAX_ROWS = 30_000
HEADER_SEARCH_ROWS = 10
CHUNK = 500
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class ListFileError(ValueError):
    """The file as a whole cannot be used; the message is for the user."""


@dataclass(frozen=True)
class RowError:
    row: int
    value: str
    reason: str


@dataclass
class CodeList:
    codes: list[str]
    errors: list[RowError]


def max_bytes() -> int:
    return int(getattr(settings, "FILINGS_TARGET_LIST_MAX_BYTES", MAX_BYTES))


# --- Reading ---------------------------------------------------------------------------


def _check_xlsx(content: bytes) -> None:
    not_workbook = _("This file is not a valid Excel workbook (.xlsx).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise ListFileError(not_workbook) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES or "xl/workbook.xml" not in archive.namelist():
            raise ListFileError(not_workbook)
        declared = sum(info.file_size for info in infos)
        packed = sum(info.compress_size for info in infos) or 1
        if declared > MAX_UNPACKED_BYTES or declared / packed > MAX_RATIO:
            raise ListFileError(
                _(
                    "The workbook unpacks to more than %(mb)d MB or is compressed suspiciously "
                    "strongly; it is refused."
                )
                % {"mb": MAX_UNPACKED_BYTES // (1024 * 1024)}
            )
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                try:
                    data = archive.read(info)  # stops at the declared size, checks the CRC
                except (zipfile.BadZipFile, OSError):
                    raise ListFileError(not_workbook) from None
                if _DTD.search(data):
                    raise ListFileError(not_workbook)


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list]]:
    from python_calamine import CalamineWorkbook

    _check_xlsx(content)
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
        rows = list(sheet.to_python(skip_empty_area=False))
    except Exception:
        raise ListFileError(_("This file is not a valid Excel workbook (.xlsx).")) from None
    return enumerate(rows, start=1)


def _csv_rows(content: bytes) -> Iterator[tuple[int, list]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ListFileError(
            _("The CSV file's text encoding is not recognised. Save it as UTF-8 or GBK.")
        )
    try:
        return enumerate(list(csv.reader(io.StringIO(text))), start=1)
    except csv.Error:
        raise ListFileError(_("The CSV file cannot be read.")) from None


def _rows(content: bytes) -> Iterator[tuple[int, list]]:
    if not content.strip():
        raise ListFileError(_("The file is empty."))
    if content.startswith(b"PK\x03\x04"):
        return _xlsx_rows(content)
    if content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ListFileError(
            _(
                "Old Excel 97-2003 (.xls) files are not accepted. "
                "Save the file as .xlsx and try again."
            )
        )
    head = content[: 64 * 1024]
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    if b"\x00" in head or controls > len(head) // 100:
        raise ListFileError(
            _("This file is neither an Excel workbook (.xlsx) nor a CSV text file.")
        )
    return _csv_rows(content)


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return unicodedata.normalize("NFKC", str(cell)).strip()


def _is_header(cell: str) -> bool:
    return "信用代码" in cell or cell.lower().replace(" ", "") in {"uscc", "creditcode"}


def read_code_list(uploaded) -> CodeList:
    """Credit codes from the first sheet (xlsx) or a csv; every bad row is reported.

    The codes sit in the column headed 统一社会信用代码 (any column, header in the first
    rows), or in the first column of a file without a header.
    """
    if uploaded.size > max_bytes():
        raise ListFileError(
            _("The file is larger than the limit of %(mb)d MB.")
            % {"mb": max_bytes() // (1024 * 1024)}
        )
    content = uploaded.read()
    rows = list(_rows(content))
    if len(rows) > MAX_ROWS:
        raise ListFileError(_("The list has more than %(count)d rows.") % {"count": MAX_ROWS})
    column, start = 0, 0
    for position, (_number, row) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = [i for i, cell in enumerate(row) if _is_header(_text(cell))]
        if found:
            column, start = found[0], position + 1
            break
    else:
        first = next((_text(row[0]) for _n, row in rows if row and _text(row[0])), "")
        if not re.fullmatch(r"[0-9A-Za-z]{18}", first.replace(" ", "")):
            raise ListFileError(
                _("No column named %(name)s was found.") % {"name": "统一社会信用代码"}
            )
    return _validate(
        (number, _text(row[column]) if column < len(row) else "") for number, row in rows[start:]
    )


def _validate(cells: Iterable[tuple[int, str]]) -> CodeList:
    codes: list[str] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    pending: list[tuple[int, str, str]] = []
    for number, value in cells:
        if not value:
            continue
        try:
            code = validate_uscc(value)
        except ValidationError:
            errors.append(
                RowError(number, value, _("This is not a valid unified social credit code."))
            )
            continue
        if code in seen:
            errors.append(
                RowError(number, value, _("Repeats the code of row %(row)d.") % {"row": seen[code]})
            )
            continue
        seen[code] = number
        pending.append((number, value, code))
    known = set()
    for start in range(0, len(pending), CHUNK):
        chunk = [code for _n, _v, code in pending[start : start + CHUNK]]
        known.update(Enterprise.objects.filter(uscc__in=chunk).values_list("uscc", flat=True))
    for number, value, code in pending:
        if code in known:
            codes.append(code)
        else:
            errors.append(
                RowError(number, value, _("No enterprise with this credit code is registered."))
            )
    if not codes and not errors:
        raise ListFileError(_("The file holds no credit codes."))
    errors.sort(key=lambda e: e.row)
    return CodeList(codes=codes, errors=errors)


# --- Matching --------------------------------------------------------------------------


def enterprises_matching(*, target_kind: str, target_filter: dict, codes: list[str]) -> QuerySet:
    """The enterprises in operation a campaign with this target definition asks, now."""
    from .models import TargetKind

    enterprises = Enterprise.objects.filter(status=Status.ACTIVE)
    if target_kind == TargetKind.LIST:
        return enterprises.filter(uscc__in=codes)
    spec = target_filter or {}
    if spec.get("streets"):
        enterprises = enterprises.filter(street_id__in=spec["streets"])
    if spec.get("sections"):
        enterprises = enterprises.filter(section__in=spec["sections"])
    if spec.get("size_classes"):
        enterprises = enterprises.filter(size_class__in=spec["size_classes"])
    if spec.get("member_statuses"):
        enterprises = enterprises.filter(member_status__in=spec["member_statuses"])
    if spec.get("tags"):
        links = Enterprise.tags.through.objects.filter(dictionaryitem_id__in=spec["tags"])
        enterprises = enterprises.filter(pk__in=links.values("enterprise_id"))
    return enterprises
