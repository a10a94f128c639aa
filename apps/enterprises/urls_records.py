from django.urls import path

from . import views

urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="list"),
    path("export/", views.EnterpriseExportView.as_view(), name="export"),
    path("export/ledger/", views.LedgerExportView.as_view(), name="ledger_export"),
    path("new/", views.EnterpriseCreateView.as_view(), name="create"),
    path("<int:pk>/", views.EnterpriseDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.EnterpriseUpdateView.as_view(), name="update"),
    path("<int:pk>/history/", views.EnterpriseHistoryView.as_view(), name="history"),
    path("<int:pk>/notes/add/", views.EnterpriseNoteAddView.as_view(), name="note_add"),
    path("<int:pk>/ledger/", views.LedgerEditView.as_view(), name="ledger_edit"),
]
