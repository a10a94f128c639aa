"""Excel exports of the people list.

* Masked (``people.export_person``): ID numbers 110105********123X, mobiles 138****5678 and
  birth dates as the year only — the hidden digits of a masked ID number are exactly the
  birth date — for everyone, whatever their grade. Logged with the file's SM3 digest.
* Unmasked: only through an approved PersonExport (services.export_download), for the
  person who asked, once. The sheet names the exporter, the time, the approver and the
  request; every printed page carries the same line in its header and footer.

Both reuse the list's filter (PersonFilterSet) on the user's scope. Cells are neutralised
against formulas (apps.core.exports.neutralise).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import xlsxwriter
from django.conf import settings
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.exports import neutralise
from apps.members.selectors import current_posts_by_person

from .models import Person, PoliticalArrangement, plain

CHUNK = 500

HEADERS = [
    gettext_lazy("Name of person"),
    gettext_lazy("Gender"),
    gettext_lazy("Ethnic group"),
    gettext_lazy("Birth date"),
    gettext_lazy("ID number"),
    gettext_lazy("Mobile phone"),
    gettext_lazy("Political affiliation"),
    gettext_lazy("Education"),
    gettext_lazy("Professional title"),
    gettext_lazy("Enterprise"),
    gettext_lazy("Unified social credit code"),
    gettext_lazy("Position in the enterprise"),
    gettext_lazy("Political arrangements"),
    gettext_lazy("Posts in the FIC and chambers"),
    gettext_lazy("Comprehensive evaluation"),
    gettext_lazy("Eligible for nomination"),
    gettext_lazy("Talent tags"),
]


def masked_birth_date(value: date | None) -> str:
    return f"{value:%Y}-**-**" if value else ""


def export_queryset(user, params: dict):
    """The people of the list as filtered by `params`, in the user's scope."""
    from .filters import PersonFilterSet

    query = QueryDict(mutable=True)
    for key, value in params.items():
        query[key] = value
    base = Person.objects.in_scope(user).with_evaluation()
    filterset = PersonFilterSet(query or None, queryset=base, request=_Request(user))
    queryset = filterset.qs if filterset.is_bound else base
    return (
        queryset.select_related("enterprise")
        .prefetch_related("tags")
        .order_by("name_initials", "name", "id")
    )


class _Request:
    def __init__(self, user):
        self.user = user


def _arrangements(people: list[Person], today: date) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    seats = PoliticalArrangement.objects.current_on(today).filter(person__in=people)
    for seat in seats.order_by("kind", "level"):
        found.setdefault(seat.person_id, []).append(f"{seat}（第{seat.term_number}届）")
    return found


def rows(user, queryset, *, unmasked: bool) -> Iterator[list]:
    today = timezone.localdate()
    total = queryset.count()
    for start in range(0, total, CHUNK):
        people = list(queryset[start : start + CHUNK])
        seats = _arrangements(people, today)
        posts = current_posts_by_person(user, [p.pk for p in people], today)
        for p in people:
            until = getattr(p, "evaluation_until", None)
            grade = getattr(p, "evaluation_grade", None)
            yield [
                p.name,
                p.get_gender_display(),
                p.ethnicity_name,
                p.birth_date if unmasked else masked_birth_date(p.birth_date),
                plain(p.id_number) if unmasked else p.id_number_masked,
                plain(p.mobile) if unmasked else p.mobile_masked,
                p.get_affiliation_display(),
                p.get_education_display(),
                p.title,
                p.enterprise.name if p.enterprise_id else "",
                p.enterprise.uscc if p.enterprise_id else "",
                p.position,
                "、".join(seats.get(p.pk, [])),
                "、".join(posts.get(p.pk, [])),
                f"{grade} {_('valid until')} {until:%Y-%m-%d}" if grade and until else "",
                until is not None and until >= today,
                "、".join(t.name for t in p.tags.all()),
            ]


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def write_workbook(*, title: str, lines: list[str], stamp: str, data: Iterator[list]):
    """(xlsx bytes, row count). `stamp` goes into every printed page's header and footer."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet(title[:31])
    bold = workbook.add_format({"bold": True})
    mark = workbook.add_format({"bold": True, "font_color": "#C00000"})
    for line, text in enumerate(lines):
        sheet.write_string(line, 0, neutralise(text), mark if line == 0 else None)
    top = len(lines)
    sheet.write_row(top, 0, [neutralise(str(h)) for h in HEADERS], bold)
    count = 0
    for count, row in enumerate(data, start=1):
        for col, value in enumerate(row):
            sheet.write_string(top + count, col, _cell(value))
    sheet.freeze_panes(top + 1, 0)
    # Printed pages carry who exported it and when (an xlsx has no true watermark).
    safe = stamp.replace("&", "&&")[:200]
    sheet.set_header(f"&C{safe}")
    sheet.set_footer(f"&L{safe}&R&P / &N")
    workbook.set_properties({"title": title, "author": stamp[:200], "comments": stamp[:200]})
    workbook.close()
    return buffer.getvalue(), count


def exporter_text(user) -> str:
    name = getattr(user, "full_name", "") or user.get_username()
    return f"{name}（{user.get_username()}）"


def masked_workbook(*, user, queryset, filter_text: str):
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
    stamp = _("Exported by %(who)s at %(time)s · internal use only") % {
        "who": exporter_text(user),
        "time": now,
    }
    lines = [
        str(_("Notable people")),
        stamp,
        _("ID numbers, mobiles and birth dates are masked."),
    ]
    if filter_text:
        lines.append(_("Filters: %(filters)s") % {"filters": filter_text})
    return write_workbook(
        title=str(_("Notable people")),
        lines=lines,
        stamp=stamp,
        data=rows(user, queryset, unmasked=False),
    )


def unmasked_workbook(*, user, export):
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
    stamp = _(
        "Unmasked personal data · exported by %(who)s at %(time)s · request %(number)d "
        "approved by %(approver)s · do not pass on"
    ) % {
        "who": exporter_text(user),
        "time": now,
        "number": export.pk,
        "approver": exporter_text(export.decided_by),
    }
    lines = [
        str(_("Notable people (unmasked)")),
        stamp,
        _("Purpose: %(reason)s") % {"reason": export.reason},
    ]
    if export.filter_text:
        lines.append(_("Filters: %(filters)s") % {"filters": export.filter_text})
    queryset = export_queryset(user, export.filters)
    return write_workbook(
        title=str(_("Notable people")),
        lines=lines,
        stamp=stamp,
        data=rows(user, queryset, unmasked=True),
    )


def filter_labels(filterset) -> str:
    """The filters in use as the user chose them, "label: value; …"."""
    if filterset is None or not filterset.is_bound or not filterset.form.is_valid():
        return ""
    from .filters import safe_params

    parts = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", [], ()):
            continue
        if name == "q":
            value = safe_params({"q": value})["q"]  # a full ID number or mobile, masked
        field = filterset.form.fields[name]
        choices = dict(getattr(field, "choices", []) or [])
        shown = choices.get(value, value) if isinstance(value, str) else value
        parts.append(f"{field.label}: {shown}")
    return "; ".join(parts)


def filename(title: str) -> str:
    return f"{title}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"


def max_rows() -> int:
    return getattr(settings, "PEOPLE_EXPORT_MAX_ROWS", 20_000)
