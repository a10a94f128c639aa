from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.services import user_create
from apps.audit.models import AppendOnlyError, AuditEvent
from apps.audit.services import RetentionTooShort, audit_prune, audit_record

pytestmark = pytest.mark.django_db


def test_events_cannot_be_changed_or_deleted_through_the_model():
    event = audit_record(action="test.action", message="original")
    event.message = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).message == "original"


def test_the_database_refuses_a_direct_update():
    event = audit_record(action="test.action", message="original")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET message = 'tampered' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).message == "original"


def test_the_database_refuses_deleting_a_recent_event_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite guards UPDATE only (docs/decisions/0004-audit-append-only.md)")
    event = audit_record(action="test.action")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_prune_refuses_less_than_180_days():
    with pytest.raises(RetentionTooShort):
        audit_prune(days=179)
    with pytest.raises(CommandError):
        call_command("prune_audit", days=30)


def test_prune_deletes_only_events_past_the_retention_period():
    old = AuditEvent.objects.create(action="old", at=timezone.now() - timedelta(days=200))
    recent = AuditEvent.objects.create(action="recent", at=timezone.now() - timedelta(days=170))
    assert audit_prune(days=180) == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    # Pruning is itself an audited action.
    assert AuditEvent.objects.filter(action="audit.prune").exists()


def test_if_the_audit_event_cannot_be_written_the_action_fails(monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(AuditEvent.objects, "create", broken)
    with pytest.raises(DatabaseError):
        user_create(actor=None, username="ghost", kind="staff", scope_kind="district")
    assert not User.objects.filter(username="ghost").exists()


def test_diff_records_changed_fields_and_hides_passwords(district_admin, street_a):
    user, _password = user_create(
        actor=district_admin,
        username="newbie",
        full_name="新人",
        kind="street_officer",
        scope_kind="streets",
        streets=[street_a],
    )
    event = AuditEvent.objects.get(action="user.create", object_id=str(user.pk))
    assert event.changes["full_name"] == [None, "新人"]
    assert event.changes["scope_streets"] == [None, ["建外"]]
    assert "password" not in event.changes
    assert event.actor_username == "district_admin"
