"""Session lifetime (SECURITY.md 4): 30 minutes idle or 12 hours in total end the session."""

import time

import pytest
from django.conf import settings
from django.contrib.messages import constants as message_levels
from django.test import Client
from django.urls import reverse

from apps.accounts.middleware import SESSION_AUTH_AT, SESSION_SEEN_AT
from apps.accounts.tests.factories import PASSWORD
from apps.audit.models import AuditEvent

HOME = reverse("core:home")
LOGIN = reverse(settings.LOGIN_URL)
MINUTE = 60


def signed_in_by_password(user) -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def shift_session(client, *, seen_ago=None, auth_ago=None) -> None:
    session = client.session
    now = time.time()
    if seen_ago is not None:
        session[SESSION_SEEN_AT] = now - seen_ago
    if auth_ago is not None:
        session[SESSION_AUTH_AT] = now - auth_ago
    session.save()


def assert_expired(client, user, reason):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == LOGIN

    page = client.get(response["Location"])
    assert page.status_code == 200
    shown = [m for m in page.context["messages"] if m.level == message_levels.WARNING]
    assert shown, "the user is not told why they were signed out"
    assert str(shown[0]) in page.content.decode()

    event = AuditEvent.objects.get(action="session_expired")
    assert event.actor == user
    assert event.message == reason
    assert event.ip == "127.0.0.1"

    # Signed out for good: the same browser is not let back in.
    again = client.get(HOME)
    assert again.status_code == 302
    assert again["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_records_the_times(street_a_clerk):
    before = time.time()
    client = signed_in_by_password(street_a_clerk)
    session = client.session
    assert before - 1 <= session[SESSION_AUTH_AT] <= time.time()
    assert before - 1 <= session[SESSION_SEEN_AT] <= time.time()


@pytest.mark.django_db
def test_31_minutes_idle_ends_the_session(street_a_clerk):
    client = signed_in_by_password(street_a_clerk)
    shift_session(client, seen_ago=31 * MINUTE, auth_ago=31 * MINUTE)
    assert_expired(client, street_a_clerk, "idle")


@pytest.mark.django_db
def test_29_minutes_idle_is_still_in(street_a_clerk):
    client = signed_in_by_password(street_a_clerk)
    shift_session(client, seen_ago=29 * MINUTE, auth_ago=29 * MINUTE)
    assert client.get(HOME).status_code == 200
    # The request counts as activity: the idle clock restarts.
    assert time.time() - client.session[SESSION_SEEN_AT] < MINUTE
    assert not AuditEvent.objects.filter(action="session_expired").exists()


@pytest.mark.django_db
def test_activity_every_20_minutes_keeps_the_session(street_a_clerk):
    client = signed_in_by_password(street_a_clerk)
    for step in range(1, 4):
        shift_session(client, seen_ago=20 * MINUTE, auth_ago=step * 20 * MINUTE)
        assert client.get(HOME).status_code == 200


@pytest.mark.django_db
def test_12_hours_in_total_ends_the_session_even_when_active(street_a_clerk):
    client = signed_in_by_password(street_a_clerk)
    shift_session(client, seen_ago=MINUTE, auth_ago=12 * 60 * MINUTE + MINUTE)
    assert_expired(client, street_a_clerk, "absolute")


@pytest.mark.django_db
def test_11_hours_in_total_is_still_in(street_a_clerk):
    client = signed_in_by_password(street_a_clerk)
    shift_session(client, seen_ago=MINUTE, auth_ago=11 * 60 * MINUTE)
    assert client.get(HOME).status_code == 200


@pytest.mark.django_db
def test_expiry_applies_to_mfa_users_too(district_admin, login):
    client = login(district_admin)
    assert client.get(HOME).status_code == 200
    shift_session(client, seen_ago=31 * MINUTE)
    assert_expired(client, district_admin, "idle")


@pytest.mark.django_db
def test_htmx_request_gets_a_client_side_redirect(street_a_clerk):
    client = signed_in_by_password(street_a_clerk)
    shift_session(client, seen_ago=31 * MINUTE)
    response = client.get(HOME, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == LOGIN


def test_settings_match_the_policy():
    assert settings.SESSION_IDLE_TIMEOUT.total_seconds() == 30 * MINUTE
    assert settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds() == 12 * 60 * MINUTE
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * MINUTE
    assert settings.SESSION_COOKIE_HTTPONLY


@pytest.mark.django_db
def test_the_idle_stamp_is_written_at_most_once_a_minute(login, street_a_clerk):
    client = login(street_a_clerk)
    client.get(reverse("core:home"))
    first = client.session["seen_at"]
    client.get(reverse("core:home"))
    assert client.session["seen_at"] == first  # no session write for a request seconds later
    session = client.session
    session["seen_at"] = first - 61
    session.save()
    client.get(reverse("core:home"))
    assert client.session["seen_at"] > first - 61
