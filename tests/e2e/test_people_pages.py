"""The notable-people database in a real browser, for the two kinds of reader the issue names:
FIC staff with the personal-data grade (sees masked values, reveals one with a reason, edits)
and a reader at the records grade (masked everywhere, no reveal, the direct URL refused and
logged). Both pass the second factor first: the module asks for it.
"""

import re

import pytest
from playwright.sync_api import expect

from apps.accounts import roles
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AuditEvent, PersonalDataRead, Result
from apps.people.models import Person, plain
from apps.people.tests.factories import PersonFactory

from .pages import DESKTOP, pass_second_factor, screenshot

pytestmark = pytest.mark.e2e

WAIT = 15_000
PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture
def people_reader(builtin_roles):
    """统战人士查阅: reads the database at the records grade."""
    return UserFactory(username="people_reader", roles=[builtin_roles[roles.PEOPLE_READER]])


@pytest.fixture
def wang(db):
    return PersonFactory(name="王建国", name_initials="wjg", position="董事长")


def test_staff_with_the_personal_grade_reveals_with_a_reason_and_edits(
    browser_page, live_server, district_admin, wang
):
    page, problems = browser_page(viewport=DESKTOP)
    pass_second_factor(page, live_server, district_admin, start="/people/")

    response = page.goto(live_server.url + "/people/?q=wjg")
    assert "no-store" in response.headers.get("cache-control", "")
    table = page.locator("#people-table")
    expect(table).to_contain_text("王建国")
    expect(table).to_contain_text(wang.id_number_masked)
    html = page.content()
    assert plain(wang.id_number) not in html and plain(wang.mobile) not in html
    problems.assert_clean()
    screenshot(page, "people-list-personal-grade")

    page.get_by_role("link", name="王建国").click()
    page.wait_for_url(re.compile(rf"/people/{wang.pk}/$"), timeout=WAIT)
    expect(page.locator("main h1")).to_have_text("王建国")
    assert plain(wang.id_number) not in page.content()

    # Revealing asks for a reason first; an empty one is refused in Chinese, nothing logged.
    id_cell = page.locator("#reveal-id_number")
    id_cell.get_by_role("link", name="查看完整号码").click()
    reason = id_cell.locator("input[name='reason']")
    expect(reason).to_be_visible()
    id_cell.locator("button[type='submit']").click()
    expect(id_cell).to_contain_text("请说明查看完整号码的事由")
    assert not PersonalDataRead.objects.exists()

    id_cell.locator("input[name='reason']").fill("核对政协委员推荐材料")
    id_cell.locator("button[type='submit']").click()
    expect(id_cell.locator("[data-revealed='id_number']")).to_have_text(plain(wang.id_number))
    read = PersonalDataRead.objects.get()
    assert read.actor_id == district_admin.pk and read.reason == "核对政协委员推荐材料"
    # The phone stays masked: one reveal, one value.
    assert plain(wang.mobile) not in page.content()
    screenshot(page, "people-detail-revealed")

    # For that view only: the page reloaded shows the masked value again.
    page.reload()
    expect(page.locator("#reveal-id_number")).to_contain_text(wang.id_number_masked)
    assert plain(wang.id_number) not in page.content()

    # An ID number whose check character is wrong is refused on the edit form; nothing changes.
    page.get_by_role("link", name="编辑").click()
    page.wait_for_url(re.compile(rf"/people/{wang.pk}/edit/$"), timeout=WAIT)
    number = plain(wang.id_number)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    page.locator("input[name='id_number']").fill(wrong)
    page.locator("main form button[type='submit']").last.click()
    page.wait_for_load_state("load")
    expect(page.locator(".invalid-feedback").first).to_contain_text("校验")
    assert plain(Person.objects.get(pk=wang.pk).id_number) == number
    problems.assert_no_server_errors()


def test_a_records_grade_reader_sees_masks_only_and_the_reveal_url_refuses(
    browser_page, live_server, people_reader, wang
):
    page, problems = browser_page(viewport=PHONE_390)
    pass_second_factor(page, live_server, people_reader, start="/people/")

    page.goto(live_server.url + "/people/")
    expect(page.locator("#people-table")).to_contain_text("王建国")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    problems.assert_clean()
    screenshot(page, "people-list-records-grade-phone")

    page.goto(f"{live_server.url}/people/{wang.pk}/")
    expect(page.locator("main h1")).to_have_text("王建国")
    expect(page.locator("#reveal-id_number")).to_contain_text(wang.id_number_masked)
    expect(page.get_by_role("link", name="查看完整号码")).to_have_count(0)
    expect(page.get_by_role("link", name="编辑")).to_have_count(0)
    html = page.content()
    assert plain(wang.id_number) not in html and plain(wang.mobile) not in html

    # Calling the reveal endpoint directly: 403, and the refusal is in the audit trail.
    response = page.goto(f"{live_server.url}/people/{wang.pk}/reveal/?field=mobile")
    assert response.status == 403
    assert plain(wang.mobile) not in page.content()
    denied = AuditEvent.objects.get(action="person.reveal", result=Result.DENIED)
    assert denied.actor_id == people_reader.pk and denied.object_id == str(wang.pk)
    assert not PersonalDataRead.objects.exists()
