"""Keyset pagination: the next page starts after the last row's (sort key, id).

A district list has 300,000 rows. Django's Paginator counts them on every
request and an OFFSET of 50,000 reads and throws away 50,000 rows; a keyset
page costs the same at page 1,000 as at page 1 (one index range scan).
The cursor travels in the URL as opaque base64 JSON; a cursor that does not
decode is ignored (first page), never an error.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db.models import F, Q


@dataclass(frozen=True)
class SortKey:
    field: str
    nullable: bool
    descending: bool


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None
    prev_cursor: str | None
    is_first: bool


def encode_cursor(value, pk: int) -> str:
    if isinstance(value, date):
        value = value.isoformat()
    elif isinstance(value, Decimal):
        value = str(value)
    raw = json.dumps([value, pk], ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str | None):
    """(value, pk) or None for anything that is not a cursor we wrote."""
    if not text or len(text) > 800:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        value, pk = json.loads(raw)
    except (ValueError, TypeError, binascii.Error):
        return None
    if not isinstance(pk, int) or not (value is None or isinstance(value, str | int)):
        return None
    return value, pk


def _coerce(model_field, value):
    """The cursor's JSON value as the field's Python type; None if it does not fit."""
    if value is None:
        return None
    internal = model_field.get_internal_type() if model_field is not None else "IntegerField"
    try:
        if internal == "DateField":
            return date.fromisoformat(value)
        if internal == "DecimalField":
            return Decimal(value)
        if "Integer" in internal:
            return int(value)
    except (ValueError, TypeError, InvalidOperation):
        raise ValueError("bad cursor value") from None
    return str(value)


def _after(key: SortKey, descending: bool, nulls_last: bool, value, pk) -> Q:
    """Rows strictly after (value, pk) in the order (field dir, pk dir), nulls last or first."""
    gt, gte = ("lt", "lte") if descending else ("gt", "gte")
    f = key.field
    if value is None:
        inside_nulls = Q(**{f"{f}__isnull": True, f"pk__{gt}": pk})
        return inside_nulls if nulls_last else inside_nulls | Q(**{f"{f}__isnull": False})
    # The leading `field >= value` gives the planner an index range to start from.
    condition = Q(**{f"{f}__{gte}": value}) & (Q(**{f"{f}__{gt}": value}) | Q(**{f"pk__{gt}": pk}))
    if key.nullable and nulls_last:
        condition |= Q(**{f"{f}__isnull": True})
    return condition


def _ordering(key: SortKey, descending: bool, nulls_last: bool):
    expression = F(key.field)
    if not key.nullable:
        # No NULLS clause: "DESC NULLS LAST" would stop PostgreSQL using a plain index.
        ordered = expression.desc() if descending else expression.asc()
    elif nulls_last:
        ordered = (
            expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
        )
    else:
        ordered = (
            expression.desc(nulls_first=True) if descending else expression.asc(nulls_first=True)
        )
    return [ordered, "-pk" if descending else "pk"]


def keyset_page(queryset, key: SortKey, *, after: str | None, before: str | None, size: int):
    """One page of `queryset` in (key, pk) order, after or before a cursor."""
    model_field = _model_field(queryset.model, key.field)
    cursor, backwards = None, False
    for text, is_before in ((before, True), (after, False)):
        decoded = decode_cursor(text)
        if decoded is not None:
            try:
                cursor = (_coerce(model_field, decoded[0]), decoded[1])
            except ValueError:
                cursor = None
            backwards = is_before and cursor is not None
            if cursor is not None:
                break
    if cursor is None:
        rows = list(queryset.order_by(*_ordering(key, key.descending, True))[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        return KeysetPage(rows, _cursor(rows[-1], key) if more else None, None, True)
    if backwards:
        # Walk the reversed order from the cursor, then put the rows back the right way round.
        condition = _after(key, not key.descending, False, *cursor)
        ordering = _ordering(key, not key.descending, False)
        rows = list(queryset.filter(condition).order_by(*ordering)[: size + 1])
        more = len(rows) > size
        rows = rows[:size][::-1]
        if not rows:
            return keyset_page(queryset, key, after=None, before=None, size=size)
        return KeysetPage(
            rows,
            _cursor(rows[-1], key),
            _cursor(rows[0], key) if more else None,
            not more,
        )
    condition = _after(key, key.descending, True, *cursor)
    rows = list(
        queryset.filter(condition).order_by(*_ordering(key, key.descending, True))[: size + 1]
    )
    more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        rows,
        _cursor(rows[-1], key) if more else None,
        _cursor(rows[0], key) if rows else None,
        False,
    )


def _cursor(row, key: SortKey) -> str:
    if isinstance(row, dict):  # a .values() queryset
        return encode_cursor(row[key.field], row["id"])
    return encode_cursor(getattr(row, key.field), row.pk)


def _model_field(model, name):
    try:
        return model._meta.get_field(name)
    except Exception:  # an annotation (e.g. the size rank): integers
        return None
