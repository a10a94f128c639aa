"""Password rules, hashing and forced change (SECURITY.md 3)."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.tests.factories import PASSWORD
from apps.audit.models import AuditEvent

BASE_DIR = Path(__file__).resolve().parents[3]
NEW_PASSWORD = "Blue-Lantern-2031"


def codes(password, user=None) -> set[str]:
    with pytest.raises(ValidationError) as excinfo:
        validate_password(password, user)
    return {error.code for error in excinfo.value.error_list}


def login_post(client, user):
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302, "the sign-in itself failed"
    return response


# --- validators -------------------------------------------------------------------


def test_shorter_than_ten_is_refused():
    assert "password_too_short" in codes("Ab3$efgh9")  # 9 characters, 4 classes


def test_ten_characters_with_three_classes_are_enough():
    validate_password("Kq7mZt2wRx", User(username="someone"))  # 10 chars, 3 classes


@pytest.mark.parametrize(
    "password",
    ["kqmztwrxvblp", "KQMZTWRXVBLP", "kqmztwrx73", "KQMZTWRX73", "kqmz-twrx-vb", "8271-3391-22"],
)
def test_fewer_than_three_classes_is_refused(password):
    assert "password_too_simple" in codes(password, User(username="someone"))


def test_common_password_is_refused():
    # Long enough and three classes, but on the list of common passwords.
    assert "password_too_common" in codes("Qwerty123456", User(username="someone"))


def test_password_containing_the_username_is_refused():
    user = User(username="zhangwei")
    assert "password_has_username" in codes("Xx-ZhangWei-2024", user)


def test_good_password_is_accepted():
    validate_password(NEW_PASSWORD, User(username="zhangwei", email="zw@example.cn"))


def test_rules_are_shown_to_the_user():
    from django.contrib.auth.password_validation import password_validators_help_texts

    texts = " ".join(str(t) for t in password_validators_help_texts())
    assert "10" in texts


# --- hashing ----------------------------------------------------------------------


def test_argon2_is_the_hasher_in_every_environment():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    # The test settings only lower the cost; the algorithm is the same.
    assert make_password(NEW_PASSWORD).startswith("argon2$")


def test_production_settings_hash_with_argon2():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": "k" * 60,
        "DATABASE_URL": "sqlite:////tmp/prod-hash-check.sqlite3",
        # The people database refuses to start without its keys (apps/people/apps.py).
        "PEOPLE_KEY_FILE": "",
        "PEOPLE_DATA_KEYS": "k1:" + "5a" * 16,
        "PEOPLE_INDEX_KEY": "i1:" + "a5" * 32,
    }
    code = (
        "import django; django.setup();"
        "from django.contrib.auth.hashers import make_password, get_hasher;"
        "print(make_password('Blue-Lantern-2031')); print(type(get_hasher()).__name__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    hashed, hasher = result.stdout.split()
    assert hashed.startswith("argon2$argon2id$")
    assert hasher == "Argon2PasswordHasher"


@pytest.mark.django_db
def test_stored_password_is_argon2(street_a_clerk):
    street_a_clerk.refresh_from_db()
    assert street_a_clerk.password.startswith("argon2$")
    assert PASSWORD not in street_a_clerk.password


# --- forced change ------------------------------------------------------------------


@pytest.mark.django_db
def test_must_change_password_is_sent_to_change_page_from_any_page(street_a_clerk):
    street_a_clerk.must_change_password = True
    street_a_clerk.save()
    client = Client()
    login_post(client, street_a_clerk)
    change_url = reverse("accounts:password_change")
    for url in [reverse("core:home"), reverse("accounts:profile"), reverse("registry:street_list")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == change_url, url


def expire_by_rotation(user, days):
    user.password_rotation = True
    user.save()
    User.objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - timedelta(days=days)
    )


@pytest.mark.django_db
def test_rotation_after_91_days_forces_a_change(street_a_clerk):
    expire_by_rotation(street_a_clerk, 91)
    client = Client()
    login_post(client, street_a_clerk)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")


@pytest.mark.django_db
def test_rotation_before_90_days_lets_the_user_in(street_a_clerk):
    expire_by_rotation(street_a_clerk, 89)
    client = Client()
    login_post(client, street_a_clerk)
    assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.django_db
def test_old_password_without_rotation_is_not_forced(street_a_clerk):
    User.objects.filter(pk=street_a_clerk.pk).update(
        password_changed_at=timezone.now() - timedelta(days=400)
    )
    client = Client()
    login_post(client, street_a_clerk)
    assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["must_change", "rotation"])
def test_changing_the_password_through_the_form_opens_the_platform(street_a_clerk, reason):
    if reason == "must_change":
        street_a_clerk.must_change_password = True
        street_a_clerk.save()
    else:
        expire_by_rotation(street_a_clerk, 91)
    client = Client()
    login_post(client, street_a_clerk)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200  # still signed in

    street_a_clerk.refresh_from_db()
    assert street_a_clerk.must_change_password is False
    assert street_a_clerk.check_password(NEW_PASSWORD)
    assert timezone.now() - street_a_clerk.password_changed_at < timedelta(minutes=1)
    event = AuditEvent.objects.get(action="password_change")
    assert event.actor == street_a_clerk
    assert NEW_PASSWORD not in str(event.changes)


@pytest.mark.django_db
def test_new_password_must_follow_the_rules(street_a_clerk):
    street_a_clerk.must_change_password = True
    street_a_clerk.save()
    client = Client()
    login_post(client, street_a_clerk)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    street_a_clerk.refresh_from_db()
    assert street_a_clerk.must_change_password is True
    assert street_a_clerk.check_password(PASSWORD)
    assert client.get(reverse("core:home"))["Location"] == reverse("accounts:password_change")


@pytest.mark.django_db
def test_wrong_old_password_changes_nothing(street_a_clerk):
    client = Client()
    login_post(client, street_a_clerk)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "Not-The-Old-1",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    street_a_clerk.refresh_from_db()
    assert street_a_clerk.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="password_change").exists()


@pytest.mark.django_db
def test_password_change_page_renders(street_a_clerk):
    client = Client()
    login_post(client, street_a_clerk)
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 200
    assert b'name="new_password1"' in response.content


def test_max_age_setting_is_90_days():
    assert settings.PASSWORD_MAX_AGE_DAYS == 90
