"""A `{# … #}` comment spanning lines is not a comment in Django: its text shows on the page."""

import re
from pathlib import Path

from django.conf import settings

OPEN = re.compile(r"\{#(?![^\n]*#\})")


def test_no_template_has_a_multi_line_short_comment():
    root = Path(settings.BASE_DIR)
    offenders = []
    for path in [*root.glob("templates/**/*.html"), *root.glob("apps/*/templates/**/*.html")]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if OPEN.search(line):
                offenders.append(f"{path.relative_to(root)}:{number}")
    assert offenders == [], "use {% comment %} for comments over several lines"
