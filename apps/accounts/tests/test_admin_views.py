"""User, role and department administration screens (系统管理员 / 安全管理员)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.html import escape
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts import roles
from apps.accounts.models import Department, Role, User, UserKind
from apps.accounts.tests.factories import DepartmentFactory, UserFactory
from apps.audit.models import AuditEvent
from apps.core.scoping import Grade, ScopeKind
from apps.core.testing import FORBIDDEN, OK

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_account(builtin_roles, street_a):
    """An ordinary account the administrators work on."""
    return UserFactory(
        username="wang.fang",
        full_name="王芳",
        kind=UserKind.STREET_OFFICER,
        scope_kind=ScopeKind.STREETS,
        streets=[street_a],
        roles=[builtin_roles[roles.STREET_OFFICER]],
    )


@pytest.fixture
def security_admin(builtin_roles):
    return UserFactory(username="security_admin", roles=[builtin_roles[roles.SECURITY_ADMIN]])


def user_post_data(user: User, **overrides) -> dict:
    """What the edit form posts back for `user` unchanged."""
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "kind": user.kind,
        "department": user.department_id or "",
        "scope_kind": user.scope_kind,
        "scope_streets": [s.pk for s in user.scope_streets.all()],
        "scope_chambers": [c.pk for c in user.scope_chambers.all()],
        "scope_uscc": user.scope_uscc,
        "groups": [g.pk for g in user.groups.all()],
        "is_active": "on" if user.is_active else "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v not in ("", None)}


# --- users -----------------------------------------------------------------------


def test_admin_lists_and_searches_users(login, district_admin, clerk_account, leader):
    client = login(district_admin)
    page = client.get(reverse("accounts:user_list")).content.decode()
    assert "wang.fang" in page and "leader" in page

    found = client.get(reverse("accounts:user_list"), {"q": "王芳"}).content.decode()
    assert "wang.fang" in found
    assert "leader" not in found.split("<tbody>")[1]

    by_kind = client.get(reverse("accounts:user_list"), {"kind": UserKind.LEADER})
    assert [u.username for u in by_kind.context["page_obj"]] == ["leader"]


def test_admin_creates_a_user_and_sees_the_password_once(
    login, district_admin, builtin_roles, street_a
):
    client = login(district_admin)
    assert client.get(reverse("accounts:user_create")).status_code == OK
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "li.lei",
            "full_name": "李雷",
            "kind": UserKind.STREET_OFFICER,
            "scope_kind": ScopeKind.STREETS,
            "scope_streets": [street_a.pk],
            "groups": [builtin_roles[roles.STREET_OFFICER].group_id],
        },
    )
    assert response.status_code == OK
    password = response.context["password"]
    assert escape(password) in response.content.decode()
    assert "no-store" in response["Cache-Control"]

    user = User.objects.get(username="li.lei")
    assert user.must_change_password is True
    assert user.check_password(password)
    assert list(user.scope_streets.all()) == [street_a]
    event = AuditEvent.objects.get(action="user.create", object_id=str(user.pk))
    assert event.actor_username == "district_admin"
    assert event.changes["roles"] == [None, [roles.STREET_OFFICER]]
    assert password not in str(event.changes)

    # The password is not shown anywhere afterwards.
    detail = client.get(reverse("accounts:user_detail", args=[user.pk])).content.decode()
    assert escape(password) not in detail


def test_create_form_shows_errors_and_creates_nothing(login, district_admin):
    response = login(district_admin).post(
        reverse("accounts:user_create"),
        {"username": "qiye", "kind": UserKind.ENTERPRISE, "scope_kind": ScopeKind.DISTRICT},
    )
    assert response.status_code == OK
    assert "企业用户的数据范围只能是本企业" in response.content.decode()
    assert not User.objects.filter(username="qiye").exists()


def test_admin_edits_roles_and_the_diff_is_audited(
    login, district_admin, clerk_account, builtin_roles
):
    client = login(district_admin)
    url = reverse("accounts:user_update", args=[clerk_account.pk])
    assert client.get(url).status_code == OK
    leader_group = builtin_roles[roles.LEADER].group
    data = user_post_data(
        clerk_account, groups=[builtin_roles[roles.STREET_OFFICER].group_id, leader_group.pk]
    )
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", args=[clerk_account.pk])
    assert set(clerk_account.groups.values_list("name", flat=True)) == {
        roles.STREET_OFFICER,
        roles.LEADER,
    }
    event = AuditEvent.objects.get(action="user.permissions_change")
    assert event.object_id == str(clerk_account.pk)
    assert event.changes["roles"] == [
        [roles.STREET_OFFICER],
        sorted([roles.LEADER, roles.STREET_OFFICER]),
    ]


def test_extra_posted_fields_are_ignored(login, district_admin, clerk_account):
    """Mass assignment: only the form's fields reach the account."""
    client = login(district_admin)
    data = user_post_data(
        clerk_account,
        full_name="王芳芳",
        is_superuser="on",
        is_staff="on",
        must_change_password="on",
        password="plain-text-1A",
        date_joined="2000-01-01 00:00",
    )
    response = client.post(reverse("accounts:user_update", args=[clerk_account.pk]), data)
    assert response.status_code == 302
    clerk_account.refresh_from_db()
    assert clerk_account.full_name == "王芳芳"
    assert clerk_account.is_superuser is False
    assert clerk_account.is_staff is False
    assert clerk_account.must_change_password is False
    assert not clerk_account.check_password("plain-text-1A")
    assert clerk_account.date_joined.year != 2000


def test_extra_fields_on_create_do_not_make_a_superuser(login, district_admin):
    login(district_admin).post(
        reverse("accounts:user_create"),
        {
            "username": "sneaky",
            "kind": UserKind.STAFF,
            "scope_kind": ScopeKind.DISTRICT,
            "is_superuser": "on",
            "is_staff": "on",
            "must_change_password": "",
        },
    )
    user = User.objects.get(username="sneaky")
    assert (user.is_superuser, user.is_staff, user.must_change_password) == (False, False, True)


def test_disabling_an_account_from_the_form(login, district_admin, clerk_account):
    data = user_post_data(clerk_account)
    data.pop("is_active")
    login(district_admin).post(reverse("accounts:user_update", args=[clerk_account.pk]), data)
    clerk_account.refresh_from_db()
    assert clerk_account.is_active is False
    assert AuditEvent.objects.get(action="user.update").changes["is_active"] == [True, False]


def test_admin_resets_a_password(login, district_admin, clerk_account):
    client = login(district_admin)
    url = reverse("accounts:user_reset_password", args=[clerk_account.pk])
    assert client.get(url).status_code == 405  # only a POST (from the confirm button) resets
    response = client.post(url)
    assert response.status_code == OK
    assert "no-store" in response["Cache-Control"]
    password = response.context["password"]
    assert escape(password) in response.content.decode()
    clerk_account.refresh_from_db()
    assert clerk_account.check_password(password)
    assert clerk_account.must_change_password is True
    assert AuditEvent.objects.filter(
        action="user.password_reset", object_id=str(clerk_account.pk), actor=district_admin
    ).exists()


def test_detail_page_offers_confirmed_post_buttons(login, district_admin, clerk_account):
    page = login(district_admin).get(reverse("accounts:user_detail", args=[clerk_account.pk]))
    html = page.content.decode()
    for name in ("user_reset_password", "user_reset_mfa", "user_unlock"):
        action = reverse(f"accounts:{name}", args=[clerk_account.pk])
        assert f'action="{action}"' in html
    assert html.count("data-confirm=") == 3
    assert "建外" in html  # the street in scope


def test_admin_resets_mfa(login, district_admin, clerk_account):
    TOTPDevice.objects.create(user=clerk_account, name="phone", confirmed=True)
    client = login(district_admin)
    detail = reverse("accounts:user_detail", args=[clerk_account.pk])
    assert client.get(detail).context["has_mfa"] is True
    response = client.post(reverse("accounts:user_reset_mfa", args=[clerk_account.pk]), follow=True)
    assert response.redirect_chain[-1][0] == detail
    assert response.context["has_mfa"] is False
    assert not TOTPDevice.objects.filter(user=clerk_account).exists()
    assert AuditEvent.objects.filter(action="user.mfa_reset", object_id=str(clerk_account.pk))


def test_admin_unlocks_an_account(login, district_admin, clerk_account):
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username=clerk_account.username,
        ip_address="10.0.0.9",
        user_agent="test",
        failures_since_start=10,
    )
    client = login(district_admin)
    response = client.post(reverse("accounts:user_unlock", args=[clerk_account.pk]))
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=clerk_account.username).exists()
    assert AuditEvent.objects.filter(action="user.unlock", object_id=str(clerk_account.pk))


USER_PAGES = [
    ("get", "accounts:user_list", False),
    ("get", "accounts:user_create", False),
    ("post", "accounts:user_create", False),
    ("get", "accounts:user_detail", True),
    ("get", "accounts:user_update", True),
    ("post", "accounts:user_update", True),
    ("post", "accounts:user_reset_password", True),
    ("post", "accounts:user_reset_mfa", True),
    ("post", "accounts:user_unlock", True),
    ("get", "accounts:department_list", False),
    ("get", "accounts:department_create", False),
]


@pytest.mark.parametrize("persona", ["street_a_clerk", "leader", "auditor", "security_admin"])
def test_user_pages_are_forbidden_without_manage_users(request, login, persona, clerk_account):
    client = login(request.getfixturevalue(persona))
    password_before = clerk_account.password
    failures = []
    for method, name, with_pk in USER_PAGES:
        url = reverse(name, args=[clerk_account.pk] if with_pk else [])
        data = {"username": "x", "kind": "staff", "scope_kind": "district"}
        status = getattr(client, method)(url, data if method == "post" else {}).status_code
        if status != FORBIDDEN:
            failures.append(f"{method} {url}: {status}")
    assert not failures
    clerk_account.refresh_from_db()
    assert clerk_account.password == password_before
    assert not User.objects.filter(username="x").exists()


def test_anonymous_is_sent_to_sign_in(client, clerk_account):
    for name, args in [
        ("accounts:user_list", []),
        ("accounts:user_detail", [clerk_account.pk]),
        ("accounts:role_list", []),
        ("accounts:department_list", []),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    response = client.post(reverse("accounts:user_reset_password", args=[clerk_account.pk]))
    assert response["Location"].startswith(reverse("accounts:login"))


def test_admin_menu_shows_only_what_the_user_may_open(login, district_admin, auditor):
    admin_page = login(district_admin).get(reverse("core:home")).content.decode()
    assert reverse("accounts:user_list") in admin_page
    assert reverse("accounts:role_list") not in admin_page
    auditor_page = login(auditor).get(reverse("core:home")).content.decode()
    assert reverse("accounts:user_list") not in auditor_page
    assert reverse("audit:event_list") in auditor_page


# --- roles -------------------------------------------------------------------------


def _perm(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def test_security_admin_creates_a_role_with_permissions(login, security_admin):
    client = login(security_admin)
    assert client.get(reverse("accounts:role_create")).status_code == OK
    response = client.post(
        reverse("accounts:role_create"),
        {
            "name": "商会联络员",
            "description": "联系商会",
            "grade": Grade.RECORDS,
            "permissions": [_perm("registry.view_chamber").pk, _perm("registry.view_street").pk],
        },
    )
    assert response.status_code == 302
    role = Role.objects.get(group__name="商会联络员")
    assert role.grade == Grade.RECORDS
    assert set(role.group.permissions.values_list("codename", flat=True)) == {
        "view_chamber",
        "view_street",
    }
    listing = client.get(reverse("accounts:role_list"))
    assert "商会联络员" in listing.content.decode()
    # Every module's permissions can go into a role, not only the foundation's.
    offered = client.get(reverse("accounts:role_create")).context["form"]["permissions"]
    apps_offered = {p.content_type.app_label for p in offered.field.queryset}
    assert {"enterprises", "registry", "accounts"} <= apps_offered
    row = next(r for r in listing.context["roles"] if r.pk == role.pk)
    assert (row.permission_count, row.user_count) == (2, 0)


def test_security_admin_changes_a_grade_and_it_is_audited(login, security_admin, builtin_roles):
    role = builtin_roles[roles.LEADER]
    before = sorted(
        f"{p.content_type.app_label}.{p.codename}" for p in role.group.permissions.all()
    )
    client = login(security_admin)
    url = reverse("accounts:role_update", args=[role.pk])
    form_page = client.get(url)
    assert form_page.status_code == OK
    assert "app-role-form" in form_page.content.decode()
    response = client.post(
        url,
        {
            "name": roles.LEADER,
            "description": role.description,
            "grade": Grade.RECORDS,
            "permissions": [_perm("registry.view_street").pk],
        },
    )
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.grade == Grade.RECORDS
    event = AuditEvent.objects.get(action="role.permissions_change", object_id=str(role.pk))
    assert event.actor_username == "security_admin"
    assert event.changes["grade"] == [Grade.AGGREGATE, Grade.RECORDS]
    assert event.changes["permissions"] == [before, ["registry.view_street"]]


def test_built_in_role_cannot_be_renamed(login, security_admin, builtin_roles):
    role = builtin_roles[roles.AUDITOR]
    login(security_admin).post(
        reverse("accounts:role_update", args=[role.pk]),
        {"name": "随便", "grade": Grade.AGGREGATE, "permissions": []},
    )
    role.refresh_from_db()
    assert role.group.name == roles.AUDITOR


def test_duplicate_role_name_is_refused(login, security_admin, builtin_roles):
    response = login(security_admin).post(
        reverse("accounts:role_create"), {"name": roles.AUDITOR, "grade": Grade.AGGREGATE}
    )
    assert response.status_code == OK
    assert "已存在同名角色" in response.content.decode()
    assert Role.objects.filter(group__name=roles.AUDITOR).count() == 1


@pytest.mark.parametrize("persona", ["district_admin", "auditor", "street_a_clerk"])
def test_role_screens_need_manage_roles(request, login, persona, builtin_roles):
    client = login(request.getfixturevalue(persona))
    role = builtin_roles[roles.LEADER]
    assert client.get(reverse("accounts:role_list")).status_code == FORBIDDEN
    assert client.get(reverse("accounts:role_create")).status_code == FORBIDDEN
    response = client.post(
        reverse("accounts:role_update", args=[role.pk]),
        {"name": roles.LEADER, "grade": Grade.PERSONAL},
    )
    assert response.status_code == FORBIDDEN
    role.refresh_from_db()
    assert role.grade == Grade.AGGREGATE


# --- departments -------------------------------------------------------------------


def test_admin_builds_a_department_tree(login, district_admin):
    client = login(district_admin)
    client.post(reverse("accounts:department_create"), {"name": "办公室", "order": 1})
    office = Department.objects.get(name="办公室")
    client.post(
        reverse("accounts:department_create"), {"name": "文秘科", "parent": office.pk, "order": 1}
    )
    page = client.get(reverse("accounts:department_list"))
    assert [(d.name, depth) for d, depth in page.context["rows"]] == [("办公室", 0), ("文秘科", 1)]
    html = page.content.decode()
    assert html.index("办公室") < html.index("文秘科")
    assert "ps-1" in html  # the child is indented


def test_moving_a_department_under_its_own_child_is_refused(login, district_admin):
    top = DepartmentFactory(name="经济服务部")
    child = DepartmentFactory(name="会员科", parent=top)
    grandchild = DepartmentFactory(name="会员一组", parent=child)
    client = login(district_admin)
    response = client.post(
        reverse("accounts:department_update", args=[top.pk]),
        {"name": "经济服务部", "parent": grandchild.pk, "order": 0},
    )
    assert response.status_code == OK
    assert "部门不能设为自身或其下级部门的下级" in response.content.decode()
    top.refresh_from_db()
    assert top.parent is None
    assert not AuditEvent.objects.filter(action="department.save").exists()


def test_department_rename_is_audited_with_old_and_new_name(login, district_admin):
    department = DepartmentFactory(name="宣传部")
    login(district_admin).post(
        reverse("accounts:department_update", args=[department.pk]),
        {"name": "宣传教育部", "order": 0},
    )
    event = AuditEvent.objects.get(action="department.save", object_id=str(department.pk))
    assert event.changes["name"] == ["宣传部", "宣传教育部"]


def test_an_administrator_cannot_raise_their_own_privileges(login, district_admin, builtin_roles):
    from django.urls import reverse

    from apps.accounts import roles as role_names
    from apps.audit.models import AuditEvent

    auditor_role = builtin_roles[role_names.AUDITOR].group
    mine = [g.pk for g in district_admin.groups.all()]
    response = login(district_admin).post(
        reverse("accounts:user_update", args=[district_admin.pk]),
        {
            "username": district_admin.username,
            "kind": district_admin.kind,
            "scope_kind": district_admin.scope_kind,
            "groups": [*mine, auditor_role.pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "不能修改自己的角色" in response.content.decode()
    assert not district_admin.groups.filter(pk=auditor_role.pk).exists()
    assert not AuditEvent.objects.filter(action="user.permissions_change").exists()
