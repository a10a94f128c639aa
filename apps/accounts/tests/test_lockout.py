"""Account lockout with django-axes (SECURITY.md 1): 5 failures lock the account for 30 minutes,
and the IP recorded is the right one behind nginx."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.tests.factories import PASSWORD
from apps.audit.models import AuditEvent, Result

WRONG = "Wrong-Password-1"
CLIENT_IP = "198.51.100.30"


def post_login(client, username, password, **extra):
    extra.setdefault("REMOTE_ADDR", CLIENT_IP)
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )


def is_lockout_page(response) -> bool:
    return response.status_code == 403 and "accounts/lockout.html" in [
        t.name for t in response.templates
    ]


def fail_five_times(client, username="street_a_clerk", **extra):
    return [post_login(client, username, WRONG, **extra) for _ in range(5)]


def age_attempts(minutes: int) -> None:
    """Pretend the failures happened `minutes` ago (axes' cool-off counts from attempt_time)."""
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=minutes))


@pytest.mark.django_db
def test_four_failures_do_not_lock(street_a_clerk):
    client = Client()
    for _ in range(4):
        assert post_login(client, "street_a_clerk", WRONG).status_code == 200
    response = post_login(client, "street_a_clerk", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert not AuditEvent.objects.filter(action="lockout").exists()


@pytest.mark.django_db
def test_five_failures_lock_and_right_password_is_refused(street_a_clerk):
    client = Client()
    responses = fail_five_times(client)
    assert [r.status_code for r in responses[:4]] == [200] * 4
    assert is_lockout_page(responses[4])

    failed = AuditEvent.objects.filter(action="login_failed")
    assert failed.count() == 5
    for event in failed:
        assert event.actor_username == "street_a_clerk"
        assert event.ip == CLIENT_IP
        assert event.result == Result.FAILURE
        assert event.at is not None
    lockout = AuditEvent.objects.get(action="lockout")
    assert lockout.actor_username == "street_a_clerk"
    assert lockout.ip == CLIENT_IP
    assert lockout.result == Result.DENIED

    # The 6th attempt, with the right password, from a fresh browser.
    sixth = post_login(Client(), "street_a_clerk", PASSWORD)
    assert is_lockout_page(sixth)
    assert not AuditEvent.objects.filter(action="login").exists()


@pytest.mark.django_db
def test_lockout_is_per_account_not_per_ip(street_a_clerk, street_b_clerk):
    fail_five_times(Client())
    # Same IP, another account: still works.
    response = post_login(Client(), "street_b_clerk", PASSWORD)
    assert response.status_code == 302
    # Same account, another IP: still locked.
    response = post_login(Client(), "street_a_clerk", PASSWORD, REMOTE_ADDR="192.0.2.99")
    assert is_lockout_page(response)


@pytest.mark.django_db
def test_still_locked_after_29_minutes(street_a_clerk):
    fail_five_times(Client())
    age_attempts(29)
    assert is_lockout_page(post_login(Client(), "street_a_clerk", PASSWORD))


@pytest.mark.django_db
def test_unlocked_after_30_minutes(street_a_clerk):
    fail_five_times(Client())
    age_attempts(31)
    client = Client()
    response = post_login(client, "street_a_clerk", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200
    # A success clears the counter: one more failure does not lock again.
    assert not AccessAttempt.objects.filter(username="street_a_clerk").exists()


@pytest.mark.django_db
def test_behind_nginx_the_ip_is_the_one_nginx_saw(settings, street_a_clerk):
    """nginx appends the address it saw ($proxy_add_x_forwarded_for); anything to its left was
    written by the client. With one trusted proxy, the right-most entry is the client."""
    settings.TRUSTED_PROXY_COUNT = 1
    fail_five_times(
        Client(),
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.1",
    )
    events = AuditEvent.objects.filter(action__in=["login_failed", "lockout"])
    assert events.count() == 6
    assert {e.ip for e in events} == {"10.0.0.1"}
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.1"}


@pytest.mark.django_db
def test_two_trusted_proxies_take_the_second_from_the_right(settings, street_a_clerk):
    settings.TRUSTED_PROXY_COUNT = 2
    post_login(
        Client(),
        "street_a_clerk",
        WRONG,
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 10.0.0.1",
    )
    assert AuditEvent.objects.get(action="login_failed").ip == "203.0.113.7"
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"


@pytest.mark.django_db
def test_without_trusted_proxy_a_forged_header_is_ignored(settings, street_a_clerk):
    settings.TRUSTED_PROXY_COUNT = 0
    post_login(
        Client(),
        "street_a_clerk",
        WRONG,
        REMOTE_ADDR="192.0.2.50",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert AuditEvent.objects.get(action="login_failed").ip == "192.0.2.50"
    assert AccessAttempt.objects.get().ip_address == "192.0.2.50"


@pytest.mark.django_db
def test_garbage_forwarded_for_falls_back_to_remote_addr(settings, street_a_clerk):
    """A malformed header must neither crash the sign-in nor reach the audit log."""
    settings.TRUSTED_PROXY_COUNT = 1
    response = post_login(
        Client(),
        "street_a_clerk",
        WRONG,
        REMOTE_ADDR="192.0.2.51",
        HTTP_X_FORWARDED_FOR="<script>, not-an-ip",
    )
    assert response.status_code == 200
    assert AuditEvent.objects.get(action="login_failed").ip == "192.0.2.51"
