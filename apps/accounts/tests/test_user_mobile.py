"""The account's mobile number (for SMS notifications): validated, and masked for
administrators without the personal-data grade, on screen and in the audit log."""

import pytest
from django.urls import reverse

from apps.accounts import roles
from apps.accounts.tests.factories import UserFactory
from apps.accounts.tests.test_admin_views import user_post_data
from apps.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

MOBILE = "13912345678"


@pytest.fixture
def sysadmin(builtin_roles):
    """系统管理员 alone: manages accounts, grade "records" (no personal data)."""
    return UserFactory(username="sysadmin", roles=[builtin_roles[roles.SYSTEM_ADMIN]])


@pytest.fixture
def account(db):
    return UserFactory(username="li.lei", full_name="李雷", mobile=MOBILE)


def edit(client, account, **changes):
    return client.post(
        reverse("accounts:user_update", args=[account.pk]), user_post_data(account, **changes)
    )


def test_list_shows_mobiles_masked(login, district_admin, account):
    html = login(district_admin).get(reverse("accounts:user_list")).content.decode()
    assert "139****5678" in html
    assert MOBILE not in html


def test_administrator_sets_a_mobile_and_the_audit_log_keeps_it_masked(
    login, district_admin, account
):
    response = edit(login(district_admin), account, mobile="13800001111")
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.mobile == "13800001111"
    event = AuditEvent.objects.filter(action="user.update").latest("pk")
    assert event.changes["mobile"] == ["139****5678", "138****1111"]


@pytest.mark.parametrize("bad", ["12345678901", "1391234567", "139-1234-567", "010-65001234"])
def test_a_mobile_that_is_not_a_mainland_number_is_refused(login, district_admin, account, bad):
    response = edit(login(district_admin), account, mobile=bad)
    assert response.status_code == 200
    assert "请输入 11 位中国大陆手机号码" in response.content.decode()
    account.refresh_from_db()
    assert account.mobile == MOBILE


def test_spaces_dashes_and_country_code_are_removed(login, district_admin, account):
    assert edit(login(district_admin), account, mobile="+86 138-0000-1111").status_code == 302
    account.refresh_from_db()
    assert account.mobile == "13800001111"


def test_sysadmin_without_personal_grade_never_receives_the_number(login, sysadmin, account):
    client = login(sysadmin)
    form_html = client.get(reverse("accounts:user_update", args=[account.pk])).content.decode()
    detail_html = client.get(reverse("accounts:user_detail", args=[account.pk])).content.decode()
    for html in (form_html, detail_html):
        assert "139****5678" in html
        assert MOBILE not in html

    # Saving the form with the masked value untouched keeps the stored number.
    assert edit(client, account, mobile="139****5678", full_name="李雷雷").status_code == 302
    account.refresh_from_db()
    assert (account.full_name, account.mobile) == ("李雷雷", MOBILE)

    # A half-typed masked value is refused rather than stored.
    response = edit(client, account, mobile="139****0000")
    assert response.status_code == 200
    account.refresh_from_db()
    assert account.mobile == MOBILE
