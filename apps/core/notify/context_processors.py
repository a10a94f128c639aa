from .badge import Badge


def notifications(request):
    """The nav badge: read lazily, from the cache, only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notification_badge": Badge(user)}
