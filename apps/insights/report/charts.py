"""The report's charts: PNG images drawn by matplotlib (Agg) with the project's CJK font.

No pyplot: a Figure with its own canvas per chart keeps no global state between
reports. Labels and titles arrive translated; suppressed cells ("<3") are left out by
the caller.
"""

import io
from collections.abc import Sequence

from apps.core.fonts import matplotlib_family

DPI = 150
WIDTH = 6.3  # inches: the text width of an A4 page with 2.5 cm margins
COLORS = ["#2f6fb0", "#e0813a", "#3c9b6b", "#b34b4b", "#7d63b8", "#8c8c8c"]


def _figure(height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _style():
    import matplotlib

    return matplotlib.rc_context(
        {
            "font.family": [matplotlib_family()],
            "font.size": 9,
            "axes.unicode_minus": False,  # the font's hyphen-minus, not U+2212
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def bars(labels: Sequence[str], values: Sequence[float], *, title: str, unit: str) -> bytes:
    """Horizontal bars, largest first from the top (fits 43 街乡 on a page)."""
    with _style():
        figure = _figure(max(2.2, 0.6 + 0.22 * len(labels)))
        axes = figure.add_subplot()
        positions = range(len(labels))
        axes.barh(list(positions), list(values), color=COLORS[0], height=0.65)
        axes.set_yticks(list(positions), labels=list(labels))
        axes.invert_yaxis()
        axes.set_title(title)
        axes.set_xlabel(unit)
        axes.grid(axis="x", alpha=0.3)
        for position, value in zip(positions, values, strict=True):
            axes.annotate(
                f"{value:,.0f}",
                (value, position),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
            )
        return _png(figure)


def shares(labels: Sequence[str], values: Sequence[float], *, title: str) -> bytes:
    """A ring of shares (size classes)."""
    with _style():
        figure = _figure(3.0)
        axes = figure.add_subplot()
        positive = [
            (label, value) for label, value in zip(labels, values, strict=True) if value > 0
        ]
        if positive:
            axes.pie(
                [value for _label, value in positive],
                labels=[label for label, _value in positive],
                colors=COLORS[: len(positive)],
                autopct="%1.1f%%",
                pctdistance=0.78,
                wedgeprops={"width": 0.45},
                startangle=90,
                counterclock=False,
            )
        axes.set_title(title)
        axes.axis("equal")
        return _png(figure)


def lines(
    labels: Sequence[str], series: dict[str, Sequence[float | None]], *, title: str, unit: str
) -> bytes:
    """One line per series over the quarters."""
    with _style():
        figure = _figure(2.8)
        axes = figure.add_subplot()
        for index, (name, values) in enumerate(series.items()):
            axes.plot(
                list(labels),
                [float("nan") if v is None else v for v in values],
                marker="o",
                markersize=3,
                color=COLORS[index % len(COLORS)],
                label=name,
            )
        axes.set_title(title)
        axes.set_ylabel(unit)
        axes.grid(axis="y", alpha=0.3)
        axes.legend(frameon=False)
        axes.tick_params(axis="x", labelrotation=45, labelsize=7)
        return _png(figure)
