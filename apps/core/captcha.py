"""A captcha drawn on the server (SECURITY.md 23): no external service, no network.

A challenge is a few characters drawn by Pillow into a PNG that the page carries as a
data: URI (the CSP allows data: images), so the answer never travels in clear and there
is no image URL to fetch. The session keeps only a keyed hash of the answer, with an
expiry; a challenge is consumed by the first attempt, right or wrong.

Every public form uses it (membership applications, enterprise account registration):
`CaptchaFormMixin` adds the two fields, the view checks the answer first (`check`) and
draws a new picture for every page it renders (`issue`); `_captcha.html` shows it, with a
button that fetches another (`core:captcha`).

Tests solve it through settings.CAPTCHA_TEST_ANSWER, which base.py sets to "" (never read
from the environment) and only config/settings/test.py fills in; a deploy check
(apps.core.checks) refuses it anywhere else.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import math
import secrets
import time
from dataclasses import dataclass
from functools import cache

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from apps.core.fonts import cjk_font_path

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: each character reads one way only.
ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
LENGTH = 4
WIDTH, HEIGHT = 160, 56
GLYPH = 52  # the square each character is drawn and turned in
SESSION_KEY = "captcha"
KEEP = 5  # challenges kept per session (several tabs)


@dataclass(frozen=True)
class Challenge:
    key: str
    image_data_uri: str


def _ttl() -> int:
    return int(getattr(settings, "CAPTCHA_TTL", 600))


def _hash(key: str, answer: str) -> str:
    secret = hashlib.sha256(b"captcha:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(secret, f"{key}:{normalise(answer)}".encode(), hashlib.sha256).hexdigest()


def normalise(answer: str) -> str:
    return "".join((answer or "").split()).upper()


def random_text() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


@cache
def _font(size: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(cjk_font_path()), size)


def render(text: str) -> bytes:
    """The PNG of `text`: each character rotated and shifted, over noise lines and dots."""
    from PIL import Image, ImageDraw

    rng = secrets.SystemRandom()
    image = Image.new("RGB", (WIDTH, HEIGHT), (246, 248, 250))
    draw = ImageDraw.Draw(image)
    for _dot in range(120):
        x, y = rng.randrange(WIDTH), rng.randrange(HEIGHT)
        draw.point((x, y), fill=(rng.randrange(120, 200),) * 3)
    step = (WIDTH - 16) // len(text)
    for index, char in enumerate(text):
        glyph = Image.new("RGBA", (GLYPH, GLYPH), (0, 0, 0, 0))
        colour = (rng.randrange(20, 90), rng.randrange(20, 90), rng.randrange(60, 140), 255)
        size = rng.randrange(30, 38)
        ImageDraw.Draw(glyph).text(
            (GLYPH // 2, GLYPH // 2), char, font=_font(size), fill=colour, anchor="mm"
        )
        glyph = glyph.rotate(rng.uniform(-28, 28), resample=Image.Resampling.BICUBIC)
        x = 8 + index * step + step // 2 - GLYPH // 2 + rng.randrange(-3, 4)
        y = (HEIGHT - GLYPH) // 2 + rng.randrange(-4, 5)
        image.paste(glyph, (x, y), glyph)
    for _line in range(3):
        amplitude, phase = rng.uniform(3, 8), rng.uniform(0, math.tau)
        base = rng.randrange(14, HEIGHT - 14)
        points = [
            (x, base + amplitude * math.sin(phase + x / rng.uniform(12, 20)))
            for x in range(0, WIDTH, 4)
        ]
        draw.line(points, fill=(rng.randrange(60, 150),) * 3, width=2)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def issue(request) -> Challenge:
    """A new challenge, remembered (hashed) in the session."""
    text = random_text()
    key = secrets.token_urlsafe(12)
    pending = dict(request.session.get(SESSION_KEY) or {})
    now = int(time.time())
    pending = {k: v for k, v in pending.items() if v.get("expires", 0) > now}
    # Oldest first in insertion order; keep the newest few.
    while len(pending) >= KEEP:
        pending.pop(next(iter(pending)))
    pending[key] = {"hash": _hash(key, text), "expires": now + _ttl()}
    request.session[SESSION_KEY] = pending
    png = base64.b64encode(render(text)).decode("ascii")
    return Challenge(key=key, image_data_uri=f"data:image/png;base64,{png}")


def check(request, key: str, answer: str) -> bool:
    """True when `answer` solves challenge `key`; the challenge is used up either way."""
    pending = dict(request.session.get(SESSION_KEY) or {})
    stored = pending.pop(key or "", None)
    request.session[SESSION_KEY] = pending
    if stored is None or stored.get("expires", 0) <= time.time():
        return False
    test_answer = getattr(settings, "CAPTCHA_TEST_ANSWER", "")
    if test_answer and constant_time_compare(normalise(answer), normalise(test_answer)):
        return True
    return constant_time_compare(stored.get("hash", ""), _hash(key, answer))


class CaptchaFormMixin(forms.Form):
    """The captcha's fields on a public form. The view checks the answer before the form
    (a wrong one skips costlier checks) and passes the result as `captcha_ok`."""

    captcha_key = forms.CharField(widget=forms.HiddenInput, required=False)
    captcha = forms.CharField(
        label=_("Characters in the picture"),
        max_length=10,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, captcha_ok: bool | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.captcha_ok = captcha_ok
        for name in ("captcha_key", "captcha"):  # last, next to the picture
            if name in self.fields:
                self.fields[name] = self.fields.pop(name)

    def clean_captcha(self):
        if self.captcha_ok is False:
            raise ValidationError(
                _(
                    "The characters do not match the picture, or the picture has expired. "
                    "Type the characters of the new picture."
                )
            )
        return ""


def prepare(request, form) -> Challenge | None:
    """A new picture for the page about to show `form`; a bound form gets the new key and
    an empty answer (each picture is good for one attempt)."""
    if "captcha" not in form.fields:
        return None
    challenge = issue(request)
    if form.is_bound:
        form.data = form.data.copy()
        form.data["captcha"] = ""
        form.data["captcha_key"] = challenge.key
    else:
        form.initial["captcha_key"] = challenge.key
    return challenge


def check_post(request) -> bool:
    """`check` with the answer and key the form posted."""
    return check(request, request.POST.get("captcha_key", ""), request.POST.get("captcha", ""))
