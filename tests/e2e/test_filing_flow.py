"""An enterprise registers on a 390-px phone and the street officer approves the account;
it files its quarter on the phone; the officer returns it once and approves it the second
time; the ledger shows the figures with source 企业填报 and the campaign's progress page
counts it."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.accounts.tests.factories import PASSWORD
from apps.enterprises.models import LedgerEntry, LedgerSource
from apps.enterprises.tests.factories import EnterpriseFactory, LedgerEntryFactory
from apps.filings import services
from apps.filings.models import Filing, FilingStatus, TargetKind
from conftest import ENTERPRISE_USCC

from .pages import DESKTOP, screenshot, sign_in

pytestmark = pytest.mark.e2e

WAIT = 15_000
PHONE_390 = {"width": 390, "height": 844}
FIGURES = {
    "revenue": "125.5",
    "profit": "12",
    "tax": "6.3",
    "rd_expense": "2",
    "employees": "22",
    "total_assets": "520",
}


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.fixture
def asked(district_admin, street_a, builtin_roles):
    enterprise = EnterpriseFactory(
        name="北京填报示范科技有限公司", street=street_a, uscc=ENTERPRISE_USCC
    )
    LedgerEntryFactory(
        enterprise=enterprise, year=2025, quarter=2, revenue=Decimal("100"), employees=20
    )
    campaign = services.campaign_create(
        actor=district_admin,
        year=2025,
        quarter=3,
        title="2025年第三季度经济数据填报",
        deadline=timezone.localdate() + timedelta(days=10),
        indicators=list(FIGURES),
        target_kind=TargetKind.FILTER,
        target_filter={"streets": [street_a.pk]},
    )
    services.campaign_open(actor=district_admin, campaign=campaign)
    return Filing.objects.get(campaign=campaign, enterprise=enterprise)


def fill(page, values: dict[str, str]) -> None:
    for name, value in values.items():
        page.locator(f"#id_{name}").fill(value)


def register_and_get_approved(phone, desk, live_server, officer) -> str:
    """The enterprise registers on the phone; the officer approves it on the desktop."""
    phone.goto(live_server.url + "/portal/register/")
    for field, value in {
        "uscc": ENTERPRISE_USCC,
        "name": "北京填报示范科技有限公司",
        "contact_name": "王晓",
        "mobile": "13912345678",
        "username": "tianbao",
        "password1": PASSWORD,
        "password2": PASSWORD,
        # The picture is drawn on the server; config/settings/test.py sets the answer
        # that solves any of them (CAPTCHA_TEST_ANSWER, refused by `check --deploy`).
        "captcha": "TEST",
    }.items():
        phone.locator(f"#id_{field}").fill(value)
    phone.locator("#id_consent").check()
    expect(phone.locator("#app-captcha img")).to_be_visible()
    assert fits_the_screen(phone)
    phone.get_by_role("button", name="提交注册").click()
    phone.wait_for_url(re.compile(r"/portal/register/done/$"), timeout=WAIT)

    sign_in(desk, live_server, officer.username)
    desk.goto(live_server.url + "/portal/review/")
    desk.get_by_role("link", name=re.compile("北京填报示范科技有限公司")).first.click()
    desk.get_by_role("button", name="通过").click()
    desk.wait_for_load_state("networkidle")
    return "tianbao"


def test_enterprise_registers_files_on_a_phone_officer_returns_then_approves(
    browser_page, live_server, asked, street_a_clerk
):
    filing = asked
    phone, phone_problems = browser_page(viewport=PHONE_390)
    phone.on("dialog", lambda dialog: dialog.accept())
    desk, desk_problems = browser_page(viewport=DESKTOP)
    username = register_and_get_approved(phone, desk, live_server, street_a_clerk)
    sign_in(phone, live_server, username)

    # 我的填报 → the form.
    phone.goto(live_server.url + "/filings/my/")
    phone.get_by_role("link", name=re.compile("2025年第三季度经济数据填报")).click()
    phone.wait_for_url(re.compile(rf"/filings/my/{filing.pk}/$"), timeout=WAIT)
    expect(phone.locator("#cmp-revenue")).to_contain_text("100.00")  # last quarter beside it
    expect(phone.locator("#id_employees")).to_have_value("20")  # carried over
    assert fits_the_screen(phone)

    # Letters are refused as typed; a thousandfold revenue asks for an explanation.
    phone.locator("#id_revenue").fill("12a")
    expect(phone.locator("#fb-revenue .filings-error")).to_be_visible(timeout=WAIT)
    fill(phone, FIGURES | {"revenue": "100000"})
    warning = phone.locator("#fb-revenue textarea[name='comment_qoq_jump']")
    expect(warning).to_be_visible(timeout=WAIT)
    warning.fill("本季度一次性确认大额合同收入")
    screenshot(phone, "filing-form-phone-warning")
    assert fits_the_screen(phone)
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_url(re.compile(rf"/filings/my/{filing.pk}/receipt/$"), timeout=WAIT)
    expect(phone.locator("#receipt-no")).to_contain_text(f"TB2025Q3-{filing.pk:07d}-01")
    screenshot(phone, "filing-receipt-phone")

    # The street officer returns it with a comment.
    desk.goto(live_server.url + "/filings/review/")
    desk.get_by_role("link", name="北京填报示范科技有限公司").click()
    expect(desk.locator("main")).to_contain_text("本季度一次性确认大额合同收入", timeout=WAIT)
    desk.locator("textarea[name='comment']").fill("营业收入请按万元填写，不是元")
    desk.get_by_role("button", name="退回修改").click()
    desk.wait_for_load_state("networkidle")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.RETURNED

    # The enterprise sees the comment, corrects and resubmits.
    phone.goto(live_server.url + f"/filings/my/{filing.pk}/")
    expect(phone.locator("#return-comment")).to_contain_text("营业收入请按万元填写", timeout=WAIT)
    phone.locator("#id_revenue").fill(FIGURES["revenue"])
    expect(phone.locator("#fb-revenue textarea")).to_have_count(0, timeout=WAIT)
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_url(re.compile(r"/receipt/$"), timeout=WAIT)
    expect(phone.locator("#receipt-no")).to_contain_text(f"TB2025Q3-{filing.pk:07d}-02")

    # The officer approves the second submission.
    desk.goto(live_server.url + f"/filings/review/{filing.pk}/")
    desk.get_by_role("button", name="通过").click()
    desk.wait_for_load_state("networkidle")
    entry = LedgerEntry.objects.get(enterprise=filing.enterprise, year=2025, quarter=3)
    assert entry.source == LedgerSource.FILING and entry.revenue == Decimal("125.50")

    # The enterprise's ledger shows the figures with source 企业填报 …
    desk.goto(live_server.url + f"/enterprises/{filing.enterprise_id}/")
    ledger_row = desk.locator("#ledger tbody tr").filter(has_text="2025 Q3")
    expect(ledger_row).to_contain_text("企业填报", timeout=WAIT)
    expect(ledger_row).to_contain_text("125.50")
    # … and the campaign's progress page counts it as submitted and approved.
    desk.goto(live_server.url + f"/filings/campaigns/{filing.campaign_id}/")
    row = desk.locator("#progress-table tbody tr").filter(has_text="建外")
    cells = row.locator("td")
    expect(cells.nth(0)).to_have_text("1", timeout=WAIT)  # asked
    expect(cells.nth(1)).to_have_text("1")  # submitted
    expect(cells.nth(3)).to_have_text("1")  # approved
    screenshot(desk, "filing-progress-desktop")

    phone_problems.assert_clean()
    desk_problems.assert_clean()
