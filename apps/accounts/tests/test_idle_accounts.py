from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.services import users_disable_idle
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_accounts_unused_for_90_days_are_disabled_and_audited():
    now = timezone.now()
    stale = UserFactory(date_joined=now - timedelta(days=200), last_login=now - timedelta(days=91))
    never = UserFactory(date_joined=now - timedelta(days=100), last_login=None)
    recent = UserFactory(date_joined=now - timedelta(days=200), last_login=now - timedelta(days=10))
    new = UserFactory(date_joined=now - timedelta(days=5), last_login=None)

    assert sorted(users_disable_idle(now=now)) == sorted([stale.username, never.username])
    for user, active in ((stale, False), (never, False), (recent, True), (new, True)):
        user.refresh_from_db()
        assert user.is_active is active
    assert AuditEvent.objects.filter(action="user.disable_idle").count() == 2
