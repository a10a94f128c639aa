"""Bump `User.access_stamp` whenever what an account may do changes.

Signals, not service calls, because these relations also change from Django's admin
commands, data migrations, tests and `ensure_builtin_roles`; a cache that any one of them
could leave stale would be a security defect, so the invalidation sits where every path
passes: the many-to-many tables themselves.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_save, pre_delete
from django.dispatch import receiver

from . import access
from .models import Role, User


def _on_user_relation(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear", "post_clear"):
        return
    if not reverse:
        # user.groups.add(...), user.scope_streets.set(...): the instance is the user.
        if action != "pre_clear":
            access.bump((), instance=instance)
        return
    # group.user_set.add(...), street.<reverse>.clear(): the instance is the other side.
    if action == "pre_clear":
        ids = sender.objects.filter(**{_other_fk(sender, instance): instance.pk}).values_list(
            "user_id", flat=True
        )
        instance._access_clear_ids = list(ids)
    elif action == "post_clear":
        access.bump(getattr(instance, "_access_clear_ids", ()))
    else:
        access.bump(pk_set or ())


def _other_fk(through, instance) -> str:
    for field in through._meta.concrete_fields:
        if field.is_relation and field.related_model is type(instance):
            return field.attname
    raise LookupError(through)


for _through in (
    User.groups.through,
    User.user_permissions.through,
    User.scope_streets.through,
    User.scope_chambers.through,
):
    m2m_changed.connect(_on_user_relation, sender=_through, dispatch_uid=f"access:{_through}")


@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="access:group-perms")
def on_group_permissions(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        access.bump(access.users_of_groups([instance.pk]))
    elif action == "pre_clear":
        groups = Group.permissions.through.objects.filter(permission_id=instance.pk)
        access.bump(access.users_of_groups(groups.values_list("group_id", flat=True)))
    else:
        access.bump(access.users_of_groups(pk_set or ()))


@receiver(post_save, sender=Role, dispatch_uid="access:role-saved")
def on_role_saved(sender, instance, **kwargs):
    access.bump(access.users_of_groups([instance.group_id]))


@receiver(pre_delete, sender=Role, dispatch_uid="access:role-deleted")
@receiver(pre_delete, sender=Group, dispatch_uid="access:group-deleted")
def on_group_deleted(sender, instance, **kwargs):
    group_id = instance.group_id if isinstance(instance, Role) else instance.pk
    access.bump(access.users_of_groups([group_id]))


@receiver(pre_delete, sender=Permission, dispatch_uid="access:permission-deleted")
def on_permission_deleted(sender, instance, **kwargs):
    users = User.user_permissions.through.objects.filter(permission_id=instance.pk)
    groups = Group.permissions.through.objects.filter(permission_id=instance.pk)
    access.bump(
        [
            *users.values_list("user_id", flat=True),
            *access.users_of_groups(groups.values_list("group_id", flat=True)),
        ]
    )
