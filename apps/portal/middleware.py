"""Routes enterprise accounts: one that is not linked to its enterprise yet sees only the
waiting page; a linked one has 我的企业 as its home page."""

from django.shortcuts import redirect
from django.urls import reverse

from apps.accounts.models import UserKind

from .views import awaiting_approval

# What an account awaiting approval can still reach: sign-out, its password, the second
# factor, its notifications, the language switch and static files.
OPEN_PREFIXES = (
    "/static/",
    "/i18n/",
    "/healthz",
    "/accounts/logout/",
    "/accounts/password/",
    "/accounts/otp/",
    "/notifications/",
)


def _redirect(request, name: str):
    response = redirect(name)
    if getattr(request, "htmx", False):
        response["HX-Redirect"] = response["Location"]
    return response


class EnterpriseAccountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.kind == UserKind.ENTERPRISE:
            path = request.path
            if awaiting_approval(user):
                if not path.startswith(OPEN_PREFIXES) and path != reverse("portal:waiting"):
                    return _redirect(request, "portal:waiting")
            elif path == reverse("core:home") and user.scope_uscc:
                return _redirect(request, "portal:home")
        return self.get_response(request)
