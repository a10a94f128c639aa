"""Signing in and out (SECURITY.md 1, 4, 15): what a user and an auditor see."""

import html

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse
from django.utils import translation

from apps.accounts.forms import LoginForm
from apps.accounts.tests.factories import PASSWORD
from apps.audit.models import AuditEvent, Result

CLIENT_IP = "198.51.100.20"


def post_login(client, username, password, **extra):
    extra.setdefault("REMOTE_ADDR", CLIENT_IP)
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )


def session_cookie(client) -> str | None:
    morsel = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return morsel.value if morsel is not None and morsel.value else None


@pytest.mark.django_db
def test_right_password_goes_home_and_is_audited_with_ip(street_a_clerk):
    client = Client()
    response = post_login(client, "street_a_clerk", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home"), REMOTE_ADDR=CLIENT_IP).status_code == 200
    event = AuditEvent.objects.get(action="login")
    assert event.actor == street_a_clerk
    assert event.actor_username == "street_a_clerk"
    assert event.ip == CLIENT_IP
    assert event.result == Result.SUCCESS
    assert event.at is not None and event.at.tzinfo is not None


@pytest.mark.django_db
def test_wrong_password_shows_error_in_chinese_and_is_audited(street_a_clerk):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = post_login(client, "street_a_clerk", "Wrong-Password-1")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    form = response.context["form"]
    assert form.non_field_errors()
    with translation.override("zh-hans"):
        expected = str(LoginForm.error_messages["invalid_login"])
    content = response.content.decode()
    assert html.escape(expected) in content
    if expected != "Wrong username or password. Note that both are case-sensitive.":
        # The catalogue translates it: the page must not fall back to English.
        assert "Wrong username or password" not in content
    assert 'lang="zh-hans"' in content

    event = AuditEvent.objects.get(action="login_failed")
    assert event.actor is None
    assert event.actor_username == "street_a_clerk"
    assert event.ip == CLIENT_IP
    assert event.result == Result.FAILURE
    assert event.object_id == str(street_a_clerk.pk)
    assert PASSWORD not in str(event.changes) and "Wrong-Password-1" not in event.message


@pytest.mark.django_db
def test_unknown_username_is_audited_like_a_wrong_password(street_a_clerk):
    client = Client()
    response = post_login(client, "nobody_here", PASSWORD)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    event = AuditEvent.objects.get(action="login_failed")
    assert event.actor_username == "nobody_here"
    assert event.ip == CLIENT_IP
    assert event.result == Result.FAILURE


@pytest.mark.django_db
def test_session_key_changes_at_login(street_a_clerk):
    client = Client()
    # An anonymous session exists before signing in (e.g. planted by an attacker).
    session = client.session
    session["planted"] = "x"
    session.save()
    before = session_cookie(client)
    assert before

    post_login(client, "street_a_clerk", PASSWORD)

    after = session_cookie(client)
    assert after and after != before
    assert not SessionStore().exists(before)
    assert client.session.get("_auth_user_id") == str(street_a_clerk.pk)


@pytest.mark.django_db
def test_logout_needs_post_and_kills_the_old_cookie(street_a_clerk):
    client = Client()
    post_login(client, "street_a_clerk", PASSWORD)
    old_cookie = session_cookie(client)
    assert client.get(reverse("core:home")).status_code == 200

    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(reverse("core:home")).status_code == 200  # a GET did not sign out

    response = client.post(reverse("accounts:logout"), REMOTE_ADDR=CLIENT_IP)
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGOUT_REDIRECT_URL)
    event = AuditEvent.objects.get(action="logout")
    assert event.actor == street_a_clerk
    assert event.ip == CLIENT_IP

    # Someone who kept a copy of the cookie cannot use it.
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    response = replay.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))
    assert not SessionStore().exists(old_cookie)


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(anonymous):
    response = Client().get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


@pytest.mark.django_db
def test_login_does_not_redirect_off_site(street_a_clerk):
    client = Client()
    response = client.post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"username": "street_a_clerk", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
