import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache

from apps.accounts.tests.factories import UserFactory
from apps.core.scoping import ScopeKind
from apps.registry.models import Chamber, Street
from apps.registry.tests.factories import ChamberFactory

pytestmark = pytest.mark.django_db


def test_anonymous_and_inactive_users_see_nothing(chamber_a, street_a_clerk):
    assert not Chamber.objects.in_scope(AnonymousUser()).exists()
    assert not Chamber.objects.in_scope(None).exists()
    street_a_clerk.is_active = False
    assert not Chamber.objects.in_scope(street_a_clerk).exists()


def test_district_scope_sees_everything(district_admin, chamber_a, chamber_b):
    assert set(Chamber.objects.in_scope(district_admin)) == {chamber_a, chamber_b}


def test_street_scope(street_a_clerk, chamber_a, chamber_b):
    assert list(Chamber.objects.in_scope(street_a_clerk)) == [chamber_a]


def test_chamber_scope_sees_its_own_chamber_only(chamber_a, chamber_b):
    user = UserFactory(scope_kind=ScopeKind.CHAMBERS, chambers=[chamber_b])
    assert list(Chamber.objects.in_scope(user)) == [chamber_b]
    # Streets are not related to a chamber scope: nothing leaks through them.
    assert not Street.objects.in_scope(user).exists()


def test_enterprise_scope_sees_no_reference_records(enterprise_user, chamber_a):
    assert not Chamber.objects.in_scope(enterprise_user).exists()


def test_street_scope_with_no_streets_sees_nothing(chamber_a):
    user = UserFactory(scope_kind=ScopeKind.STREETS)
    assert not Chamber.objects.in_scope(user).exists()


def test_scope_costs_no_query_once_cached(street_a_clerk, street_a, django_assert_num_queries):
    for _ in range(3):
        ChamberFactory(street=street_a)
    cache.clear()
    reload = type(street_a_clerk).objects.get
    # The first request of the account reads it and its access once: the user row, user
    # and group permissions, grade, streets; then the list.
    with django_assert_num_queries(6):
        assert len(list(Chamber.objects.in_scope(reload(pk=street_a_clerk.pk)))) == 3
    # Later requests (a fresh user instance each) find it in the cache: one query per list.
    user = reload(pk=street_a_clerk.pk)
    with django_assert_num_queries(2):
        assert len(list(Chamber.objects.in_scope(user))) == 3
        assert len(list(Chamber.objects.in_scope(user))) == 3


def test_only_many_valued_paths_add_distinct():
    from apps.core.scoping import ScopedQuerySet

    class ViaStreet(ScopedQuerySet):
        scope_paths = {ScopeKind.STREETS: "street"}

    qs = ViaStreet(model=Chamber)
    assert not qs._is_multivalued("street")
    assert not qs._is_multivalued("street__code")
    assert qs._is_multivalued("street__chambers")
