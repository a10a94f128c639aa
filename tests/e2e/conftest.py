"""Browser fixtures for the smoke tests: Debian's chromium driven by Playwright's sync API.

No browser is downloaded: Playwright launches the system chromium (`apt-get install
chromium`; `make test` installs it when run as root). Each page records every console
error, uncaught script error, failed request and 4xx/5xx response (pages.PageProblems),
so a test can assert that a page loaded cleanly; a Content-Security-Policy violation
shows up as a console error.
"""

import os

import pytest

from .pages import BROWSER_LOCALE, CHROMIUM_ARGS, DESKTOP, PageProblems, chromium_executable


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = chromium_executable()
    if path is None:
        pytest.skip(
            "Debian chromium is not installed: apt-get install chromium "
            "(make test installs it when run as root)"
        )
    return path


@pytest.fixture(scope="session")
def allow_async_unsafe():
    """Playwright's sync API keeps an event loop running in this thread; without this,
    every ORM call a fixture or test makes while the browser is open raises
    SynchronousOnlyOperation."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def e2e_browser(chromium_path, allow_async_unsafe):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(e2e_browser, live_server):
    """Opens pages in fresh browser contexts: `page, problems = browser_page(viewport=PHONE)`."""
    contexts = []

    def open_page(viewport=DESKTOP):
        context = e2e_browser.new_context(
            locale=BROWSER_LOCALE, viewport=viewport, timezone_id="Asia/Shanghai"
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        problems = PageProblems()
        problems.attach(page)
        return page, problems

    yield open_page
    for context in contexts:
        context.close()
