"""Attachments of applications (SECURITY.md 11): what a file really is, and how big.

Nothing trusts the name or the browser's content type. A file is accepted when its first
bytes are those of a PDF, JPEG or PNG, the declared extension agrees, and it really parses:
images are verified and decoded by Pillow (with a pixel cap against decompression bombs),
a PDF must have its header, a cross-reference pointer and an end-of-file marker, and must not
carry JavaScript or launch actions. Size is capped twice: the whole request is refused from
its Content-Length before any of it is read (views.py), and each file part is cut off by
LimitedUploadHandler as soon as it passes the per-file cap.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils import timezone
from django.utils.translation import gettext as _

PDF, JPEG, PNG = "pdf", "jpeg", "png"
CONTENT_TYPES = {PDF: "application/pdf", JPEG: "image/jpeg", PNG: "image/png"}
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
CLAIMED = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG}
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"

MAX_IMAGE_PIXELS = 60_000_000  # a 10 MB scan at 600 dpi of an A3 page is about 70 MP of JPEG…
_PDF_FORBIDDEN = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia)\b")


def max_bytes() -> int:
    return int(settings.MEMBERS_ATTACHMENT_MAX_BYTES)


def max_megabytes() -> int:
    return max_bytes() // (1024 * 1024)


def max_request_bytes() -> int:
    return int(settings.MEMBERS_APPLICATION_MAX_REQUEST_BYTES)


@dataclass(frozen=True)
class Checked:
    kind: str  # PDF, JPEG or PNG
    size: int

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.kind]


def sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = b"".join(upload.chunks())
    upload.seek(0)
    return data


def _check_pdf(data: bytes) -> None:
    tail = data[-2048:]
    if b"%%EOF" not in tail or b"startxref" not in tail:
        raise ValidationError(
            _("This PDF is damaged or incomplete. Save or scan it again and upload the new file."),
            code="pdf_broken",
        )
    if b" obj" not in data and b"\nobj" not in data and b"\robj" not in data:
        raise ValidationError(
            _("This PDF is damaged or incomplete. Save or scan it again and upload the new file."),
            code="pdf_broken",
        )
    if _PDF_FORBIDDEN.search(data):
        raise ValidationError(
            _(
                "This PDF contains scripts, embedded files or actions, which are not accepted. "
                "Print it to a new PDF or upload a scan."
            ),
            code="pdf_active",
        )


def _check_image(data: bytes, kind: str) -> None:
    import io
    import warnings

    from PIL import Image

    broken = ValidationError(
        _("This image cannot be read. Take the photo or scan again and upload the new file."),
        code="image_broken",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != {JPEG: "JPEG", PNG: "PNG"}[kind]:
                    raise broken
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise ValidationError(
                        _("The image is too large (%(mp)d million pixels). Reduce it and retry.")
                        % {"mp": width * height // 1_000_000},
                        code="image_pixels",
                    )
                image.verify()
            # verify() leaves the image unusable; decode it in full once to be sure.
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except ValidationError:
        raise
    except Exception as error:  # Pillow raises many kinds for a broken file
        raise broken from error


def check_upload(upload) -> Checked:
    """Check an uploaded file; ValidationError with a message for the applicant if refused."""
    if getattr(upload, "members_too_large", False) or upload.size > max_bytes():
        raise ValidationError(
            _("The file is larger than %(mb)d MB. Scan at a lower resolution or compress it.")
            % {"mb": max_megabytes()},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    name = (upload.name or "").lower()
    suffix = name[name.rfind(".") :] if "." in name else ""
    claimed = CLAIMED.get(suffix)
    if claimed is None:
        raise ValidationError(
            _("Only PDF, JPG and PNG files are accepted."), code="type_not_allowed"
        )
    data = _read_all(upload)
    kind = sniff(data[:16])
    if kind is None:
        raise ValidationError(
            _(
                "This file is not really a PDF, JPG or PNG file (its content does not match). "
                "Export or scan it again as PDF, JPG or PNG."
            ),
            code="type_mismatch",
        )
    if kind != claimed:
        raise ValidationError(
            _(
                "The file's content (%(real)s) does not match its name (%(name)s). "
                "Rename it or save it in the right format."
            )
            % {"real": kind.upper(), "name": suffix},
            code="type_mismatch",
        )
    if kind == PDF:
        _check_pdf(data)
    else:
        _check_image(data, kind)
    return Checked(kind=kind, size=len(data))


def stored_name(checked: Checked) -> str:
    """A random name under MEDIA_ROOT/applications/<year>/; the applicant's name is not used."""
    return f"applications/{timezone.now():%Y}/{secrets.token_hex(16)}.{checked.extension}"


class LimitedUploadHandler(FileUploadHandler):
    """Stops receiving a file part as soon as it passes the per-file cap.

    Installed first (views.py) so it sees every chunk before the memory or temporary-file
    handlers keep it. The over-size file is skipped (nothing of it is kept); the form then
    reports it as too large, because its name is remembered on the request.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_bytes():
            too_large = getattr(self.request, "members_too_large", set())
            too_large.add(self.field_name)
            self.request.members_too_large = too_large
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None
