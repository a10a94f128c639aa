"""The unread count of the nav badge, kept in the cache so a page view costs no query.

The count is read from the database once and cached per user; notify() forgets
it when its transaction commits, and marking read forgets it too. With a cache
shared by every process (REDIS_URL) the badge is exact. With the local-memory
cache, a notification written by another process (the background worker) shows
after NOTIFY_UNREAD_CACHE_SECONDS at most; the inbox page is always exact and
refreshes the cached count.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache

from apps.core.models import Notification

# Moves whenever this process changes a count, so a count read earlier in a request
# (the navigation bar's prefetch) is known to be out of date. (Two threads adding at
# once may lose one step; the value still differs from the one read before.)
generation = 0


def _changed() -> None:
    global generation
    generation += 1


def cache_key(user_id: int) -> str:
    return f"notify:unread:{user_id}"


def unread_count(user) -> int:
    key = cache_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(user=user, read_at__isnull=True).count()
        remember(user.pk, count)
    return count


def remember(user_id: int, count: int) -> None:
    _changed()
    cache.set(cache_key(user_id), count, settings.NOTIFY_UNREAD_CACHE_SECONDS)


def forget(user_ids: Iterable[int]) -> None:
    _changed()
    cache.delete_many([cache_key(pk) for pk in set(user_ids)])
