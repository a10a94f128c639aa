from django.urls import include, path

from . import views

app_name = "members"

urlpatterns = [
    # Members (staff: FIC all, street officers their 街乡, chamber staff their chambers).
    path("", views.MemberListView.as_view(), name="list"),
    path("export/", views.MemberExportView.as_view(), name="export"),
    path("new/", views.MemberCreateView.as_view(), name="create"),
    path("<int:pk>/", views.MemberDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.MemberUpdateView.as_view(), name="update"),
    path("<int:pk>/status/", views.MemberStatusView.as_view(), name="status"),
    path("<int:pk>/posts/new/", views.PostAssignView.as_view(), name="post_assign"),
    path("<int:pk>/payments/new/", views.PaymentCreateView.as_view(), name="payment_create"),
    # Posts and terms.
    path("committees/", views.CommitteeView.as_view(), name="committees"),
    path("posts/<int:pk>/end/", views.PostEndView.as_view(), name="post_end"),
    path("terms/", views.TermListView.as_view(), name="term_list"),
    path("terms/new/", views.TermCreateView.as_view(), name="term_create"),
    path("terms/<int:pk>/close/", views.TermCloseView.as_view(), name="term_close"),
    # Chambers (a chamber is registry.Chamber; its pk).
    path("chambers/", views.ChamberListView.as_view(), name="chamber_list"),
    path("chambers/<int:pk>/", views.ChamberDetailView.as_view(), name="chamber_detail"),
    path("chambers/<int:pk>/edit/", views.ChamberProfileEditView.as_view(), name="chamber_edit"),
    path("chambers/<int:pk>/members/", views.ChamberMembersView.as_view(), name="chamber_members"),
    path(
        "chambers/<int:pk>/activities/new/",
        views.ActivityCreateView.as_view(),
        name="activity_create",
    ),
    # Dues.
    path("dues/arrears/", views.ArrearsListView.as_view(), name="arrears"),
    path("dues/arrears/export/", views.ArrearsExportView.as_view(), name="arrears_export"),
    path("dues/rates/", views.RatesView.as_view(), name="rates"),
    path("dues/lapse-review/", views.LapseReviewView.as_view(), name="lapse_review"),
    # Roster import.
    path("import/", views.ImportStartView.as_view(), name="import_start"),
    path("import/template/", views.ImportTemplateView.as_view(), name="import_template"),
    path("import/<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("import/<int:pk>/confirm/", views.ImportConfirmView.as_view(), name="import_confirm"),
    path("import/<int:pk>/abandon/", views.ImportAbandonView.as_view(), name="import_abandon"),
    path("import/<int:pk>/errors/", views.ImportErrorsView.as_view(), name="import_errors"),
    # The public directory (no sign-in).
    path("directory/", views.DirectoryView.as_view(), name="directory"),
    # Membership applications (public form, status page, review) and certificates
    # (staff download, public verification): apps/members/applications, certificates.
    path("", include("apps.members.applications.urls")),
    path("", include("apps.members.certificates.urls")),
]
