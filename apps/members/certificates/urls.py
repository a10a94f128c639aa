"""Certificate URLs, included by apps/members/urls.py into the "members" namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/certificate/", views.member_certificate, name="certificate"),
    path("<int:pk>/certificate/pdf/", views.member_certificate_pdf, name="certificate_pdf"),
    # Public (no sign-in).
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify, name="verify_code"),
]
