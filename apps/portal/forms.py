"""Forms of the portal. Fields are listed one by one; nothing is bound to a model."""

import re

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User, UserKind
from apps.core.captcha import CaptchaFormMixin
from apps.enterprises.services import validate_uscc

MOBILE = re.compile(r"^1[3-9]\d{9}$")
USERNAME = re.compile(r"^[A-Za-z0-9_.@+-]{4,30}$")


def _text(**attrs):
    return forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", **attrs})


class UsccField(forms.CharField):
    """A unified social credit code, checked with its check character."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Unified social credit code"))
        kwargs.setdefault("max_length", 30)  # spaces and dashes are dropped
        kwargs.setdefault("widget", _text(autocapitalize="characters"))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return validate_uscc(value) if value else value


class MobileField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mobile phone"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = re.sub(r"[\s-]", "", super().clean(value) or "")
        if value.startswith("+86"):
            value = value[3:]
        if value and not MOBILE.match(value):
            raise ValidationError(
                _("Enter an 11-digit mainland mobile number, such as 13912345678.")
            )
        return value


class LinkDetailsForm(forms.Form):
    """What an enterprise says about itself (registration and a resubmitted request)."""

    uscc = UsccField(
        help_text=_("18 characters, printed on the business licence (营业执照)."),
    )
    name = forms.CharField(label=_("Enterprise name"), max_length=200)
    contact_name = forms.CharField(
        label=_("Contact person"),
        max_length=50,
        help_text=_("The legal representative or the person who will file for the enterprise."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    mobile = MobileField()


class RegistrationForm(CaptchaFormMixin, LinkDetailsForm):
    email = forms.EmailField(
        label=_("Email"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    username = forms.CharField(
        label=_("Username"),
        max_length=30,
        help_text=_("4 to 30 letters, digits or . _ - @ +; you sign in with it."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 10 characters with three of: lower-case letters, upper-case letters, "
            "digits, symbols; not your username."
        ),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    invitation_code = forms.CharField(
        label=_("Invitation code (optional)"),
        max_length=20,
        required=False,
        help_text=_(
            "If your street office or the Federation gave you a code, enter it: your account "
            "is then linked at once, without review."
        ),
        widget=_text(autocapitalize="characters"),
    )
    consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that the platform keeps the contact "
            "details above to manage this account and to contact me about it."
        ),
    )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if not USERNAME.match(username):
            raise ValidationError(_("4 to 30 letters, digits or . _ - @ +; you sign in with it."))
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This username is taken. Choose another."))
        return username

    def clean(self):
        data = super().clean()
        password, again = data.get("password1"), data.get("password2")
        if password and again and password != again:
            self.add_error("password2", _("The two passwords differ."))
        elif password and data.get("username"):
            probe = User(
                username=data["username"],
                full_name=data.get("contact_name", ""),
                email=data.get("email", ""),
                kind=UserKind.ENTERPRISE,
            )
            try:
                validate_password(password, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the rejection"),
        max_length=500,
        help_text=_("The applicant reads this; say what to correct."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InvitationForm(forms.Form):
    uscc = UsccField(help_text=_("The enterprise must be in the enterprise database."))
