"""Cached permissions, grade and scope never outlive a change of what an account may do.

Each test warms the cache through a first "request" (a fresh instance from the database),
changes something by one of the paths an administrator or a migration could take, and
checks that the next request sees the change.
"""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from apps.accounts import roles
from apps.accounts.models import Role, User
from apps.core.scoping import Grade, ScopeKind
from apps.enterprises.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def fresh(user) -> User:
    """The user as the next request loads it."""
    return User.objects.get(pk=user.pk)


def test_permission_removed_from_a_role_is_gone_on_the_next_request(street_a_clerk):
    assert fresh(street_a_clerk).has_perm("enterprises.view_enterprise")
    group = Role.objects.get(group__name=roles.STREET_OFFICER).group
    group.permissions.remove(Permission.objects.get(codename="view_enterprise"))
    assert not fresh(street_a_clerk).has_perm("enterprises.view_enterprise")


def test_role_taken_away_and_given_back(street_a_clerk, builtin_roles):
    assert fresh(street_a_clerk).has_perm("enterprises.view_enterprise")
    group = builtin_roles[roles.STREET_OFFICER].group
    group.user_set.remove(street_a_clerk)  # from the group's side
    assert not fresh(street_a_clerk).has_perm("enterprises.view_enterprise")
    street_a_clerk.groups.add(group)  # from the user's side
    assert fresh(street_a_clerk).has_perm("enterprises.view_enterprise")
    group.user_set.clear()
    assert fresh(street_a_clerk).get_all_permissions() == set()


def test_grade_change_of_a_role_reaches_its_users(street_a_clerk, builtin_roles):
    before = fresh(street_a_clerk).grade
    role = builtin_roles[roles.STREET_OFFICER]
    role.grade = Grade.AGGREGATE
    role.save()
    assert before != Grade.AGGREGATE
    assert fresh(street_a_clerk).grade == Grade.AGGREGATE


def test_street_moved_changes_the_rows_in_scope(street_a_clerk, street_a, street_b):
    mine = EnterpriseFactory(street=street_a)
    theirs = EnterpriseFactory(street=street_b)
    from apps.enterprises.models import Enterprise

    assert set(Enterprise.objects.in_scope(fresh(street_a_clerk))) == {mine}
    street_a_clerk.scope_streets.set([street_b])
    assert set(Enterprise.objects.in_scope(fresh(street_a_clerk))) == {theirs}


def test_an_old_instance_cannot_revive_the_old_entry(street_a_clerk, builtin_roles):
    stale = fresh(street_a_clerk)
    assert stale.has_perm("enterprises.view_enterprise")
    builtin_roles[roles.STREET_OFFICER].group.user_set.remove(street_a_clerk)
    stale.full_name = "改名"
    stale.save()  # a full save of an instance holding the old stamp
    assert not fresh(street_a_clerk).has_perm("enterprises.view_enterprise")


def test_deleting_a_role_takes_its_permissions(street_a_clerk, builtin_roles):
    assert fresh(street_a_clerk).has_perm("enterprises.view_enterprise")
    builtin_roles[roles.STREET_OFFICER].group.delete()
    assert not fresh(street_a_clerk).has_perm("enterprises.view_enterprise")


def test_scope_kind_and_deactivation_need_no_bump(street_a_clerk):
    assert fresh(street_a_clerk).data_scope.kind == ScopeKind.STREETS
    User.objects.filter(pk=street_a_clerk.pk).update(scope_kind=ScopeKind.DISTRICT)
    assert fresh(street_a_clerk).data_scope.kind == ScopeKind.DISTRICT
    User.objects.filter(pk=street_a_clerk.pk).update(is_active=False)
    assert fresh(street_a_clerk).get_all_permissions() == set()


def test_the_page_follows_a_role_change(login, street_a_clerk, builtin_roles):
    client = login(street_a_clerk)
    assert client.get(reverse("enterprises:list")).status_code == 200
    builtin_roles[roles.STREET_OFFICER].group.user_set.remove(street_a_clerk)
    assert client.get(reverse("enterprises:list")).status_code == 403
