"""Cryptography behind one interface (SECURITY.md 35), so that a certified device or a
TLCP front end can replace the software implementation later.

* ``digest``: SM3 of bytes (export files, audit chaining).
* ``encrypt`` / ``decrypt``: SM4-GCM of personal data (ID numbers, phones of the people
  module, SECURITY.md 8). A ciphertext is one self-describing text token,
  ``sm4gcm1$<key id>$<nonce>$<ciphertext>$<tag>`` (URL-safe base64), so rows encrypted under
  an older key stay readable while ``manage.py rotate_keys`` moves them to the newest one.
  The ``context`` (e.g. "people.person.id_number") is authenticated with the data: a token
  copied into another column does not decrypt.
* ``blind_index``: keyed HMAC-SM3 of a normalised value, ``<index key id>$<hex>``, for exact
  look-ups without decrypting (equal values give equal indexes; the key is not the data key).

Keys never come from the database and are not SECRET_KEY: they are read from the file named
by ``PEOPLE_KEY_FILE`` (JSON, see README "Keys of the people database") or from the
environment (``PEOPLE_DATA_KEYS="k2:<32 hex>,k1:<32 hex>"``, newest first, and
``PEOPLE_INDEX_KEY="i1:<64 hex>"``). Without valid keys nothing is encrypted and nothing is
written: ``check_keys`` raises ImproperlyConfigured, which the people app does at start-up.
"""

from __future__ import annotations

import base64
import hmac as std_hmac
import json
import re
import secrets
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

TOKEN_PREFIX = "sm4gcm1"  # noqa: S105  (a format tag, not a secret)
NONCE_BYTES = 12
TAG_BYTES = 16
DATA_KEY_BYTES = 16  # SM4 is a 128-bit block cipher with a 128-bit key
INDEX_KEY_BYTES = 32
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
_HEX = re.compile(r"^[0-9a-fA-F]+$")
KEY_SETTINGS = ("PEOPLE_KEY_FILE", "PEOPLE_DATA_KEYS", "PEOPLE_INDEX_KEY", "CRYPTO_PROVIDER")


class KeysNotConfigured(ImproperlyConfigured):
    """No key, a malformed key, or a key set that contradicts itself."""


class DecryptionFailed(Exception):
    """A token that does not decrypt: tampered with, in the wrong column, or a wrong key."""


@dataclass(frozen=True)
class KeySet:
    data_keys: dict[str, bytes]
    current: str
    index_id: str
    index_key: bytes
    source: str  # where the keys came from, for messages (never the keys themselves)


def _refuse(problem: str) -> KeysNotConfigured:
    return KeysNotConfigured(
        "个人信息加密密钥配置有误，统战人士数据库拒绝启动（不会写入任何未加密的个人信息）："
        f"{problem} 请设置 PEOPLE_KEY_FILE（密钥文件路径，数据库之外）或环境变量 "
        "PEOPLE_DATA_KEYS 与 PEOPLE_INDEX_KEY，见 README“统战人士数据库的密钥”。"
    )


def _key_bytes(key_id: str, text: str, size: int, what: str) -> bytes:
    if not _KEY_ID.match(key_id or ""):
        raise _refuse(f"密钥编号“{key_id}”不合规（1–16 位字母、数字、- 或 _）。")
    text = (text or "").strip()
    if not _HEX.match(text) or len(text) != size * 2:
        raise _refuse(
            f"{what}“{key_id}”应为 {size * 2} 位十六进制数（{size} 字节），实际为 {len(text)} 位。"
        )
    return bytes.fromhex(text)


def _pairs(text: str, what: str) -> list[tuple[str, str]]:
    pairs = []
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            continue
        key_id, sep, value = item.partition(":")
        if not sep:
            raise _refuse(f"{what}的每一项应写成“编号:十六进制密钥”。")
        pairs.append((key_id.strip(), value.strip()))
    return pairs


def _from_env(data_text: str, index_text: str) -> KeySet:
    pairs = _pairs(data_text, "PEOPLE_DATA_KEYS")
    if not pairs:
        raise _refuse("PEOPLE_DATA_KEYS 为空。")
    index = _pairs(index_text, "PEOPLE_INDEX_KEY")
    if len(index) != 1:
        raise _refuse("PEOPLE_INDEX_KEY 应恰好包含一个“编号:十六进制密钥”。")
    data_keys: dict[str, bytes] = {}
    for key_id, value in pairs:
        if key_id in data_keys:
            raise _refuse(f"数据密钥编号“{key_id}”重复。")
        data_keys[key_id] = _key_bytes(key_id, value, DATA_KEY_BYTES, "数据密钥")
    index_id, index_value = index[0]
    return KeySet(
        data_keys=data_keys,
        current=pairs[0][0],
        index_id=index_id,
        index_key=_key_bytes(index_id, index_value, INDEX_KEY_BYTES, "索引密钥"),
        source="environment",
    )


def _from_file(path: Path) -> KeySet:
    if not path.is_file():
        raise _refuse(f"密钥文件 {path} 不存在。")
    for unsafe in (settings.MEDIA_ROOT, settings.STATIC_ROOT, *settings.STATICFILES_DIRS):
        if unsafe and path.resolve().is_relative_to(Path(unsafe).resolve()):
            raise _refuse(f"密钥文件 {path} 位于可被下载的目录 {unsafe} 中。")
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
        data = spec["data_keys"]
        current = spec["current"]
        index = spec["index_key"]
        index_id, index_value = index["id"], index["key"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise _refuse(
            f"密钥文件 {path} 无法读取或格式不对（应为 JSON："
            '{"current": "k1", "data_keys": {"k1": "…"}, "index_key": {"id": "i1", "key": "…"}}）'
            f"：{type(error).__name__}。"
        ) from None
    if not isinstance(data, dict) or not data:
        raise _refuse(f"密钥文件 {path} 中没有数据密钥。")
    data_keys = {
        str(k): _key_bytes(str(k), str(v), DATA_KEY_BYTES, "数据密钥") for k, v in data.items()
    }
    if current not in data_keys:
        raise _refuse(f"密钥文件 {path} 的当前密钥“{current}”不在 data_keys 中。")
    return KeySet(
        data_keys=data_keys,
        current=str(current),
        index_id=str(index_id),
        index_key=_key_bytes(str(index_id), str(index_value), INDEX_KEY_BYTES, "索引密钥"),
        source=str(path),
    )


def load_keys() -> KeySet:
    """The configured key set; KeysNotConfigured with a clear message if there is none."""
    key_file = str(getattr(settings, "PEOPLE_KEY_FILE", "") or "")
    data_text = str(getattr(settings, "PEOPLE_DATA_KEYS", "") or "")
    index_text = str(getattr(settings, "PEOPLE_INDEX_KEY", "") or "")
    if key_file and (data_text or index_text):
        raise _refuse(
            "同时设置了 PEOPLE_KEY_FILE 与 PEOPLE_DATA_KEYS/PEOPLE_INDEX_KEY，只能选一种。"
        )
    if key_file:
        keys = _from_file(Path(key_file))
    elif data_text or index_text:
        keys = _from_env(data_text, index_text)
    else:
        raise _refuse("未配置任何密钥。")
    secret = str(getattr(settings, "SECRET_KEY", "") or "").lower()
    for key in [*keys.data_keys.values(), keys.index_key]:
        if key.hex() in secret:
            raise _refuse("密钥不得取自 SECRET_KEY。")
    if keys.index_key in keys.data_keys.values():
        raise _refuse("索引密钥不得与数据密钥相同。")
    return keys


def generate_key_file(path: Path) -> None:
    """A fresh key file (development: `make run` writes var/people_keys.json once)."""
    spec = {
        "current": "k1",
        "data_keys": {"k1": secrets.token_hex(DATA_KEY_BYTES)},
        "index_key": {"id": "i1", "key": secrets.token_hex(INDEX_KEY_BYTES)},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(spec, indent=2) + "\n", encoding="utf-8")
    path.chmod(0o600)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def token_key_id(token: str) -> str:
    """The key id a ciphertext was made with, read without decrypting."""
    parts = (token or "").split("$")
    if len(parts) != 5 or parts[0] != TOKEN_PREFIX:
        raise DecryptionFailed("not a ciphertext token")
    return parts[1]


def index_key_id(index: str) -> str:
    return (index or "").partition("$")[0]


class SoftwareCryptoProvider:
    """SM3, SM4-GCM and HMAC-SM3 through the `cryptography` package (OpenSSL).

    ``decryptions`` counts every decrypt call of this process: the benchmark and the tests
    read it to prove a page decrypts only what it shows."""

    def __init__(self) -> None:
        self._keys: KeySet | None = None
        self._lock = threading.Lock()
        self.decryptions = 0

    # --- SM3 -------------------------------------------------------------------
    def digest(self, data: bytes) -> str:
        h = hashes.Hash(hashes.SM3())
        h.update(data)
        return h.finalize().hex()

    # --- keys ------------------------------------------------------------------
    @property
    def keys(self) -> KeySet:
        if self._keys is None:
            with self._lock:
                if self._keys is None:
                    self._keys = load_keys()
        return self._keys

    def check_keys(self) -> None:
        """Raise KeysNotConfigured unless the keys are present and well-formed."""
        self.keys  # noqa: B018  (loading is the check)

    @property
    def current_key_id(self) -> str:
        return self.keys.current

    @property
    def current_index_key_id(self) -> str:
        return self.keys.index_id

    def key_fingerprints(self) -> dict[str, str]:
        """{"data:<id>" | "index:<id>": fingerprint}: HMAC-SM3 of a fixed label under each key.
        Stored next to the data, they show that the keys configured are those the data was
        encrypted with, without revealing anything of the keys."""
        keys = self.keys
        found = {f"data:{k}": self._mac(v, b"fic-key-check") for k, v in keys.data_keys.items()}
        found[f"index:{keys.index_id}"] = self._mac(keys.index_key, b"fic-key-check")
        return {name: value[:32] for name, value in found.items()}

    # --- SM4-GCM ---------------------------------------------------------------
    def encrypt(self, plaintext: str, *, context: str) -> str:
        keys = self.keys
        nonce = secrets.token_bytes(NONCE_BYTES)
        encryptor = Cipher(
            algorithms.SM4(keys.data_keys[keys.current]), modes.GCM(nonce)
        ).encryptor()
        encryptor.authenticate_additional_data(context.encode("utf-8"))
        body = encryptor.update(plaintext.encode("utf-8")) + encryptor.finalize()
        return "$".join([TOKEN_PREFIX, keys.current, _b64(nonce), _b64(body), _b64(encryptor.tag)])

    def decrypt(self, token: str, *, context: str) -> str:
        self.decryptions += 1
        key_id = token_key_id(token)
        key = self.keys.data_keys.get(key_id)
        if key is None:
            raise DecryptionFailed(f"key {key_id!r} is not configured")
        _prefix, _kid, nonce, body, tag = token.split("$")
        try:
            decryptor = Cipher(
                algorithms.SM4(key), modes.GCM(_unb64(nonce), _unb64(tag))
            ).decryptor()
            decryptor.authenticate_additional_data(context.encode("utf-8"))
            return (decryptor.update(_unb64(body)) + decryptor.finalize()).decode("utf-8")
        except (InvalidTag, ValueError) as error:
            raise DecryptionFailed(
                f"ciphertext under key {key_id!r} does not decrypt in {context!r}"
            ) from error

    # --- HMAC-SM3 blind index --------------------------------------------------
    def blind_index(self, value: str, *, context: str) -> str:
        keys = self.keys
        mac = self._mac(keys.index_key, context.encode("utf-8") + b"\x00" + value.encode("utf-8"))
        return f"{keys.index_id}${mac}"

    @staticmethod
    def _mac(key: bytes, data: bytes) -> str:
        h = hmac.HMAC(key, hashes.SM3())
        h.update(data)
        return h.finalize().hex()

    @staticmethod
    def same(a: str, b: str) -> bool:
        return std_hmac.compare_digest(a.encode(), b.encode())


@cache
def provider() -> SoftwareCryptoProvider:
    path = getattr(settings, "CRYPTO_PROVIDER", "apps.core.crypto.SoftwareCryptoProvider")
    return import_string(path)()


def reset_provider() -> None:
    """Forget the provider and its keys (tests that change the key settings; rotation)."""
    provider.cache_clear()


def _on_setting_changed(*, setting, **kwargs) -> None:
    if setting in KEY_SETTINGS:
        reset_provider()


setting_changed.connect(_on_setting_changed)
