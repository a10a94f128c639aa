"""Every string a user sees has a Chinese translation (zh-hans is the default)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
CATALOGUES = [
    *sorted(ROOT.glob("apps/*/locale/zh_Hans/LC_MESSAGES/django.po")),
    ROOT / "locale/zh_Hans/LC_MESSAGES/django.po",
]
needs_gettext = pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="gettext is not installed (make test installs it)"
)


def msgids(po: Path) -> set[str]:
    """The msgids of a catalogue, via msgcat's one-line-per-entry output."""
    out = subprocess.run(
        ["msgcat", "--no-wrap", "--no-location", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {
        line[7:-1] for line in out.splitlines() if line.startswith('msgid "') and line != 'msgid ""'
    }


@needs_gettext
@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_has_no_untranslated_or_fuzzy_entries(po):
    assert po.exists()
    for flag in ("--untranslated", "--only-fuzzy"):
        out = subprocess.run(
            ["msgattrib", flag, "--no-wrap", str(po)], capture_output=True, text=True, check=True
        ).stdout
        missing = [
            line for line in out.splitlines() if line.startswith("msgid ") and line != 'msgid ""'
        ]
        assert not missing, f"{flag[2:]} in {po}: {missing[:10]}"


@needs_gettext
@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogue_is_up_to_date(po, tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), str(po)], check=True)
    assert compiled.read_bytes() == po.with_suffix(".mo").read_bytes(), "run make messages"


@needs_gettext
@pytest.mark.parametrize(
    "source",
    [p.parent for p in ROOT.glob("apps/*/apps.py")] + [None],
    ids=lambda p: p.name if p else "project",
)
def test_every_marked_string_is_in_the_catalogue(source, tmp_path):
    """Extract strings from a copy of the code and compare with the committed catalogue."""
    work = tmp_path / "src"
    if source is None:
        work.mkdir()
        for name in ("templates", "config"):
            shutil.copytree(ROOT / name, work / name)
        po = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"
    else:
        shutil.copytree(
            source, work, ignore=shutil.ignore_patterns("locale", "tests", "__pycache__")
        )
        po = source / "locale/zh_Hans/LC_MESSAGES/django.po"
    (work / "locale").mkdir(exist_ok=True)
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "zh_Hans", "--no-location"],
        cwd=work,
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "PYTHONPATH": str(ROOT),
            "PATH": "/usr/bin:/bin",
        },
    )
    extracted = work / "locale/zh_Hans/LC_MESSAGES/django.po"
    if not extracted.exists():
        return  # nothing to translate here
    missing = msgids(extracted) - (msgids(po) if po.exists() else set())
    assert not missing, f"not in {po.relative_to(ROOT)}: {sorted(missing)[:15]}"


@pytest.mark.django_db
def test_pages_are_in_chinese_by_default(client):
    response = client.get(reverse("accounts:login"))
    assert 'lang="zh-hans"' in response.content.decode()
    assert "登录" in response.content.decode()


@pytest.mark.django_db
def test_english_is_available(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="en"' in response.content.decode()
    assert "Sign in" in response.content.decode()


def translations(po: Path) -> dict[str, str]:
    out = subprocess.run(
        ["msgcat", "--no-wrap", "--no-location", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pairs, msgid = {}, None
    for line in out.splitlines():
        if line.startswith('msgid "'):
            msgid = line[7:-1]
        elif line.startswith('msgstr "') and msgid:
            pairs[msgid] = line[8:-1]
            msgid = None
    return pairs


@needs_gettext
def test_no_string_is_translated_two_ways():
    """Django merges every app's catalogue: one English string must mean one thing."""
    seen: dict[str, tuple[str, Path]] = {}
    clashes = []
    for po in CATALOGUES:
        for msgid, msgstr in translations(po).items():
            if msgid in seen and seen[msgid][0] != msgstr:
                clashes.append(
                    f"{msgid!r}: {seen[msgid][0]} ({seen[msgid][1].parts[-5]}) / {msgstr}"
                )
            seen.setdefault(msgid, (msgstr, po))
    assert not clashes, "use a distinct English string or pgettext:\n" + "\n".join(clashes)
