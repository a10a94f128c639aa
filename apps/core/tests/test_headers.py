"""Security headers and no inline script (SECURITY.md 21, 30)."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.tests.factories import PASSWORD


def csp_directives(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"no CSP on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def assert_security_headers(response):
    csp = csp_directives(response)
    assert csp.get("default-src") == ["'self'"]
    script_src = csp.get("script-src", csp["default-src"])
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert "*" not in script_src
    assert csp.get("frame-ancestors") == ["'none'"]
    assert csp.get("object-src") == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


class _ScriptFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline: list[dict] = []
        self.handlers: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in attributes:
            if name.startswith("on"):
                self.handlers.append((tag, name))
        if (
            tag == "script"
            and "src" not in attributes
            and (attributes.get("type") != "application/json")
        ):
            self.inline.append(attributes)
        if tag == "a" and (attributes.get("href") or "").lower().startswith("javascript:"):
            self.handlers.append((tag, "href=javascript:"))


def assert_no_inline_script(response):
    finder = _ScriptFinder()
    finder.feed(response.content.decode())
    assert finder.inline == [], "inline <script> without src"
    assert finder.handlers == [], "inline event handlers"


def password_login(user) -> Client:
    client = Client()
    assert (
        client.post(
            reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
        ).status_code
        == 302
    )
    return client


@pytest.mark.django_db
def test_login_page_headers_and_scripts():
    response = Client().get(reverse("accounts:login"))
    assert response.status_code == 200
    assert_security_headers(response)
    assert_no_inline_script(response)


@pytest.mark.django_db
def test_home_page_headers_scripts_and_no_store(street_a_clerk, login):
    response = login(street_a_clerk).get(reverse("core:home"))
    assert response.status_code == 200
    assert_security_headers(response)
    assert_no_inline_script(response)
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control
    assert "private" in cache_control


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    [
        "core:home",
        "accounts:profile",
        "accounts:password_change",
        "accounts:user_list",
        "registry:street_list",
        "registry:chamber_list",
    ],
)
def test_signed_in_pages_are_not_cached(district_admin, login, url_name):
    response = login(district_admin).get(reverse(url_name))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert_security_headers(response)
    assert_no_inline_script(response)


@pytest.mark.django_db
def test_otp_pages_headers_and_scripts(district_admin):
    client = password_login(district_admin)
    response = client.get(reverse("accounts:otp_enrol"))
    assert response.status_code == 200
    assert_security_headers(response)
    assert_no_inline_script(response)
    # The page shows the TOTP secret: it must not be cached.
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_error_and_lockout_pages_have_headers(street_a_clerk):
    assert_security_headers(Client().get("/no-such-page/"))
    client = Client()
    for _ in range(5):
        response = client.post(
            reverse("accounts:login"), {"username": "street_a_clerk", "password": "Wrong-1-pass"}
        )
    assert response.status_code == 403
    assert_security_headers(response)
    assert_no_inline_script(response)


@pytest.mark.django_db
def test_session_cookie_flags(street_a_clerk):
    client = password_login(street_a_clerk)
    from django.conf import settings

    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
