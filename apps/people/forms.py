"""Forms of the people database. Plain forms with explicit fields (no ModelForm over the
encrypted columns, nothing assigned from POST that is not listed here)."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.enterprises.selectors import enterprises_by_uscc
from apps.enterprises.services import validate_uscc

from . import uploads
from .models import (
    ETHNIC_GROUPS,
    Affiliation,
    ArrangementKind,
    Education,
    EvaluationGrade,
    Gender,
    Level,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def split_tags(text: str) -> list[str]:
    for sep in ("，", ",", ";", "；", "/", " "):
        text = text.replace(sep, "、")
    return [t.strip() for t in text.split("、") if t.strip()]


class PersonForm(forms.Form):
    """New person (`person=None`) or edit. On an edit the ID number and mobile inputs start
    empty: leaving them empty keeps the stored values, which are never sent to the browser."""

    name = forms.CharField(label=_("Name of person"), max_length=50)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    ethnicity = forms.ChoiceField(label=_("Ethnic group"), choices=ETHNIC_GROUPS, initial="01")
    birth_date = forms.DateField(label=_("Birth date"), widget=DATE)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=25,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    mobile = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    remove_mobile = forms.BooleanField(label=_("Remove the mobile number"), required=False)
    affiliation = forms.ChoiceField(label=_("Political affiliation"), choices=Affiliation.choices)
    education = forms.ChoiceField(
        label=_("Education"), choices=[("", "—"), *Education.choices], required=False
    )
    title = forms.CharField(label=_("Professional title"), max_length=50, required=False)
    enterprise_uscc = forms.CharField(
        label=_("Credit code of the enterprise"),
        max_length=18,
        required=False,
        help_text=_("The enterprise must be in the enterprise database."),
    )
    position = forms.CharField(label=_("Position in the enterprise"), max_length=50, required=False)
    tags = forms.CharField(
        label=_("Talent tags"),
        max_length=300,
        required=False,
        help_text=_("Fields of expertise, separated by 、 or commas."),
    )
    notes = forms.CharField(
        label=_("Remarks"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, person=None, personal: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.person = person
        self.enterprise = None
        if person is None:
            del self.fields["remove_mobile"]
            del self.fields["version"]
        else:
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = _(
                "Stored: %(masked)s. Leave empty to keep it."
            ) % {"masked": person.id_number_masked}
            masked = person.mobile_masked
            self.fields["mobile"].help_text = (
                _("Stored: %(masked)s. Leave empty to keep it.") % {"masked": masked}
                if masked
                else _("None stored.")
            )
            if not masked:
                del self.fields["remove_mobile"]
        if not personal:
            # Without the personal-data grade the ID number and mobile are neither shown nor
            # changed here.
            for name in ("id_number", "mobile", "remove_mobile"):
                self.fields.pop(name, None)

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        if value > timezone.localdate() or value < date(1900, 1, 1):
            raise ValidationError(_("The birth date is impossible."))
        return value

    def clean_enterprise_uscc(self):
        text = (self.cleaned_data.get("enterprise_uscc") or "").strip()
        if not text:
            return ""
        code = validate_uscc(text)
        self.enterprise = enterprises_by_uscc(self.user, [code]).get(code)
        if self.enterprise is None:
            raise ValidationError(
                _("No enterprise with this credit code in the enterprise database.")
            )
        return code

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in (
                "name",
                "gender",
                "ethnicity",
                "birth_date",
                "affiliation",
                "education",
                "title",
                "position",
                "notes",
            )
        }
        fields["enterprise"] = self.enterprise
        fields["tags"] = split_tags(data.get("tags", ""))
        if "id_number" in self.fields and (self.person is None or data.get("id_number")):
            fields["id_number"] = data["id_number"]
        if "mobile" in self.fields:
            if data.get("remove_mobile"):
                fields["mobile"] = ""
            elif self.person is None or data.get("mobile"):
                fields["mobile"] = data.get("mobile", "")
        return fields


class RevealForm(forms.Form):
    field = forms.ChoiceField(
        choices=[("id_number", _("ID number")), ("mobile", _("Mobile phone"))]
    )
    reason = forms.CharField(
        label=_("Why do you need the full value?"),
        max_length=200,
        min_length=2,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        # The generic "required" would not say what is missing: the service's own words.
        error_messages={
            "required": _("Say why you need the full value (at least 2 characters)."),
            "min_length": _("Say why you need the full value (at least 2 characters)."),
        },
    )


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"),
        widget=forms.FileInput(attrs={"accept": uploads.ACCEPT}),
    )


class ArrangementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Arrangement"), choices=ArrangementKind.choices)
    level = forms.ChoiceField(label=_("Arrangement level"), choices=Level.choices)
    term_number = forms.IntegerField(label=_("Term (届)"), min_value=1, max_value=99)
    start = forms.DateField(label=_("Start"), widget=DATE)
    end = forms.DateField(label=_("End"), widget=DATE, required=False)
    note = forms.CharField(label=_("Remarks"), max_length=200, required=False)


class HonourForm(forms.Form):
    title = forms.CharField(label=_("Honour"), max_length=100)
    awarded_by = forms.CharField(label=_("Awarded by"), max_length=100, required=False)
    awarded_on = forms.DateField(label=_("Awarded on"), widget=DATE)


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("Course"), max_length=100)
    organiser = forms.CharField(label=_("Organiser"), max_length=100, required=False)
    start = forms.DateField(label=_("Start"), widget=DATE)
    end = forms.DateField(label=_("End"), widget=DATE, required=False)


class EvaluationForm(forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), choices=EvaluationGrade.choices)
    evaluated_on = forms.DateField(label=_("Evaluated on"), widget=DATE)
    body = forms.CharField(label=_("Evaluating body"), max_length=100)
    note = forms.CharField(label=_("Remarks"), max_length=200, required=False)


class MemberLinkForm(forms.Form):
    number = forms.CharField(
        label=_("Member number"),
        max_length=30,
        help_text=_("The member record (individual or enterprise member) this person stands for."),
    )


class ExportRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the full values?"), max_length=200, min_length=2
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    note = forms.CharField(label=_("Comment"), max_length=200, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
        help_text=_("xlsx or csv (UTF-8 or GBK), with the template's headers."),
    )
