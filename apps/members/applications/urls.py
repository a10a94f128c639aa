"""Application URLs, included by apps/members/urls.py into the "members" namespace."""

from django.urls import path

from . import views_public, views_review

urlpatterns = [
    # Public (no sign-in).
    path("apply/", views_public.apply_start, name="apply_start"),
    path("apply/done/", views_public.apply_done, name="apply_done"),
    path("apply/status/", views_public.status_lookup, name="apply_status"),
    path(
        "apply/status/<str:reference>/",
        views_public.status_detail,
        name="apply_status_detail",
    ),
    path("apply/<slug:kind_slug>/", views_public.apply, name="apply"),
    # Reviewers.
    path("applications/", views_review.ApplicationListView.as_view(), name="application_list"),
    path(
        "applications/<int:pk>/",
        views_review.ApplicationDetailView.as_view(),
        name="application_detail",
    ),
    path(
        "applications/<int:pk>/review/",
        views_review.ApplicationDecideView.as_view(decision="review"),
        name="application_review",
    ),
    path(
        "applications/<int:pk>/return/",
        views_review.ApplicationDecideView.as_view(decision="return"),
        name="application_return",
    ),
    path(
        "applications/<int:pk>/reject/",
        views_review.ApplicationDecideView.as_view(decision="reject"),
        name="application_reject",
    ),
    path(
        "applications/<int:pk>/approve/",
        views_review.ApplicationDecideView.as_view(decision="approve"),
        name="application_approve",
    ),
    path(
        "applications/attachments/<int:pk>/",
        views_review.attachment_download,
        name="application_attachment",
    ),
]
