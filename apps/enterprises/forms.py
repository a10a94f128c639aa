"""Forms of the enterprise screens. Fields are listed one by one (never "__all__")."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.masking import can_see_personal, mask_phone
from apps.registry.models import DictionaryItem, Industry

from . import services
from .models import Enterprise, EnterpriseNote, LedgerEntry

_CLASS_CODE = re.compile(r"^\d{4}$")


class EnterpriseForm(forms.ModelForm):
    industry_code = forms.CharField(
        label=_("Industry class code"),
        max_length=4,
        help_text=_("The 4-digit class code of GB/T 4754-2017, for example 6513."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    former_names_text = forms.CharField(
        label=_("Former names"),
        required=False,
        help_text=_("One name per line. A renamed enterprise keeps its old name here."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"),
        queryset=DictionaryItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "inline"}),
    )
    # The version the editor loaded, for optimistic locking.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Enterprise
        fields = [
            "uscc",
            "name",
            "street",
            "registration_type",
            "established",
            "registered_capital",
            "legal_representative",
            "address",
            "contact_phone",
            "status",
        ]
        widgets = {
            "established": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "uscc": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # ModelForm copies cleaned values onto the instance while validating: remember
        # what was stored.
        self.stored_name = self.instance.name
        self.stored_phone = self.instance.contact_phone
        self.fields["tags"].queryset = DictionaryItem.objects.filter(
            kind=DictionaryItem.Kind.ENTERPRISE_TAG, active=True
        ).order_by("order", "code")
        instance = self.instance
        if instance.pk:
            self.fields["version"].initial = instance.version
            self.fields["industry_code"].initial = instance.industry.code
            self.fields["former_names_text"].initial = "\n".join(instance.former_names or [])
            self.fields["tags"].initial = list(instance.tags.all())
            if not can_see_personal(user) and instance.contact_phone:
                # The editor never receives the number unmasked; leaving the masked
                # value untouched keeps the stored number (see clean_contact_phone).
                self.initial["contact_phone"] = mask_phone(instance.contact_phone)
                self.fields["contact_phone"].help_text = _(
                    "Shown masked. Leave it as it is to keep the number, or type a new one."
                )

    def clean_uscc(self):
        return services.validate_uscc(self.cleaned_data["uscc"])

    def clean_industry_code(self):
        code = self.cleaned_data["industry_code"].strip()
        industry = None
        if _CLASS_CODE.match(code):
            industry = Industry.objects.filter(code=code, level=Industry.Level.CLASS).first()
        if industry is None:
            raise ValidationError(
                _("Enter a 4-digit industry class code of GB/T 4754-2017, for example 6513."),
                code="industry",
            )
        self.industry = industry
        return code

    def clean_contact_phone(self):
        value = self.cleaned_data.get("contact_phone", "").strip()
        stored = self.stored_phone if self.instance.pk else ""
        if stored and value == mask_phone(stored) and not can_see_personal(self.user):
            return stored
        if "*" in value:
            raise ValidationError(
                _("Type the whole phone number, or leave the masked number unchanged."),
                code="masked",
            )
        return value

    def clean_former_names_text(self):
        lines = self.cleaned_data.get("former_names_text", "").splitlines()
        names = []
        for line in lines:
            name = line.strip()
            if name and name not in names:
                names.append(name[:200])
        return names

    def service_fields(self) -> dict:
        """The cleaned values in the shape the services take."""
        data = self.cleaned_data
        fields = {name: data[name] for name in self.Meta.fields}
        fields["industry"] = self.industry
        fields["former_names"] = data["former_names_text"]
        renamed = self.instance.pk and fields["name"] != self.stored_name
        if renamed and self.stored_name not in fields["former_names"]:
            # A renamed enterprise stays findable by its old name.
            fields["former_names"] = [*fields["former_names"], self.stored_name]
        fields["former_names"] = [n for n in fields["former_names"] if n != fields["name"]]
        return fields


class NoteForm(forms.ModelForm):
    class Meta:
        model = EnterpriseNote
        fields = ["date", "text"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "text": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class LedgerEntryForm(forms.ModelForm):
    """One quarter's single-quarter figures, entered by hand."""

    class Meta:
        model = LedgerEntry
        fields = [
            "year",
            "quarter",
            "revenue",
            "profit",
            "tax",
            "rd_expense",
            "employees",
            "total_assets",
        ]
        widgets = {
            "year": forms.NumberInput(attrs={"min": 1990, "max": 2100}),
            "quarter": forms.Select(choices=[(q, f"Q{q}") for q in range(1, 5)]),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("revenue", "profit", "tax", "rd_expense", "total_assets"):
            self.fields[name].widget.attrs.setdefault("inputmode", "decimal")
        self.fields["year"].help_text = _("Figures are for this quarter alone, not year to date.")

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 1990 <= year <= timezone.localdate().year + 1:
            raise ValidationError(_("Enter a year between 1990 and next year."), code="year")
        return year

    def clean_quarter(self):
        quarter = self.cleaned_data["quarter"]
        if quarter not in (1, 2, 3, 4):
            raise ValidationError(_("The quarter must be 1, 2, 3 or 4."), code="quarter")
        return quarter

    def validate_unique(self):
        # One row per quarter is the rule, but saving an existing quarter replaces it
        # (services.ledger_save); the uniqueness check would refuse that.
        pass
