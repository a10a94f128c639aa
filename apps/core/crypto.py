"""Cryptography behind one interface (SECURITY.md 35), so that a certified
device or a TLCP front end can replace the software implementation later.

The foundation needs only SM3 digests; SM4-GCM encryption of personal data is
added with the people module.
"""

from functools import cache

from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.utils.module_loading import import_string


class SoftwareCryptoProvider:
    """SM3 through the `cryptography` package."""

    def digest(self, data: bytes) -> str:
        h = hashes.Hash(hashes.SM3())
        h.update(data)
        return h.finalize().hex()


@cache
def provider() -> SoftwareCryptoProvider:
    path = getattr(settings, "CRYPTO_PROVIDER", "apps.core.crypto.SoftwareCryptoProvider")
    return import_string(path)()
