"""Campaigns: the list, create and edit a draft, open and close, and the progress page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from apps.core.scoped_views import ScopedDetailView, ScopedListView, ScopedMixin
from apps.core.scoping import Grade

from .. import selectors, services
from ..forms import CampaignForm, TargetFilterForm, TargetListForm
from ..models import (
    UNFILED_STATUSES,
    Campaign,
    CampaignStatus,
    Filing,
    FilingStatus,
    Reminder,
    TargetKind,
    indicator_label,
)
from .base import CampaignMixin, ScopedActionView, error_text


class CampaignListView(CampaignMixin, ScopedListView):
    permission_required = "filings.view_campaign"
    required_grade = Grade.AGGREGATE
    template_name = "filings/campaign_list.html"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaigns = list(context["object_list"])
        # Counts in the user's scope, for all campaigns of the page in one query.
        counts = {
            row["campaign"]: row
            for row in Filing.objects.in_scope(self.request.user)
            .filter(campaign__in=campaigns)
            .values("campaign")
            .annotate(
                targets=Count("id"),
                submitted=Count("id", filter=Q(submitted_at__isnull=False)),
                approved=Count("id", filter=Q(approved_at__isnull=False)),
                waiting=Count("id", filter=Q(status=FilingStatus.SUBMITTED)),
                unfiled=Count(
                    "id", filter=Q(status__in=UNFILED_STATUSES, approved_at__isnull=True)
                ),
            )
            .order_by()
        }
        today = timezone.localdate()
        context["rows"] = [
            {
                "campaign": c,
                "counts": counts.get(c.pk, {}),
                "overdue": c.status == CampaignStatus.OPEN and today > c.deadline,
            }
            for c in campaigns
        ]
        return context


class CampaignFormView(CampaignMixin, ScopedMixin, TemplateView):
    """Create a draft campaign, or edit one (GET shows the form, POST saves it)."""

    template_name = "filings/campaign_form.html"
    campaign: Campaign | None = None

    def get_permission_required(self):
        if self.kwargs.get("pk"):
            return ("filings.view_campaign", "filings.change_campaign")
        return ("filings.view_campaign", "filings.add_campaign")

    def dispatch(self, request, *args, **kwargs):
        if kwargs.get("pk") and request.user.is_authenticated and self.has_permission():
            self.campaign = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def forms(self, data=None, files=None):
        campaign = self.campaign
        initial, filter_initial = None, None
        if campaign is not None:
            initial = {
                "year": campaign.year,
                "quarter": campaign.quarter,
                "title": campaign.title,
                "deadline": campaign.deadline,
                "indicators": campaign.indicators,
                "target_kind": campaign.target_kind,
            }
            filter_initial = TargetFilterForm.initial_from(campaign.target_filter)
        main = CampaignForm(data, initial=initial)
        target_filter = TargetFilterForm(data, initial=filter_initial)
        needs_list = (
            data is not None
            and data.get("target_kind") == TargetKind.LIST
            and not (campaign and campaign.target_codes)
        )
        target_list = TargetListForm(data, files, needed=needs_list)
        return main, target_filter, target_list

    def get(self, request, *args, **kwargs):
        if self.campaign is not None and self.campaign.status != CampaignStatus.DRAFT:
            messages.error(request, _("Only a draft campaign can be edited."))
            return HttpResponseRedirect(reverse("filings:campaign", args=[self.campaign.pk]))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "form" not in context:
            context["form"], context["filter_form"], context["list_form"] = self.forms()
        context["campaign"] = self.campaign
        return context

    def post(self, request, *args, **kwargs):
        if self.campaign is not None and self.campaign.status != CampaignStatus.DRAFT:
            messages.error(request, _("Only a draft campaign can be edited."))
            return HttpResponseRedirect(reverse("filings:campaign", args=[self.campaign.pk]))
        form, filter_form, list_form = self.forms(request.POST, request.FILES)
        valid = all([form.is_valid(), filter_form.is_valid(), list_form.is_valid()])
        if valid:
            data = form.cleaned_data
            fields = {
                "year": data["year"],
                "quarter": data["quarter"],
                "title": data["title"],
                "deadline": data["deadline"],
                "indicators": data["indicators"],
                "target_kind": data["target_kind"],
                "target_filter": filter_form.spec(),
            }
            if list_form.code_list is not None and data["target_kind"] == TargetKind.LIST:
                fields["target_codes"] = list_form.code_list.codes
                fields["target_file_name"] = list_form.cleaned_data["codes_file"].name[:255]
            try:
                if self.campaign is None:
                    campaign = services.campaign_create(actor=request.user, **fields)
                else:
                    campaign = services.campaign_update(
                        actor=request.user, campaign=self.campaign, **fields
                    )
            except ValidationError as error:
                form.add_error(None, error_text(error))
            else:
                messages.success(request, _("The campaign has been saved as a draft."))
                return HttpResponseRedirect(reverse("filings:campaign", args=[campaign.pk]))
        return self.render_to_response(
            self.get_context_data(
                form=form,
                filter_form=filter_form,
                list_form=list_form,
                row_errors=list_form.code_list.errors if list_form.code_list else [],
            )
        )


class CampaignDetailView(CampaignMixin, ScopedDetailView):
    """The progress page: completion by 街乡 (table and chart), and what to do next."""

    permission_required = "filings.view_campaign"
    required_grade = Grade.AGGREGATE
    template_name = "filings/campaign_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign, user = self.object, self.request.user
        progress = selectors.campaign_progress(campaign, user)
        labels = {
            "approved": _("Approved"),
            "waiting": _("Awaiting review"),
            "returned": _("Returned"),
            "not_filed": _("Not filed"),
        }
        context.update(
            progress=progress,
            chart=selectors.progress_chart(progress, labels) if progress.rows else None,
            indicator_labels=[indicator_label(n) for n in campaign.ordered_indicators()],
            can_manage=user.has_perm("filings.change_campaign"),
            can_remind=user.has_perm("filings.remind_filing") and user.grade >= Grade.RECORDS,
            can_list=user.has_perm("filings.view_filing") and user.grade >= Grade.RECORDS,
            reminders=Reminder.objects.in_scope(user)
            .filter(campaign=campaign)
            .values("stage")
            .annotate(n=Count("id"))
            .order_by("stage"),
        )
        if campaign.status == CampaignStatus.DRAFT and context["can_manage"]:
            context["match_count"] = services.target_count(campaign)
        return context


class CampaignOpenView(CampaignMixin, ScopedActionView):
    permission_required = ("filings.view_campaign", "filings.change_campaign")

    def act(self, campaign):
        made = services.campaign_open(actor=self.request.user, campaign=campaign)
        if made:
            return _("The campaign is open: %(count)d enterprises are asked to file.") % {
                "count": made
            }
        return _("The campaign is open again.")

    def get_success_url(self):
        return reverse("filings:campaign", args=[self.object.pk])


class CampaignCloseView(CampaignOpenView):
    def act(self, campaign):
        services.campaign_close(actor=self.request.user, campaign=campaign)
        return _("The campaign is closed. Submissions already in can still be reviewed.")
