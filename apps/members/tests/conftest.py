"""Fixtures of the member database's tests: members in two streets and two chambers, and
the chamber-staff persona (ScopeKind.CHAMBERS, chamber_a only)."""

from datetime import date

import pytest

from apps.accounts import roles
from apps.accounts.models import UserKind
from apps.accounts.tests.factories import UserFactory
from apps.core.scoping import ScopeKind
from apps.members.models import MemberKind

from .factories import MemberFactory


@pytest.fixture
def chamber_staff(builtin_roles, chamber_a):
    """商会工作人员 of chamber_a (建外商会)."""
    return UserFactory(
        username="chamber_staff",
        kind=UserKind.STAFF,
        scope_kind=ScopeKind.CHAMBERS,
        chambers=[chamber_a],
        roles=[builtin_roles[roles.CHAMBER_STAFF]],
    )


@pytest.fixture
def member_a(street_a, chamber_a):
    """An enterprise member in street A, belonging to chamber A."""
    return MemberFactory(street=street_a, chambers=[chamber_a], join_date=date(2021, 5, 1))


@pytest.fixture
def member_b(street_b, chamber_b):
    """An individual member in street B, belonging to chamber B."""
    return MemberFactory(
        street=street_b, kind=MemberKind.PERSON, person_name="李四", chambers=[chamber_b]
    )
