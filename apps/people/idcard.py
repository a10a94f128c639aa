"""Resident identity card numbers (公民身份号码, GB 11643-1999): 6-digit region code, birth date
YYYYMMDD, 3-digit sequence (odd for men, even for women), ISO 7064 MOD 11-2 check character."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")
_NOISE = re.compile(r"[\s\-]")
EARLIEST_BIRTH = date(1900, 1, 1)


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: date
    gender: str  # "M" or "F", as apps.people.models.Gender


def normalise(value: str | None) -> str:
    """Spaces and dashes out, a lower-case x up, full-width digits to ASCII."""
    import unicodedata

    return _NOISE.sub("", unicodedata.normalize("NFKC", value or "")).upper()


def check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def parse(value: str | None) -> IdInfo:
    """The number's birth date and gender; ValidationError saying what is wrong."""
    number = normalise(value)
    if not _SHAPE.match(number):
        raise ValidationError(
            _("An ID number has 18 characters: 17 digits and a digit or X."), code="id_shape"
        )
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("The birth date in this ID number (%(text)s) does not exist.")
            % {"text": number[6:14]},
            code="id_birth_date",
        ) from None
    if born < EARLIEST_BIRTH or born > timezone.localdate():
        raise ValidationError(
            _("The birth date in this ID number (%(date)s) is impossible.")
            % {"date": born.isoformat()},
            code="id_birth_date",
        )
    expected = check_character(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _("The check character of this ID number is wrong: mistyped?"), code="id_check"
        )
    return IdInfo(number=number, birth_date=born, gender="M" if int(number[16]) % 2 else "F")


def cross_check(info: IdInfo, *, birth_date: date | None, gender: str | None) -> dict[str, str]:
    """{field: message} where the birth date or gender given disagree with the ID number."""
    problems = {}
    if birth_date and birth_date != info.birth_date:
        problems["birth_date"] = _(
            "The birth date does not match the ID number (which says %(date)s)."
        ) % {"date": info.birth_date.isoformat()}
    if gender and gender != info.gender:
        problems["gender"] = _("The gender does not match the ID number.")
    return problems


def make(region: str, born: date, sequence: int) -> str:
    """A valid number (demo data and tests): region code, birth date, 3-digit sequence."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)
