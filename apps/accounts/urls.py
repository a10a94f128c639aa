from django.urls import path

from . import admin_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
    path("otp/enrol/", views.otp_enrol, name="otp_enrol"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("profile/", views.profile, name="profile"),
    path("users/", admin_views.user_list, name="user_list"),
    path("users/new/", admin_views.user_create, name="user_create"),
    path("users/<int:pk>/", admin_views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", admin_views.user_update, name="user_update"),
    path(
        "users/<int:pk>/reset-password/",
        admin_views.user_reset_password,
        name="user_reset_password",
    ),
    path("users/<int:pk>/reset-mfa/", admin_views.user_reset_mfa, name="user_reset_mfa"),
    path("users/<int:pk>/unlock/", admin_views.user_unlock, name="user_unlock"),
    path("roles/", admin_views.role_list, name="role_list"),
    path("roles/new/", admin_views.role_edit, name="role_create"),
    path("roles/<int:pk>/", admin_views.role_edit, name="role_update"),
    path("departments/", admin_views.department_list, name="department_list"),
    path("departments/new/", admin_views.department_edit, name="department_create"),
    path("departments/<int:pk>/", admin_views.department_edit, name="department_update"),
]
