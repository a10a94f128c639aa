"""Roster rows (企业名录): validation into the staging table, preview counts and the upsert.

Upsert by credit code. Only cells with a value change a record: an empty cell
(or a column left out) keeps what is stored, so a partial roster never erases
data. A name change keeps the old name as a former name, as edits do.

行业代码 may be a 4-digit class or a 2-digit division. A division is stored as
the enterprise's industry node itself (section and division are derived from it
as usual): guessing a class inside the division would invent data, and the size
class then comes out "unknown" where the 2017 method needs the class.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from apps.registry.models import DictionaryItem, Industry, Street

from ..models import Enterprise, RegistrationType
from ..services import validate_uscc
from . import normalise
from .normalise import CellError
from .spec import UNCACHED_FORMULA
from .staging import Stage, fetch

STAGE = Stage(
    "imp_roster",
    [
        ("rownum", "integer", "integer"),
        ("uscc", "varchar(18)", "text"),
        ("name", "varchar(200)", "text"),
        ("street_id", "bigint", "integer"),
        ("industry_id", "bigint", "integer"),
        ("registration_type", "varchar(20)", "text"),
        ("established", "date", "text"),
        ("registered_capital", "numeric(16,2)", "numeric"),
        ("legal_representative", "varchar(50)", "text"),
        ("address", "varchar(200)", "text"),
        ("contact_phone", "varchar(30)", "text"),
        ("tags", "text", "text"),
    ],
)
FIELDS = [c[0] for c in STAGE.columns[1:]]
STAGE_FIELD = {"street": "street_id", "industry": "industry_id"}
_TAG_SPLIT = re.compile(r"[、,;，；/\s]+")
_PHONE = re.compile(r"[0-9+\-() 转#]{3,30}")
LIMITS = {"name": 200, "legal_representative": 50, "address": 200}
# Common short forms people write for the registration types.
TYPE_ALIASES = {
    "私营": RegistrationType.PRIVATE,
    "民营": RegistrationType.PRIVATE,
    "民营企业": RegistrationType.PRIVATE,
    "个体": RegistrationType.INDIVIDUAL,
    "个体户": RegistrationType.INDIVIDUAL,
    "港澳台": RegistrationType.HMT,
    "港澳台投资": RegistrationType.HMT,
    "外资": RegistrationType.FOREIGN,
    "外商投资": RegistrationType.FOREIGN,
    "国有": RegistrationType.STATE,
    "集体": RegistrationType.COLLECTIVE,
    "其他": RegistrationType.OTHER,
}


def _key(value) -> str:
    return normalise.text(value).replace(" ", "")


def registration_types() -> dict[str, str]:
    table = {_key(k): v.value for k, v in TYPE_ALIASES.items()}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for value, label in RegistrationType.choices:
                table[_key(str(label))] = value
                table[_key(value)] = value
    return table


class RosterValidator:
    def __init__(self, *, user, sink, table):
        self.user = user
        self.sink = sink
        self.table = table
        scope = user.data_scope
        self.street_scope = None if scope.kind == "district" else set(scope.street_ids)
        self.streets: dict[str, int] = {}
        for street in Street.objects.all():
            for name in (street.short_name, street.office_name, street.code):
                self.streets[_key(name)] = street.pk
        self.industries = {
            code: pk
            for code, pk in Industry.objects.filter(
                level__in=[Industry.Level.DIVISION, Industry.Level.CLASS]
            ).values_list("code", "id")
        }
        self.tags = {
            _key(label): pk
            for label, pk in DictionaryItem.objects.filter(
                kind=DictionaryItem.Kind.ENTERPRISE_TAG, active=True
            ).values_list("label", "id")
        }
        self.types = registration_types()
        visible = set(Enterprise.objects.in_scope(user).values_list("id", flat=True))
        self.existing_out_of_scope = {
            uscc
            for uscc, pk in Enterprise.objects.values_list("uscc", "id").iterator(20000)
            if pk not in visible
        }
        self.rows = 0

    def run(self, progress=None) -> int:
        header = self.table.header
        pos, names = header.positions, header.headers
        seen: dict[str, int] = {}
        reported_first: set[int] = set()
        STAGE.create()
        count = 0
        # Progress is reported between blocks, when the staging COPY leaves the connection free.
        between = None
        if progress is not None:

            def between(_last_rownum: int) -> None:
                progress(count)

        with STAGE.feed(between=between) as feed:
            stage_add = feed.add
            for number, row in self.table.rows:
                count += 1
                values = {}
                ok = True
                for key, position in pos.items():
                    raw = row[position] if position < len(row) else None
                    if (number, position) in self.table.uncached:
                        self.sink.add(
                            number,
                            names[key],
                            "",
                            _(UNCACHED_FORMULA),
                        )
                        ok = False
                        continue
                    try:
                        values[STAGE_FIELD.get(key, key)] = self._clean(key, raw)
                    except CellError as error:
                        self.sink.add(number, names[key], raw, str(error))
                        ok = False
                code = values.get("uscc")
                if code:
                    if code in seen:
                        first = seen[code]
                        message = _(
                            "This credit code appears more than once in the file (rows %(a)d and "
                            "%(b)d)."
                        ) % {"a": first, "b": number}
                        if first not in reported_first:
                            self.sink.add(first, names["uscc"], code, message)
                            reported_first.add(first)
                        self.sink.add(number, names["uscc"], code, message)
                        ok = False
                    else:
                        seen[code] = number
                    if code in self.existing_out_of_scope:
                        self.sink.add(
                            number,
                            names["uscc"],
                            code,
                            _("This enterprise is not in your data scope."),
                        )
                        ok = False
                if ok:
                    stage_add((number, *(values.get(f) for f in FIELDS)))
        self.rows = count
        if progress is not None:
            progress(count)
        STAGE.index("uscc")
        STAGE.analyze()
        return count

    def _clean(self, key: str, raw):
        required = key in {"uscc", "name", "street", "industry"}
        value = normalise.text(raw)
        if not value:
            if required:
                raise CellError(_("This column is required."))
            return None
        if key == "uscc":
            try:
                return validate_uscc(value)
            except ValidationError as error:
                raise CellError(error.messages[0]) from error
        if key in LIMITS:
            if len(value) > LIMITS[key]:
                raise CellError(_("Too long: at most %(n)d characters.") % {"n": LIMITS[key]})
            return value
        if key == "street":
            street = self.streets.get(value.replace(" ", ""))
            if street is None:
                raise CellError(
                    _("Unknown 街乡. Write its short name (e.g. 望京), full name or 12-digit code.")
                )
            if self.street_scope is not None and street not in self.street_scope:
                raise CellError(_("This 街乡 is not in your data scope."))
            return street
        if key == "industry":
            code = value.replace(" ", "").upper()
            if code[:1].isalpha() and code[1:].isdigit():
                code = code[1:]  # "I6513": the section letter in front
            if not code.isdigit() or len(code) not in (2, 4):
                raise CellError(
                    _("Write a 4-digit industry class or a 2-digit division of GB/T 4754-2017.")
                )
            industry = self.industries.get(code)
            if industry is None:
                raise CellError(_("No such industry code in GB/T 4754-2017."))
            return industry
        if key == "registration_type":
            found = self.types.get(value.replace(" ", ""))
            if found is None:
                raise CellError(
                    _("Unknown registration type. Use one of: %(types)s.")
                    % {"types": "、".join(str(label) for _v, label in RegistrationType.choices)}
                )
            return found
        if key == "established":
            day = normalise.date_value(raw)
            if day is not None and (day.year < 1900 or day > _today()):
                raise CellError(_("The date is not plausible."))
            return None if day is None else day.isoformat()
        if key == "registered_capital":
            amount = normalise.decimal_value(raw)
            if amount is not None and amount < 0:
                raise CellError(_("Cannot be negative."))
            return None if amount is None else str(amount)
        if key == "contact_phone":
            if not _PHONE.fullmatch(value):
                raise CellError(_("Not a phone number."))
            return value
        if key == "tags":
            ids, unknown = [], []
            for label in filter(None, _TAG_SPLIT.split(value)):
                tag = self.tags.get(label)
                if tag is None:
                    unknown.append(label)
                else:
                    ids.append(tag)
            if unknown:
                raise CellError(
                    _("Unknown tags: %(tags)s. Tags must be in the data dictionary.")
                    % {"tags": "、".join(unknown)}
                )
            return " ".join(str(i) for i in sorted(set(ids)))
        return value


def _today():
    from django.utils import timezone

    return timezone.localdate()


def staged_chunks(size: int = 2000):
    """Staged rows in file order, a chunk at a time (as dicts)."""
    last = 0
    cols = ", ".join(FIELDS)
    while True:
        rows = fetch(
            f"SELECT rownum, {cols} FROM {STAGE.name} WHERE rownum > %s ORDER BY rownum LIMIT %s",  # noqa: S608
            [last, size],
        )
        if not rows:
            return
        last = rows[-1][0]
        yield [dict(zip(FIELDS, row[1:], strict=True)) for row in rows]


__all__ = ["STAGE", "Q", "RosterValidator", "staged_chunks"]
