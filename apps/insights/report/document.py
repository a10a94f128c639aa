"""The Word document (.docx) of a monthly report, built with python-docx from its figures.

Title page; 一、summary in sentences; 二、key figures; then by 街乡 (district reports),
industry section, size and the 12-quarter trend, each a table and a chart; the top-20
lists for records-grade reports; notes. Word shows the text in the reader's 宋体/黑体;
the charts are PNGs with the project's own font.
"""

import io
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from apps.core.scoping import Grade
from apps.insights.selectors import period_label

from . import charts, narrative, tables
from .figures import number

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
CHART_WIDTH = Cm(16)


@dataclass(frozen=True)
class ReportInfo:
    """What the document says about itself."""

    scope: str  # 朝阳区 / 望京
    month: date
    generated_at: datetime
    detail: int
    since: dict | None = None  # figures.since_previous


def labels(figures: dict) -> tuple[str, str]:
    year, quarter = figures["year"], figures["quarter"]
    return period_label(year, quarter), period_label(year, quarter, cumulative=True)


def taken(figures: dict) -> str:
    when = timezone.localtime(datetime.fromisoformat(figures["taken_at"]))
    return formats.date_format(when, "Y年n月j日 H:i")


def title(info: ReportInfo, figures: dict) -> str:
    return _("%(scope)s private economy data report, %(month)s") % {
        "scope": info.scope,
        "month": formats.date_format(info.month, "Y年n月"),
    }


def all_tables(figures: dict) -> list[tables.Table]:
    """The report's tables, in the document's order (the appendix writes the same)."""
    quarter_label, ytd_label = labels(figures)
    out = [tables.headline_table(figures, quarter_label, ytd_label)]
    if figures["by_street"]:
        out.append(
            tables.breakdown_table(
                "by_street",
                _("By street, %(period)s") % {"period": ytd_label},
                _("Street"),
                figures["by_street"],
            )
        )
    out.append(
        tables.breakdown_table(
            "by_section",
            _("By industry section, %(period)s") % {"period": ytd_label},
            _("Section"),
            figures["by_section"],
        )
    )
    out.append(
        tables.breakdown_table(
            "by_size",
            _("By size, %(period)s") % {"period": ytd_label},
            _("Size class"),
            figures["by_size"],
        )
    )
    out.append(tables.trend_table(figures["trend"]))
    if figures["top_revenue"]:
        out.append(
            tables.top_table(
                "top_revenue",
                _("Top 20 enterprises by revenue, %(period)s") % {"period": ytd_label},
                figures["top_revenue"],
            )
        )
    if figures["top_tax"]:
        out.append(
            tables.top_table(
                "top_tax",
                _("Top 20 enterprises by tax, %(period)s") % {"period": ytd_label},
                figures["top_tax"],
            )
        )
    return out


# --- charts ------------------------------------------------------------------------------


def _shown(rows: list[dict]) -> list[dict]:
    return [r for r in rows if not r["suppressed"] and r["revenue"] is not None]


def chart_of(table_key: str, figures: dict) -> bytes | None:
    _quarter, ytd_label = labels(figures)
    unit = _("10k yuan")
    if table_key in ("by_street", "by_section"):
        rows = _shown(figures[table_key])
        if not rows:
            return None
        rows = sorted(rows, key=lambda r: -number(r["revenue"]))
        heading = _("Revenue by street") if table_key == "by_street" else _("Revenue by section")
        return charts.bars(
            [r["label"] for r in rows],
            [float(number(r["revenue"])) for r in rows],
            title=f"{heading}（{ytd_label}）",
            unit=unit,
        )
    if table_key == "by_size":
        rows = _shown(figures["by_size"])
        if not rows:
            return None
        return charts.shares(
            [r["label"] for r in rows],
            [float(number(r["revenue"])) for r in rows],
            title=_("Revenue by size") + f"（{ytd_label}）",
        )
    if table_key == "trend":
        rows = figures["trend"]

        def series(name: str) -> list[float | None]:
            return [None if r["suppressed"] else float(number(r[name])) for r in rows]

        return charts.lines(
            [r["label"] for r in rows],
            {_("Revenue"): series("revenue"), _("Tax"): series("tax")},
            title=_("Revenue and tax by quarter"),
            unit=unit,
        )
    return None


# --- the document --------------------------------------------------------------------------


def _fonts(document) -> None:
    for name, font_name, size in (
        ("Normal", BODY_FONT, 11),
        ("Title", HEADING_FONT, 22),
        ("Heading 1", HEADING_FONT, 15),
        ("Heading 2", HEADING_FONT, 12),
    ):
        style = document.styles[name]
        style.font.name = font_name
        style.font.size = Pt(size)
        if name != "Normal":
            style.font.color.rgb = RGBColor(0, 0, 0)
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), font_name)
        fonts.set(qn("w:ascii"), font_name)
        fonts.set(qn("w:hAnsi"), font_name)


def _table(document, table: tables.Table) -> None:
    rows = table.formatted()
    grid = document.add_table(rows=len(rows) + 1, cols=len(table.headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for col, header in enumerate(table.headers):
        cell = grid.cell(0, col)
        cell.text = header
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for r, row in enumerate(rows, start=1):
        for col, text in enumerate(row):
            cell = grid.cell(r, col)
            cell.text = text
            if col and table.kinds[col] != tables.TEXT:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in grid.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)


def _picture(document, png: bytes | None) -> None:
    if png:
        document.add_picture(io.BytesIO(png), width=CHART_WIDTH)
        document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


NUMERALS = "一二三四五六七八九十"


def build(figures: dict, info: ReportInfo) -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.5))
    section.top_margin = section.bottom_margin = Cm(2.5)
    _fonts(document)
    quarter_label, ytd_label = labels(figures)

    # Title page
    for _blank in range(6):
        document.add_paragraph()
    heading = document.add_paragraph(title(info, figures), style="Title")
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in (
        _("Period covered: %(period)s") % {"period": ytd_label},
        _("Scope: %(scope)s") % {"scope": info.scope},
        _("Figures taken: %(when)s") % {"when": taken(figures)},
        settings.FEDERATION_NAME,
        _("Internal material: aggregates only")
        if info.detail < Grade.RECORDS
        else _("Internal material: contains enterprise names, do not pass on"),
    ):
        paragraph = document.add_paragraph(line)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    numbering = iter(NUMERALS)

    def chapter(text: str) -> None:
        document.add_heading(f"{next(numbering)}、{text}", level=1)

    chapter(_("Summary"))
    for text in narrative.paragraphs(
        figures,
        scope=info.scope,
        ytd_label=ytd_label,
        quarter_label=quarter_label,
        since=info.since,
    ):
        document.add_paragraph(text).paragraph_format.first_line_indent = Pt(22)

    for table in all_tables(figures):
        chapter(table.title)
        _table(document, table)
        _picture(document, chart_of(table.key, figures))

    chapter(_("Notes"))
    for text in (
        _(
            "Figures come from the economic ledger of the private-economy database (imports "
            "and approved filings), through the same summary as the dashboard."
        ),
        _(
            "Amounts are in 10k yuan; employees are persons at the end of the period; "
            "year-to-date figures add up the quarters of the year."
        ),
        _(
            '"<3": fewer than 3 enterprises, or a figure that could be worked out from '
            "others; not shown to protect the enterprises' data."
        ),
    ):
        document.add_paragraph(text)

    buffer = io.BytesIO()
    document.core_properties.title = title(info, figures)
    document.core_properties.author = settings.FEDERATION_NAME
    document.save(buffer)
    return buffer.getvalue()
