from django.urls import path

from . import quality_views as views

urlpatterns = [
    path("quality/", views.QualityReportView.as_view(), name="quality_report"),
    path("quality/flags/", views.LedgerFlagListView.as_view(), name="quality_flags"),
    path(
        "quality/flags/<int:pk>/confirm/",
        views.LedgerFlagConfirmView.as_view(),
        name="quality_flag_confirm",
    ),
]
