"""Member numbers: settings.MEMBERS_NUMBER_PATTERN, e.g. "CY{year}{seq:05d}" → CY202500042.

The counter row of the number's prefix is locked (SELECT … FOR UPDATE on PostgreSQL) while
the next number is taken, so two admissions at the same moment wait for each other and get
different numbers; the unique index on Member.number is the last guard. The counter only
ever goes up, so a number is never given twice, even after its member has left; numbers
brought in by the roster import are skipped when the counter reaches them.
"""

import string
from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .models import Member, MemberCounter

FIELDS = frozenset({"year", "seq"})


class _Placeholder:
    def __format__(self, spec: str) -> str:
        return "#"


def pattern() -> str:
    value = getattr(settings, "MEMBERS_NUMBER_PATTERN", "CY{year}{seq:05d}")
    names = {name for _text, name, _spec, _conv in string.Formatter().parse(value) if name}
    if "seq" not in names or not names <= FIELDS:
        raise ImproperlyConfigured(
            "MEMBERS_NUMBER_PATTERN needs {seq} and may use {year}, nothing else: " + value
        )
    return value


def counter_key(on: date) -> str:
    """The prefix a counter counts under: the pattern with the year filled in."""
    return pattern().format(year=on.year, seq=_Placeholder())[:30]


def format_number(on: date, seq: int) -> str:
    return pattern().format(year=on.year, seq=seq)


def next_number(on: date) -> str:
    """Take the next free number for a member joining on `on`. Call inside a transaction."""
    key = counter_key(on)
    counter, _created = MemberCounter.objects.select_for_update().get_or_create(key=key)
    seq = counter.last + 1
    number = format_number(on, seq)
    while Member.objects.filter(number=number).exists():
        seq += 1
        number = format_number(on, seq)
    MemberCounter.objects.filter(pk=counter.pk).update(last=seq)
    return number


def note_used(number: str, on: date) -> None:
    """A number given from outside (the roster import): move the counter past it when it
    fits the pattern, so the counter never has to skip far."""
    key = counter_key(on)
    head, _sep, tail = key.partition("#")
    if not (number.startswith(head) and number.endswith(tail)):
        return
    middle = number[len(head) : len(number) - len(tail) if tail else None]
    if not middle.isdigit():
        return
    counter, _created = MemberCounter.objects.select_for_update().get_or_create(key=key)
    if int(middle) > counter.last:
        MemberCounter.objects.filter(pk=counter.pk).update(last=int(middle))
