"""Per-IP limits on the public pages (SECURITY.md 23), counted in the shared cache (Redis in
production) so that every web process counts the same requests.

Each bucket has a limit and a window (settings.MEMBERS_RATE_LIMITS); the window starts at the
first request and is not extended by later ones.
"""

from django.conf import settings
from django.core.cache import cache

from apps.core import request_context

APPLY = "apply"  # POSTs of the application form (counted before anything is read)
STATUS = "status"  # status look-ups by reference number and phone
VERIFY = "verify"  # certificate verifications


def _ip(request) -> str:
    return getattr(request, "client_ip", None) or request_context.client_ip(request.META) or "-"


def _key(request, bucket: str) -> str:
    return f"members:rate:{bucket}:{_ip(request)}"


def _limit(bucket: str) -> tuple[int, int]:
    limit, window = settings.MEMBERS_RATE_LIMITS[bucket]
    return int(limit), int(window)


def limited(request, bucket: str) -> bool:
    """True when this address has used up the bucket for the current window."""
    limit, _window = _limit(bucket)
    return cache.get(_key(request, bucket), 0) >= limit


def hit(request, bucket: str) -> bool:
    """Count one request; True when it is over the limit (and must be refused)."""
    limit, window = _limit(bucket)
    key = _key(request, bucket)
    if cache.add(key, 1, window):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, window)
        count = 1
    return count > limit


def window_minutes(bucket: str) -> int:
    return max(1, _limit(bucket)[1] // 60)
