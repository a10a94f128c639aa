"""Shared pieces of the filings views."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.views.generic import DetailView

from apps.core.scoped_views import ScopedMixin

from ..models import Campaign, CampaignStatus


def error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


class CampaignMixin:
    """Campaign pages: drafts exist only for those who manage campaigns."""

    model = Campaign

    def get_queryset(self):
        campaigns = super().get_queryset()
        if not self.request.user.has_perm("filings.change_campaign"):
            campaigns = campaigns.exclude(status=CampaignStatus.DRAFT)
        return campaigns


class ScopedActionView(ScopedMixin, DetailView):
    """A POST-only action on one in-scope object; answers with a redirect and a message."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            text = self.act(self.object)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            if text:
                messages.success(request, text)
        return HttpResponseRedirect(self.get_success_url())

    def act(self, obj) -> str:  # pragma: no cover - subclasses implement
        raise NotImplementedError

    def get_success_url(self) -> str:  # pragma: no cover - subclasses implement
        raise NotImplementedError
