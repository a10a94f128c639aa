"""The platform's own Chinese font, for everything drawn on the server (charts, PDFs).

A government machine may have no CJK font, and nothing is downloaded at run time, so the
project ships one: FIC Sans SC, a GB 2312 subset of Noto Sans CJK SC under the SIL Open
Font License, TrueType outlines (static/vendor/fic-sans-sc-2.004/, built by
scripts/build_cjk_font.py; decision 0012). The same file is served to browsers as a web
font (the big screen).

    from apps.core.fonts import cjk_font_path, matplotlib_family
    path = cjk_font_path()        # e.g. reportlab's TTFont("FICSansSC", path)
    family = matplotlib_family()  # registered with matplotlib; use in FontProperties/rcParams
"""

import os
import threading
from pathlib import Path

from django.conf import settings

CJK_FONT_FAMILY = "FIC Sans SC"
CJK_FONT_STATIC = "vendor/fic-sans-sc-2.004/FICSansSC-Regular.ttf"

_lock = threading.Lock()
_registered = False


def cjk_font_path() -> Path:
    """The TrueType file of the platform's Chinese font (inside the repository)."""
    return Path(settings.BASE_DIR) / "static" / CJK_FONT_STATIC


def matplotlib_family() -> str:
    """Register the font with matplotlib (once per process) and return its family name.

    matplotlib is imported here, lazily: only the processes that draw charts pay for it.
    Its cache goes to var/ (the home directory of a service account may be read-only).
    """
    global _registered
    if not _registered:
        with _lock:
            if not _registered:
                os.environ.setdefault("MPLCONFIGDIR", str(Path(settings.VAR_DIR) / "matplotlib"))
                import matplotlib

                matplotlib.use("Agg")
                from matplotlib import font_manager

                font_manager.fontManager.addfont(str(cjk_font_path()))
                _registered = True
    return CJK_FONT_FAMILY
