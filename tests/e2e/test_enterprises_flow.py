"""A street officer's day in a real browser: import a roster, find the enterprise,
open it. Another street's enterprise stays invisible all along."""

import re

import pytest
from playwright.sync_api import expect

from apps.enterprises.models import Enterprise
from apps.enterprises.tests.factories import EnterpriseFactory, industry

from .pages import screenshot, sign_in

pytestmark = pytest.mark.e2e

# Generous waits: CI machines are slow when busy, and a real user waits too.
WAIT = 15_000

ROSTER = (
    "统一社会信用代码,企业名称,所属街乡,行业代码,联系电话\n"
    "91110105MA0000000Y,北京商务云计算有限公司,建外,6513,13912345678\n"
)


def test_street_officer_imports_finds_and_opens_an_enterprise(
    browser_page, live_server, street_a_clerk, street_b, tmp_path
):
    industry("6513")
    EnterpriseFactory(name="北京朝外商务咨询有限公司", street=street_b)
    roster = tmp_path / "名录.csv"
    roster.write_text(ROSTER, encoding="gbk")  # offices still send GBK files

    page, problems = browser_page()
    sign_in(page, live_server, street_a_clerk.username)

    page.goto(live_server.url + "/enterprises/imports/")
    page.locator("select[name='kind']").select_option("roster")
    page.locator("input[name='file']").set_input_files(str(roster))
    page.locator("main form button[type='submit']").first.click()
    page.wait_for_url(re.compile(r"/enterprises/imports/\d+/$"), timeout=WAIT)
    expect(page.locator("[data-count='new']")).to_have_text("1", timeout=WAIT)
    with page.expect_navigation(timeout=WAIT):
        page.locator("form[action$='/confirm/'] button").click()
    assert Enterprise.objects.filter(uscc="91110105MA0000000Y", street__short_name="建外").exists()

    page.goto(live_server.url + "/enterprises/")
    page.locator("input[name='q']").fill("商务")
    page.locator("input[name='q']").press("Enter")
    page.wait_for_load_state("networkidle")
    results = page.locator("#enterprise-results")
    expect(results).to_contain_text("北京商务云计算有限公司", timeout=WAIT)
    expect(results).not_to_contain_text("北京朝外商务咨询有限公司")  # another street's

    page.get_by_role("link", name="北京商务云计算有限公司").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_contain_text("北京商务云计算有限公司", timeout=WAIT)
    expect(page.locator("main")).not_to_contain_text("13912345678")  # masked for this grade
    screenshot(page, "enterprise-detail-street-officer")
    problems.assert_clean()
