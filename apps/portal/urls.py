from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("register/", views.register, name="register"),
    path("register/done/", views.register_done, name="register_done"),
    path("waiting/", views.waiting, name="waiting"),
    path("review/", views.ReviewListView.as_view(), name="review_list"),
    path("review/<int:pk>/", views.ReviewDetailView.as_view(), name="review_detail"),
    path(
        "review/<int:pk>/approve/",
        views.ReviewDecideView.as_view(decision="approve"),
        name="review_approve",
    ),
    path(
        "review/<int:pk>/reject/",
        views.ReviewDecideView.as_view(decision="reject"),
        name="review_reject",
    ),
    path("invitations/", views.InvitationView.as_view(), name="invitations"),
]
