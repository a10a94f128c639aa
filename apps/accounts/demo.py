"""Demo departments, synthetic staff, and the persona accounts people log in with."""

import random

from django.db import transaction

from apps.core.demo import make_uscc, person_name
from apps.core.scoping import ScopeKind
from apps.registry.models import Street

from . import roles
from .models import Department, User, UserKind
from .services import user_create

DEPARTMENTS = {
    "办公室": ["信息中心"],
    "会员部（组织部）": [],
    "宣传教育部": [],
    "经济服务部": [],
    "商会工作部": [],
}

# username, full name, kind, scope, street codes, roles, department
PERSONAS = [
    (
        "sysadmin",
        "系统管理员",
        UserKind.STAFF,
        ScopeKind.DISTRICT,
        [],
        [roles.SYSTEM_ADMIN],
        "信息中心",
    ),
    (
        "secadmin",
        "安全管理员",
        UserKind.STAFF,
        ScopeKind.DISTRICT,
        [],
        [roles.SECURITY_ADMIN],
        "信息中心",
    ),
    ("auditor", "审计管理员", UserKind.STAFF, ScopeKind.DISTRICT, [], [roles.AUDITOR], "办公室"),
    ("staff", "王经济", UserKind.STAFF, ScopeKind.DISTRICT, [], [roles.FIC_STAFF], "经济服务部"),
    ("leader", "李领导", UserKind.LEADER, ScopeKind.DISTRICT, [], [roles.LEADER], None),
    (
        "jianwai",
        "建外街道 张专员",
        UserKind.STREET_OFFICER,
        ScopeKind.STREETS,
        ["110105001000"],
        [roles.STREET_OFFICER],
        None,
    ),
    (
        "chaowai",
        "朝外街道 刘专员",
        UserKind.STREET_OFFICER,
        ScopeKind.STREETS,
        ["110105002000"],
        [roles.STREET_OFFICER],
        None,
    ),
    (
        "enterprise",
        "企业联络员",
        UserKind.ENTERPRISE,
        ScopeKind.ENTERPRISE,
        [],
        [roles.ENTERPRISE],
        None,
    ),
]


def ensure_departments() -> dict[str, Department]:
    found = {}
    for order, (name, children) in enumerate(DEPARTMENTS.items()):
        parent, _c = Department.objects.get_or_create(
            name=name, parent=None, defaults={"order": order}
        )
        found[name] = parent
        for child_order, child in enumerate(children):
            found[child], _c = Department.objects.get_or_create(
                name=child, parent=parent, defaults={"order": child_order}
            )
    return found


@transaction.atomic
def create_persona_accounts(rng: random.Random | None = None) -> list[tuple[User, str]]:
    """Create the persona accounts that do not exist yet; returns them with their
    generated passwords, which are shown once and stored nowhere."""
    rng = rng or random.Random()
    role_objs = roles.ensure_builtin_roles()
    departments = ensure_departments()
    created = []
    for username, full_name, kind, scope, street_codes, role_names, dept in PERSONAS:
        if User.objects.filter(username=username).exists():
            continue
        user, password = user_create(
            actor=None,
            username=username,
            full_name=full_name,
            kind=kind,
            scope_kind=scope,
            department=departments.get(dept) if dept else None,
            scope_uscc=make_uscc(rng) if scope == ScopeKind.ENTERPRISE else "",
            roles=[role_objs[name].group for name in role_names],
            streets=Street.objects.filter(code__in=street_codes),
            must_change_password=False,
        )
        created.append((user, password))
    return created


def seed(*, scale: str, rng: random.Random) -> dict[str, int]:
    """Synthetic street staff: one per street in `district`, two streets in `small`."""
    role_objs = roles.ensure_builtin_roles()
    ensure_departments()
    streets = list(Street.objects.all())
    if scale == "small":
        streets = streets[2:4]
    existing = set(User.objects.values_list("username", flat=True))
    made = 0
    for street in streets:
        username = f"street_{street.code[6:9]}"
        if username in existing:
            continue
        user = User(
            username=username,
            full_name=f"{street.short_name} {person_name(rng)}",
            kind=UserKind.STREET_OFFICER,
            scope_kind=ScopeKind.STREETS,
        )
        user.set_unusable_password()  # synthetic: an administrator resets it to use it
        user.save()
        user.scope_streets.set([street])
        user.groups.set([role_objs[roles.STREET_OFFICER].group])
        made += 1
    return {"street_officers": made}
