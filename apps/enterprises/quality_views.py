"""Data quality pages: the report by 街乡, the flagged rows behind it, and confirming a flag."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from apps.core.scoped_views import ScopedListView, ScopedMixin
from apps.core.scoping import narrow_form_to_scope
from apps.registry.models import Street

from . import quality, selectors
from .models import LedgerFlag, QualityRule

OPEN, CONFIRMED = "open", "confirmed"


def enterprise_url(pk: int) -> str:
    try:
        return reverse("enterprises:detail", args=[pk])
    except NoReverseMatch:  # the record pages may not be wired yet
        return f"/enterprises/{pk}/"


class QualityContextMixin:
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["change_factor"] = quality.change_factor().normalize()
        context["min_base"] = quality.min_base().normalize()
        return context


class QualityReportView(QualityContextMixin, ScopedMixin, TemplateView):
    model = LedgerFlag
    permission_required = "enterprises.view_ledgerflag"
    template_name = "enterprises/quality_report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["report"] = selectors.quality_report(self.request.user)
        return context


class FlagFilterForm(forms.Form):
    street = forms.ModelChoiceField(
        label=gettext_lazy("Street"),
        queryset=Street.objects.all(),
        required=False,
        empty_label=gettext_lazy("All streets"),
    )
    rule = forms.ChoiceField(
        label=gettext_lazy("Rule"),
        choices=[("", gettext_lazy("All rules")), *QualityRule.choices],
        required=False,
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[
            (OPEN, gettext_lazy("Awaiting confirmation")),
            (CONFIRMED, gettext_lazy("Confirmed")),
        ],
        required=False,
    )


class LedgerFlagListView(QualityContextMixin, ScopedListView):
    model = LedgerFlag
    permission_required = "enterprises.view_ledgerflag"
    template_name = "enterprises/quality_flags.html"
    export_permission = "enterprises.export_enterprise"
    export_name = gettext_lazy("Data quality flags")
    export_columns = [
        (gettext_lazy("Unified social credit code"), "entry.enterprise.uscc"),
        (gettext_lazy("Enterprise name"), "entry.enterprise.name"),
        (gettext_lazy("Street"), "entry.enterprise.street.short_name"),
        (gettext_lazy("Year"), "entry.year"),
        (gettext_lazy("Quarter"), "entry.quarter"),
        (gettext_lazy("Rule"), "get_rule_display"),
        (gettext_lazy("Detail"), "detail"),
        (gettext_lazy("Confirmed"), "confirmed"),
        (gettext_lazy("Reason for confirming"), "reason"),
    ]

    def get_queryset(self):
        self.filter_form = FlagFilterForm(self.request.GET or None)
        narrow_form_to_scope(self.filter_form, self.request.user)
        params = {}
        if self.filter_form.is_bound and self.filter_form.is_valid():
            data = self.filter_form.cleaned_data
            params = {
                "street": data["street"].pk if data["street"] else None,
                "rule": data["rule"],
                "confirmed": data["status"] == CONFIRMED,
            }
        return selectors.ledger_flag_list(self.request.user, **params)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        for flag in context["object_list"]:
            flag.enterprise_url = enterprise_url(flag.entry.enterprise_id)
        context["next_url"] = self.request.get_full_path()
        return context


class ConfirmForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for confirming"),
        max_length=quality.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Say why the figures are right, e.g. a one-off tax payment or a merger."
        ),
        error_messages={"required": gettext_lazy("Enter the reason for confirming this flag.")},
    )


class LedgerFlagConfirmView(ScopedMixin, View):
    """GET shows the flag and the form; POST confirms it through the service."""

    model = LedgerFlag
    permission_required = "enterprises.confirm_ledgerflag"
    template_name = "enterprises/quality_confirm.html"

    def get_object(self) -> LedgerFlag:
        flags = self.scoped_queryset().select_related("entry__enterprise__street")
        return get_object_or_404(flags, pk=self.kwargs["pk"])

    def next_url(self) -> str:
        candidate = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if candidate and url_has_allowed_host_and_scheme(
            candidate,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            return candidate
        return reverse("enterprises:quality_flags")

    def render_form(self, flag, form):
        context = {
            "flag": flag,
            "form": form,
            "next_url": self.next_url(),
            "enterprise_url": enterprise_url(flag.entry.enterprise_id),
            "change_factor": quality.change_factor().normalize(),
            "min_base": quality.min_base().normalize(),
        }
        return render(self.request, self.template_name, context)

    def get(self, request, *args, **kwargs):
        return self.render_form(self.get_object(), ConfirmForm())

    def post(self, request, *args, **kwargs):
        flag = self.get_object()
        form = ConfirmForm(request.POST)
        if form.is_valid():
            try:
                quality.ledger_flag_confirm(
                    actor=request.user, flag=flag, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error("reason" if error.code != "confirmed" else None, error)
            else:
                messages.success(
                    request,
                    _("The flag on %(enterprise)s %(period)s has been confirmed.")
                    % {
                        "enterprise": flag.entry.enterprise.name,
                        "period": f"{flag.entry.year}Q{flag.entry.quarter}",
                    },
                )
                return redirect(self.next_url())
        return self.render_form(flag, form)
