"""Forms of the application workflow. Fields are listed one by one; nothing is bound to a
model, and a form only ever hands the services the fields it declares."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.captcha import CaptchaFormMixin
from apps.enterprises.services import validate_uscc
from apps.members.models_applications import (
    ApplicationKind,
    ApplicationStatus,
    AttachmentSlot,
    Gender,
)
from apps.registry.models import Chamber, Industry, Street

from . import uploads
from .services import APPLICANT_FIELDS, REQUIRED_SLOT, NewAttachment

MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalise_mobile(value: str) -> str:
    value = re.sub(r"[\s()-]", "", value or "")
    if value.startswith("+86"):
        value = value[3:]
    return value


class MobileField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mobile phone"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = normalise_mobile(super().clean(value) or "")
        if value and not MOBILE.match(value):
            raise ValidationError(
                _("Enter an 11-digit mainland mobile number, such as 13912345678.")
            )
        return value


class UsccField(forms.CharField):
    """A unified social credit code, checked with its check character."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Unified social credit code"))
        kwargs.setdefault("max_length", 30)  # spaces and dashes are dropped
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return validate_uscc(value) if value else value


class IndustryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.section} {obj.code} {obj.name}"


class StreetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.short_name


def _file_field(slot: str, *, required: bool, help_text) -> forms.FileField:
    return forms.FileField(
        label=AttachmentSlot(slot).label,
        required=required,
        help_text=help_text,
        widget=forms.FileInput(attrs={"accept": uploads.ACCEPT}),
    )


FILE_HELP = _("PDF, JPG or PNG, at most %(mb)d MB.")


class ApplicationForm(CaptchaFormMixin):
    """What every kind of applicant fills in; the subclasses add their own fields.

    `captcha_ok` is the result of the captcha check the view made before anything else
    (an unsolved captcha skips the costly file checks). `too_large` names the file fields
    whose upload was cut off at the size cap. With `answering` (a returned application)
    there is no captcha or consent, and documents are optional (the old ones stay).
    """

    kind = ""
    street = StreetChoiceField(
        label=_("Street (街乡)"),
        queryset=Street.objects.order_by("code"),
        help_text=_("Where the enterprise is registered, or where you live or work."),
        empty_label="—",
    )
    contact_name = forms.CharField(
        label=_("Contact person"),
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    mobile = MobileField(
        help_text=_("We send the reference number and the decision to this number."),
    )
    email = forms.EmailField(
        label=_("Email"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    address = forms.CharField(label=_("Postal address"), max_length=200, required=False)
    introduction = forms.CharField(
        label=_("Introduction"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    other = _file_field(
        AttachmentSlot.OTHER,
        required=False,
        help_text="",
    )
    consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that the Federation keeps the details "
            "and documents above to review this application and to contact me about it."
        ),
    )

    def __init__(self, *args, captcha_ok=None, too_large=(), answering=False, **kwargs):
        super().__init__(*args, captcha_ok=captcha_ok, **kwargs)
        self.too_large = set(too_large)
        self.answering = answering
        self.attachments: list[NewAttachment] = []
        for slot in self.slots():
            field = self.fields[slot]
            field.help_text = FILE_HELP % {"mb": uploads.max_megabytes()}
            if answering or slot in self.too_large:
                field.required = False
            if answering:
                field.help_text = _("Only if you replace the document sent before.")
        if answering:
            for name in ("consent", "captcha", "captcha_key", "sensitive_consent"):
                self.fields.pop(name, None)

    @classmethod
    def slots(cls) -> list[str]:
        return [REQUIRED_SLOT[cls.kind], AttachmentSlot.OTHER] if cls.kind else []

    def _clean_file(self, slot: str):
        upload = self.cleaned_data.get(slot)
        if slot in self.too_large:
            raise ValidationError(
                _("The file is larger than %(mb)d MB. Scan at a lower resolution or compress it.")
                % {"mb": uploads.max_megabytes()}
            )
        if not upload or self.captcha_ok is False:
            return None
        checked = uploads.check_upload(upload)
        self.attachments.append(NewAttachment(slot=slot, upload=upload, checked=checked))
        return upload

    def clean(self):
        data = super().clean()
        for slot in self.slots():
            if slot in self.errors:
                continue
            try:
                self._clean_file(slot)
            except ValidationError as error:
                self.add_error(slot, error)
        return data

    def applicant_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in APPLICANT_FIELDS}


class EnterpriseApplicationForm(ApplicationForm):
    kind = ApplicationKind.ENTERPRISE
    field_order = [
        "uscc",
        "org_name",
        "legal_representative",
        "industry",
        "employees",
        "street",
        "address",
        "contact_name",
        "mobile",
        "email",
        "introduction",
        "licence",
        "other",
    ]

    uscc = UsccField(help_text=_("18 characters, printed on the business licence (营业执照)."))
    org_name = forms.CharField(label=_("Enterprise name"), max_length=200)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=50)
    industry = IndustryChoiceField(
        label=_("Industry"),
        queryset=Industry.objects.filter(level=Industry.Level.DIVISION).order_by("code"),
        empty_label="—",
    )
    employees = forms.IntegerField(label=_("Employees"), min_value=0, max_value=10_000_000)
    licence = _file_field(AttachmentSlot.LICENCE, required=True, help_text="")


class GroupApplicationForm(ApplicationForm):
    kind = ApplicationKind.GROUP
    field_order = [
        "org_name",
        "uscc",
        "chamber",
        "legal_representative",
        "street",
        "address",
        "contact_name",
        "mobile",
        "email",
        "introduction",
        "registration",
        "other",
    ]

    org_name = forms.CharField(label=_("Name of the chamber or association"), max_length=200)
    uscc = UsccField(
        required=False,
        help_text=_("The organisation's unified social credit code, if it has one."),
    )
    chamber = forms.ModelChoiceField(
        label=_("One of the Federation's chambers"),
        queryset=Chamber.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label="—",
        help_text=_("Choose it if the applicant is a chamber of the Federation."),
    )
    legal_representative = forms.CharField(label=_("Person in charge"), max_length=50)
    registration = _file_field(AttachmentSlot.REGISTRATION, required=True, help_text="")


class PersonApplicationForm(ApplicationForm):
    kind = ApplicationKind.PERSON
    field_order = [
        "person_name",
        "gender",
        "mobile",
        "email",
        "employer",
        "position",
        "street",
        "address",
        "introduction",
        "id_scan",
        "other",
    ]

    person_name = forms.CharField(
        label=_("Personal name"),
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, widget=forms.RadioSelect)
    employer = forms.CharField(label=_("Employer"), max_length=100)
    position = forms.CharField(label=_("Position"), max_length=50)
    id_scan = _file_field(AttachmentSlot.ID_SCAN, required=True, help_text="")
    sensitive_consent = forms.BooleanField(
        label=_(
            "I agree separately that the Federation keeps the scan of my identity card, which "
            "is sensitive personal information, only to check who I am for this application."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("contact_name")
        self.fields["mobile"].help_text = _(
            "Your own mobile: we send the reference number and the decision to it."
        )
        self.fields["introduction"].label = _("Short curriculum vitae")
        self.order_fields(
            [*self.field_order, "consent", "sensitive_consent", "captcha_key", "captcha"]
        )


FORMS = {
    ApplicationKind.ENTERPRISE: EnterpriseApplicationForm,
    ApplicationKind.GROUP: GroupApplicationForm,
    ApplicationKind.PERSON: PersonApplicationForm,
}

# The URL segment of each kind of form.
KIND_SLUGS = {
    "enterprise": ApplicationKind.ENTERPRISE,
    "group": ApplicationKind.GROUP,
    "person": ApplicationKind.PERSON,
}


def initial_from(application) -> dict:
    """The form's initial values for a returned application the applicant answers."""
    return {
        name: getattr(
            application, f"{name}_id" if name in {"street", "industry", "chamber"} else name
        )
        for name in APPLICANT_FIELDS
    }


class StatusLookupForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=_("Given when you applied, e.g. RH250301K7QM3X."),
    )
    mobile = MobileField(help_text=_("The mobile number given in the application."))

    def clean_reference(self):
        return re.sub(r"\s", "", self.cleaned_data["reference"]).upper()


# --- reviewers ------------------------------------------------------------------------


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReviewForm(DecisionForm):
    note = forms.CharField(
        label=_("Opinion of the preliminary review"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(DecisionForm):
    reason = forms.CharField(
        label=_("Reason given to the applicant"),
        max_length=1000,
        help_text=_("The applicant reads this; say what to add or correct."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApproveForm(DecisionForm):
    join_date = forms.DateField(
        label=_("Join date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    meeting_name = forms.CharField(
        label=_("Meeting"),
        max_length=100,
        required=False,
        help_text=_("The meeting that decided, if any, e.g. 第十五届常委会第三次会议."),
    )
    meeting_date = forms.DateField(
        label=_("Meeting date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=_("Remarks"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("join_date", timezone.localdate())
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("meeting_date") and not data.get("meeting_name"):
            self.add_error("meeting_name", _("Name the meeting held on that date."))
        return data


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open (all steps)")), *ApplicationStatus.choices, ("all", _("All"))],
    )
    kind = forms.ChoiceField(
        label=_("Member kind"), required=False, choices=[("", "—"), *ApplicationKind.choices]
    )
    street = StreetChoiceField(
        label=_("Street"), queryset=Street.objects.order_by("code"), required=False, empty_label="—"
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
