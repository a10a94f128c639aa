"""Per-IP limit on public registrations (SECURITY.md 23), kept in the shared cache (Redis in
production) so every web process counts the same submissions."""

from django.conf import settings
from django.core.cache import cache

from apps.core import request_context


def _key(request) -> str:
    ip = getattr(request, "client_ip", None) or request_context.client_ip(request.META)
    return f"portal:register:{ip or 'unknown'}"


def registration_limited(request) -> bool:
    return cache.get(_key(request), 0) >= settings.PORTAL_REGISTRATION_LIMIT


def registration_count(request) -> None:
    """Count one submission that reached the service (accepted or refused as a duplicate).
    The window starts at the first one and is not extended by later ones."""
    key = _key(request)
    if cache.add(key, 1, settings.PORTAL_REGISTRATION_WINDOW):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, settings.PORTAL_REGISTRATION_WINDOW)
