"""Session lifetime, second factor and password expiry, checked on every request."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.audit.services import audit_record

SESSION_AUTH_AT = "auth_at"
SESSION_SEEN_AT = "seen_at"
SEEN_AT_RESOLUTION = 60  # seconds

# Paths a signed-in user can reach before finishing the second factor or a
# forced password change.
OPEN_PATH_PREFIXES = ("/static/", "/i18n/", "/accounts/logout/", "/healthz")


def _is_open(path: str, *names: str) -> bool:
    if path.startswith(OPEN_PATH_PREFIXES):
        return True
    return any(path == reverse(name) for name in names)


def _redirect(request, to: str):
    if getattr(request, "htmx", False):
        response = redirect(to)
        response["HX-Redirect"] = response["Location"]
        return response
    return redirect(to)


class SessionTimeoutMiddleware:
    """Ends a session after 30 minutes idle or 12 hours in total (SECURITY.md 4)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = time.time()
            auth_at = request.session.get(SESSION_AUTH_AT, now)
            seen_at = request.session.get(SESSION_SEEN_AT, now)
            idle = now - seen_at > settings.SESSION_IDLE_TIMEOUT.total_seconds()
            too_old = now - auth_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if idle or too_old:
                audit_record(
                    action="session_expired",
                    actor=user,
                    message="idle" if idle else "absolute",
                )
                logout(request)
                messages.warning(request, _("Your session has expired. Please sign in again."))
                return _redirect(request, reverse(settings.LOGIN_URL))
            # Writing the session costs a database write per request; a stamp at
            # most a minute old keeps the idle limit to within that minute.
            if now - seen_at >= SEEN_AT_RESOLUTION or SESSION_SEEN_AT not in request.session:
                request.session[SESSION_SEEN_AT] = now
            request.session.setdefault(SESSION_AUTH_AT, now)
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """Roles that see personal data or administer users must pass TOTP (SECURITY.md 2)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.requires_mfa
            and not user.is_verified()
            and not _is_open(request.path, "accounts:otp_verify", "accounts:otp_enrol")
        ):
            from django_otp import devices_for_user

            has_device = any(True for _d in devices_for_user(user, confirmed=True))
            target = "accounts:otp_verify" if has_device else "accounts:otp_enrol"
            return _redirect(request, reverse(target))
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """A new, reset or expired password must be changed before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.password_expired
            and not _is_open(
                request.path,
                "accounts:password_change",
                "accounts:otp_verify",
                "accounts:otp_enrol",
            )
        ):
            return _redirect(request, reverse("accounts:password_change"))
        return self.get_response(request)
