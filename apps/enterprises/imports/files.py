"""Upload safety: what a file really is, and whether it is safe to open (SECURITY.md 11, 12).

Nothing here trusts the file name. An xlsx is a zip; before any reader sees it we
check the declared sizes (≤ 50 MB unpacked, ratio ≤ 100, a bounded number of
entries), then stream every entry through Python's zipfile, which stops at the
declared size and checks each CRC, so a lying header cannot unpack further. XML
parts carrying a DTD (the vehicle of entity bombs) are refused outright: a real
spreadsheet never has one.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import zipfile
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


# The first sheet reaches the reader as a series of small workbooks ("slices") of whole
# rows, each parsed on its own while the rows of the one before are validated. The first
# slice is small so that validation (and the database) can start early. Every slice
# carries the workbook's other parts (shared strings above all), parsed again with it:
# slices are at least PARTS_SHARE times their size, so that costs at most ~1/4 more.
FIRST_SLICE_BYTES = 1024 * 1024
SLICE_BYTES = 4 * 1024 * 1024
PARTS_SHARE = 4
# A sheet whose <sheetData> does not start within this many bytes is read in one piece.
PROLOG_BYTES = 4 * 1024 * 1024

_SHEET_DATA = re.compile(rb"<sheetData\b[^>]*?(/?)>")
_ROOT = re.compile(rb"<([A-Za-z_][\w:.-]*)[\s/>]")
_DIMENSION_TAG = re.compile(rb"<dimension\b[^>]*/>")
# The row a slice starts with must carry its number, or its slice would count from row 1.
_NUMBERED_ROW = re.compile(rb"\s*<row\b[^>]*?\sr\s*=\s*[\"']\d")
# A cell with a formula and no cached value: <c r="B2" ...><f>…</f></c> or with an empty <v/>.
# (?<!/) keeps an empty self-closed cell <c r="A2"/> from swallowing the cell after it.
_CELL = re.compile(rb"<c\b([^>]*?)(?<!/)>(.*?)</c>", re.DOTALL)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_VALUE = re.compile(rb"<v>(.*?)</v>", re.DOTALL)


class SheetSlices:
    """An xlsx checked for safety, its first sheet given out as small workbooks of whole rows.

    Creating it checks everything but the sheet's content: the declared sizes and ratios,
    the number of entries, and every other part, unpacked in chunks (zipfile stops at the
    declared size and checks the CRC) and refused if it carries a DTD. Iterating unpacks
    the sheet the same way, a chunk at a time, and yields each slice as a stored
    (uncompressed) zip of the workbook's parts with that slice as its sheet: only bytes
    that passed the checks reach the reader. Formula cells without a cached value are
    added to `uncached` ((row, 0-based column)) and `uncached_rows` before the slice
    holding them is given out. Markup that could hide a row's end (a comment, CDATA) or
    rows without their number keep the rest of the sheet in one slice.
    """

    def __init__(self, path: Path):
        self.not_workbook = _("This file is not a valid Excel workbook (.xlsx).")
        try:
            self.archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError):
            raise UnsafeFile(self.not_workbook) from None
        self.uncached: set[tuple[int, int]] = set()
        self.uncached_rows: set[int] = set()
        try:
            self._check()
        except BaseException:
            self.archive.close()
            raise

    def _check(self) -> None:
        archive = self.archive
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise UnsafeFile(_("The workbook has too many internal parts to be a data sheet."))
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise UnsafeFile(self.not_workbook)
        declared = sum(info.file_size for info in infos)
        packed = sum(info.compress_size for info in infos) or 1
        self.too_big = _(
            "The workbook unpacks to more than %(mb)d MB or is compressed suspiciously "
            "strongly; it is refused. Split the data into smaller files."
        ) % {"mb": max_unpacked_bytes() // (1024 * 1024)}
        if declared > max_unpacked_bytes() or declared / packed > MAX_RATIO:
            raise UnsafeFile(self.too_big)
        for info in infos:
            if info.file_size > RATIO_MIN_ENTRY_BYTES and (
                info.file_size / max(info.compress_size, 1) > MAX_RATIO
            ):
                raise UnsafeFile(self.too_big)
        self.sheet_part = _first_sheet_part(archive)
        if self.sheet_part is None or self.sheet_part not in names:
            raise UnsafeFile(self.not_workbook)
        # Every other part is checked now; the XML parts the reader needs are kept (not
        # other sheets, pictures or embedded files).
        self.parts: list[tuple[str, bytes]] = []
        for info in infos:
            if info.filename == self.sheet_part:
                self.sheet_info = info
                continue
            is_xml = info.filename.endswith((".xml", ".rels", ".vml"))
            data = b"".join(self._unpack(info, is_xml))
            if is_xml and not info.filename.startswith("xl/worksheets/"):
                self.parts.append((info.filename, data))
        self.parts_size = sum(len(data) for _name, data in self.parts)

    def _unpack(self, info, is_xml: bool):
        """The entry's bytes in chunks, checked: never past the declared size, CRC, no DTD."""
        tail = b""
        seen = 0
        try:
            with self.archive.open(info) as member:
                while block := member.read(CHUNK):
                    seen += len(block)
                    if seen > info.file_size:
                        raise UnsafeFile(self.too_big)
                    if is_xml:
                        # "<!" is rare outside a DTD: the regex runs only where it occurs.
                        seam = tail + block[:32]
                        if (_has(block, b"<!") or b"<!" in seam) and (
                            _DTD.search(block) or _DTD.search(seam)
                        ):
                            raise UnsafeFile(
                                _(
                                    "The workbook contains XML declarations (DTD or entities) "
                                    "that a spreadsheet never needs; it is refused."
                                )
                            )
                        tail = block[-32:]
                    yield block
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
            if isinstance(error, UnsafeFile):
                raise
            raise UnsafeFile(self.not_workbook) from None

    def __iter__(self):
        try:
            yield from self._slices()
        finally:
            self.archive.close()

    def _slices(self):
        buffer = bytearray()
        prefix: bytes | None = None
        suffix = b""
        one_piece = False
        target = FIRST_SLICE_BYTES
        previous = b""
        for block in self._unpack(self.sheet_info, True):
            buffer += block
            if prefix is None and not one_piece:
                found = _SHEET_DATA.search(buffer)
                if found is None:
                    one_piece = len(buffer) > PROLOG_BYTES
                    continue
                head = bytes(buffer[: found.end()])
                start = head.find(b"?>") + 2 if head.startswith(b"<?") else 0
                root = _ROOT.search(head, start)
                one_piece = found.group(1) == b"/" or root is None
                prefix = _DIMENSION_TAG.sub(b"", head)
                suffix = b"</sheetData></" + (root.group(1) if root else b"") + b">"
                del buffer[: found.end()]
                block = bytes(buffer)
            if not one_piece:
                one_piece = (
                    _has(block, b"<!")
                    or _has(block, b"<?")
                    or (previous == b"<" and block[:1] in (b"!", b"?"))
                )
            previous = block[-1:]
            while not one_piece and len(buffer) >= target:
                cut = self._cut(buffer, target)
                if not cut:
                    break
                yield self._workbook(prefix, buffer, cut, suffix)
                del buffer[:cut]
                target = max(SLICE_BYTES, PARTS_SHARE * self.parts_size)
        yield self._workbook(prefix or b"", buffer, len(buffer), b"")

    @staticmethod
    def _cut(buffer: bytearray, size: int) -> int:
        """Where a slice of about `size` bytes can end: after the first row ending past it,
        if the next row has started and carries its number; else 0 (wait for more)."""
        end = buffer.find(b"</row>", max(size - len(b"</row>"), 0))
        if end < 0:
            return 0
        cut = end + len(b"</row>")
        return cut if _NUMBERED_ROW.match(buffer, cut) else 0

    def _workbook(self, prefix: bytes, buffer: bytearray, end: int, suffix: bytes) -> io.BytesIO:
        """A stored zip of the parts with prefix + buffer[:end] + suffix as the sheet."""
        if buffer.find(b"f", 0, end) >= 0 and buffer.find(b"<f", 0, end) >= 0:
            self._note_uncached(buffer, end)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
            for name, data in self.parts:
                archive.writestr(name, data)
            with archive.open(self.sheet_part, "w") as member, memoryview(buffer) as view:
                member.write(prefix)
                member.write(view[:end])
                member.write(suffix)
        out.seek(0)
        return out

    def _note_uncached(self, buffer, end: int) -> None:
        for match in _CELL.finditer(buffer, 0, end):
            inner = match.group(2)
            if b"<f" not in inner:
                continue
            value = _VALUE.search(inner)
            if (value is None or value.group(1) == b"") and b"<is>" not in inner:
                ref = _REF.search(match.group(1))
                if ref:
                    row = int(ref.group(2))
                    self.uncached.add((row, column_index(ref.group(1).decode())))
                    self.uncached_rows.add(row)

    def close(self) -> None:
        self.archive.close()


def _has(data: bytes, pair: bytes) -> bool:
    """Whether the two bytes occur in data. Looks for the second, rare in a sheet ("!",
    "?"), first: a search for one byte is a fast memchr, while one for a pair starting
    with "<" (every few bytes in XML) costs 0.06 s per 78 MB."""
    return pair[1:] in data and pair in data


def column_index(letters: str) -> int:
    """0-based position of a column: A → 0, AA → 26."""
    number = 0
    for char in letters:
        number = number * 26 + (ord(char) - 64)
    return number - 1


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
