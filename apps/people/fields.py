"""Model fields for personal data encrypted at rest (decision 0015).

``EncryptedField`` stores a value as an SM4-GCM token from the crypto provider; the column
never holds plaintext. On the model instance the value is

* a ``str`` after it has been assigned in code (a new person, an edit), until saved;
* a ``Sealed`` once saved or loaded: the token, opaque. Loading rows decrypts nothing —
  ``Sealed.masked()`` (also its ``str()``) decrypts the one value it masks, ``reveal()``
  gives the full value. A page therefore decrypts exactly the values it shows, and a
  template that prints the field by mistake shows it masked.

``BlindIndexField`` keeps the HMAC-SM3 look-up index of another field, computed from the
plaintext when the value is assigned. Filtering on an encrypted field is refused (the
ciphertext is random); look up through the index with ``index_for``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import FieldError
from django.db import models

from apps.core import crypto


class Sealed:
    """An encrypted value as stored: nothing is decrypted until it is asked for."""

    __slots__ = ("_mask", "_plain", "context", "token")

    def __init__(self, token: str, context: str, mask: Callable[[str], str], plain=None):
        self.token = token
        self.context = context
        self._mask = mask
        self._plain = plain

    def reveal(self) -> str:
        """The full value (one decryption, counted by the provider; kept for this object)."""
        if self._plain is None:
            from .keys import ensure_verified

            ensure_verified()
            self._plain = crypto.provider().decrypt(self.token, context=self.context)
        return self._plain

    def masked(self) -> str:
        return self._mask(self.reveal())

    @property
    def key_id(self) -> str:
        return crypto.token_key_id(self.token)

    def __str__(self) -> str:
        return self.masked()

    def __repr__(self) -> str:
        return f"<Sealed {self.context} key={self.token.split('$')[1:2]}>"

    def __bool__(self) -> bool:
        return bool(self.token)

    def __eq__(self, other) -> bool:
        return isinstance(other, Sealed) and other.token == self.token

    def __hash__(self) -> int:
        return hash(self.token)


def _no_mask(value: str) -> str:
    return "*" * len(value)


class EncryptedField(models.TextField):
    """Text encrypted with SM4-GCM under the current key; the context names the column."""

    def __init__(self, *args, mask: Callable[[str], str] | None = None, **kwargs):
        self.mask = mask or _no_mask
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        self.context = f"{cls._meta.label_lower}.{name}"

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("default", None)
        kwargs.pop("blank", None)
        return name, path, args, kwargs

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"{self.name} is encrypted: look it up through its blind index, not '{lookup_name}'"
        )

    def from_db_value(self, value, expression, connection):
        if not value:
            return ""
        return Sealed(value, self.context, self.mask)

    def to_python(self, value):
        if value is None or isinstance(value, Sealed):
            return value
        return str(value)

    def seal(self, value) -> Sealed | str:
        """The value as it will be stored: plaintext becomes a Sealed (encrypted now)."""
        if isinstance(value, Sealed) or not value:
            return value or ""
        from .keys import ensure_verified

        ensure_verified()
        token = crypto.provider().encrypt(str(value), context=self.context)
        return Sealed(token, self.context, self.mask, plain=str(value))

    def pre_save(self, model_instance, add):
        sealed = self.seal(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, sealed)
        return sealed

    def get_prep_value(self, value):
        if value is None:
            return None
        sealed = self.seal(value)
        return sealed.token if isinstance(sealed, Sealed) else ""

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return value.token if isinstance(value, Sealed) else ""


class BlindIndexField(models.CharField):
    """HMAC-SM3 of the normalised plaintext of ``source``: "" when the source is empty."""

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 90)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key in ("max_length", "editable", "blank", "default"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.source)
        plain = value._plain if isinstance(value, Sealed) else value
        if plain is not None:
            # Assigned (or just sealed) in this process: its index follows it. A Sealed read
            # from the database keeps the index stored with it.
            source_field = model_instance._meta.get_field(self.source)
            setattr(model_instance, self.attname, index_for(source_field, plain))
        return getattr(model_instance, self.attname)


def index_for(field: EncryptedField, plain: str) -> str:
    """The blind index of a plaintext value of `field` ("" for an empty value)."""
    if not plain:
        return ""
    return crypto.provider().blind_index(str(plain), context=field.context)
