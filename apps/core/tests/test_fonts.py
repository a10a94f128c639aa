"""The platform draws Chinese with its own font, not whatever the machine has."""

import csv
import io
import warnings
from pathlib import Path

from django.conf import settings
from fontTools.ttLib import TTFont

from apps.core.fonts import CJK_FONT_FAMILY, cjk_font_path, matplotlib_family

REPO = Path(settings.BASE_DIR).resolve()
FIXTURES = REPO / "apps" / "registry" / "fixtures"


def test_font_file_is_in_the_repository_with_its_licence():
    path = cjk_font_path().resolve()
    assert path.is_file()
    assert path.is_relative_to(REPO)
    assert "SIL OPEN FONT LICENSE Version 1.1" in (path.parent / "OFL.txt").read_text()
    # TrueType outlines: PDF libraries that embed only TrueType can use it too.
    assert "glyf" in TTFont(path, lazy=True)


def test_font_covers_every_street_and_industry_name():
    cmap = TTFont(cjk_font_path(), lazy=True).getBestCmap()
    text = "".join(
        path.read_text(encoding="utf-8")
        for path in (FIXTURES / "chaoyang_streets.csv", FIXTURES / "gbt4754_2017.csv")
    )
    text += "营业收入纳税总额从业人员同比增长下降万元亿元人％%（）：，。、▲▼—0123456789"
    missing = {ch for ch in text if ch.strip() and ord(ch) not in cmap}
    assert not missing


def test_chart_with_chinese_text_uses_the_project_font_and_misses_no_glyph():
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    family = matplotlib_family()
    assert family == CJK_FONT_FAMILY
    found = Path(font_manager.findfont(font_manager.FontProperties(family=family))).resolve()
    assert found == cjk_font_path().resolve()

    with open(FIXTURES / "chaoyang_streets.csv", encoding="utf-8") as handle:
        labels = [row["short_name"] for row in csv.DictReader(handle)][:8]
    figure = Figure(figsize=(6, 3), dpi=80)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.bar(labels, range(len(labels)))
    axes.set_title("各街乡营业收入（万元）", fontfamily=family)
    for label in axes.get_xticklabels():
        label.set_fontfamily(family)
    buffer = io.BytesIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure.savefig(buffer, format="png")
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert buffer.getvalue().startswith(b"\x89PNG")


def test_without_the_project_font_the_same_chart_would_miss_glyphs():
    """The test above can fail: matplotlib's default font has no Chinese."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(3, 2), dpi=50)
    FigureCanvasAgg(figure)
    figure.add_subplot().set_title("朝阳区", fontfamily="DejaVu Sans")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure.savefig(io.BytesIO(), format="png")
    assert [w for w in caught if "missing from font" in str(w.message)]
