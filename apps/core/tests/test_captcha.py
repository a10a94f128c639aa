"""The captcha is drawn on the server, kept hashed in the session, used once, and expires."""

import time

import pytest
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.management import call_command
from django.test import RequestFactory

from apps.core import captcha
from apps.core.checks import captcha_test_hook_off


@pytest.fixture
def request_with_session(settings):
    settings.CAPTCHA_TEST_ANSWER = ""  # the real thing
    request = RequestFactory().get("/")
    request.session = SessionStore()
    return request


@pytest.fixture
def known_text(monkeypatch):
    monkeypatch.setattr(captcha, "random_text", lambda: "K7QM")
    return "K7QM"


def test_the_picture_is_a_png_and_the_session_holds_no_answer(request_with_session, known_text):
    challenge = captcha.issue(request_with_session)
    assert challenge.image_data_uri.startswith("data:image/png;base64,")
    stored = request_with_session.session[captcha.SESSION_KEY]
    assert known_text not in repr(stored)
    assert known_text.lower() not in repr(stored)


def test_the_right_answer_passes_once(request_with_session, known_text):
    challenge = captcha.issue(request_with_session)
    assert captcha.check(request_with_session, challenge.key, " k7qm ")
    assert not captcha.check(request_with_session, challenge.key, known_text)  # used up


def test_a_wrong_answer_uses_the_picture_up(request_with_session, known_text):
    challenge = captcha.issue(request_with_session)
    assert not captcha.check(request_with_session, challenge.key, "AAAA")
    assert not captcha.check(request_with_session, challenge.key, known_text)


def test_an_expired_picture_fails(request_with_session, known_text, monkeypatch):
    challenge = captcha.issue(request_with_session)
    later = time.time() + 601
    monkeypatch.setattr(captcha.time, "time", lambda: later)
    assert not captcha.check(request_with_session, challenge.key, known_text)


def test_unknown_keys_fail(request_with_session):
    assert not captcha.check(request_with_session, "", "")
    assert not captcha.check(request_with_session, "nope", "ABCD")


def test_the_test_answer_only_works_when_set(request_with_session, settings):
    challenge = captcha.issue(request_with_session)
    assert not captcha.check(request_with_session, challenge.key, "TEST")
    settings.CAPTCHA_TEST_ANSWER = "TEST"
    challenge = captcha.issue(request_with_session)
    assert captcha.check(request_with_session, challenge.key, "test")


def test_the_test_answer_can_never_be_a_real_one():
    # "S" is not in the alphabet, so the test answer cannot collide with a real picture.
    assert any(char not in captcha.ALPHABET for char in "TEST")


def test_the_deploy_check_refuses_the_test_answer(settings):
    settings.CAPTCHA_TEST_ANSWER = "TEST"
    assert [e.id for e in captcha_test_hook_off(None)] == ["core.E003"]
    settings.CAPTCHA_TEST_ANSWER = ""
    assert captcha_test_hook_off(None) == []


def test_base_settings_leave_the_hook_off():
    from config.settings import base

    assert base.CAPTCHA_TEST_ANSWER == ""


def test_only_a_few_pictures_are_kept_per_session(request_with_session):
    keys = [captcha.issue(request_with_session).key for _ in range(8)]
    kept = request_with_session.session[captcha.SESSION_KEY]
    assert len(kept) == captcha.KEEP
    assert keys[-1] in kept and keys[0] not in kept


def test_check_command_passes():
    call_command("check")
