"""Verification codes printed on certificates: HMAC-SHA256 of the certificate's identity
under a key of its own (MEMBERS_CERTIFICATE_KEY, derived from SECRET_KEY when unset), cut
to 80 bits and written in Crockford-like base32 as four groups of four characters.

A code cannot be guessed or derived from a member number without the key; it is stored
with the certificate so the public page can find it, and a reissued certificate gets a new
one (the old one then verifies as "replaced").
"""

import base64
import hashlib
import hmac
import re

from django.conf import settings

_GROUP = 4
_CLEAN = re.compile(r"[^0-9A-Z]")
# base32 without the letters easily misread; the mapping is only for display and input.
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_OURS = "ABCDEFGHJKMNPQRSTVWXYZ23456789UL"  # 32 symbols, no 0/O/1/I
_TO_OURS = str.maketrans(_B32, _OURS)


def _key() -> bytes:
    configured = getattr(settings, "MEMBERS_CERTIFICATE_KEY", "")
    if configured:
        return configured.encode()
    return hashlib.sha256(b"members.certificate:" + settings.SECRET_KEY.encode()).digest()


def make(*, member_id: int, number: str, serial: int) -> str:
    """The 16-character code (no dashes) of certificate `serial` of a member."""
    message = f"{member_id}:{number}:{serial}".encode()
    digest = hmac.new(_key(), message, hashlib.sha256).digest()[:10]
    return base64.b32encode(digest).decode("ascii").translate(_TO_OURS)


def display(code: str) -> str:
    """K7QM3XPA9TRDWN4C -> K7QM-3XPA-9TRD-WN4C."""
    return "-".join(code[i : i + _GROUP] for i in range(0, len(code), _GROUP))


def normalise(text: str) -> str:
    """What a person typed, as stored: upper case, without dashes or spaces."""
    return _CLEAN.sub("", (text or "").upper())[:32]
