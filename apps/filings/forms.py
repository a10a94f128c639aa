"""Forms of the filings screens. Fields are listed one by one (never "__all__")."""

from dataclasses import dataclass, field
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.enterprises.models import MemberStatus, SizeClass
from apps.registry.models import DictionaryItem, Industry, Street

from . import rules, selectors, targets
from .models import COUNT_INDICATORS, INDICATORS, Filing, TargetKind, indicator_choices


def last_complete_quarter(today=None) -> tuple[int, int]:
    today = today or timezone.localdate()
    return selectors.previous_period(today.year, (today.month - 1) // 3 + 1)


class CampaignForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        choices=[(q, f"Q{q}") for q in range(1, 5)],
    )
    title = forms.CharField(label=_("Title"), max_length=100)
    deadline = forms.DateField(
        label=_("Deadline"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Submissions after this day are still accepted and marked late."),
    )
    indicators = forms.MultipleChoiceField(
        label=_("Indicators asked"),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )
    target_kind = forms.ChoiceField(
        label=_("Target enterprises"),
        choices=TargetKind.choices,
        widget=forms.RadioSelect,
        initial=TargetKind.FILTER,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].choices = indicator_choices()
        if not self.is_bound and not self.initial:
            year, quarter = last_complete_quarter()
            self.initial.update(
                year=year,
                quarter=quarter,
                title=_("Economic figures for %(year)s Q%(quarter)s")
                % {"year": year, "quarter": quarter},
                deadline=timezone.localdate() + timedelta(days=14),
                indicators=list(INDICATORS),
                target_kind=TargetKind.FILTER,
            )


class TargetFilterForm(forms.Form):
    """The enterprises asked, by filter; an empty field does not narrow."""

    streets = forms.ModelMultipleChoiceField(
        label=_("Streets"),
        queryset=Street.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "inline"}),
    )
    sections = forms.MultipleChoiceField(
        label=_("Industry sections"),
        choices=[],
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    size_classes = forms.MultipleChoiceField(
        label=_("Size classes"),
        choices=SizeClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "inline"}),
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"),
        queryset=DictionaryItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "inline"}),
    )
    member_statuses = forms.MultipleChoiceField(
        label=_("Member status"),
        choices=MemberStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "inline"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["streets"].queryset = Street.objects.order_by("code")
        self.fields["sections"].choices = list(
            Industry.objects.filter(level=Industry.Level.SECTION)
            .order_by("code")
            .values_list("code", "name")
        )
        self.fields["tags"].queryset = DictionaryItem.objects.filter(
            kind=DictionaryItem.Kind.ENTERPRISE_TAG, active=True
        ).order_by("order", "code")

    def spec(self) -> dict:
        data = self.cleaned_data
        return {
            "streets": [s.pk for s in data["streets"]],
            "sections": data["sections"],
            "size_classes": data["size_classes"],
            "tags": [t.pk for t in data["tags"]],
            "member_statuses": data["member_statuses"],
        }

    @staticmethod
    def initial_from(spec: dict) -> dict:
        return {key: spec.get(key, []) for key in spec}


class TargetListForm(forms.Form):
    codes_file = forms.FileField(
        label=_("List of credit codes (xlsx or csv)"),
        required=False,
        help_text=_(
            "One credit code per row, in a column headed 统一社会信用代码 (or the first "
            "column). Every row is checked; nothing is saved while a row is wrong."
        ),
    )

    def __init__(self, *args, needed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needed = needed
        self.code_list: targets.CodeList | None = None

    def clean_codes_file(self):
        upload = self.cleaned_data.get("codes_file")
        if not upload:
            if self.needed:
                raise ValidationError(
                    _("Upload the list of credit codes of the enterprises asked."),
                    code="required",
                )
            return None
        try:
            self.code_list = targets.read_code_list(upload)
        except targets.ListFileError as error:
            raise ValidationError(str(error), code="file") from None
        if self.code_list.errors:
            raise ValidationError(
                _("%(count)d rows of the list are wrong; see the table below.")
                % {"count": len(self.code_list.errors)},
                code="rows",
            )
        return upload


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )


# --- The filing form ---------------------------------------------------------------------


@dataclass
class FieldState:
    """One indicator of the filing form as the enterprise sees it."""

    name: str
    label: str
    raw: str = ""
    error: str = ""
    warnings: list = field(default_factory=list)  # {rule, message, comment}
    previous: str = "—"
    last_year: str = ""
    saved: str = ""  # the stored figure, shown after a conflict

    @property
    def is_count(self) -> bool:
        return self.name in COUNT_INDICATORS

    @property
    def unit(self) -> str:
        return str(_("persons")) if self.is_count else str(_("10k yuan"))


COMMENT_PREFIX = "comment_"


class FilingEntry:
    """What the enterprise typed (or what is stored), checked by the rules.

    Built from POST data for a save, from the stored filing or the pre-fill for a
    first look, and from part of the form for the as-you-type check.
    """

    def __init__(self, filing: Filing, comparison: selectors.Comparison, raw: dict, comments):
        self.filing = filing
        self.comparison = comparison
        campaign = filing.campaign
        self.indicators = campaign.ordered_indicators()
        self.raw = {name: str(raw.get(name, "") or "") for name in self.indicators}
        self.values, self.errors = rules.parse_values(self.indicators, self.raw)
        self.warnings = comparison.warnings(
            self.values, year=campaign.year, quarter=campaign.quarter
        )
        self.comments = {
            rule: str(comments.get(rule, "") or "")[: rules.COMMENT_MAX_LENGTH]
            for rule in rules.RULE_FIELD
        }

    @classmethod
    def from_post(cls, filing, comparison, data) -> "FilingEntry":
        comments = {rule: data.get(COMMENT_PREFIX + rule, "") for rule in rules.RULE_FIELD}
        return cls(filing, comparison, {k: data.get(k, "") for k in INDICATORS}, comments)

    @classmethod
    def from_stored(cls, filing, comparison) -> "FilingEntry":
        return cls(
            filing, comparison, selectors.prefill(filing, comparison), filing.confirmations or {}
        )

    def field(self, name: str, *, extra_errors: dict | None = None) -> FieldState:
        from .models import indicator_label

        comparison = self.comparison
        state = FieldState(
            name=name,
            label=indicator_label(name),
            raw=self.raw.get(name, ""),
            error=(extra_errors or {}).get(name) or self.errors.get(name, ""),
            warnings=[
                {"rule": w.rule, "message": w.message, "comment": self.comments.get(w.rule, "")}
                for w in self.warnings
                if w.field == name
            ],
            previous=selectors.display(
                name, getattr(comparison.previous, name) if comparison.previous else None
            ),
            last_year=selectors.display(
                name, getattr(comparison.last_year, name) if comparison.last_year else None
            ),
        )
        return state

    def fields(self, *, extra_errors: dict | None = None) -> list[FieldState]:
        return [self.field(name, extra_errors=extra_errors) for name in self.indicators]

    def comment_values(self) -> dict[str, str]:
        return {rule: text for rule, text in self.comments.items() if text.strip()}
