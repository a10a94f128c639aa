"""Review: the queue of submissions, one filing beside its earlier figures, approve/return."""

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.masking import phone_for
from apps.core.scoped_views import ScopedDetailView, ScopedListView
from apps.registry.models import Street

from .. import rules, selectors, services
from ..forms import ReviewForm
from ..models import (
    COUNT_INDICATORS,
    Campaign,
    CampaignStatus,
    Filing,
    FilingStatus,
    indicator_label,
)
from .base import ScopedActionView

STATUS_FILTERS = {
    "submitted": (FilingStatus.SUBMITTED,),
    "returned": (FilingStatus.RETURNED,),
    "approved": (FilingStatus.APPROVED,),
    "all": (FilingStatus.SUBMITTED, FilingStatus.RETURNED, FilingStatus.APPROVED),
}


class ReviewQueueView(ScopedListView):
    """Submissions in the user's scope, oldest first; staff can pick the 街乡 that have no
    street officer of their own."""

    model = Filing
    permission_required = "filings.view_filing"
    template_name = "filings/review_queue.html"

    def params(self) -> dict:
        get = self.request.GET
        status = get.get("status", "submitted")
        campaign = get.get("campaign", "")
        street = get.get("street", "")
        return {
            "status": status if status in STATUS_FILTERS else "submitted",
            "campaign": int(campaign) if campaign.isdigit() else None,
            "street": int(street) if street.isdigit() else None,
            "no_officer": get.get("no_officer") == "1",
        }

    def get_queryset(self):
        params = self.params()
        filings = (
            super()
            .get_queryset()
            .filter(status__in=STATUS_FILTERS[params["status"]])
            .select_related("enterprise", "street", "campaign")
        )
        if params["campaign"]:
            filings = filings.filter(campaign_id=params["campaign"])
        if params["street"]:
            filings = filings.filter(street_id=params["street"])
        if params["no_officer"]:
            filings = filings.exclude(street_id__in=selectors.streets_with_officers())
        return filings.order_by("submitted_at", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            params=self.params(),
            status_choices=[
                ("submitted", _("Awaiting review")),
                ("returned", _("Returned")),
                ("approved", _("Approved")),
                ("all", _("All submitted")),
            ],
            campaigns=Campaign.objects.in_scope(user)
            .exclude(status=CampaignStatus.DRAFT)
            .order_by("-year", "-quarter", "-id")[:20],
            streets=Street.objects.in_scope(user).order_by("code"),
            district_wide=user.data_scope.kind == "district",
        )
        return context


def change_pct(now, before) -> Decimal | None:
    if now is None or before in (None, 0):
        return None
    return (Decimal(now) - Decimal(before)) / abs(Decimal(before)) * 100


class ReviewDetailView(ScopedDetailView):
    model = Filing
    permission_required = "filings.view_filing"
    template_name = "filings/review_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("campaign", "enterprise", "street")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filing, user = self.object, self.request.user
        campaign = filing.campaign
        comparison = selectors.comparison_for(filing)
        values = rules.from_json(filing.values)
        rows = []
        for name in campaign.ordered_indicators():
            previous = getattr(comparison.previous, name) if comparison.previous else None
            last_year = getattr(comparison.last_year, name) if comparison.last_year else None
            now = values.get(name)
            rows.append(
                {
                    "label": indicator_label(name),
                    "unit": _("persons") if name in COUNT_INDICATORS else _("10k yuan"),
                    "value": selectors.display(name, now),
                    "previous": selectors.display(name, previous),
                    "last_year": selectors.display(name, last_year),
                    "qoq": change_pct(now, previous),
                    "yoy": change_pct(now, last_year),
                }
            )
        warnings = comparison.warnings(values, year=campaign.year, quarter=campaign.quarter)
        confirmations = filing.confirmations or {}
        submissions = list(filing.submissions.select_related("submitted_by").order_by("-revision"))
        reviews = list(filing.reviews.select_related("reviewed_by", "submission"))
        context.update(
            campaign=campaign,
            comparison=comparison,
            rows=rows,
            warnings=[{"warning": w, "comment": confirmations.get(w.rule, "")} for w in warnings],
            submissions=submissions,
            reviews=reviews,
            history=_history(submissions, reviews),
            phone=phone_for(user, filing.enterprise.contact_phone),
            can_review=user.has_perm("filings.review_filing")
            and filing.status == FilingStatus.SUBMITTED,
            form=kwargs.get("form") or ReviewForm(),
        )
        return context


def _history(submissions, reviews) -> list[dict]:
    """Submissions and reviews in one timeline, newest first."""
    events = [{"kind": "submission", "at": s.submitted_at, "item": s} for s in submissions]
    events += [{"kind": "review", "at": r.reviewed_at, "item": r} for r in reviews]
    return sorted(events, key=lambda e: e["at"], reverse=True)


class ReviewActionView(ScopedActionView):
    model = Filing
    permission_required = ("filings.view_filing", "filings.review_filing")

    def get_success_url(self):
        return reverse("filings:review", args=[self.object.pk])


class ReviewApproveView(ReviewActionView):
    def act(self, filing):
        services.filing_approve(
            actor=self.request.user, filing=filing, comment=self.request.POST.get("comment", "")
        )
        return _("Approved: the figures are on the economic ledger with source “filing”.")


class ReviewReturnView(ReviewActionView):
    def act(self, filing):
        services.filing_return(
            actor=self.request.user, filing=filing, comment=self.request.POST.get("comment", "")
        )
        return _("Returned to the enterprise with your comment.")

    def get_success_url(self):
        return reverse("filings:review", args=[self.object.pk])
