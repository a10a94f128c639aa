"""What an account may do, read once and cached: permissions, grade and scope.

Every page needs the user's permissions (the navigation), grade and data scope, which
cost four queries. They change rarely, so they are cached under a key that holds
`User.access_stamp`; every change of roles, role permissions, grades, streets or chambers
bumps the stamp of the accounts it touches (see `bump` and the receivers in
access_receivers.py), so a cached entry is never used after the change: the next request
reads the user row, sees the new stamp and recomputes. The stamp lives in the database,
so this holds with a per-process cache as well as with Redis.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import F
from django.utils.functional import LazyObject, empty

from apps.core.scoping import Grade, ScopeKind

CACHE_SECONDS = 3600


@dataclass(frozen=True)
class Access:
    perms: frozenset[str]
    grade: int
    street_ids: frozenset[int]
    street_names: tuple[str, ...]
    chamber_ids: frozenset[int]
    chamber_names: tuple[str, ...]


def cache_key(user) -> str:
    # Flags on the user row itself are part of the key, so changing them needs no bump;
    # the join time tells apart two accounts that got the same id in databases created
    # anew (a reset demo, a test run) while the cache outlived them.
    joined = user.date_joined.timestamp() if user.date_joined else 0
    return (
        f"accounts:access:{user.pk}:{user.access_stamp}:{joined}:"
        f"{int(user.is_superuser)}:{int(user.is_active)}:{user.scope_kind}"
    )


def access_of(user) -> Access:
    """The user's access, from the instance, the cache or (once) the database."""
    user = instance(user)
    memo = user.__dict__.get("_access")
    if memo is not None:
        return memo
    key = cache_key(user)
    access = cache.get(key)
    if access is None:
        access = compute(user)
        cache.set(key, access, CACHE_SECONDS)
    remember(user, access)
    return access


def remember(user, access: Access) -> None:
    """Keep the access on the user instance for the rest of the request."""
    instance(user).__dict__["_access"] = access


def instance(user):
    """The User itself behind request.user's lazy wrappers (auth and django-otp each add
    one): a memo kept in a wrapper's own __dict__ would be missed through the other."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


def compute(user) -> Access:
    from django.contrib.auth.backends import ModelBackend

    from .models import Role, User

    perms = frozenset(ModelBackend().get_all_permissions(user)) if user.is_active else frozenset()
    if user.is_superuser:
        grade = Grade.PERSONAL
    else:
        grades = Role.objects.filter(group__user=user).values_list("grade", flat=True)
        grade = max(grades, default=Grade.NONE)
    streets, chambers = [], []
    if user.scope_kind == ScopeKind.STREETS:
        streets = list(
            User.scope_streets.through.objects.filter(user_id=user.pk)
            .order_by("street__code")
            .values_list("street_id", "street__short_name")
        )
    elif user.scope_kind == ScopeKind.CHAMBERS:
        chambers = list(
            User.scope_chambers.through.objects.filter(user_id=user.pk)
            .order_by("chamber__name")
            .values_list("chamber_id", "chamber__name")
        )
    return Access(
        perms=perms,
        grade=int(grade),
        street_ids=frozenset(pk for pk, _ in streets),
        street_names=tuple(name for _, name in streets),
        chamber_ids=frozenset(pk for pk, _ in chambers),
        chamber_names=tuple(name for _, name in chambers),
    )


def forget(user) -> None:
    """Drop what this instance remembered (its cached_property values too)."""
    user = instance(user)
    for name in ("_access", "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(name, None)
    for name in ("grade", "data_scope"):
        user.__dict__.pop(name, None)


def bump(user_ids, *, instance=None) -> None:
    """Invalidate the cached access of these accounts (and of the instance in hand)."""
    from .models import User

    ids = {pk for pk in user_ids if pk is not None}
    if instance is not None and instance.pk is not None:
        ids.add(instance.pk)
    if not ids:
        return
    User.objects.filter(pk__in=ids).update(access_stamp=F("access_stamp") + 1)
    if instance is not None and instance.pk is not None:
        instance.access_stamp = (
            User.objects.filter(pk=instance.pk).values_list("access_stamp", flat=True).first() or 0
        )
        forget(instance)


def users_of_groups(group_ids) -> list[int]:
    from .models import User

    return list(
        User.groups.through.objects.filter(group_id__in=list(group_ids)).values_list(
            "user_id", flat=True
        )
    )
