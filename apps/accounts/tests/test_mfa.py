"""TOTP second factor (SECURITY.md 2): who needs it, enrolment, verification, reuse, throttling."""

import re
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts import roles
from apps.accounts.tests.factories import PASSWORD, UserFactory
from apps.audit.models import AuditEvent, Result

HOME = reverse("core:home")
VERIFY = reverse("accounts:otp_verify")
ENROL = reverse("accounts:otp_enrol")


def current_token(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def wrong_token(device) -> str:
    right = int(current_token(device))
    # Far from the current step's neighbours too (tolerance 1): any other number will do.
    return f"{(right + 500_000) % 1_000_000:06d}"


def password_login(user) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302, "password sign-in failed"
    return client


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def allow_next_attempt(device) -> None:
    """Pretend the throttle delay has passed (django_otp counts from the last failure)."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
    )


@pytest.fixture
def personal_grade_user(builtin_roles):
    """FIC staff: grade PERSONAL, no user administration."""
    return UserFactory(username="fic_staff", roles=[builtin_roles[roles.FIC_STAFF]])


# --- who needs a second factor ------------------------------------------------------


@pytest.mark.django_db
def test_who_needs_mfa(district_admin, personal_grade_user, street_a_clerk, leader, auditor):
    assert district_admin.requires_mfa
    assert personal_grade_user.requires_mfa
    assert not street_a_clerk.requires_mfa
    assert not leader.requires_mfa


@pytest.mark.django_db
def test_user_administrator_without_personal_grade_needs_mfa(builtin_roles):
    admin = UserFactory(username="sysadmin_only", roles=[builtin_roles[roles.SYSTEM_ADMIN]])
    security = UserFactory(username="secadmin", roles=[builtin_roles[roles.SECURITY_ADMIN]])
    assert admin.requires_mfa
    assert security.requires_mfa


# --- redirects before verification ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["district_admin", "personal_grade_user"])
def test_without_device_every_page_leads_to_enrolment(request, persona):
    user = request.getfixturevalue(persona)
    client = password_login(user)
    for url in [
        HOME,
        reverse("accounts:profile"),
        reverse("accounts:user_list"),
        reverse("registry:street_list"),
        reverse("accounts:password_change"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == ENROL, url
    # The verify page also sends someone without a device to enrolment.
    assert client.get(VERIFY)["Location"] == ENROL


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["district_admin", "personal_grade_user"])
def test_with_device_every_page_leads_to_verification(request, persona):
    user = request.getfixturevalue(persona)
    confirmed_device(user)
    client = password_login(user)
    for url in [HOME, reverse("accounts:profile"), reverse("accounts:user_list")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == VERIFY, url
    # Enrolling another device is not a way around the existing one.
    assert client.get(ENROL)["Location"] == VERIFY


@pytest.mark.django_db
def test_unconfirmed_device_does_not_count(district_admin):
    TOTPDevice.objects.create(user=district_admin, name="half", confirmed=False)
    client = password_login(district_admin)
    assert client.get(HOME)["Location"] == ENROL


@pytest.mark.django_db
def test_no_mfa_persona_goes_straight_home(street_a_clerk):
    client = password_login(street_a_clerk)
    assert client.get(HOME).status_code == 200


# --- verification --------------------------------------------------------------------


@pytest.mark.django_db
def test_correct_code_opens_the_platform(district_admin):
    device = confirmed_device(district_admin)
    client = password_login(district_admin)
    assert client.get(VERIFY).status_code == 200

    response = client.post(VERIFY, {"token": current_token(device)})
    assert response.status_code == 302
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200
    assert client.get(reverse("accounts:user_list")).status_code == 200
    event = AuditEvent.objects.get(action="otp_verified")
    assert event.actor == district_admin
    assert event.ip == "127.0.0.1"


@pytest.mark.django_db
def test_a_used_code_is_refused(district_admin):
    device = confirmed_device(district_admin)
    token = current_token(device)
    first = password_login(district_admin)
    assert first.post(VERIFY, {"token": token})["Location"] == HOME

    second = password_login(district_admin)
    response = second.post(VERIFY, {"token": token})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert second.get(HOME)["Location"] == VERIFY
    assert AuditEvent.objects.filter(action="otp_failed", actor=district_admin).count() == 1


@pytest.mark.django_db
def test_wrong_codes_are_audited_and_throttled(district_admin):
    device = confirmed_device(district_admin)
    client = password_login(district_admin)

    for _ in range(3):
        response = client.post(VERIFY, {"token": wrong_token(device)})
        assert response.status_code == 200
        assert response.context["form"].errors
        allow_next_attempt(device)  # each of the three is a real check, not a throttled one
    failed = AuditEvent.objects.filter(action="otp_failed")
    assert failed.count() == 3
    for event in failed:
        assert event.actor == district_admin
        assert event.result == Result.FAILURE
        assert event.ip == "127.0.0.1"

    # One more failure now: the device must wait 2**3 seconds before the next check.
    client.post(VERIFY, {"token": wrong_token(device)})
    device.refresh_from_db()
    assert device.throttling_failure_count == 4

    # Even the right code is refused while throttled.
    response = client.post(VERIFY, {"token": current_token(device)})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert client.get(HOME)["Location"] == VERIFY
    throttled = AuditEvent.objects.get(action="otp_throttled")
    assert throttled.result == Result.DENIED

    # Once the delay has passed, the right code works.
    allow_next_attempt(device)
    response = client.post(VERIFY, {"token": current_token(device)})
    assert response["Location"] == HOME
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["abcdef", "12345", "1234567", "", "１２３４５６", "' OR 1=1"])
def test_malformed_codes_are_form_errors_not_500(district_admin, token):
    confirmed_device(district_admin)
    client = password_login(district_admin)
    response = client.post(VERIFY, {"token": token})
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client.post(ENROL, {"token": token})  # redirected: a device exists
    assert response.status_code == 302


@pytest.mark.django_db
def test_verify_does_not_redirect_off_site(district_admin):
    device = confirmed_device(district_admin)
    client = password_login(district_admin)
    response = client.post(
        VERIFY + "?next=https://evil.example/x", {"token": current_token(device)}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert response["Location"] == HOME


@pytest.mark.django_db
def test_verify_keeps_a_local_next(district_admin):
    device = confirmed_device(district_admin)
    client = password_login(district_admin)
    target = reverse("accounts:user_list")
    response = client.post(VERIFY + f"?next={target}", {"token": current_token(device)})
    assert response["Location"] == target


@pytest.mark.django_db
def test_verification_does_not_survive_logout(district_admin):
    device = confirmed_device(district_admin)
    client = password_login(district_admin)
    client.post(VERIFY, {"token": current_token(device)})
    client.post(reverse("accounts:logout"))
    client = password_login(district_admin)
    assert client.get(HOME)["Location"] == VERIFY


# --- enrolment -----------------------------------------------------------------------


@pytest.mark.django_db
def test_enrolment_page_shows_inline_qr_and_secret(district_admin):
    client = password_login(district_admin)
    response = client.get(ENROL)
    assert response.status_code == 200
    content = response.content.decode()

    device = TOTPDevice.objects.get(user=district_admin, confirmed=False)
    assert "<svg" in content
    assert "<?xml" not in content
    # No image fetched from anywhere: the secret must not leave the page.
    assert not re.search(r"<img[^>]+src=[\"']?(https?:)?//", content)
    assert "otpauth://" not in content.split("<svg", 1)[0]
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    shown = "".join(response.context["secret"].split())
    assert shown == secret
    assert response.context["secret"] in content
    # A second visit shows the same device, not a new secret each time.
    assert client.get(ENROL).context["secret"] == response.context["secret"]
    assert TOTPDevice.objects.filter(user=district_admin).count() == 1


@pytest.mark.django_db
def test_confirming_with_a_valid_code_turns_the_device_on(district_admin):
    client = password_login(district_admin)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=district_admin, confirmed=False)

    response = client.post(ENROL, {"token": wrong_token(device)})
    assert response.status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    assert AuditEvent.objects.filter(action="otp_failed").count() == 1

    allow_next_attempt(device)
    response = client.post(ENROL, {"token": current_token(device)})
    assert response.status_code == 302
    assert response["Location"] == HOME
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(HOME).status_code == 200
    assert AuditEvent.objects.filter(action="otp_enrolled", actor=district_admin).exists()

    # Next sign-in asks for the code instead of offering enrolment again.
    assert password_login(district_admin).get(HOME)["Location"] == VERIFY


@pytest.mark.django_db
def test_otp_pages_need_a_password_sign_in_first(district_admin):
    client = Client()
    for url in [VERIFY, ENROL]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
