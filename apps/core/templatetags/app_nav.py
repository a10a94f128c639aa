"""The navigation bar, rendered once per account, page and language and kept in the cache.

The bar is the most expensive part of every signed-in page that is not the page itself:
five menus checked against the permissions, a dozen links reversed and translated, the
account menu with two forms. It depends only on the permissions (the access key of
accounts/access.py, which changes with them), the language, the page (which item is
active), the account's display name and its scope label, so it is rendered once for these
and stored. What differs per request goes in afterwards: the CSRF token of the two forms,
the "next" address of the language form, and the unread badge (read in the same cache
round trip as the bar).
"""

import hashlib
import json

from django import template
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from apps.core.notify.badge import cache_key as unread_key
from apps.core.notify.badge import unread_count

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
    match = request.resolver_match
    view_name = match.view_name if match else ""
    app_name = match.app_name if match else ""
    parts = [
        context.get("nav_cache_key", ""),
        view_name,
        app_name,
        user.full_name or user.get_username(),
        str(context.get("user_scope_label", "")),
    ]
    key = "nav:html:" + hashlib.sha256(json.dumps(parts).encode()).hexdigest()
    found = cache.get_many([key, unread_key(user.pk)])
    html = found.get(key)
    if html is None:
        html = render_to_string(
            "_nav.html",
            {"csrf_token": CSRF_SLOT, "nav_next": NEXT_SLOT, "nav_badge": BADGE_SLOT},
            request=request,
        )
        cache.set(key, html, CACHE_SECONDS)
    unread = found.get(unread_key(user.pk))
    if unread is None:
        unread = unread_count(user)  # reads the database and caches the count
    return mark_safe(  # noqa: S308 - a template's output; the parts put in are escaped
        html.replace(CSRF_SLOT, escape(csrf_token(context, request)))
        .replace(NEXT_SLOT, escape(request.get_full_path()))
        .replace(BADGE_SLOT, badge(unread, active=app_name == "notifications"))
    )


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
