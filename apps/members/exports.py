"""Excel exports of member lists (the member list, a chamber's members, arrears).

They reuse the list's filtered, scoped queryset; phones are masked for users below the
personal-data grade; cells are neutralised by build_xlsx; the sheet starts with who
exported, when and with which filter; every file is logged with its SM3 digest.
"""

from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.audit.services import export_log
from apps.core import crypto
from apps.core.exports import build_xlsx, xlsx_response
from apps.core.masking import can_see_personal, phone_for

CHUNK = 1000

MEMBER_HEADERS = [
    gettext_lazy("Member number"),
    gettext_lazy("Member kind"),
    gettext_lazy("Name"),
    gettext_lazy("Unified social credit code"),
    gettext_lazy("Street"),
    gettext_lazy("Join date"),
    gettext_lazy("Status"),
    gettext_lazy("Status since"),
    gettext_lazy("Current posts"),
    gettext_lazy("Chambers belonged to"),
    gettext_lazy("Contact person"),
    gettext_lazy("Contact phone"),
    gettext_lazy("Mobile"),
    gettext_lazy("In arrears"),
    gettext_lazy("Flagged for lapse review"),
]

ARREARS_HEADERS = [
    gettext_lazy("Member number"),
    gettext_lazy("Name"),
    gettext_lazy("Member kind"),
    gettext_lazy("Street"),
    gettext_lazy("Year"),
    gettext_lazy("Amount due (yuan)"),
    gettext_lazy("Paid (yuan)"),
    gettext_lazy("Unpaid (yuan)"),
    gettext_lazy("Due date"),
    gettext_lazy("Contact phone"),
]


def _posts_text(member) -> str:
    return "、".join(
        f"{holding.term.body_name}{holding.get_post_display()}"
        for holding in getattr(member, "current_posts", [])
    )


def member_export_rows(queryset, user) -> Iterator[list]:
    """Rows of the member list (a queryset from views.members.member_rows)."""
    for start in range(0, queryset.count(), CHUNK):
        for m in queryset[start : start + CHUNK]:
            yield [
                m.number,
                m.get_kind_display(),
                m.display_name,
                m.enterprise.uscc if m.enterprise_id else "",
                m.street.short_name,
                m.join_date,
                m.get_status_display(),
                m.status_date,
                _posts_text(m),
                "、".join(c.name for c in m.chambers.all()),
                m.contact_name,
                phone_for(user, m.contact_phone),
                phone_for(user, m.person_mobile),
                bool(m.owing),
                m.lapse_flagged_on,
            ]


def arrears_export_rows(charges, user) -> Iterator[list]:
    for c in charges.iterator(chunk_size=CHUNK):
        m = c.member
        yield [
            m.number,
            m.display_name,
            m.get_kind_display(),
            m.street.short_name,
            c.year,
            c.amount,
            c.paid,
            c.amount - c.paid,
            c.due_date,
            phone_for(user, m.contact_phone or m.person_mobile),
        ]


def filter_labels(filterset) -> dict[str, str]:
    """The filters in use, as the user chose them: {label: shown value}."""
    if filterset is None or not filterset.is_bound or not filterset.form.is_valid():
        return {}
    labels = {}
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", [], ()):
            continue
        field = filterset.form.fields[name]
        choices = dict(getattr(field, "choices", []) or [])
        shown = choices.get(value, value) if isinstance(value, str) else value
        labels[str(field.label)] = str(shown)
    return labels


def header_lines(*, title: str, user, filters: dict[str, str]) -> list[str]:
    exporter = getattr(user, "full_name", "") or user.get_username()
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
    lines = [
        title,
        _("Exported by: %(name)s (%(username)s)")
        % {"name": exporter, "username": user.get_username()},
        _("Exported at: %(time)s") % {"time": now},
    ]
    if filters:
        text = "; ".join(f"{label}: {value}" for label, value in filters.items())
        lines.append(_("Filters: %(filters)s") % {"filters": text})
    if not can_see_personal(user):
        lines.append(_("Contact phones are masked."))
    return lines


def export_response(
    *,
    request,
    log_name: str,
    title: str,
    headers: Iterable,
    rows: Iterable[list],
    filters: dict[str, str],
):
    """Build the workbook, write the export log, and answer with the file."""
    user = request.user
    content, count = build_xlsx(
        [str(h) for h in headers],
        rows,
        str(title)[:31],
        title_rows=header_lines(title=str(title), user=user, filters=filters),
    )
    params = {k: v for k, v in request.GET.items() if k not in {"export", "page"}}
    export_log(
        actor=user,
        name=log_name,
        filters=params,
        row_count=count,
        digest=crypto.provider().digest(content),
        personal_data=can_see_personal(user),
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(content, f"{title}-{stamp}.xlsx")
