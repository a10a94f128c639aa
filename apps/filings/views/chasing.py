"""Chasing (催报): the enterprises not yet filed, their export, and reminders by hand."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from apps.audit.services import export_log
from apps.core import crypto
from apps.core.exports import build_xlsx, xlsx_response
from apps.core.masking import can_see_personal, phone_for
from apps.core.scoped_views import ScopedListView, ScopedMixin
from apps.registry.models import Street

from .. import selectors, services
from ..models import Campaign, CampaignStatus, Filing
from .base import CampaignMixin, ScopedActionView


class CampaignChildMixin:
    """Pages under one campaign (the URL's pk), which must be visible to the user."""

    def get_campaign(self) -> Campaign:
        if not hasattr(self, "campaign"):
            campaigns = Campaign.objects.in_scope(self.request.user)
            if not self.request.user.has_perm("filings.change_campaign"):
                campaigns = campaigns.exclude(status=CampaignStatus.DRAFT)
            self.campaign = get_object_or_404(campaigns, pk=self.kwargs["pk"])
        return self.campaign

    def street_filter(self) -> int | None:
        value = self.request.GET.get("street", "")
        if not value.isdigit():
            return None
        return (
            int(value)
            if Street.objects.in_scope(self.request.user).filter(pk=int(value)).exists()
            else None
        )

    def unfiled_filings(self):
        return selectors.unfiled_list(
            self.get_campaign(), self.request.user, street=self.street_filter()
        )


class UnfiledListView(CampaignChildMixin, ScopedListView):
    """Enterprises of the campaign that have not filed, with contacts masked by grade."""

    model = Filing
    permission_required = ("filings.view_campaign", "filings.view_filing")
    template_name = "filings/unfiled_list.html"

    def get_queryset(self):
        return self.unfiled_filings()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        for filing in context["object_list"]:
            filing.phone = phone_for(user, filing.enterprise.contact_phone)
        streets = Street.objects.in_scope(user).filter(
            pk__in=Filing.objects.in_scope(user)
            .filter(campaign=self.get_campaign())
            .values("street_id")
        )
        context.update(
            campaign=self.get_campaign(),
            streets=streets.order_by("code"),
            street_selected=self.street_filter(),
            can_export=user.has_perm("filings.export_filing"),
            can_remind=user.has_perm("filings.remind_filing"),
            overdue=timezone.localdate() > self.get_campaign().deadline,
        )
        return context


class UnfiledExportView(CampaignChildMixin, ScopedMixin, View):
    model = Filing
    permission_required = (
        "filings.view_campaign",
        "filings.view_filing",
        "filings.export_filing",
    )

    def get(self, request, *args, **kwargs):
        campaign, user = self.get_campaign(), request.user
        headers = [
            _("Street"),
            _("Enterprise name"),
            _("Unified social credit code"),
            _("Legal representative"),
            _("Contact phone"),
            _("Filing status"),
            _("Last reminder"),
            _("Reminders"),
        ]

        def rows():
            for filing in self.unfiled_filings().iterator(chunk_size=2000):
                enterprise = filing.enterprise
                yield [
                    filing.street.short_name,
                    enterprise.name,
                    enterprise.uscc,
                    enterprise.legal_representative,
                    phone_for(user, enterprise.contact_phone),
                    filing.get_status_display(),
                    filing.last_reminded,
                    filing.reminder_count,
                ]

        exporter = user.full_name or user.get_username()
        title = _("Enterprises not yet filed: %(title)s") % {"title": campaign.title}
        lines = [
            title,
            _("Exported by: %(name)s (%(username)s)")
            % {"name": exporter, "username": user.get_username()},
            _("Exported at: %(time)s")
            % {"time": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")},
        ]
        if not can_see_personal(user):
            lines.append(_("Contact phones are masked."))
        content, count = build_xlsx(
            [str(h) for h in headers], rows(), _("Not yet filed"), title_rows=lines
        )
        street = self.street_filter()
        export_log(
            actor=user,
            name="filings.unfiled",
            filters={"campaign": campaign.pk, **({"street": street} if street else {})},
            row_count=count,
            digest=crypto.provider().digest(content),
            personal_data=can_see_personal(user),
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(content, f"{_('Not yet filed')}-{campaign.pk}-{stamp}.xlsx")


class ReminderSendView(CampaignMixin, ScopedActionView):
    """催报 by hand: every enterprise not yet filed in the user's scope (their 街乡 only)."""

    permission_required = ("filings.view_campaign", "filings.remind_filing")

    def act(self, campaign):
        result = services.reminders_send(actor=self.request.user, campaign=campaign, stage="manual")
        if not result.enterprises and not result.skipped:
            return _("Every enterprise in your scope has filed: nobody to remind.")
        text = _("Reminders sent to %(enterprises)d enterprises (%(messages)d messages).") % {
            "enterprises": result.enterprises,
            "messages": result.messages,
        }
        if result.unreachable:
            text += " " + _(
                "%(count)d of them have no account and no mobile phone on the registry: call them."
            ) % {"count": result.unreachable}
        if result.skipped:
            text += " " + _(
                "%(count)d were skipped because they were reminded in the last day."
            ) % {"count": result.skipped}
        return text

    def get_success_url(self):
        if self.request.POST.get("next") == "unfiled":
            return reverse("filings:unfiled", args=[self.object.pk])
        return reverse("filings:campaign", args=[self.object.pk])
