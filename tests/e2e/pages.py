"""Helpers shared by the browser tests (the fixtures are in conftest.py)."""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from apps.accounts.tests.factories import PASSWORD

CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/lib/chromium/chromium")
# Keep the browser off the network and quiet (STACK-NOTES.md, "Browser tests").
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# The users of the platform browse in Chinese; LocaleMiddleware follows Accept-Language.
BROWSER_LOCALE = "zh-CN"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 667}


def chromium_executable() -> str | None:
    for path in CHROMIUM_PATHS:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


@dataclass
class PageProblems:
    """Everything that went wrong while a page was open."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("requestfailed", self._on_failed)
        page.on("response", self._on_response)

    def _on_failed(self, request) -> None:
        # A request cut off because the test moved to the next page (the favicon of a page
        # left at once) is not a fault of the page; a blocked or refused one is.
        if request.failure == "net::ERR_ABORTED":
            return
        self.failed_requests.append(f"{request.url}: {request.failure}")

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        self.console_errors.append(f"{message.text} ({url})")

    def _on_response(self, response) -> None:
        if response.status >= 400:
            self.bad_responses.append(f"{response.status} {response.url}")

    def all(self) -> list[str]:
        return [
            *(f"console error: {m}" for m in self.console_errors),
            *(f"script error: {m}" for m in self.page_errors),
            *(f"request failed: {m}" for m in self.failed_requests),
            *(f"bad response: {m}" for m in self.bad_responses),
        ]

    def assert_clean(self) -> None:
        problems = self.all()
        assert not problems, "the page did not load cleanly:\n" + "\n".join(problems)

    def assert_no_server_errors(self) -> None:
        errors = [r for r in self.bad_responses if r.startswith("5")]
        assert not errors, "server errors (a missing template?):\n" + "\n".join(errors)


def sign_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Open /, follow the redirect to the real login page and submit its form."""
    page.goto(live_server.url + "/")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.locator("input[name='username']").fill(username)
    page.locator("input[name='password']").fill(password)
    page.locator("main form button[type='submit']").click()
    page.wait_for_load_state("load")


def pass_second_factor(page, live_server, user, start: str = "/") -> None:
    """Sign in and type the code an authenticator app would show for the user's device."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    sign_in(page, live_server, user.username)
    page.goto(live_server.url + start)
    page.wait_for_url(re.compile(r"/accounts/otp/verify/"), timeout=15_000)
    code = f"{TOTP(device.bin_key, step=30, t0=0, digits=6).token():06d}"
    page.locator("input[name='token']").fill(code)
    page.locator("main form button[type='submit']").first.click()
    page.wait_for_load_state("load")


def screenshot(page, name: str) -> Path:
    """For humans reviewing a run; nothing asserts on pixels."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
