from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role, User
from apps.core.scoping import ScopeKind, scope_of
from apps.insights.models_report import ReportDetail, ReportSubscription, reader_grade
from apps.registry.models import Street

from .period import month_start, report_period

QUARTERS = [(q, _("Q%(quarter)s") % {"quarter": q}) for q in (1, 2, 3, 4)]


def _streets_for(user):
    return Street.objects.in_scope(user).order_by("code")


def _district_wide(user) -> bool:
    return scope_of(user).kind == ScopeKind.DISTRICT


class ReportRequestForm(forms.Form):
    """生成报告: any quarter, for the district or a 街乡 of the user's scope."""

    year = forms.IntegerField(label=_("Year"), min_value=2000)
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTERS, coerce=int)
    street = forms.ModelChoiceField(
        label=_("Street"),
        queryset=Street.objects.none(),
        required=False,
        empty_label=_("Whole district"),
    )
    detail = forms.TypedChoiceField(label=_("Detail"), coerce=int)

    def __init__(self, *args, user, **kwargs):
        year, quarter = report_period(month_start(timezone.localdate()))
        kwargs.setdefault("initial", {"year": year, "quarter": quarter})
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].widget.attrs["max"] = this_year
        self.fields["year"].validators.append(MaxValueValidator(this_year))
        self.fields["street"].queryset = _streets_for(user)
        if not _district_wide(user):
            self.fields["street"].required = True
            self.fields["street"].empty_label = None
        grade = reader_grade(user)
        choices = [(value, label) for value, label in ReportDetail.choices if value <= grade]
        self.fields["detail"].choices = choices
        self.initial.setdefault("detail", choices[-1][0] if choices else None)
        self.fields["detail"].help_text = _(
            "Aggregates only: no enterprise names, cells of fewer than 3 enterprises shown as "
            "<3 (the report leaders receive)."
        )


class SubscriptionForm(forms.ModelForm):
    class Meta:
        model = ReportSubscription
        fields = ["name", "role", "users", "email", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = Role.objects.select_related("group").order_by("group__name")
        self.fields["users"].queryset = User.objects.filter(is_active=True).order_by("username")
        self.fields["role"].help_text = _(
            "Everyone holding this role receives the report of their own scope."
        )

    def clean(self):
        data = super().clean()
        if not data.get("role") and not data.get("users"):
            raise forms.ValidationError(_("Choose a role or at least one user."))
        return data


class DisplayTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Where the screen is, e.g. 3rd floor meeting room."),
    )
    street = forms.ModelChoiceField(
        label=_("Street"),
        queryset=Street.objects.none(),
        required=False,
        empty_label=_("Whole district"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = _streets_for(user)
        if not _district_wide(user):
            self.fields["street"].required = True
            self.fields["street"].empty_label = None
