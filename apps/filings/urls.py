from django.urls import path

from . import views

app_name = "filings"

urlpatterns = [
    # Campaigns and progress (FIC staff; street officers and leaders read them).
    path("campaigns/", views.CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/new/", views.CampaignFormView.as_view(), name="campaign_create"),
    path("campaigns/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign"),
    path("campaigns/<int:pk>/edit/", views.CampaignFormView.as_view(), name="campaign_update"),
    path("campaigns/<int:pk>/open/", views.CampaignOpenView.as_view(), name="campaign_open"),
    path("campaigns/<int:pk>/close/", views.CampaignCloseView.as_view(), name="campaign_close"),
    # Chasing (催报).
    path("campaigns/<int:pk>/unfiled/", views.UnfiledListView.as_view(), name="unfiled"),
    path(
        "campaigns/<int:pk>/unfiled/export/",
        views.UnfiledExportView.as_view(),
        name="unfiled_export",
    ),
    path("campaigns/<int:pk>/remind/", views.ReminderSendView.as_view(), name="remind"),
    # Review (street officers: their 街乡; FIC staff: all).
    path("review/", views.ReviewQueueView.as_view(), name="review_queue"),
    path("review/<int:pk>/", views.ReviewDetailView.as_view(), name="review"),
    path("review/<int:pk>/approve/", views.ReviewApproveView.as_view(), name="approve"),
    path("review/<int:pk>/return/", views.ReviewReturnView.as_view(), name="return"),
    # The enterprise's own filings.
    path("my/", views.MyFilingListView.as_view(), name="my_list"),
    path("my/<int:pk>/", views.FilingFormView.as_view(), name="form"),
    path("my/<int:pk>/validate/", views.FilingValidateView.as_view(), name="validate"),
    path("my/<int:pk>/correct/", views.FilingCorrectView.as_view(), name="correct"),
    path("my/<int:pk>/receipt/", views.FilingReceiptView.as_view(), name="receipt"),
    path("campaigns/<int:pk>/fill/", views.CampaignFillView.as_view(), name="campaign_fill"),
]
