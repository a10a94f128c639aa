"""Upload safety: what a file really is, and whether it is safe to open (SECURITY.md 11, 12).

Nothing here trusts the file name. An xlsx is a zip; before any reader sees it we
check the declared sizes (≤ 50 MB unpacked, ratio ≤ 100, a bounded number of
entries), then stream every entry through Python's zipfile, which stops at the
declared size and checks each CRC, so a lying header cannot unpack further. XML
parts carrying a DTD (the vehicle of entity bombs) are refused outright: a real
spreadsheet never has one.
"""

from __future__ import annotations

import os
import re
import secrets
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

# SECURITY.md 12. A 200,000-row ledger sheet unpacks to ~78 MB, so that many rows need a
# csv or several xlsx files unless settings.IMPORT_XLSX_MAX_UNPACKED_BYTES raises this.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


def max_unpacked_bytes() -> int:
    return int(getattr(settings, "IMPORT_XLSX_MAX_UNPACKED_BYTES", MAX_UNPACKED_BYTES))


MAX_RATIO = 100
MAX_ENTRIES = 1000
# Tiny parts compress extremely well (a run of zeros); only parts past this size
# are held to the ratio on their own. The whole archive always is.
RATIO_MIN_ENTRY_BYTES = 256 * 1024
CHUNK = 1024 * 1024

XLSX, CSV = "xlsx", "csv"

_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
# A cell with a formula and no cached value: <c r="B2" ...><f>…</f></c> or with an empty <v/>.
_CELL = re.compile(rb"<c\b([^>]*)>(.*?)</c>", re.DOTALL)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')


class UnsafeFile(ValueError):
    """The file is refused as a whole; the message is for the user."""


def require_defusedxml() -> None:
    """openpyxl must parse through defusedxml (also a start-up system check in apps.core)."""
    from openpyxl import DEFUSEDXML

    if not DEFUSEDXML:
        raise ImproperlyConfigured("openpyxl is not using defusedxml")


def imports_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def store_upload(chunks, *, suffix: str) -> tuple[Path, int, str]:
    """Write an upload under MEDIA_ROOT/imports with a random name; refuse it past the cap.

    Returns (path, size, SM3 hex digest). The name the user gave is never used
    on disk.
    """
    limit = settings.IMPORT_MAX_BYTES
    path = imports_dir() / f"{secrets.token_hex(16)}{suffix}"
    size = 0
    try:
        with path.open("xb") as handle:
            os.chmod(path, 0o600)
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise UnsafeFile(
                        _("The file is larger than the limit of %(mb)d MB.")
                        % {"mb": limit // (1024 * 1024)}
                    )
                handle.write(chunk)
        return path, size, file_digest(path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def file_digest(path: Path) -> str:
    """SM3 of the file's content (the same digest as apps.core.crypto), read in chunks."""
    from cryptography.hazmat.primitives import hashes

    h = hashes.Hash(hashes.SM3())
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            h.update(block)
    return h.finalize().hex()


def remove(path: str | Path | None) -> None:
    if path:
        Path(path).unlink(missing_ok=True)


def sniff(path: Path) -> str:
    """ "xlsx" or "csv" by content, or UnsafeFile with the reason."""
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    if not head.strip():
        raise UnsafeFile(_("The file is empty."))
    if head.startswith(b"PK\x03\x04"):
        return XLSX
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UnsafeFile(
            _(
                "Old Excel 97-2003 (.xls) files are not accepted. "
                "Save the file as .xlsx and try again."
            )
        )
    # Text has no NUL bytes (UTF-16 would, and is not accepted either) and few control bytes.
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    if b"\x00" in head or controls > len(head) // 100:
        raise UnsafeFile(_("This file is neither an Excel workbook (.xlsx) nor a CSV text file."))
    return CSV


@dataclass
class XlsxCheck:
    # (row, column letters) of cells with a formula but no cached value, in the first sheet.
    uncached_formulas: list[tuple[int, str]] = field(default_factory=list)


def _first_sheet_part(archive: zipfile.ZipFile) -> str | None:
    """Path of the workbook's first worksheet, through workbook.xml and its rels."""
    from defusedxml import ElementTree

    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:
        return None
    sheet = workbook.find(f"{ns_main}sheets/{ns_main}sheet")
    if sheet is None:
        return None
    rel_id = sheet.get(f"{ns_rel}id")
    for rel in rels:
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            return os.path.normpath(target).replace(os.sep, "/")
    return None


def check_xlsx(path: Path) -> XlsxCheck:
    """Refuse zip bombs, entity tricks and non-workbooks; report uncached formulas."""
    not_workbook = _("This file is not a valid Excel workbook (.xlsx).")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise UnsafeFile(not_workbook) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise UnsafeFile(_("The workbook has too many internal parts to be a data sheet."))
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise UnsafeFile(not_workbook)
        declared = sum(info.file_size for info in infos)
        packed = sum(info.compress_size for info in infos) or 1
        too_big = _(
            "The workbook unpacks to more than %(mb)d MB or is compressed suspiciously "
            "strongly; it is refused. Split the data into smaller files."
        ) % {"mb": max_unpacked_bytes() // (1024 * 1024)}
        if declared > max_unpacked_bytes() or declared / packed > MAX_RATIO:
            raise UnsafeFile(too_big)
        for info in infos:
            if info.file_size > RATIO_MIN_ENTRY_BYTES and (
                info.file_size / max(info.compress_size, 1) > MAX_RATIO
            ):
                raise UnsafeFile(too_big)
        sheet_part = _first_sheet_part(archive)
        if sheet_part is None or sheet_part not in names:
            raise UnsafeFile(not_workbook)
        result = XlsxCheck()
        for info in infos:
            _stream_entry(archive, info, sheet_part, result, too_big)
    return result


def _stream_entry(archive, info, sheet_part, result, too_big) -> None:
    """Unpack one entry in chunks: zipfile stops at the declared size and checks the CRC."""
    is_xml = info.filename.endswith((".xml", ".rels", ".vml"))
    is_sheet = info.filename == sheet_part
    tail = b""
    seen = 0
    try:
        with archive.open(info) as member:
            while block := member.read(CHUNK):
                seen += len(block)
                if seen > info.file_size:
                    raise UnsafeFile(too_big)
                if not is_xml:
                    continue
                data = tail + block
                if _DTD.search(data):
                    raise UnsafeFile(
                        _(
                            "The workbook contains XML declarations (DTD or entities) that a "
                            "spreadsheet never needs; it is refused."
                        )
                    )
                if is_sheet:
                    cut = data.rfind(b"</c>")
                    if b"<f" in data:
                        scan = data[: cut + 4] if cut >= 0 else b""
                        _uncached(scan, result)
                    tail = data[cut + 4 :] if cut >= 0 else data[-65536:]
                else:
                    tail = data[-32:]
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        if isinstance(error, UnsafeFile):
            raise
        raise UnsafeFile(_("This file is not a valid Excel workbook (.xlsx).")) from None


def _uncached(scan: bytes, result: XlsxCheck) -> None:
    for match in _CELL.finditer(scan):
        inner = match.group(2)
        if b"<f" not in inner:
            continue
        value = re.search(rb"<v>(.*?)</v>", inner, re.DOTALL)
        inline = b"<is>" in inner
        if (value is None or value.group(1) == b"") and not inline:
            ref = _REF.search(match.group(1))
            if ref:
                result.uncached_formulas.append((int(ref.group(2)), ref.group(1).decode()))


_DIMENSION = re.compile(rb'<dimension ref="[A-Z]*\d*:?[A-Z]*(\d+)"')


def xlsx_declared_rows(path: Path) -> int:
    """Rows the first sheet says it spans (its <dimension>), without reading the sheet."""
    try:
        with zipfile.ZipFile(path) as archive:
            part = _first_sheet_part(archive)
            if part is None:
                return 0
            with archive.open(part) as member:
                head = member.read(4096)
    except (zipfile.BadZipFile, OSError, KeyError):
        return 0
    match = _DIMENSION.search(head)
    return int(match.group(1)) if match else 0
