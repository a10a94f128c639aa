from django.urls import path

from .views import export_requests, imports, parts, people

app_name = "people"

urlpatterns = [
    path("", people.PersonListView.as_view(), name="list"),
    path("export/", people.PersonExportView.as_view(), name="export"),
    path("new/", people.PersonCreateView.as_view(), name="create"),
    path("<int:pk>/", people.PersonDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", people.PersonUpdateView.as_view(), name="update"),
    path("<int:pk>/history/", people.PersonHistoryView.as_view(), name="history"),
    path("<int:pk>/reveal/", people.PersonRevealView.as_view(), name="reveal"),
    path("<int:pk>/photo/", people.PersonPhotoView.as_view(), name="photo"),
    path("<int:pk>/photo/edit/", people.PersonPhotoEditView.as_view(), name="photo_edit"),
    path(
        "<int:pk>/arrangements/new/",
        parts.ArrangementCreateView.as_view(),
        name="arrangement_create",
    ),
    path(
        "arrangements/<int:pk>/edit/",
        parts.ArrangementUpdateView.as_view(),
        name="arrangement_update",
    ),
    path(
        "arrangements/<int:pk>/delete/",
        parts.ArrangementDeleteView.as_view(),
        name="arrangement_delete",
    ),
    path("<int:pk>/honours/new/", parts.HonourCreateView.as_view(), name="honour_create"),
    path("honours/<int:pk>/delete/", parts.HonourDeleteView.as_view(), name="honour_delete"),
    path("<int:pk>/training/new/", parts.TrainingCreateView.as_view(), name="training_create"),
    path("training/<int:pk>/delete/", parts.TrainingDeleteView.as_view(), name="training_delete"),
    path(
        "<int:pk>/evaluations/new/", parts.EvaluationCreateView.as_view(), name="evaluation_create"
    ),
    path(
        "evaluations/<int:pk>/delete/",
        parts.EvaluationDeleteView.as_view(),
        name="evaluation_delete",
    ),
    path("<int:pk>/members/link/", parts.MemberLinkView.as_view(), name="member_link"),
    path("<int:pk>/members/unlink/", parts.MemberUnlinkView.as_view(), name="member_unlink"),
    path("exports/", export_requests.ExportListView.as_view(), name="export_list"),
    path("exports/new/", export_requests.ExportRequestView.as_view(), name="export_request"),
    path("exports/<int:pk>/", export_requests.ExportDetailView.as_view(), name="export_detail"),
    path(
        "exports/<int:pk>/decide/",
        export_requests.ExportDecideView.as_view(),
        name="export_decide",
    ),
    path(
        "exports/<int:pk>/download/",
        export_requests.ExportDownloadView.as_view(),
        name="export_download",
    ),
    path("import/", imports.ImportStartView.as_view(), name="import_start"),
    path("import/template/", imports.ImportTemplateView.as_view(), name="import_template"),
    path("import/<int:pk>/", imports.ImportDetailView.as_view(), name="import_detail"),
    path("import/<int:pk>/confirm/", imports.ImportConfirmView.as_view(), name="import_confirm"),
    path("import/<int:pk>/abandon/", imports.ImportAbandonView.as_view(), name="import_abandon"),
    path("import/<int:pk>/errors/", imports.ImportErrorsView.as_view(), name="import_errors"),
]
