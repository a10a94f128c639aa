"""Are the keys configured the keys the data was encrypted with?

A well-formed but wrong key (another machine's key file, a typo that is still 32 hex
digits) would make stored values undecryptable and new ones unreadable to everyone else.
Each key's fingerprint (HMAC-SM3 of a fixed label under the key, apps.core.crypto) is kept
in ``KeyFingerprint`` the first time the key is used; before this process encrypts or
decrypts anything it compares them once, and refuses on any difference. ``migrate`` and
``check --database default`` report the same through the system check people.E002.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, transaction

from apps.core import crypto


class KeyMismatch(ImproperlyConfigured):
    pass


def mismatches() -> list[str]:
    """Names ("data:k1", "index:i1") of configured keys whose stored fingerprint differs."""
    from .models import KeyFingerprint

    stored = dict(KeyFingerprint.objects.values_list("name", "fingerprint"))
    provider = crypto.provider()
    return sorted(
        name
        for name, value in provider.key_fingerprints().items()
        if name in stored and not provider.same(stored[name], value)
    )


def register() -> None:
    """Record the fingerprints of configured keys not seen before."""
    from .models import KeyFingerprint

    with transaction.atomic():
        KeyFingerprint.objects.bulk_create(
            [
                KeyFingerprint(name=name, fingerprint=value)
                for name, value in crypto.provider().key_fingerprints().items()
            ],
            ignore_conflicts=True,
        )


def mismatch_message(names: list[str]) -> str:
    return (
        "个人信息加密密钥与数据库中记录的指纹不符（"
        + "、".join(names)
        + "）：配置的是另一套密钥。拒绝加密或解密，以免写入无法读取的数据。"
        "请换回原来的密钥文件或环境变量（README“统战人士数据库的密钥”）。"
    )


def ensure_verified() -> None:
    """Once per process and key set: KeyMismatch if a configured key is not the one in use."""
    provider = crypto.provider()
    if getattr(provider, "people_keys_verified", False):
        return
    try:
        wrong = mismatches()
    except DatabaseError:  # pragma: no cover - table not migrated yet
        return
    if wrong:
        raise KeyMismatch(mismatch_message(wrong))
    register()
    provider.people_keys_verified = True
