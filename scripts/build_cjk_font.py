"""Build the platform's Chinese font: a GB 2312 subset of Noto Sans CJK SC, as TrueType.

The monthly report's charts (matplotlib), the big screen and, later, certificates (PDF)
draw Chinese text with a font the project ships itself: a government machine may have no
CJK font at all, and nothing is downloaded at run time. The result is committed under
static/vendor/fic-sans-sc-<version>/ with the SIL Open Font License; run this script
again only to change the character set or the upstream version:

    .venv/bin/python scripts/build_cjk_font.py [NotoSansCJK-Regular.ttc]

Without an argument the upstream font is taken from Debian's `fonts-noto-cjk` package
(`apt-get download`, unpacked in a temporary folder; nothing is installed). fontTools
comes with matplotlib.

What is kept: every character of GB 2312 (6,763 汉字, punctuation, full-width forms,
Greek, Cyrillic, kana, box drawing), ASCII, Latin-1, the CJK symbols block, full-width
ASCII, general punctuation, arrows and ▲▼ (year-on-year changes). The outlines are
converted from CFF to TrueType curves so that PDF libraries that only embed TrueType
(reportlab) can use the same file. The family is renamed "FIC Sans SC": a modified
version under the OFL should not be mistaken for the original, and a distinct name keeps
matplotlib from picking an installed Noto instead of ours.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

UPSTREAM_VERSION = "2.004"
FAMILY = "FIC Sans SC"
POSTSCRIPT_NAME = "FICSansSC-Regular"
ROOT = Path(__file__).resolve().parent.parent
DEST = ROOT / "static" / "vendor" / f"fic-sans-sc-{UPSTREAM_VERSION}"
SC_FACE = "Noto Sans CJK SC"

OFL_HEADER = (
    "Copyright 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source'.\n"
    "FIC Sans SC is a subset of Noto Sans CJK SC "
    f"{UPSTREAM_VERSION}, renamed and converted to TrueType outlines.\n\n"
    "This Font Software is licensed under the SIL Open Font License, Version 1.1.\n"
    "This license is copied below, and is also available with a FAQ at:\n"
    "https://openfontlicense.org\n\n"
)


def gb2312() -> set[int]:
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return chars


def wanted() -> set[int]:
    extra = {0x2103, 0x2116, 0x2030, 0x25B2, 0x25BC, 0x25B3, 0x25BD}
    ranges = [
        (0x20, 0x7F),  # ASCII
        (0xA0, 0x100),  # Latin-1
        (0x2010, 0x2040),  # general punctuation: dashes, quotes, ‰, ′
        (0x2190, 0x2194),  # arrows
        (0x3000, 0x3040),  # CJK symbols and punctuation
        (0xFF01, 0xFF5F),  # full-width ASCII
    ]
    chars = gb2312() | extra
    for start, stop in ranges:
        chars |= set(range(start, stop))
    return chars


def upstream_from_debian(work: Path) -> Path:
    subprocess.run(["apt-get", "download", "fonts-noto-cjk"], cwd=work, check=True)  # noqa: S607
    deb = next(work.glob("fonts-noto-cjk_*.deb"))
    subprocess.run(["dpkg-deb", "-x", str(deb), str(work / "x")], check=True)  # noqa: S603, S607
    return next((work / "x").rglob("NotoSansCJK-Regular.ttc"))


def sc_face(path: Path) -> TTFont:
    if path.suffix.lower() in {".ttc", ".otc"}:
        for font in TTCollection(str(path)).fonts:
            if font["name"].getDebugName(1) == SC_FACE:
                return font
        raise SystemExit(f"{path}: no {SC_FACE} face")
    return TTFont(str(path))


def to_truetype(font: TTFont) -> None:
    """Replace CFF outlines by quadratic TrueType ones (max error 1 unit of 1000)."""
    glyph_set = font.getGlyphSet()
    order = font.getGlyphOrder()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.numGlyphs = len(order)
    for attribute in (
        "maxPoints",
        "maxContours",
        "maxCompositePoints",
        "maxCompositeContours",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
        "maxComponentDepth",
    ):
        setattr(maxp, attribute, 0)
    maxp.maxZones = 1
    font["maxp"] = maxp
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 3.0  # no glyph names: smaller, and nothing needs them
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font: TTFont) -> None:
    names = font["name"]
    description = (
        f"Subset of Noto Sans CJK SC {UPSTREAM_VERSION} (GB 2312 and common symbols) "
        "for the FIC platform, TrueType outlines."
    )
    for record in list(names.names):
        if record.nameID in {1, 3, 4, 6, 16, 17, 21, 22}:
            names.removeNames(nameID=record.nameID)
    for name_id, value in {
        1: FAMILY,
        2: "Regular",
        3: f"{UPSTREAM_VERSION};FIC;{POSTSCRIPT_NAME}",
        4: f"{FAMILY} Regular",
        5: f"Version {UPSTREAM_VERSION}",
        6: POSTSCRIPT_NAME,
        10: description,
    }.items():
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)


def ofl_text(debian_copyright: Path | None) -> str:
    body = ""
    if debian_copyright and debian_copyright.exists():
        lines, inside = [], False
        for line in debian_copyright.read_text(encoding="utf-8").splitlines():
            if line.startswith("License: SIL-1.1"):
                inside = True
                continue
            if inside:
                if not line.startswith(" "):
                    if lines:
                        break
                    inside = False  # the "Files:" stanza naming the licence, not its text
                    continue
                lines.append("" if line.strip() == "." else line[1:])
        body = "\n".join(lines).strip() + "\n"
    return OFL_HEADER + body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, help="NotoSansCJK-Regular.ttc")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source = args.source or upstream_from_debian(work)
        copyright_file = next(work.rglob("fonts-noto-cjk/copyright"), None) or next(
            (
                parent / "doc" / "fonts-noto-cjk" / "copyright"
                for parent in source.resolve().parents
                if (parent / "doc" / "fonts-noto-cjk" / "copyright").exists()
            ),
            None,
        )
        font = sc_face(source)
        options = subset.Options()
        options.layout_features = []  # charts and reports set horizontal text only
        options.hinting = False
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=wanted())
        subsetter.subset(font)
        to_truetype(font)
        rename(font)
        if DEST.exists():
            shutil.rmtree(DEST)
        DEST.mkdir(parents=True)
        target = DEST / f"{POSTSCRIPT_NAME}.ttf"
        font.save(str(target))
        license_text = ofl_text(copyright_file)
        (DEST / "OFL.txt").write_text(license_text, encoding="utf-8")
    print(f"{target.relative_to(ROOT)}: {target.stat().st_size:,} bytes")
    if "PREAMBLE" not in license_text:
        print("warning: OFL.txt has no licence body; copy it from the upstream", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
