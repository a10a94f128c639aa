"""Excel exports of the enterprise list and its ledger.

Both reuse the list's filtered, scoped queryset; phones are masked for users
below the personal-data grade; cells are neutralised by build_xlsx; the sheet
starts with who exported, when and with which filter; every file is logged
with its SM3 digest. Rows stream from the database in chunks and xlsxwriter
writes them in constant-memory mode, so 300,000 enterprises fit in a small
process.
"""

from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.audit.services import export_log
from apps.core import crypto
from apps.core.exports import build_xlsx, xlsx_response
from apps.core.masking import can_see_personal, phone_for

from .models import LedgerEntry, LedgerSource

# Excel holds 1,048,576 rows a sheet; keep room for the header area.
MAX_XLSX_ROWS = 1_000_000
CHUNK = 2000

ENTERPRISE_HEADERS = [
    gettext_lazy("Unified social credit code"),
    gettext_lazy("Enterprise name"),
    gettext_lazy("Former names"),
    gettext_lazy("Street"),
    gettext_lazy("Industry code"),
    gettext_lazy("Industry"),
    gettext_lazy("Section"),
    gettext_lazy("Registration type"),
    gettext_lazy("Non-public"),
    gettext_lazy("Established"),
    gettext_lazy("Registered capital (10k yuan)"),
    gettext_lazy("Legal representative"),
    gettext_lazy("Registered address"),
    gettext_lazy("Contact phone"),
    gettext_lazy("Tags"),
    gettext_lazy("Member status"),
    gettext_lazy("Status"),
    gettext_lazy("Size class"),
]

LEDGER_HEADERS = [
    gettext_lazy("Unified social credit code"),
    gettext_lazy("Enterprise name"),
    gettext_lazy("Street"),
    gettext_lazy("Year"),
    gettext_lazy("Quarter"),
    gettext_lazy("Revenue, this quarter (10k yuan)"),
    gettext_lazy("Revenue, year to date (10k yuan)"),
    gettext_lazy("Total profit, this quarter (10k yuan)"),
    gettext_lazy("Total tax, this quarter (10k yuan)"),
    gettext_lazy("Total tax, year to date (10k yuan)"),
    gettext_lazy("R&D expense, this quarter (10k yuan)"),
    gettext_lazy("Employees at period end"),
    gettext_lazy("Total assets at period end (10k yuan)"),
    gettext_lazy("Source"),
]


def enterprise_rows(queryset, user) -> Iterator[list]:
    rows = (
        queryset.select_related("street", "industry")
        .prefetch_related("tags")
        .order_by("name", "pk")
        .iterator(chunk_size=CHUNK)
    )
    for e in rows:
        yield [
            e.uscc,
            e.name,
            "、".join(e.former_names or []),
            e.street.short_name,
            e.industry.code,
            e.industry.name,
            e.section,
            e.get_registration_type_display(),
            e.is_non_public,
            e.established,
            e.registered_capital,
            e.legal_representative,
            e.address,
            phone_for(user, e.contact_phone),
            "、".join(t.label for t in e.tags.all()),
            e.get_member_status_display(),
            e.get_status_display(),
            e.get_size_class_display(),
        ]


def _ytd(running: dict, quarter: int, value):
    """Year to date through `quarter`, or None when an earlier quarter is missing."""
    running["quarters"].add(quarter)
    if value is None or running["sum"] is None:
        running["sum"] = None
    else:
        running["sum"] += value
    complete = running["quarters"] == set(range(1, quarter + 1))
    return running["sum"] if complete else None


def ledger_rows(entries) -> Iterator[list]:
    """Ledger rows ordered by enterprise, year, quarter, with year-to-date columns."""
    labels = {value: str(label) for value, label in LedgerSource.choices}
    key, revenue, tax = None, {}, {}
    for row in entries.iterator(chunk_size=CHUNK):
        if (row["enterprise_id"], row["year"]) != key:
            key = (row["enterprise_id"], row["year"])
            revenue = {"sum": Decimal(0), "quarters": set()}
            tax = {"sum": Decimal(0), "quarters": set()}
        yield [
            row["enterprise__uscc"],
            row["enterprise__name"],
            row["enterprise__street__short_name"],
            row["year"],
            row["quarter"],
            row["revenue"],
            _ytd(revenue, row["quarter"], row["revenue"]),
            row["profit"],
            row["tax"],
            _ytd(tax, row["quarter"], row["tax"]),
            row["rd_expense"],
            row["employees"],
            row["total_assets"],
            labels.get(row["source"], row["source"]),
        ]


def ledger_entries(enterprises, user, year_from: int, year_to: int):
    """The ledger rows of `enterprises` (already scoped) for a range of years."""
    return (
        LedgerEntry.objects.in_scope(user)
        .filter(enterprise__in=enterprises.order_by().values("pk"))
        .filter(year__gte=year_from, year__lte=year_to)
        .order_by("enterprise__name", "enterprise_id", "year", "quarter")
        .values(
            "enterprise_id",
            "enterprise__uscc",
            "enterprise__name",
            "enterprise__street__short_name",
            "year",
            "quarter",
            "revenue",
            "profit",
            "tax",
            "rd_expense",
            "employees",
            "total_assets",
            "source",
        )
    )


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
    file_stem: str,
    headers: Iterable,
    rows: Iterable[list],
    filters: dict[str, str],
    params: dict[str, str],
):
    """Build the workbook, write the export log, and answer with the file."""
    user = request.user
    content, count = build_xlsx(
        [str(h) for h in headers],
        rows,
        title[:31],
        title_rows=header_lines(title=title, user=user, filters=filters),
        constant_memory=True,
    )
    export_log(
        actor=user,
        name=log_name,
        filters=params,
        row_count=count,
        digest=crypto.provider().digest(content),
        personal_data=can_see_personal(user),
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(content, f"{file_stem}-{stamp}.xlsx")


__all__ = ["enterprise_rows", "export_response", "ledger_entries", "ledger_rows"]
