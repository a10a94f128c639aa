"""The xlsx appendix of a report: one sheet per table of the document."""

from django.utils.translation import gettext as _

from apps.core.exports import Sheet, build_workbook

from .document import ReportInfo, all_tables, taken, title

FORBIDDEN = set("[]:*?/\\")  # not allowed in a sheet name


def build(figures: dict, info: ReportInfo) -> bytes:
    heading = (
        title(info, figures),
        _("Figures taken: %(when)s") % {"when": taken(figures)},
        _('Amounts in 10k yuan; "<3": not shown (fewer than 3 enterprises).'),
    )
    sheets = []
    for number, table in enumerate(all_tables(figures), start=1):
        # Sheet names: at most 31 characters, unique.
        name = "".join(" " if ch in FORBIDDEN else ch for ch in f"{number} {table.title}")[:31]
        sheets.append(Sheet(name, table.headers, table.sheet_rows(), (*heading, table.title)))
    return build_workbook(sheets)
