"""The enterprise's side: its filings, the form (with as-you-type checks), the receipt."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from apps.core.masking import phone_for
from apps.core.scoped_views import ScopedDetailView, ScopedListView, ScopedMixin

from .. import rules, selectors, services
from ..forms import FilingEntry
from ..models import CampaignStatus, Filing, FilingStatus, indicator_label
from .base import ScopedActionView, error_text


class EnterpriseFilingMixin:
    model = Filing
    permission_required = "filings.fill_filing"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .exclude(campaign__status=CampaignStatus.DRAFT)
            .select_related("campaign", "enterprise", "enterprise__street", "enterprise__industry")
        )


class MyFilingListView(EnterpriseFilingMixin, ScopedListView):
    """我的填报: the campaigns the enterprise is asked in, newest first."""

    template_name = "filings/my_list.html"
    paginate_by = 20

    def get_queryset(self):
        return super().get_queryset().order_by("-campaign__year", "-campaign__quarter", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context


class CampaignFillView(ScopedMixin, View):
    """A campaign's link (in a message or on a notice) to the enterprise's own form: 404
    when the enterprise is not asked in that campaign."""

    model = Filing
    permission_required = "filings.fill_filing"

    def get(self, request, pk):
        filing = get_object_or_404(
            Filing.objects.in_scope(request.user).exclude(campaign__status=CampaignStatus.DRAFT),
            campaign_id=pk,
        )
        return HttpResponseRedirect(reverse("filings:form", args=[filing.pk]))


class FilingFormView(EnterpriseFilingMixin, ScopedDetailView):
    """The form. GET shows the stored figures (or the pre-fill); POST saves a draft or
    submits (``action``), keeping whatever was typed when something is wrong."""

    template_name = "filings/form.html"
    http_method_names = ["get", "post"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filing = self.object
        comparison = kwargs.get("comparison") or selectors.comparison_for(filing)
        entry = kwargs.get("entry") or FilingEntry.from_stored(filing, comparison)
        field_errors = kwargs.get("field_errors") or {}
        fields = entry.fields(extra_errors=field_errors)
        saved = kwargs.get("saved")
        if saved is not None:
            for state in fields:
                state.saved = saved.get(state.name, "") or "—"
        latest_return = None
        if filing.status == FilingStatus.RETURNED:
            latest_return = filing.reviews.select_related("reviewed_by").first()
        today = timezone.localdate()
        context.update(
            campaign=filing.campaign,
            enterprise=filing.enterprise,
            phone=phone_for(self.request.user, filing.enterprise.contact_phone),
            entry=entry,
            fields=fields,
            editable=filing.is_open_for_edit,
            version=kwargs.get("version", filing.version),
            latest_return=latest_return,
            latest_submission=filing.submissions.order_by("-revision").first(),
            past_deadline=today > filing.campaign.deadline,
            comparison=comparison,
            can_correct=filing.status == FilingStatus.APPROVED
            and filing.campaign.status == CampaignStatus.OPEN,
            read_only_values=[
                {"label": indicator_label(s.name), "value": s.raw or "—", "unit": s.unit}
                for s in fields
            ],
        )
        return context

    def post(self, request, *args, **kwargs):
        self.object = filing = self.get_object()
        comparison = selectors.comparison_for(filing)
        entry = FilingEntry.from_post(filing, comparison, request.POST)
        raw_version = request.POST.get("version", "")
        version = int(raw_version) if raw_version.isdigit() else -1
        submit = request.POST.get("action") == "submit"
        try:
            if submit:
                services.filing_submit(
                    actor=request.user,
                    filing=filing,
                    version=version,
                    values=entry.raw,
                    comments=entry.comment_values(),
                )
            else:
                services.filing_save_draft(
                    actor=request.user,
                    filing=filing,
                    version=version,
                    values=entry.raw,
                    comments=entry.comment_values(),
                )
        except services.FilingInvalid as invalid:
            messages.error(request, _("Some figures need your attention; see below."))
            return self.render_to_response(
                self.get_context_data(
                    entry=entry,
                    comparison=comparison,
                    field_errors=invalid.field_errors,
                    version=version,
                )
            )
        except services.FilingConflict as conflict:
            # Nothing is lost: the entries stay in the form, the stored ones are shown
            # beside them, and the form now carries the stored version.
            messages.error(request, error_text(conflict))
            filing.refresh_from_db()
            return self.render_to_response(
                self.get_context_data(
                    entry=entry,
                    comparison=comparison,
                    version=filing.version,
                    saved=filing.values,
                    conflict=True,
                )
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
            return HttpResponseRedirect(reverse("filings:form", args=[filing.pk]))
        if submit:
            messages.success(request, _("Your figures have been submitted."))
            return HttpResponseRedirect(reverse("filings:receipt", args=[filing.pk]))
        messages.success(request, _("Draft saved. You can come back and finish it later."))
        return HttpResponseRedirect(reverse("filings:form", args=[filing.pk]))


class FilingValidateView(EnterpriseFilingMixin, ScopedDetailView):
    """htmx: the feedback under one field (and those whose rules depend on it) as typed."""

    template_name = "filings/_feedback_response.html"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = filing = self.get_object()
        name = request.POST.get("field", "")
        indicators = filing.campaign.ordered_indicators()
        if name not in indicators:
            raise Http404
        entry = FilingEntry.from_post(filing, selectors.comparison_for(filing), request.POST)
        related = [n for n in rules.DEPENDENT_FIELDS.get(name, ()) if n in indicators]
        context = self.get_context_data(
            field=entry.field(name),
            oob_fields=[entry.field(n) for n in related],
            entry=entry,
        )
        return self.render_to_response(context)


class FilingCorrectView(EnterpriseFilingMixin, ScopedActionView):
    """Reopen an approved filing as a draft to correct it (a new submission and review)."""

    def act(self, filing):
        raw = self.request.POST.get("version", "")
        services.filing_correction_start(
            actor=self.request.user, filing=filing, version=int(raw) if raw.isdigit() else -1
        )
        return _(
            "You can now correct the figures. The approved figures stay in force until the "
            "correction is approved."
        )

    def get_success_url(self):
        return reverse("filings:form", args=[self.object.pk])


class FilingReceiptView(EnterpriseFilingMixin, ScopedDetailView):
    """回执: the latest submission (or ``?revision=n``) with its receipt number."""

    template_name = "filings/receipt.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filing = self.object
        submissions = filing.submissions.select_related("submitted_by").order_by("-revision")
        wanted = self.request.GET.get("revision", "")
        submission = (
            submissions.filter(revision=int(wanted)).first()
            if wanted.isdigit()
            else submissions.first()
        )
        if submission is None:
            raise Http404
        values = rules.from_json(submission.values)
        context.update(
            campaign=filing.campaign,
            submission=submission,
            submissions=submissions,
            rows=[
                {
                    "label": indicator_label(name),
                    "value": selectors.display(name, values.get(name)),
                    "unit": _("persons") if name == "employees" else _("10k yuan"),
                }
                for name in filing.campaign.ordered_indicators()
            ],
            confirmations=[
                {"field": indicator_label(rules.RULE_FIELD[rule]), "comment": comment}
                for rule, comment in (submission.confirmations or {}).items()
                if rule in rules.RULE_FIELD
            ],
        )
        return context
