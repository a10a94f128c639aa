"""Smoke test in a real browser: sign in, second factor, the home page, the phone layout.

Run alone with `pytest -m e2e` (SQLite) or `make e2e` (PostgreSQL).
"""

import base64
import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from apps.accounts.tests.factories import PASSWORD

from .pages import PHONE, screenshot, sign_in

pytestmark = pytest.mark.e2e

# A base32 TOTP secret shown in groups of four (a 20-byte key is 8 groups).
SECRET_RE = re.compile(r"(?<![A-Z2-7])[A-Z2-7]{4}(?:\s+[A-Z2-7]{4}){7,}(?![A-Z2-7])")


def _lang(page) -> str:
    return page.locator("html").get_attribute("lang") or ""


def test_street_officer_signs_in_to_a_chinese_home_page(browser_page, live_server, street_a_clerk):
    page, problems = browser_page()
    home_url = live_server.url + "/"

    page.goto(home_url)
    page.wait_for_url(re.compile(r"/accounts/login/\?next=/$"))
    assert _lang(page).startswith("zh"), f"login page lang={_lang(page)!r}"
    page.locator("input[name='username']").fill(street_a_clerk.username)
    page.locator("input[name='password']").fill(PASSWORD)
    with page.expect_navigation(url=home_url) as navigation:
        page.locator("main form button[type='submit']").click()
    response = navigation.value

    assert page.url == home_url
    assert response.status == 200
    problems.assert_no_server_errors()
    assert _lang(page).startswith("zh"), f"home page lang={_lang(page)!r}"
    # The user's data scope is on the page (navigation badge and greeting).
    expect(page.locator("nav")).to_contain_text("建外")

    # Our own CSS and JS load and run under the Content-Security-Policy: a blocked file or
    # inline code would be a console error, a missing one a bad response.
    csp = response.all_headers().get("content-security-policy", "")
    assert "script-src 'self'" in csp, f"no CSP on the home page: {csp!r}"
    assert page.evaluate("() => typeof window.bootstrap") == "object"
    assert page.evaluate("() => typeof window.htmx") == "object"
    assert page.locator("nav.navbar").evaluate("el => getComputedStyle(el).display") == "flex"
    expect(page.locator("nav .navbar-toggler")).to_be_hidden()  # desktop: nav not collapsed
    problems.assert_clean()

    screenshot(page, "home-street-officer-desktop")
    # Depends on the compiled zh_Hans catalogue (`make messages`): "Workbench" -> 工作台.
    expect(page.locator("nav")).to_contain_text("工作台")


def test_district_admin_enrols_totp_and_reaches_home(browser_page, live_server, district_admin):
    page, problems = browser_page()
    home_url = live_server.url + "/"

    sign_in(page, live_server, district_admin.username)
    # An administrator without a device is sent to enrolment before anything else.
    page.wait_for_url(re.compile(r"/accounts/otp/enrol/"))
    problems.assert_no_server_errors()
    assert _lang(page).startswith("zh")
    expect(page.locator("main svg").first).to_be_visible()  # the QR code, inline SVG

    match = SECRET_RE.search(page.locator("main").inner_text())
    assert match, "no TOTP secret (base32, grouped in fours) on the enrolment page"
    secret = re.sub(r"\s+", "", match.group(0))
    key = base64.b32decode(secret)
    device = TOTPDevice.objects.get(user=district_admin, confirmed=False)
    assert key == device.bin_key, "the secret on the page is not the device's key"

    # What an authenticator app does with the secret: RFC 6238, 30 s, 6 digits.
    code = f"{TOTP(key, step=30, t0=0, digits=6).token():06d}"
    page.locator("input[name='token']").fill(code)
    with page.expect_navigation(url=home_url):
        page.locator("main form button[type='submit']").click()

    assert page.url == home_url
    problems.assert_no_server_errors()
    device.refresh_from_db()
    assert device.confirmed
    expect(page.locator("main h1")).to_be_visible()
    problems.assert_clean()
    screenshot(page, "home-district-admin-desktop")


def test_phone_navigation_collapses_into_a_toggler(browser_page, live_server, street_a_clerk):
    page, problems = browser_page(viewport=PHONE)
    home_url = live_server.url + "/"

    sign_in(page, live_server, street_a_clerk.username)
    page.wait_for_url(home_url)
    problems.assert_no_server_errors()

    toggler = page.locator("nav .navbar-toggler")
    menu = page.locator("nav .navbar-collapse")
    expect(toggler).to_be_visible()
    expect(menu).to_be_hidden()
    screenshot(page, "home-street-officer-phone")

    toggler.click()
    expect(menu).to_be_visible()
    expect(menu).to_have_class(re.compile(r"(^|\s)show(\s|$)"))  # the slide-down has finished
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(menu).to_contain_text("建外")
    problems.assert_clean()
    screenshot(page, "home-street-officer-phone-menu-open")
