from django.contrib.auth.backends import ModelBackend

from .access import access_of


class CachedPermissionsBackend(ModelBackend):
    """Django's model backend, with the permission set read through accounts.access."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = set(access_of(user_obj).perms)
        return user_obj._perm_cache
