"""Personas shared by every test (STYLE.md): who they are decides what they may see.

district_admin  FIC system administrator + FIC staff, whole district (needs TOTP)
street_a_clerk  street officer of street A           street_b_clerk  of street B
leader          aggregates only                      enterprise_user one enterprise
auditor         reads the audit log only             anonymous       not signed in
"""

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts import roles
from apps.accounts.models import UserKind
from apps.accounts.tests.factories import UserFactory
from apps.core.scoping import ScopeKind
from apps.registry.tests.factories import ChamberFactory, StreetFactory

# Fixtures fake_sms_server / fake_smtp_server (local SMS gateway and SMTP server).
pytest_plugins = ["apps.core.testing_servers"]

ENTERPRISE_USCC = "91110105MA0000000Y"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: a rolled-back test leaves the database as it
    found it, and cached pages or permissions keyed by its state must go with it."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def builtin_roles(db):
    return roles.ensure_builtin_roles()


@pytest.fixture
def street_a(db):
    return StreetFactory(code="110105001000", short_name="建外", office_name="建外街道办事处")


@pytest.fixture
def street_b(db):
    return StreetFactory(code="110105002000", short_name="朝外", office_name="朝外街道办事处")


@pytest.fixture
def chamber_a(street_a):
    return ChamberFactory(name="建外商会", street=street_a)


@pytest.fixture
def chamber_b(street_b):
    return ChamberFactory(name="朝外商会", street=street_b)


@pytest.fixture
def district_admin(builtin_roles):
    return UserFactory(
        username="district_admin",
        roles=[builtin_roles[roles.SYSTEM_ADMIN], builtin_roles[roles.FIC_STAFF]],
    )


@pytest.fixture
def street_a_clerk(builtin_roles, street_a):
    return UserFactory(
        username="street_a_clerk",
        kind=UserKind.STREET_OFFICER,
        scope_kind=ScopeKind.STREETS,
        streets=[street_a],
        roles=[builtin_roles[roles.STREET_OFFICER]],
    )


@pytest.fixture
def street_b_clerk(builtin_roles, street_b):
    return UserFactory(
        username="street_b_clerk",
        kind=UserKind.STREET_OFFICER,
        scope_kind=ScopeKind.STREETS,
        streets=[street_b],
        roles=[builtin_roles[roles.STREET_OFFICER]],
    )


@pytest.fixture
def leader(builtin_roles):
    return UserFactory(username="leader", kind=UserKind.LEADER, roles=[builtin_roles[roles.LEADER]])


@pytest.fixture
def enterprise_user(builtin_roles):
    return UserFactory(
        username="enterprise_user",
        kind=UserKind.ENTERPRISE,
        scope_kind=ScopeKind.ENTERPRISE,
        scope_uscc=ENTERPRISE_USCC,
        roles=[builtin_roles[roles.ENTERPRISE]],
    )


@pytest.fixture
def auditor(builtin_roles):
    return UserFactory(username="auditor", roles=[builtin_roles[roles.AUDITOR]])


@pytest.fixture
def anonymous():
    return None


def signed_in(user) -> Client:
    """A client signed in as `user`, past the second factor when the user needs one."""
    client = Client()
    if user is None:
        return client
    client.force_login(user)
    if user.requires_mfa:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def login():
    return signed_in


@pytest.fixture
def fake_sms(fake_sms_server):
    """A local fake SMS gateway that records what it receives (apps/core/testing_servers.py)."""
    return fake_sms_server


@pytest.fixture
def fake_smtp(fake_smtp_server):
    """A local fake SMTP server that records what it receives (apps/core/testing_servers.py)."""
    return fake_smtp_server
