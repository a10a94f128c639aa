"""Drawing the 会员证 (A5 landscape, print-ready) with reportlab.

Text uses FIC Sans SC, the font the project ships (apps.core.fonts.cjk_font_path), embedded
as a subset so the PDF prints the same on a machine without Chinese fonts. Strings are
translated in the active language (Chinese by default).
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from apps.core.fonts import cjk_font_path

FONT = "FICSansSC"
RED = (0.72, 0.11, 0.11)
GOLD = (0.76, 0.6, 0.26)
INK = (0.13, 0.13, 0.13)
GREY = (0.42, 0.42, 0.42)

_lock = threading.Lock()
_registered = False


def _register_font() -> None:
    global _registered
    if _registered:
        return
    with _lock:
        if not _registered:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            pdfmetrics.registerFont(TTFont(FONT, str(cjk_font_path())))
            _registered = True


@dataclass(frozen=True)
class CertificateData:
    federation: str
    member_name: str
    number: str
    kind_label: str
    join_date: date
    issued_on: date
    code: str
    verify_url: str  # the page that confirms the code (printed and in the QR code)


def _date(value: date) -> str:
    return _("%(year)d-%(month)02d-%(day)02d") % {
        "year": value.year,
        "month": value.month,
        "day": value.day,
    }


def _fit(canvas, text: str, size: float, width: float, minimum: float = 9) -> float:
    """The largest font size up to `size` at which `text` fits in `width`."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    while size > minimum and stringWidth(text, FONT, size) > width:
        size -= 0.5
    return size


def render(data: CertificateData) -> bytes:
    """The certificate as PDF bytes."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A5, landscape
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas as pdf_canvas

    _register_font()
    out = io.BytesIO()
    width, height = landscape(A5)
    c = pdf_canvas.Canvas(out, pagesize=(width, height), pageCompression=1)
    title = _("Membership certificate")
    c.setTitle(f"{title} {data.number}")
    c.setAuthor(data.federation)
    c.setSubject(data.member_name)
    c.setCreator(data.federation)

    # Frame: a red outer line and a gold inner one.
    c.setStrokeColorRGB(*RED)
    c.setLineWidth(3)
    c.rect(8 * mm, 8 * mm, width - 16 * mm, height - 16 * mm)
    c.setStrokeColorRGB(*GOLD)
    c.setLineWidth(1)
    c.rect(11 * mm, 11 * mm, width - 22 * mm, height - 22 * mm)

    # Heading.
    c.setFillColorRGB(*RED)
    c.setFont(FONT, 30)
    c.drawCentredString(width / 2, height - 34 * mm, _("MEMBERSHIP CERTIFICATE"))
    c.setFillColorRGB(*INK)
    c.setFont(FONT, _fit(c, data.federation, 13, width - 50 * mm))
    c.drawCentredString(width / 2, height - 44 * mm, data.federation)

    # Statement.
    statement = _("This is to certify that %(name)s is a %(kind)s of the Federation.") % {
        "name": data.member_name,
        "kind": data.kind_label,
    }
    c.setFont(FONT, _fit(c, statement, 13, width - 40 * mm))
    c.drawCentredString(width / 2, height - 58 * mm, statement)

    # Particulars, left column; QR code and code, right column.
    left = 24 * mm
    y = height - 74 * mm
    rows = [
        (_("Member number"), data.number),
        (_("Member name"), data.member_name),
        (_("Member kind"), data.kind_label),
        (_("Join date"), _date(data.join_date)),
        (_("Issued on"), _date(data.issued_on)),
    ]
    from reportlab.pdfbase.pdfmetrics import stringWidth

    label_width = max(stringWidth(label, FONT, 10) for label, _value in rows) + 5 * mm
    value_width = width - left - label_width - 62 * mm
    for label, value in rows:
        c.setFillColorRGB(*GREY)
        c.setFont(FONT, 10)
        c.drawString(left, y, label)
        c.setFillColorRGB(*INK)
        c.setFont(FONT, _fit(c, value, 12, value_width, minimum=7))
        c.drawString(left + label_width, y, value)
        y -= 8 * mm

    qr_size = 34 * mm
    qr_x, qr_y = width - 24 * mm - qr_size, 30 * mm
    widget = QrCodeWidget(data.verify_url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(
        qr_size, qr_size, transform=[qr_size / (x1 - x0), 0, 0, qr_size / (y1 - y0), 0, 0]
    )
    drawing.add(widget)
    renderPDF.draw(drawing, c, qr_x, qr_y)
    c.setFont(FONT, 8)
    c.setFillColorRGB(*GREY)
    c.drawCentredString(qr_x + qr_size / 2, qr_y - 4 * mm, _("Certificate verification code"))
    c.setFillColorRGB(*INK)
    c.setFont(FONT, 10)
    c.drawCentredString(qr_x + qr_size / 2, qr_y - 9 * mm, data.code)

    # Footer: how to verify.
    c.setFillColorRGB(*GREY)
    note = _("Scan the code or open %(url)s to check this certificate.") % {"url": data.verify_url}
    c.setFont(FONT, _fit(c, note, 8, width - 40 * mm, minimum=5))
    c.drawCentredString(width / 2, 15 * mm, note)

    c.showPage()
    c.save()
    return out.getvalue()
