"""Forms of the member screens. They validate input; the services decide the rules."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.enterprises.selectors import enterprises_by_uscc
from apps.enterprises.services import validate_uscc
from apps.registry.models import Chamber, Street

from .models import (
    CHAMBER_POSTS,
    FIC_POSTS,
    STATUS_TRANSITIONS,
    ChamberProfile,
    MemberKind,
    MemberStatus,
    PaymentMethod,
    Post,
    Term,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberForm(forms.Form):
    """New member (staff). The enterprise is named by its credit code."""

    kind = forms.ChoiceField(
        label=_("Member kind"), choices=MemberKind.choices, widget=forms.RadioSelect
    )
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=30,
        required=False,
        help_text=_("Enterprise members: the enterprise must be in the enterprise database."),
    )
    chamber = forms.ModelChoiceField(
        label=_("Chamber"),
        queryset=Chamber.objects.all(),
        required=False,
        help_text=_("Group members: one of the FIC's chambers, or name the association below."),
    )
    group_name = forms.CharField(label=_("Association name"), max_length=100, required=False)
    person_name = forms.CharField(label=_("Name"), max_length=50, required=False)
    person_mobile = forms.CharField(label=_("Mobile"), max_length=20, required=False)
    street = forms.ModelChoiceField(
        label=_("Street"),
        queryset=Street.objects.all(),
        required=False,
        help_text=_("Enterprise members: the enterprise's street when left empty."),
    )
    join_date = forms.DateField(label=_("Join date"), widget=DATE_WIDGET)
    chambers = forms.ModelMultipleChoiceField(
        label=_("Chambers belonged to"),
        queryset=Chamber.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    directory_opt_in = forms.BooleanField(
        label=_("Listed in the public directory"),
        required=False,
        help_text=_("Only with the member's consent."),
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["chambers"].queryset = Chamber.objects.filter(active=True)

    def clean_join_date(self):
        value = self.cleaned_data["join_date"]
        if value > timezone.localdate():
            raise ValidationError(_("The join date cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == MemberKind.ENTERPRISE:
            code = data.get("uscc", "")
            if not code:
                self.add_error("uscc", _("An enterprise member needs a credit code."))
            else:
                try:
                    code = validate_uscc(code)
                except ValidationError as error:
                    self.add_error("uscc", error)
                    return data
                enterprise = enterprises_by_uscc(self.user, [code]).get(code)
                if enterprise is None:
                    self.add_error(
                        "uscc",
                        _(
                            "No enterprise with this credit code in the enterprise database "
                            "(in your scope). Add the enterprise there first."
                        ),
                    )
                else:
                    data["enterprise"] = enterprise
                    data["street"] = data.get("street") or enterprise.street
        elif kind == MemberKind.GROUP:
            if not data.get("chamber") and not data.get("group_name"):
                self.add_error(
                    "group_name", _("A group member needs a chamber or an association name.")
                )
        elif kind == MemberKind.PERSON and not data.get("person_name"):
            self.add_error("person_name", _("An individual member needs a name."))
        enterprise_unknown = kind == MemberKind.ENTERPRISE and "uscc" in self.errors
        if (
            kind
            and not data.get("street")
            and "street" not in self.errors
            and not enterprise_unknown
        ):
            self.add_error("street", _("Choose the member's street."))
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "enterprise": data.get("enterprise"),
            "chamber": data.get("chamber"),
            "group_name": data.get("group_name", ""),
            "person_name": data.get("person_name", ""),
            "person_mobile": data.get("person_mobile", ""),
            "street": data["street"],
            "join_date": data["join_date"],
            "chambers": data.get("chambers") or [],
            "contact_name": data.get("contact_name", ""),
            "contact_phone": data.get("contact_phone", ""),
            "directory_opt_in": data.get("directory_opt_in", False),
            "note": data.get("note", ""),
        }


class MemberEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    group_name = forms.CharField(label=_("Association name"), max_length=100, required=False)
    person_name = forms.CharField(label=_("Name"), max_length=50, required=False)
    person_mobile = forms.CharField(label=_("Mobile"), max_length=20, required=False)
    street = forms.ModelChoiceField(label=_("Street"), queryset=Street.objects.all())
    join_date = forms.DateField(label=_("Join date"), widget=DATE_WIDGET)
    chambers = forms.ModelMultipleChoiceField(
        label=_("Chambers belonged to"),
        queryset=Chamber.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    directory_opt_in = forms.BooleanField(
        label=_("Listed in the public directory"),
        required=False,
        help_text=_("Only with the member's consent."),
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea)

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        if member.kind != MemberKind.GROUP or member.chamber_id:
            del self.fields["group_name"]
        if member.kind != MemberKind.PERSON:
            del self.fields["person_name"]
            del self.fields["person_mobile"]
        self.fields["chambers"].queryset = Chamber.objects.filter(active=True)

    def clean_person_name(self):
        value = self.cleaned_data["person_name"].strip()
        if not value:
            raise ValidationError(_("An individual member needs a name."))
        return value

    def clean_group_name(self):
        value = self.cleaned_data["group_name"].strip()
        if not value:
            raise ValidationError(_("A group member needs a chamber or an association name."))
        return value

    def service_fields(self) -> dict:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in {"version", "chambers"}
        }


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=())
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = STATUS_TRANSITIONS.get(member.status, frozenset())
        self.fields["status"].choices = [
            (value, label) for value, label in MemberStatus.choices if value in allowed
        ]
        self.fields["date"].initial = timezone.localdate()


class TermForm(forms.Form):
    chamber = forms.ModelChoiceField(
        label=_("Chamber"),
        queryset=Chamber.objects.all(),
        required=False,
        help_text=_("Empty for a term of the FIC itself."),
    )
    number = forms.IntegerField(label=_("Term number"), min_value=1, max_value=99)
    start = forms.DateField(label=_("Start"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("End"), widget=DATE_WIDGET, required=False)


class PostAssignForm(forms.Form):
    term = forms.ModelChoiceField(label=_("Term"), queryset=Term.objects.none())
    post = forms.ChoiceField(label=_("Post"), choices=Post.choices)
    start = forms.DateField(label=_("Start"), widget=DATE_WIDGET)

    def __init__(self, *args, terms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = terms
        self.fields["term"].label_from_instance = lambda t: f"{t.body_name} {t}"
        self.fields["post"].choices = [
            (_("FIC posts"), [(p.value, p.label) for p in FIC_POSTS]),
            (_("Chamber posts"), [(p.value, p.label) for p in CHAMBER_POSTS]),
        ]
        self.fields["start"].initial = timezone.localdate()


class PostEndForm(forms.Form):
    end = forms.DateField(label=_("End"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Reason for leaving"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end"].initial = timezone.localdate()


class ChamberProfileForm(forms.ModelForm):
    class Meta:
        model = ChamberProfile
        fields = [
            "registration_number",
            "registration_authority",
            "registered_on",
            "supervisor",
            "address",
            "contact_name",
            "contact_phone",
            "introduction",
        ]
        widgets = {"registered_on": DATE_WIDGET}


class ActivityForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    title = forms.CharField(label=_("Title"), max_length=200)
    participants = forms.CharField(
        label=_("Participants"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Names of participants, separated by commas or 、."),
    )
    participant_count = forms.IntegerField(
        label=_("Number of participants"),
        min_value=0,
        required=False,
        help_text=_("Counted from the names when left empty."),
    )
    description = forms.CharField(
        label=_("Description"), max_length=4000, required=False, widget=forms.Textarea
    )


class PaymentForm(forms.Form):
    year = forms.IntegerField(label=_("For year"), min_value=1990, max_value=2100)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE_WIDGET)
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=40)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["paid_on"].initial = today


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (xlsx)"),
        help_text=_("Use the template's headers; the column order does not matter."),
    )


def rate_field_name(kind: str, post: str) -> str:
    return f"rate__{kind}__{post or 'any'}"


class RatesForm(forms.Form):
    """The dues table: one amount per member kind, and per kind and post (empty: none)."""

    def __init__(self, *args, rates: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid = []
        for post in ["", *Post.values]:
            label = Post(post).label if post else _("Every member")
            cells = []
            for kind, kind_label in MemberKind.choices:
                name = rate_field_name(kind, post)
                self.fields[name] = forms.DecimalField(
                    label=f"{kind_label} · {label}",
                    required=False,
                    min_value=Decimal(0),
                    max_digits=12,
                    decimal_places=2,
                    initial=rates.get((kind, post)),
                )
                cells.append(name)
            self.grid.append((label, cells))

    def rows(self):
        """[(post label, [bound fields per kind])] for the table."""
        return [(label, [self[name] for name in cells]) for label, cells in self.grid]

    def rates(self) -> dict:
        found = {}
        for post in ["", *Post.values]:
            for kind in MemberKind.values:
                found[(kind, post)] = self.cleaned_data.get(rate_field_name(kind, post))
        return found
