"""The big screen on a meeting-room display: opened with a display token (no sign-in), at
1920×1080, its charts drawn and its headline figures shown; a screenshot is kept.

Run alone with `pytest -m e2e tests/e2e/test_big_screen.py`.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.insights.report.services import display_token_create, display_token_revoke

from .pages import screenshot

pytestmark = pytest.mark.e2e

SCREEN = {"width": 1920, "height": 1080}


@pytest.fixture
def ledger(street_a, street_b):
    # The report tests' data: 5 enterprises in 建外, 2 in 朝外, 2024Q1–2025Q3, summarized.
    from apps.insights.tests.report.conftest import make_ledger

    return make_ledger(street_a, street_b)


def test_big_screen_with_a_display_token(
    browser_page, live_server, ledger, district_admin, tmp_path
):
    token, raw = display_token_create(actor=district_admin, name="三楼会议室")
    page, problems = browser_page(viewport=SCREEN)

    page.goto(live_server.url + reverse("screen:token", args=[raw]))
    page.wait_for_selector("body[data-ready='1']")

    expect(page.locator("#screen-headline .screen-card")).to_have_count(4)
    enterprises = page.locator(".screen-card[data-key='enterprises'] .screen-card-value")
    expect(enterprises).to_contain_text("7")
    expect(page.locator("#screen-title")).to_contain_text("朝阳区")
    for chart in ("chart-main", "chart-trend", "chart-size", "chart-section"):
        canvas = page.locator(f"#{chart} canvas")
        expect(canvas.first).to_be_visible()
        box = canvas.first.bounding_box()
        assert box["width"] > 200 and box["height"] > 150, chart
    # The page fills the display, dark.
    size = page.evaluate("() => [document.body.scrollWidth, document.body.scrollHeight]")
    assert size == [1920, 1080]
    background = page.evaluate("() => getComputedStyle(document.documentElement).backgroundColor")
    assert background.startswith("rgb(5, 11, 26")
    problems.assert_clean()

    shot = tmp_path / "big-screen-1920x1080.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 50_000
    screenshot(page, "big-screen-1920x1080")

    # Revoked: the next refresh tells the room instead of showing stale figures.
    display_token_revoke(actor=district_admin, token=token)
    page.evaluate("() => window.dispatchEvent(new Event('screen:refresh'))")
    expect(page.locator("#screen-notice")).to_be_visible()
    expect(page.locator("#screen-notice")).to_contain_text("撤销")
