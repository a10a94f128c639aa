from django.conf import settings
from django.utils.translation import gettext as _

from apps.core.scoping import ScopeKind


def access_of(user):
    # core must not import accounts at module level (accounts imports core).
    from apps.accounts.access import access_of

    return access_of(user)


def scope_label(user) -> str:
    """Words for the user's data scope, shown in the navigation bar."""
    if not user.is_authenticated:
        return ""
    scope = user.data_scope
    if scope.kind == ScopeKind.DISTRICT:
        return _("Whole district")
    if scope.kind == ScopeKind.STREETS:
        names = access_of(user).street_names[:4]
        return "、".join(names) or _("No street assigned")
    if scope.kind == ScopeKind.CHAMBERS:
        names = access_of(user).chamber_names[:2]
        return "、".join(names) or _("No chamber assigned")
    if scope.kind == ScopeKind.ENTERPRISE:
        return _("Own enterprise")
    return ""


def platform(request):
    user = getattr(request, "user", None)
    return {
        "PLATFORM_NAME": settings.PLATFORM_NAME,
        "FEDERATION_NAME": settings.FEDERATION_NAME,
        "DISTRICT_NAME": settings.DISTRICT_NAME,
        "user_scope_label": scope_label(user) if user is not None else "",
    }
