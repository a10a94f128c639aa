from django.urls import path

from . import import_views as views

urlpatterns = [
    path("imports/", views.ImportStartView.as_view(), name="import_start"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/progress/", views.ImportProgressView.as_view(), name="import_progress"),
    path(
        "imports/<int:pk>/errors.xlsx",
        views.ImportErrorsXlsxView.as_view(),
        name="import_errors_xlsx",
    ),
    path("imports/<int:pk>/confirm/", views.ImportConfirmView.as_view(), name="import_confirm"),
    path("imports/<int:pk>/cancel/", views.ImportAbandonView.as_view(), name="import_abandon"),
    path("imports/template/<str:kind>.xlsx", views.import_template, name="import_template"),
]
