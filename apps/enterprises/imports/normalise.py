"""Cell values as people type them into spreadsheets, turned into clean values.

Each parser takes a raw cell (str, float, int, date, datetime, bool or None, as
calamine or the csv module gives it) and returns a value or raises CellError
whose message is shown to the user (in Chinese) next to the cell.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
# Largest magnitude a 16-digit, 2-decimal column holds.
MONEY_LIMIT = Decimal("99999999999999.99")
EXCEL_EPOCH = date(1899, 12, 30)

_SPACES = re.compile(r"\s+")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


class CellError(ValueError):
    """A cell's value cannot be used; str(error) is the reason shown to the user."""


def text(value) -> str:
    """Any cell as text: full-width letters, digits and spaces folded (NFKC), trimmed."""
    if value is None:
        return ""
    if isinstance(value, str):
        if value.isascii():
            return value.strip()
        return _SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _number_text(value) -> str:
    """Text of a number cell with spaces and thousands separators removed, or CellError."""
    raw = text(value).replace(" ", "")
    if _PLAIN_NUMBER.fullmatch(raw):
        return raw
    if _GROUPED_NUMBER.fullmatch(raw):
        return raw.replace(",", "")
    raise CellError(_("Not a number."))


def decimal_value(value) -> Decimal | None:
    """Money in 万元: rounded half up to 2 decimals; empty gives None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(_("Not a number."))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(_("Not a number."))
        number = Decimal(str(value))
    elif isinstance(value, int):
        number = Decimal(value)
    else:
        raw = text(value)
        if raw == "":
            return None
        try:
            number = Decimal(_number_text(raw))
        except InvalidOperation:
            raise CellError(_("Not a number.")) from None
    number = number.quantize(CENT, rounding=ROUND_HALF_UP)
    if abs(number) > MONEY_LIMIT:
        raise CellError(_("The number is too large."))
    return number


def whole_number(value, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    """A whole number (a count of persons, a year); 12.0 is fine, 12.5 is not."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(_("Not a whole number."))
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise CellError(_("Not a whole number."))
        number = int(value)
    elif isinstance(value, int):
        number = value
    else:
        raw = text(value)
        if raw == "":
            return None
        raw = _number_text(raw) if not raw.isdigit() else raw
        try:
            parsed = Decimal(raw)
        except InvalidOperation:
            raise CellError(_("Not a whole number.")) from None
        if parsed != parsed.to_integral_value():
            raise CellError(_("Not a whole number."))
        number = int(parsed)
    if minimum is not None and number < minimum:
        if minimum == 0:
            raise CellError(_("Cannot be negative."))
        raise CellError(_("Must be at least %(min)d.") % {"min": minimum})
    if maximum is not None and number > maximum:
        raise CellError(_("Must be at most %(max)d.") % {"max": maximum})
    return number


def date_value(value) -> date | None:
    """2024-01-05, 2024/1/5, 2024.1.5, 2024年1月5日, 20240105, an Excel serial, or a date cell."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError(_("Not a date."))
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise CellError(_("Not a date."))
        number = int(value)
        if 19000101 <= number <= 29991231 and number == value:
            return _compact_date(str(number))
        if 1 <= value < 2958466:  # Excel's serial day numbers (up to 9999-12-31)
            return EXCEL_EPOCH + timedelta(days=number)
        raise CellError(_("Not a date."))
    raw = text(value)
    if raw == "":
        return None
    match = _DATE_TEXT.fullmatch(raw)
    if match:
        return _make_date(*match.groups())
    if _DATE_COMPACT.fullmatch(raw):
        return _compact_date(raw)
    if raw.isdigit() or _PLAIN_NUMBER.fullmatch(raw):
        return date_value(float(raw))
    raise CellError(_("Not a date. Write it like 2024-01-05."))


def _compact_date(raw: str) -> date:
    return _make_date(raw[:4], raw[4:6], raw[6:8])


def _make_date(year: str, month: str, day: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise CellError(_("Not a date. Write it like 2024-01-05.")) from None
