"""Masking of personal data on the server (SECURITY.md 9), the same in HTML, xlsx and JSON.

Whoever lacks the grade "records with personal data" sees a phone number with its
middle digits starred; nothing unmasked ever reaches the page or the file.
"""

import re

from .scoping import Grade

_DIGITS = re.compile(r"\d")


def can_see_personal(user) -> bool:
    return bool(user and user.is_authenticated and user.grade >= Grade.PERSONAL)


def mask_phone(value: str | None) -> str:
    """13912345678 -> 139****5678; 010-65001234 -> 010-****1234; short numbers keep 2 digits.

    Mobile numbers keep the first 3 and last 4 digits. Landlines keep the area code
    (the part before the first separator, or a leading 0 + 2-3 digits) and the last
    2-4 digits. Every other digit becomes '*', so the length and separators stay.
    """
    if not value:
        return ""
    text = str(value).strip()
    digits = [m.start() for m in _DIGITS.finditer(text)]
    if not digits:
        return text
    compact = "".join(text[i] for i in digits)
    if len(compact) == 11 and compact.startswith("1"):
        keep_head, keep_tail = 3, 4
    elif compact.startswith("0"):
        head = re.match(r"\s*\(?(0\d{2,3})[)\s-]", text)
        if head:
            keep_head = len(head.group(1))
        else:
            keep_head = 3 if compact[:3] in {"010", "020", "021", "022", "023", "024"} else 4
        keep_tail = 4
    else:
        keep_head, keep_tail = 0, 4
    # Never show more than half the digits of the local part.
    keep_tail = max(2, min(keep_tail, (len(compact) - keep_head) // 2))
    if keep_head + keep_tail >= len(compact):
        keep_head, keep_tail = 0, min(2, len(compact) - 1)
    hidden = set(digits[keep_head : len(digits) - keep_tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


def phone_for(user, value: str | None) -> str:
    """The phone as this user may see it."""
    return (value or "") if can_see_personal(user) else mask_phone(value)


def mask_id_number(value: str | None) -> str:
    """110105197501011234 -> 110105********1234: the region code and the last four stay.

    The eight hidden characters are exactly the birth date, so a page that masks the ID
    number must not show the full birth date either (apps.people shows the year only).
    Anything that is not 18 characters keeps only its first and last character.
    """
    if not value:
        return ""
    text = str(value).strip()
    if len(text) == 18:
        return text[:6] + "*" * 8 + text[-4:]
    if len(text) <= 2:
        return "*" * len(text)
    return text[0] + "*" * (len(text) - 2) + text[-1]
