"""The navigation bar, rendered once per account, page and language and kept in the cache.

The bar is the most expensive part of every signed-in page that is not the page itself:
five menus checked against the permissions, a dozen links reversed and translated, the
account menu with two forms. It depends only on the permissions (the access key of
accounts/access.py, which changes with them), the language, the page (which item is
active), the account's display name and its scope label, so it is rendered once for these
and stored. What differs per request goes in afterwards: the CSRF token of the two forms,
the "next" address of the language form, and the unread badge.

A page that reads cached parts of its own first can fetch the bar and the count in the
same round trip (`ride_along`, `keep`; the enterprise list does).
"""

import hashlib
import json

from django import template
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext

from apps.core.notify import badge as unread
from apps.core.notify.badge import cache_key as unread_key

register = template.Library()

CACHE_SECONDS = 600
# Stand-ins for the per-request parts; letters only, so escaping leaves them as they are.
CSRF_SLOT = "NavCsrfTokenSlot"
NEXT_SLOT = "NavNextPathSlot"
BADGE_SLOT = "NavUnreadBadgeSlot"


@register.simple_tag(takes_context=True)
def app_nav(context) -> str:
    request = context.get("request")
    user = context.get("user")
    if request is None or user is None or not user.is_authenticated:
        return render_to_string("_nav.html", context.flatten())
    key = nav_key(request, user)
    html, count = _prefetched(request, key)
    if html is None:
        html = render_to_string(
            "_nav.html",
            {"csrf_token": CSRF_SLOT, "nav_next": NEXT_SLOT, "nav_badge": BADGE_SLOT},
            request=request,
        )
        cache.set(key, html, CACHE_SECONDS)
    if count is None:
        count = unread.unread_count(user)  # reads the database and caches the count
    match = request.resolver_match
    return mark_safe(  # noqa: S308 - a template's output; the parts put in are escaped
        html.replace(CSRF_SLOT, escape(csrf_token(context, request)))
        .replace(NEXT_SLOT, escape(request.get_full_path()))
        .replace(BADGE_SLOT, badge(count, active=bool(match) and match.app_name == "notifications"))
    )


def nav_key(request, user) -> str:
    """The bar depends on the permissions (the access key, which changes with them and
    with the scope, so with the scope label too), the language, the page (its active
    item) and the account's display name."""
    from apps.accounts.access import cache_key

    match = request.resolver_match
    parts = [
        cache_key(user),
        get_language(),
        match.view_name if match else "",
        match.app_name if match else "",
        user.full_name or user.get_username(),
    ]
    return "nav:html:" + hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def ride_along(request) -> list[str]:
    """Keys of the bar and the badge, for a page that reads its own cached parts before it
    renders (the enterprise list): one round trip for all. None for htmx requests."""
    user = request.user
    if not user.is_authenticated or "HTTP_HX_REQUEST" in request.META:
        return []
    return [nav_key(request, user), unread_key(user.pk)]


def keep(request, keys: list[str], found: dict) -> None:
    """What such a read found for ride_along()'s keys, for the tag to use."""
    request._nav_prefetched = (keys[0], found.get(keys[0]), found.get(keys[1]), unread.generation)


def _prefetched(request, key: str) -> tuple[str | None, int | None]:
    """The bar and unread count read earlier in the request, else both read now. The
    count is dropped if this process changed a count since (the view marked one read)."""
    early = getattr(request, "_nav_prefetched", None)
    if early is not None and early[0] == key:
        _key, html, count, generation = early
        return html, count if generation == unread.generation else None
    found = cache.get_many([key, unread_key(request.user.pk)])
    return found.get(key), found.get(unread_key(request.user.pk))


def csrf_token(context, request) -> str:
    """The page's own masked token (the one base.html already shows), not a second one:
    each masking costs 32 reads of the system's random source."""
    token = context.get("csrf_token")
    return str(token) if token else get_token(request)


def badge(unread: int, *, active: bool) -> str:
    """The bell of the navigation bar with the unread count."""
    from django.urls import reverse

    label = gettext("Notifications")
    if unread:
        aria = ngettext(
            "Notifications, %(counter)s unread", "Notifications, %(counter)s unread", unread
        ) % {"counter": unread}
        count = format_html(
            ' <span class="badge rounded-pill text-bg-danger app-unread-badge">{}</span>',
            "99+" if unread > 99 else str(unread),
        )
    else:
        aria, count = label, ""
    return format_html(
        '<li class="nav-item"><a class="nav-link{}"{} href="{}" title="{}" aria-label="{}">'
        '<i class="bi bi-bell" aria-hidden="true"></i> <span class="d-lg-none">{}</span>{}</a>'
        "</li>",
        " active" if active else "",
        mark_safe(' aria-current="page"') if active else "",
        reverse("notifications:inbox"),
        label,
        aria,
        label,
        count,
    )
