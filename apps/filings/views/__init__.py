"""Filing screens: campaigns and progress (staff, officers), chasing, review, and the
enterprise's own filings."""

from .campaigns import (
    CampaignCloseView,
    CampaignDetailView,
    CampaignFormView,
    CampaignListView,
    CampaignOpenView,
)
from .chasing import ReminderSendView, UnfiledExportView, UnfiledListView
from .enterprise import (
    CampaignFillView,
    FilingCorrectView,
    FilingFormView,
    FilingReceiptView,
    FilingValidateView,
    MyFilingListView,
)
from .review import ReviewApproveView, ReviewDetailView, ReviewQueueView, ReviewReturnView

__all__ = [
    "CampaignCloseView",
    "CampaignDetailView",
    "CampaignFillView",
    "CampaignFormView",
    "CampaignListView",
    "CampaignOpenView",
    "FilingCorrectView",
    "FilingFormView",
    "FilingReceiptView",
    "FilingValidateView",
    "MyFilingListView",
    "ReminderSendView",
    "ReviewApproveView",
    "ReviewDetailView",
    "ReviewQueueView",
    "ReviewReturnView",
    "UnfiledExportView",
    "UnfiledListView",
]
