"""Password rules of 等保 2.0 (see docs/decisions/0002-password-policy.md)."""

import string

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def character_classes(password: str) -> int:
    classes = [
        any(c in string.ascii_lowercase for c in password),
        any(c in string.ascii_uppercase for c in password),
        any(c in string.digits for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(classes)


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _(
                    "The password must use at least %(n)d of the 4 kinds of character "
                    "(lowercase, uppercase, digits, symbols)."
                )
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self):
        return _(
            "Use at least %(n)d of: lowercase letters, uppercase letters, digits, symbols."
        ) % {"n": self.min_classes}


class NotContainingUsernameValidator:
    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").lower()
        # A two-letter username would forbid half the dictionary; 3+ is a real name.
        if len(username) >= 3 and username in password.lower():
            raise ValidationError(
                _("The password must not contain the username."), code="password_has_username"
            )

    def get_help_text(self):
        return _("The password must not contain the username.")


# A mainland China mobile number: 11 digits, 1 then 3-9 (no +86, no separators).
validate_mobile = RegexValidator(
    r"^1[3-9]\d{9}$",
    message=gettext_lazy("Enter an 11-digit mainland mobile number, for example 13912345678."),
    code="mobile",
)
