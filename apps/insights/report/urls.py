from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportListView.as_view(), name="list"),
    path("new/", views.report_create, name="create"),
    path("<int:pk>/docx/", views.report_download, {"kind": "docx"}, name="download_docx"),
    path("<int:pk>/xlsx/", views.report_download, {"kind": "xlsx"}, name="download_xlsx"),
    path("subscriptions/", views.SubscriptionListView.as_view(), name="subscriptions"),
    path("subscriptions/new/", views.subscription_create, name="subscription_create"),
    path("subscriptions/<int:pk>/", views.subscription_update, name="subscription_update"),
    path("subscriptions/<int:pk>/delete/", views.subscription_delete, name="subscription_delete"),
]
