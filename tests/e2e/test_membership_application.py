"""A visitor applies for membership on the public form on a phone; the membership department
passes it (初审), the leader in charge approves it citing a meeting (审批); the new member has
a number and a certificate whose code verifies on the public page.

The captcha is solved with the test-only answer (settings.CAPTCHA_TEST_ANSWER, set
by config/settings/test.py alone; `check --deploy` refuses it anywhere else).
"""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from apps.accounts.services import role_create
from apps.accounts.tests.factories import UserFactory
from apps.core.scoping import Grade
from apps.enterprises.tests.factories import industry
from apps.members.applications.tests.factories import pdf_bytes, uscc
from apps.members.models_applications import Application, ApplicationStatus, Certificate

from .pages import DESKTOP, screenshot, sign_in

pytestmark = pytest.mark.e2e

WAIT = 15_000
PHONE_390 = {"width": 390, "height": 844}
NAME = "北京朝阳入会示范科技有限公司"


@pytest.fixture
def membership_officer(builtin_roles):
    """会员部 staff: the preliminary review and certificates (records grade, no second factor)."""
    from django.contrib.auth.models import Permission

    codenames = [
        "view_application",
        "review_application",
        "view_certificate",
        "issue_certificate",
    ]
    role = role_create(
        actor=None,
        name="会员部",
        grade=Grade.RECORDS,
        description="",
        permissions=list(
            Permission.objects.filter(content_type__app_label="members", codename__in=codenames)
        ),
    )
    return UserFactory(username="huiyuanbu", full_name="会员部干事", roles=[role])


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_visitor_applies_staff_review_leader_approves_certificate_verifies(
    browser_page, live_server, street_a, membership_officer, leader
):
    division = industry().parent
    code = uscc()

    # 1. The visitor applies on a phone, without an account.
    phone, phone_problems = browser_page(viewport=PHONE_390)
    phone.goto(live_server.url + "/members/apply/")
    phone.get_by_role("link", name=re.compile("企业会员")).click()
    phone.wait_for_url(re.compile(r"/members/apply/enterprise/$"), timeout=WAIT)
    expect(phone.locator("#app-captcha img")).to_be_visible()
    expect(phone.locator("main")).to_contain_text("隐私声明")
    for name, value in {
        "uscc": code,
        "org_name": NAME,
        "legal_representative": "张朝阳",
        "employees": "35",
        "address": "朝阳区建国路 1 号",
        "contact_name": "李联络",
        "mobile": "13912340000",
        "email": "lianluo@example.com",
    }.items():
        phone.locator(f"#id_{name}").fill(value)
    phone.locator("#id_industry").select_option(str(division.pk))
    phone.locator("#id_street").select_option(str(street_a.pk))
    phone.locator("#id_licence").set_input_files(
        {"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    phone.locator("#id_consent").check()
    # Another picture (HTMX) before typing, as a visitor who cannot read the first one.
    first_key = phone.locator("#id_captcha_key").input_value()
    phone.get_by_role("button", name=re.compile("换一张")).click()
    expect(phone.locator("#id_captcha_key")).not_to_have_value(first_key, timeout=WAIT)
    phone.locator("#id_captcha").fill("TEST")
    assert fits_the_screen(phone)
    screenshot(phone, "membership-application-phone")
    phone.get_by_role("button", name="提交申请").click()
    phone.wait_for_url(re.compile(r"/members/apply/done/$"), timeout=WAIT)
    reference = phone.get_by_test_id("reference").inner_text().strip()
    application = Application.objects.get(reference=reference)
    assert application.org_name == NAME
    assert application.attachments.get().content_type == "application/pdf"
    phone_problems.assert_clean()

    # 2. 初审: the membership department passes it on.
    desk, desk_problems = browser_page(viewport=DESKTOP)
    sign_in(desk, live_server, membership_officer.username)
    desk.goto(live_server.url + "/members/applications/")
    desk.get_by_role("link", name=NAME).click()
    desk.wait_for_url(re.compile(rf"/members/applications/{application.pk}/$"), timeout=WAIT)
    expect(desk.locator("main")).to_contain_text(code)
    desk.locator("#id_note").fill("材料齐全，符合入会条件")
    desk.get_by_role("button", name="初审通过，提交审批").click()
    expect(desk.locator("main")).to_contain_text("待审批", timeout=WAIT)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REVIEWED
    desk_problems.assert_no_server_errors()

    # 3. 审批: the leader in charge approves, citing the meeting.
    boss, boss_problems = browser_page(viewport=DESKTOP)
    sign_in(boss, live_server, leader.username)
    boss.goto(live_server.url + f"/members/applications/{application.pk}/")
    boss.locator("#id_meeting_name").fill("第十五届常委会第三次会议")
    boss.get_by_role("button", name="批准入会").click()
    number = boss.get_by_test_id("member-number")
    expect(number).to_be_visible(timeout=WAIT)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ADMITTED
    member = application.member
    expect(number).to_contain_text(member.number)
    screenshot(boss, "membership-application-admitted")
    boss_problems.assert_no_server_errors()

    # 4. The certificate: the officer downloads the PDF, which carries the number.
    desk.goto(live_server.url + f"/members/{member.pk}/certificate/")
    shown_code = desk.get_by_test_id("certificate-code").inner_text().strip()
    certificate = Certificate.objects.get(member=member, replaced_at__isnull=True)
    assert shown_code.replace("-", "") == certificate.code
    with desk.expect_download() as download:
        desk.get_by_test_id("certificate-pdf").click()
    pdf = download.value.path().read_bytes()
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert member.number in text and NAME in text

    # 5. Anyone verifies it on the public page, typing the code from the card.
    public, public_problems = browser_page(viewport=PHONE_390)
    public.goto(live_server.url + "/members/verify/")
    public.locator("#id_code").fill(shown_code)
    public.get_by_role("button", name="验证").click()
    result = public.get_by_test_id("verify-result")
    expect(result).to_contain_text("有效会员证", timeout=WAIT)
    expect(result).to_contain_text(member.number)
    expect(result).to_contain_text(NAME)
    screenshot(public, "membership-certificate-verified")
    public_problems.assert_clean()

    # 6. The applicant sees the outcome on the status page.
    phone.goto(live_server.url + "/members/apply/status/")
    phone.locator("#id_reference").fill(reference)
    phone.locator("#id_mobile").fill("13912340000")
    phone.get_by_role("button", name="查询").click()
    expect(phone.locator("main")).to_contain_text(member.number, timeout=WAIT)
