"""The economic overview on a phone: from the whole district, click the 街乡's bar, then
the industry section's bar, then the division in the table, open the enterprise list of
that slice and an enterprise in it; the breadcrumb goes back to the district.

Run alone with `pytest -m e2e tests/e2e/test_insights_drill.py`.
"""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from playwright.sync_api import expect

from apps.enterprises.tests.factories import EnterpriseFactory, LedgerEntryFactory, industry
from apps.insights import summary
from conftest import signed_in

from .pages import screenshot

pytestmark = pytest.mark.e2e

WAIT = 15_000
PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture
def district(street_a, street_b):
    software = industry("6513", section="I")
    shops = industry("5211", name="百货零售", section="F")
    made = []
    for i, (street, kind) in enumerate(
        [(street_a, software)] * 5 + [(street_a, shops)] * 3 + [(street_b, software)] * 4
    ):
        ent = EnterpriseFactory(street=street, industry=kind, name=f"北京钻取示范{i}科技有限公司")
        for quarter in (1, 2, 3):
            LedgerEntryFactory(
                enterprise=ent, year=2025, quarter=quarter, revenue=Decimal(1000 - 50 * i)
            )
        made.append(ent)
    summary.rebuild()
    return made


def click_first_bar(page, chart: str) -> None:
    """A real mouse click in the middle of the chart's first bar."""
    selector = f"#{chart}[data-drawn='1']"
    page.wait_for_selector(selector, timeout=WAIT)
    x, y = page.evaluate(
        """(selector) => {
            const el = document.querySelector(selector);
            el.scrollIntoView({block: "center", behavior: "instant"});
            const chart = echarts.getInstanceByDom(el);
            const value = chart.getOption().series[0].data[0];
            const [px, py] = chart.convertToPixel({seriesIndex: 0}, [value / 2, 0]);
            const box = el.getBoundingClientRect();
            return [box.left + px, box.top + py];
        }""",
        selector,
    )
    page.mouse.click(x, y)


def test_drill_from_the_district_to_an_enterprise(
    browser_page, live_server, district, district_admin, street_a
):
    page, problems = browser_page(viewport=PHONE_390)
    client = signed_in(district_admin)  # past the second factor, as the conftest does
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(live_server.url + "/insights/?year=2025&quarter=3")
    expect(page.locator("#insights-breadcrumb")).to_contain_text("全区")
    expect(page.locator("[data-figure='enterprises'] .insights-value")).to_have_text("12")
    screenshot(page, "insights-district-phone")

    # 全区 → 建外: the largest revenue is 建外's, the first bar.
    click_first_bar(page, "chart-by-street")
    page.wait_for_url(re.compile(rf"[?&]street={street_a.pk}"), timeout=WAIT)
    expect(page.locator("#insights-breadcrumb")).to_contain_text("建外")
    expect(page.locator("[data-figure='enterprises'] .insights-value")).to_have_text("8")

    # 建外 → section I (信息传输、软件和信息技术服务业 is the larger).
    click_first_bar(page, "chart-by-section")
    page.wait_for_url(re.compile(r"[?&]section=I"), timeout=WAIT)
    expect(page.locator("[data-figure='enterprises'] .insights-value")).to_have_text("5")

    # Section I → division 65, from the table under the chart.
    page.locator("#insights-drill-table a.insights-drill[data-key='65']").click()
    page.wait_for_url(re.compile(r"[?&]division=65"), timeout=WAIT)
    expect(page.locator("#insights-breadcrumb li")).to_have_count(4)
    assert "year=2025" in page.url and "quarter=3" in page.url  # the state stays in the URL
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "insights-division-phone")

    # Division → the enterprise list of that slice → one enterprise.
    page.locator("#insights-enterprise-list").click()
    page.wait_for_url(re.compile(r"/enterprises/\?.*division=65"), timeout=WAIT)
    link = page.get_by_role("link", name="北京钻取示范0科技有限公司")
    expect(link).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("link", name="北京钻取示范5科技有限公司")).to_have_count(0)
    link.click()
    page.wait_for_url(re.compile(r"/enterprises/\d+/$"), timeout=WAIT)
    expect(page.locator("h1")).to_contain_text("北京钻取示范0科技有限公司")

    # Back, and up the breadcrumb to the district.
    page.go_back()
    page.go_back()
    page.locator("#insights-breadcrumb a", has_text="全区").click()
    page.wait_for_url(re.compile(r"/insights/\?year=2025&quarter=3$"), timeout=WAIT)
    expect(page.locator("[data-figure='enterprises'] .insights-value")).to_have_text("12")
    problems.assert_clean()
