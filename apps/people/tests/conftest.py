"""Fixtures of the people database's tests.

district_admin (root conftest) is FIC staff with the personal-data grade; `people_reader`
reads the database at the records grade (everything masked); `approver` is a second FIC
staff member (approves unmasked exports)."""

import pytest

from apps.accounts import roles
from apps.accounts.tests.factories import UserFactory

from .factories import PersonFactory


@pytest.fixture
def people_reader(builtin_roles):
    return UserFactory(username="people_reader", roles=[builtin_roles[roles.PEOPLE_READER]])


@pytest.fixture
def approver(builtin_roles):
    return UserFactory(username="approver", roles=[builtin_roles[roles.FIC_STAFF]])


@pytest.fixture
def person(db):
    return PersonFactory(name="王建国", name_initials="wjg")


@pytest.fixture
def other_person(db):
    return PersonFactory(name="李秀英", name_initials="lxy")
