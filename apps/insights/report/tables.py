"""The report's tables, built from its figures snapshot: the document prints them and the
appendix writes them as sheets, so both always hold the same rows."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .figures import number
from .numbers import NOTHING, SUPPRESSED, count, money, percent

TEXT, COUNT, MONEY, PERCENT = "text", "count", "money", "percent"


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    kinds: list[str]
    rows: list[list] = field(default_factory=list)
    # Kinds of one row when they differ from `kinds` (the key figures: counts and money).
    row_kinds: dict[int, list[str]] = field(default_factory=dict)

    def _kinds(self, index: int) -> list[str]:
        return self.row_kinds.get(index, self.kinds)

    def formatted(self) -> list[list[str]]:
        """Rows as the document prints them."""
        return [
            [_format(kind, value) for kind, value in zip(self._kinds(i), row, strict=True)]
            for i, row in enumerate(self.rows)
        ]

    def sheet_rows(self) -> list[list]:
        """Rows as the appendix writes them: numbers stay numbers."""
        return [
            [
                _format(kind, value) if kind in (TEXT, PERCENT) or isinstance(value, str) else value
                for kind, value in zip(self._kinds(i), row, strict=True)
            ]
            for i, row in enumerate(self.rows)
        ]


def _format(kind: str, value) -> str:
    if isinstance(value, str) and kind != PERCENT:
        return value
    if kind == COUNT:
        return count(value)
    if kind == MONEY:
        return money(value)
    if kind == PERCENT:
        return percent(value)
    return NOTHING if value is None else str(value)


def headline_labels() -> dict[str, str]:
    return {
        "enterprises": _("Enterprises with figures"),
        "revenue": _("Revenue (10k yuan)"),
        "tax": _("Total tax (10k yuan)"),
        "employees": _("Employees at period end"),
        "profit": _("Total profit (10k yuan)"),
        "rd": _("R&D expense (10k yuan)"),
    }


def _figure_value(block: dict, name: str, key: str):
    if key == "value" and block["suppressed"]:
        return SUPPRESSED
    if key == "previous" and (block["suppressed"] or block["previous_suppressed"]):
        return SUPPRESSED
    return number(block["figures"][name][key]) if key != "change" else block["figures"][name][key]


def headline_table(figures: dict, quarter_label: str, ytd_label: str) -> Table:
    labels = headline_labels()
    single, ytd = figures["quarter_headline"], figures["ytd_headline"]
    table = Table(
        key="headline",
        title=_("Key figures"),
        headers=[
            _("Indicator"),
            quarter_label,
            _("A year earlier"),
            _("Change"),
            ytd_label,
            _("A year earlier"),
            _("Change"),
        ],
        kinds=[TEXT, MONEY, MONEY, PERCENT, MONEY, MONEY, PERCENT],
    )
    for name, label in labels.items():
        if name in ("enterprises", "employees"):
            table.row_kinds[len(table.rows)] = [TEXT, *([COUNT, COUNT, PERCENT] * 2)]
        table.rows.append(
            [
                label,
                _figure_value(single, name, "value"),
                _figure_value(single, name, "previous"),
                _figure_value(single, name, "change"),
                _figure_value(ytd, name, "value"),
                _figure_value(ytd, name, "previous"),
                _figure_value(ytd, name, "change"),
            ]
        )
    return table


def breakdown_table(key: str, title: str, first_header: str, rows: list[dict]) -> Table:
    table = Table(
        key=key,
        title=title,
        headers=[
            first_header,
            _("Enterprises with figures"),
            _("Revenue (10k yuan)"),
            _("Revenue change"),
            _("Total tax (10k yuan)"),
            _("Tax change"),
            _("Employees at period end"),
        ],
        kinds=[TEXT, COUNT, MONEY, PERCENT, MONEY, PERCENT, COUNT],
    )
    for row in rows:
        if row["suppressed"]:
            table.rows.append([row["label"], SUPPRESSED, NOTHING, None, NOTHING, None, NOTHING])
            continue
        table.rows.append(
            [
                row["label"],
                number(row["enterprises"]),
                number(row["revenue"]),
                row["revenue_change"],
                number(row["tax"]),
                row["tax_change"],
                number(row["employees"]),
            ]
        )
    return table


def trend_table(rows: list[dict]) -> Table:
    table = Table(
        key="trend",
        title=_("The last 12 quarters (single quarters)"),
        headers=[
            _("Quarter"),
            _("Enterprises with figures"),
            _("Revenue (10k yuan)"),
            _("Total tax (10k yuan)"),
            _("Employees at period end"),
        ],
        kinds=[TEXT, COUNT, MONEY, MONEY, COUNT],
    )
    for row in rows:
        if row["suppressed"]:
            table.rows.append([row["label"], SUPPRESSED, NOTHING, NOTHING, NOTHING])
        else:
            table.rows.append(
                [
                    row["label"],
                    number(row["enterprises"]),
                    number(row["revenue"]),
                    number(row["tax"]),
                    number(row["employees"]),
                ]
            )
    return table


def top_table(key: str, title: str, rows: list[dict]) -> Table:
    table = Table(
        key=key,
        title=title,
        headers=[
            _("Rank"),
            _("Enterprise name"),
            _("Street"),
            _("Revenue (10k yuan)"),
            _("Total tax (10k yuan)"),
        ],
        kinds=[COUNT, TEXT, TEXT, MONEY, MONEY],
    )
    for row in rows:
        table.rows.append(
            [row["rank"], row["name"], row["street"], number(row["revenue"]), number(row["tax"])]
        )
    return table
