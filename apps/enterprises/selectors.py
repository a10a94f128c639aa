"""Reads of enterprises that need more than a filter: search and the data-quality report.

Every function takes a queryset or a user and never widens it: scope is decided by
``in_scope`` before (or inside) these functions, never here.
"""

import json
import re
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import (
    BooleanField,
    Count,
    F,
    Func,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import StrIndex

from apps.registry.models import Street

from . import search
from .models import Enterprise, LedgerFlag, QualityRule

# Shorter queries do not filter (a single character would match most of the district).
MIN_QUERY_LENGTH = 2
# Longer input is cut: no name is longer, and every bigram is one more array element.
MAX_QUERY_LENGTH = 60
# The GB 32100 alphabet (no I, O, Z, S, V); a credit code prefix holds a digit.
_CODE_PREFIX = re.compile(r"^(?=.*\d)[0-9A-HJ-NP-RTUW-Y]{1,18}$")
_ASCII = re.compile(r"^[0-9A-Z]+$")
# PostgreSQL: up to this many matches (planner estimate) are fetched and sorted; more are
# left to the planner, which walks the name index until it has a page. See _pg_search.
FETCH_ALL_MAX = 5000


@dataclass(frozen=True)
class SearchQuery:
    """What a search box string asks for, decided by its content."""

    text: str  # normalised: half-width, upper-case, no punctuation or spaces
    code_prefix: str = ""  # "9111…": credit codes starting with it
    initials: str = ""  # "bjsw": pinyin initials containing it
    grams: list[str] = field(default_factory=list)  # Chinese (or mixed): all these bigrams


def parse_query(q: str) -> SearchQuery | None:
    """None when the query is too short to search (the list stays unfiltered)."""
    text = search.normalise(q or "")[:MAX_QUERY_LENGTH]
    if len(text) < MIN_QUERY_LENGTH:
        return None
    if _ASCII.match(text):
        # Letters and digits only: a credit code prefix and/or pinyin initials. ASCII
        # in a name ("ABC科技", "798") stays as it is in the initials, so it is found too.
        code = text if _CODE_PREFIX.match(text) else ""
        return SearchQuery(text=text, code_prefix=code, initials=text.lower())
    return SearchQuery(text=text, grams=search.bigrams(text))


def _grams_array():
    # The same expression as the GIN index ent_search_grams_gin (migration 0002), written
    # with a literal separator: a bound parameter would not match the index expression.
    from django.contrib.postgres.fields import ArrayField

    return Func(
        F("search_grams"),
        template="string_to_array(%(expressions)s, ' ')",
        output_field=ArrayField(TextField()),
    )


class _PkInArray(Func):
    """``pk = ANY(ARRAY(subquery))``: the subquery runs once, on its own plan."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY(ARRAY"
    conditional = True
    output_field = BooleanField()


def _estimated_rows(queryset: QuerySet) -> float:
    plan = json.loads(queryset.explain(format="json"))
    return float(plan[0]["Plan"]["Plan Rows"])


def _pg_search(queryset: QuerySet, query: SearchQuery) -> QuerySet:
    """The bigram search on PostgreSQL, shaped so the planner cannot get it badly wrong.

    Asked for the first page in name order, the planner likes to walk the name index
    and test each row, expecting matches to be spread evenly. They are not when the
    bigram sits at the start of names (京华 in 北京华…: all together in name order, maybe
    at the far end), and the walk then reads most of the table (~0.5 s at 300k). So when
    the planner expects few matches (FETCH_ALL_MAX), their ids come from the GIN index in
    a subquery and only those rows are read and sorted (~2.5 µs a row). Many matches
    (北京, 科技) are spread through the names and the walk finds a page at once.
    """
    matching = queryset.alias(_search_grams=_grams_array()).filter(
        _search_grams__contains=query.grams
    )
    if len(query.text) > 2:
        matching = matching.filter(search_grams__contains=query.text)
    if _estimated_rows(matching.order_by()) <= FETCH_ALL_MAX:
        return queryset.filter(_PkInArray(F("pk"), Subquery(matching.order_by().values("pk"))))
    return matching


def enterprise_search(queryset: QuerySet, q: str) -> QuerySet:
    """Narrow ``queryset`` (already scoped by the caller) to the enterprises matching ``q``.

    * Chinese (2+ characters anywhere in the name or a former name): every bigram of
      the query is among the enterprise's search grams, and a 3+ character query is one
      unbroken substring of a normalised name. PostgreSQL answers the bigram part from
      the GIN index; SQLite scans with LIKE.
    * letters/digits: credit code prefix (when it looks like one) or pinyin initials
      anywhere in the name's initials ("bjsw", "swkj").
    * empty, punctuation only or a single character: the queryset unchanged.
    """
    query = parse_query(q)
    if query is None:
        return queryset
    if not query.grams:
        condition = Q(name_initials__contains=query.initials)
        if query.code_prefix:
            condition |= Q(uscc__startswith=query.code_prefix)
        return queryset.filter(condition)
    if connections[queryset.db].vendor == "postgresql":
        return _pg_search(queryset, query)
    # Tokens hold no spaces, so this matches one bigram or within one normalised name.
    # INSTR rather than LIKE: SQLite's LIKE folds case character by character, several
    # times slower on this column, and the scan reads every row.
    return queryset.alias(_grams_at=StrIndex("search_grams", Value(query.text))).filter(
        _grams_at__gt=0
    )


# --- Data quality -------------------------------------------------------------------


@dataclass
class StreetFlagCounts:
    street: Street
    counts: dict[str, int]  # rule -> open flags
    total: int


@dataclass
class QualityReport:
    rules: list[tuple[str, str]]  # (value, label) in display order
    rows: list[StreetFlagCounts]
    totals: dict[str, int]
    total: int


def open_flags(user) -> QuerySet:
    """Flags not yet confirmed, in the user's scope."""
    return LedgerFlag.objects.in_scope(user).filter(confirmed=False)


def quality_report(user, *, include_empty: bool = False) -> QualityReport:
    """Open flags per rule per 街乡, only for the streets and rows the user may see.

    Streets without open flags are left out unless ``include_empty``.
    """
    grouped = (
        open_flags(user)
        .values("entry__enterprise__street", "rule")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_street: dict[int, dict[str, int]] = {}
    for row in grouped:
        per_street.setdefault(row["entry__enterprise__street"], {})[row["rule"]] = row["n"]
    streets = Street.objects.in_scope(user)
    if not include_empty:
        streets = streets.filter(pk__in=list(per_street))
    rules = list(QualityRule.choices)
    rows = []
    totals = dict.fromkeys((value for value, _label in rules), 0)
    for street in streets.order_by("code"):
        counts = {value: per_street.get(street.pk, {}).get(value, 0) for value, _label in rules}
        for value, n in counts.items():
            totals[value] += n
        rows.append(StreetFlagCounts(street=street, counts=counts, total=sum(counts.values())))
    return QualityReport(rules=rules, rows=rows, totals=totals, total=sum(totals.values()))


def ledger_flag_list(
    user, *, street: int | None = None, rule: str = "", confirmed: bool = False
) -> QuerySet:
    """The flagged rows behind a report cell, newest period first."""
    flags = LedgerFlag.objects.in_scope(user).filter(confirmed=confirmed)
    if street:
        flags = flags.filter(entry__enterprise__street=street)
    if rule:
        flags = flags.filter(rule=rule)
    return flags.select_related(
        "entry", "entry__enterprise", "entry__enterprise__street", "confirmed_by"
    ).order_by("-entry__year", "-entry__quarter", "entry__enterprise__name", "id")


def enterprises_by_uscc(user, codes) -> dict[str, Enterprise]:
    """The enterprises in the user's scope with these credit codes, by code (apps.members
    links enterprise members by credit code)."""
    codes = sorted({code for code in codes if code})
    found = {}
    for start in range(0, len(codes), 500):
        for enterprise in Enterprise.objects.in_scope(user).filter(
            uscc__in=codes[start : start + 500]
        ):
            found[enterprise.uscc] = enterprise
    return found
