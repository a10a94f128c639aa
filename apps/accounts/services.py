"""Every write to accounts, roles and departments, each with its audit event."""

import secrets
import string
from collections.abc import Iterable
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user

from apps.audit.services import audit_record, diff, snapshot
from apps.core.masking import mask_phone

from .models import Department, Role, User

USER_FIELDS = [
    "username",
    "full_name",
    "email",
    "mobile",
    "kind",
    "department",
    "scope_kind",
    "scope_uscc",
    "is_active",
    "password_rotation",
]


# What an administrator may not change on their own account.
SELF_LOCKED_FIELDS = frozenset(
    {"roles", "scope_kind", "scope_streets", "scope_chambers", "scope_uscc", "kind", "is_active"}
)


def generate_password(length: int = 16) -> str:
    """A random password that passes every validator: all four character classes."""
    alphabet = string.ascii_letters + string.digits + "!@#$%^&*-_+="
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if (
            any(c.islower() for c in candidate)
            and any(c.isupper() for c in candidate)
            and any(c.isdigit() for c in candidate)
            and any(not c.isalnum() for c in candidate)
        ):
            return candidate


def _relations(user: User) -> dict[str, list[str]]:
    return {
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "scope_streets": sorted(user.scope_streets.values_list("short_name", flat=True)),
        "scope_chambers": sorted(user.scope_chambers.values_list("name", flat=True)),
    }


def _masked(changes: dict[str, list]) -> dict[str, list]:
    """The audit log records that the mobile changed, never the number itself."""
    if "mobile" in changes:
        changes["mobile"] = [mask_phone(value) for value in changes["mobile"]]
    return changes


def _set_relations(user: User, *, roles, streets, chambers) -> None:
    if roles is not None:
        user.groups.set(roles)
    if streets is not None:
        user.scope_streets.set(streets)
    if chambers is not None:
        user.scope_chambers.set(chambers)
    # Cached per instance; a changed scope must not survive on this object.
    user.__dict__.pop("data_scope", None)
    user.__dict__.pop("grade", None)


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    kind: str,
    scope_kind: str,
    full_name: str = "",
    email: str = "",
    mobile: str = "",
    department: Department | None = None,
    scope_uscc: str = "",
    roles: Iterable[Group] = (),
    streets: Iterable = (),
    chambers: Iterable = (),
    password: str | None = None,
    password_rotation: bool = False,
    must_change_password: bool = True,
) -> tuple[User, str]:
    """Create an account; returns it with its initial password (generated if not given)."""
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        mobile=mobile,
        kind=kind,
        department=department,
        scope_kind=scope_kind,
        scope_uscc=scope_uscc,
        password_rotation=password_rotation,
        must_change_password=must_change_password,
    )
    password = password or generate_password()
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    _set_relations(user, roles=roles, streets=streets, chambers=chambers)
    audit_record(
        action="user.create",
        actor=actor,
        obj=user,
        changes=_masked(diff({}, {**snapshot(user, USER_FIELDS), **_relations(user)})),
    )
    return user, password


@transaction.atomic
def user_update(
    *, actor: User, user: User, roles=None, streets=None, chambers=None, **fields
) -> User:
    unknown = set(fields) - set(USER_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    user = User.objects.select_for_update().get(pk=user.pk)
    before = {**snapshot(user, USER_FIELDS), **_relations(user)}
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    _set_relations(user, roles=roles, streets=streets, chambers=chambers)
    after = {**snapshot(user, USER_FIELDS), **_relations(user)}
    changes = _masked(diff(before, after))
    if actor.pk == user.pk and SELF_LOCKED_FIELDS & set(changes):
        # Nobody raises their own privileges: another administrator must do it.
        raise ValidationError(_("You cannot change your own roles, data scope, kind or status."))
    if changes:
        action = "user.permissions_change" if "roles" in changes else "user.update"
        audit_record(action=action, actor=actor, obj=user, changes=changes)
    return user


@transaction.atomic
def user_reset_password(*, actor: User, user: User) -> str:
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    audit_record(action="user.password_reset", actor=actor, obj=user)
    return password


@transaction.atomic
def password_change(*, user: User, new_password: str) -> None:
    """The user changes their own password (validated by the form)."""
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    audit_record(action="password_change", actor=user, obj=user)


@transaction.atomic
def user_reset_mfa(*, actor: User, user: User) -> int:
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    audit_record(action="user.mfa_reset", actor=actor, obj=user, changes={"devices": [removed, 0]})
    return removed


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> int:
    cleared = axes_reset(username=user.username)
    audit_record(action="user.unlock", actor=actor, obj=user)
    return cleared


@transaction.atomic
def users_disable_idle(*, now=None) -> list[str]:
    """Disable accounts unused for ACCOUNT_IDLE_DISABLE_DAYS (SECURITY.md 24)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ACCOUNT_IDLE_DISABLE_DAYS)
    idle = User.objects.filter(is_active=True, date_joined__lt=cutoff).exclude(
        last_login__gte=cutoff
    )
    names = []
    for user in idle.select_for_update():
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(
            action="user.disable_idle",
            actor=None,
            obj=user,
            changes={"is_active": [True, False]},
        )
        names.append(user.username)
    return names


# --- roles -------------------------------------------------------------------


def _role_state(role: Role) -> dict:
    return {
        "name": role.group.name,
        "description": role.description,
        "grade": role.grade,
        "permissions": sorted(
            f"{p.content_type.app_label}.{p.codename}"
            for p in role.group.permissions.select_related("content_type")
        ),
    }


@transaction.atomic
def role_create(
    *,
    actor: User | None,
    name: str,
    grade: int,
    description: str = "",
    permissions: Iterable[Permission] = (),
    builtin: bool = False,
) -> Role:
    group = Group.objects.create(name=name)
    group.permissions.set(permissions)
    role = Role.objects.create(group=group, grade=grade, description=description, builtin=builtin)
    audit_record(action="role.create", actor=actor, obj=role, changes=diff({}, _role_state(role)))
    return role


@transaction.atomic
def role_update(
    *,
    actor: User,
    role: Role,
    name: str,
    grade: int,
    description: str,
    permissions: Iterable[Permission],
) -> Role:
    role = Role.objects.select_for_update().select_related("group").get(pk=role.pk)
    before = _role_state(role)
    role.group.name = name
    role.group.save()
    role.group.permissions.set(permissions)
    role.grade = grade
    role.description = description
    role.save()
    changes = diff(before, _role_state(role))
    if changes:
        audit_record(action="role.permissions_change", actor=actor, obj=role, changes=changes)
    return role


# --- departments ---------------------------------------------------------------


@transaction.atomic
def department_save(
    *, actor: User | None, name: str, parent: Department | None, order: int = 0, department=None
) -> Department:
    if department is not None and parent is not None:
        node = parent
        while node is not None:
            if node.pk == department.pk:
                raise ValidationError(_("A department cannot be placed under itself."))
            node = node.parent
    before = snapshot(department) if department else {}
    department = department or Department()
    department.name, department.parent, department.order = name, parent, order
    department.full_clean()
    department.save()
    audit_record(
        action="department.save",
        actor=actor,
        obj=department,
        changes=diff(before, snapshot(department)),
    )
    return department
