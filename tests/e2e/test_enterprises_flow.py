"""A street officer's day in a real browser: import a roster, find the enterprise,
open it. Another street's enterprise stays invisible all along."""

import re

import openpyxl
import pytest
from playwright.sync_api import expect

from apps.enterprises.models import Enterprise
from apps.enterprises.tests.factories import EnterpriseFactory, industry

from .pages import DESKTOP, pass_second_factor, screenshot, sign_in

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


def test_district_admin_sees_every_street_edits_once_and_exports(
    browser_page, live_server, district_admin, street_a, street_b, tmp_path
):
    """The whole district, the phone in full (personal grade), an edit with a second tab's
    older copy refused, and the export: opened back, exporter named, formulas inert."""
    industry("6513")
    mine = EnterpriseFactory(
        name="北京建外数据服务有限公司",
        street=street_a,
        contact_phone="13900001111",
        legal_representative="=1+2",
    )
    EnterpriseFactory(name="北京朝外商务咨询有限公司", street=street_b)

    page, problems = browser_page(viewport=DESKTOP)
    pass_second_factor(page, live_server, district_admin, start="/enterprises/")
    page.goto(live_server.url + "/enterprises/")
    results = page.locator("#enterprise-results")
    expect(results).to_contain_text("北京建外数据服务有限公司", timeout=WAIT)
    expect(results).to_contain_text("北京朝外商务咨询有限公司")
    # The 街乡 filter narrows the list in place (htmx) and keeps the address bar in step.
    page.locator("select[name='street']").select_option(str(street_b.pk))
    expect(results).not_to_contain_text("北京建外数据服务有限公司", timeout=WAIT)
    expect(page).to_have_url(re.compile(rf"street={street_b.pk}"), timeout=WAIT)

    page.goto(live_server.url + f"/enterprises/{mine.pk}/")
    expect(page.locator("main")).to_contain_text("13900001111", timeout=WAIT)

    # Two tabs open the same edit form; the first saves, the second's older copy is refused.
    edit_url = live_server.url + f"/enterprises/{mine.pk}/edit/"
    second = page.context.new_page()
    second.goto(edit_url)
    page.goto(edit_url)
    page.locator("input[name='address']").fill("建国门外大街1号")
    with page.expect_navigation(timeout=WAIT):
        page.locator("main form button[type='submit']").click()
    expect(page.locator("main")).to_contain_text("建国门外大街1号", timeout=WAIT)
    second.locator("input[name='address']").fill("另一个地址")
    second.locator("main form button[type='submit']").click()
    second.wait_for_load_state("load")
    expect(second.locator(".alert-danger")).to_be_visible(timeout=WAIT)
    mine.refresh_from_db()
    assert mine.address == "建国门外大街1号"
    second.close()

    page.goto(live_server.url + "/enterprises/")
    with page.expect_download(timeout=WAIT) as download:
        page.get_by_role("link", name="导出 Excel").click()
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert any("district_admin" in c for c in cells)  # the exporter, in the header
    assert "北京建外数据服务有限公司" in cells and "北京朝外商务咨询有限公司" in cells
    assert "=1+2" not in cells and any(c.endswith("=1+2") for c in cells)  # inert text
    screenshot(page, "enterprise-list-district-admin")
    problems.assert_clean()
