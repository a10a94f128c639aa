"""Public registration: what an enterprise sees when it registers, and the bad input of the
issue (a wrong check character, an enterprise that already has an account, a name that
differs from the database, a credit code the database does not have)."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.core.models import Notification
from apps.core.scoping import ScopeKind
from apps.portal.models import EnterpriseLink, LinkStatus

pytestmark = pytest.mark.django_db

PASSWORD = "Qiye-Mima-2024"


def form(**overrides) -> dict:
    data = {
        "uscc": "",
        "name": "北京商务科技有限公司",
        "contact_name": "王经理",
        "mobile": "13912345678",
        "email": "wang@example.com",
        "username": "shangwu",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "invitation_code": "",
        "consent": "on",
    }
    return data | overrides


def captcha_key(client: Client) -> str:
    """Open the form as a visitor does: the page draws a captcha and carries its key."""
    page = client.get(reverse("portal:register"))
    assert page.status_code == 200
    return page.context["challenge"].key


def register(client: Client, **overrides):
    # "TEST" solves any picture in tests only (config/settings/test.py).
    data = {"captcha_key": captcha_key(client), "captcha": "TEST"} | form(**overrides)
    return client.post(reverse("portal:register"), data, follow=True)


def test_the_login_page_links_to_registration(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("portal:register") in page
    assert "注册企业账户" in page


def test_registration_creates_an_unlinked_account_and_a_pending_request(
    client, enterprise_a, street_a_clerk, street_b_clerk, district_admin
):
    response = register(client, uscc=enterprise_a.uscc)

    assert "等待" in response.content.decode()  # "waiting for review"
    user = User.objects.get(username="shangwu")
    assert user.kind == "enterprise"
    assert user.scope_kind == ScopeKind.ENTERPRISE
    assert user.scope_uscc == ""
    assert not user.groups.exists()
    assert not user.must_change_password
    assert user.check_password(PASSWORD)
    link = EnterpriseLink.objects.get(user=user)
    assert link.status == LinkStatus.PENDING
    assert (link.uscc, link.street, link.mobile) == (
        enterprise_a.uscc,
        enterprise_a.street,
        "13912345678",
    )
    assert user.mobile == "13912345678"
    assert link.in_registry and not link.name_mismatch
    assert AuditEvent.objects.filter(action="portal.registration", object_id=str(link.pk)).exists()
    # The reviewers of the 街乡 and FIC staff hear of it; the other street does not.
    told = set(
        Notification.objects.filter(kind="portal.registration").values_list(
            "user__username", flat=True
        )
    )
    assert told == {"street_a_clerk", "district_admin"}


def test_a_wrong_check_character_is_a_form_error_in_chinese(client, enterprise_a):
    bad = enterprise_a.uscc[:-1] + ("0" if enterprise_a.uscc[-1] != "0" else "1")
    response = register(client, uscc=bad)

    assert response.status_code == 200
    assert "统一社会信用代码" in response.content.decode()
    assert response.context["form"].errors["uscc"]
    assert not User.objects.filter(username="shangwu").exists()


def test_an_enterprise_with_an_account_is_refused_and_staff_are_told(
    client, enterprise_a, enterprise_user, street_a_clerk, street_b_clerk, district_admin
):
    enterprise_user.scope_uscc = enterprise_a.uscc
    enterprise_user.save()

    response = register(client, uscc=enterprise_a.uscc)

    assert "该企业已有账户" in response.content.decode()
    assert not User.objects.filter(username="shangwu").exists()
    assert not EnterpriseLink.objects.exists()
    told = Notification.objects.filter(kind="portal.duplicate")
    assert set(told.values_list("user__username", flat=True)) == {
        "street_a_clerk",
        "district_admin",
    }
    assert enterprise_a.name in told.first().body
    assert AuditEvent.objects.filter(action="portal.registration_duplicate").exists()


def test_a_name_that_differs_from_the_database_is_accepted_but_flagged(
    client, login, enterprise_a, street_a_clerk
):
    register(client, uscc=enterprise_a.uscc, name="商务科技公司")

    link = EnterpriseLink.objects.get()
    assert link.name_mismatch
    page = login(street_a_clerk).get(reverse("portal:review_detail", args=[link.pk]))
    assert "与企业库中的名称" in page.content.decode()


def test_full_width_brackets_are_not_a_different_name(client, street_a):
    from apps.enterprises.tests.factories import EnterpriseFactory

    enterprise = EnterpriseFactory(name="北京商务(朝阳)科技有限公司", street=street_a)
    register(client, uscc=enterprise.uscc, name="北京商务（朝阳）科技有限公司")
    assert not EnterpriseLink.objects.get().name_mismatch


def test_an_unknown_credit_code_goes_to_fic_staff_flagged(
    client, unknown_uscc, street_a_clerk, district_admin
):
    register(client, uscc=unknown_uscc, name="北京新开张科技有限公司")

    link = EnterpriseLink.objects.get()
    assert link.street is None and not link.in_registry
    told = Notification.objects.filter(kind="portal.registration")
    assert list(told.values_list("user__username", flat=True)) == ["district_admin"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("mobile", "12345678901"),
        ("mobile", "1391234567"),
        ("password1", "short"),
        ("password2", "Other-Password-99"),
        ("consent", ""),
        ("username", "a b"),
        ("email", "not-an-address"),
    ],
)
def test_bad_input_is_refused_field_by_field(client, enterprise_a, field, value):
    response = register(client, uscc=enterprise_a.uscc, **{field: value})

    errors = response.context["form"].errors
    assert field in errors or (field == "password1" and "password2" in errors)
    assert not User.objects.filter(username="shangwu").exists()


def test_a_password_containing_the_username_is_refused(client, enterprise_a):
    response = register(
        client, uscc=enterprise_a.uscc, password1="Shangwu-2024x", password2="Shangwu-2024x"
    )
    assert "password1" in response.context["form"].errors


def test_a_taken_username_is_refused(client, enterprise_a, street_a_clerk):
    response = register(client, uscc=enterprise_a.uscc, username="STREET_A_CLERK")
    assert "username" in response.context["form"].errors


def test_the_mobile_may_be_typed_with_spaces_and_country_code(client, enterprise_a):
    register(client, uscc=enterprise_a.uscc, mobile="+86 139 1234 5678")
    assert EnterpriseLink.objects.get().mobile == "13912345678"


def test_extra_post_fields_change_nothing(client, enterprise_a):
    register(
        client,
        uscc=enterprise_a.uscc,
        scope_uscc=enterprise_a.uscc,
        status="approved",
        is_superuser="on",
        kind="staff",
    )
    user = User.objects.get(username="shangwu")
    assert (user.scope_uscc, user.kind, user.is_superuser) == ("", "enterprise", False)
    assert EnterpriseLink.objects.get().status == LinkStatus.PENDING


def test_registrations_are_limited_per_ip(client, enterprise_a, settings):
    settings.PORTAL_REGISTRATION_LIMIT = 2
    for n in range(2):
        register(client, uscc=enterprise_a.uscc, username=f"qiye{n}")
    response = client.post(
        reverse("portal:register"), form(uscc=enterprise_a.uscc, username="qiye9")
    )

    assert response.status_code == 429
    assert "注册次数过多" in response.content.decode()
    assert User.objects.filter(username__startswith="qiye").count() == 2
    # Another address is not held back.
    other = Client(REMOTE_ADDR="10.9.9.9")
    register(other, uscc=enterprise_a.uscc, username="qiye8")
    assert User.objects.filter(username="qiye8").exists()


def test_a_signed_in_user_is_sent_home(login, district_admin):
    response = login(district_admin).get(reverse("portal:register"))
    assert response.status_code == 302


def test_the_done_page_needs_a_registration(client):
    assert client.get(reverse("portal:register_done")).url == reverse("accounts:login")


def test_a_wrong_captcha_creates_nothing_and_draws_a_new_picture(client, enterprise_a, settings):
    key = captcha_key(client)
    data = form(uscc=enterprise_a.uscc) | {"captcha_key": key, "captcha": "XXXX"}
    response = client.post(reverse("portal:register"), data)
    assert response.status_code == 200
    assert "图形验证码不正确" in response.content.decode()
    assert not User.objects.filter(username="shangwu").exists()
    assert response.context["challenge"].key != key
    # The picture is good for one attempt: the right answer to the old one is too late.
    retry = client.post(reverse("portal:register"), data | {"captcha": "TEST"})
    assert not User.objects.filter(username="shangwu").exists()
    assert "图形验证码不正确" in retry.content.decode()


def test_the_register_page_carries_a_captcha_picture(client):
    page = client.get(reverse("portal:register")).content.decode()
    assert 'id="app-captcha"' in page and "data:image/png;base64," in page
