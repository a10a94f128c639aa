"""Invitation codes: made by staff (street officers for their 街乡), shown once, stored
hashed, valid 30 days, one registration each."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.portal import services
from apps.portal.models import EnterpriseLink, Invitation, LinkStatus

from .test_registration import register

pytestmark = pytest.mark.django_db


def make_code(client, uscc):
    return client.post(reverse("portal:invitations"), {"uscc": uscc})


def test_an_officer_makes_a_code_that_is_shown_once_and_stored_hashed(
    login, street_a_clerk, enterprise_a
):
    client = login(street_a_clerk)
    response = make_code(client, enterprise_a.uscc)

    code = response.context["code"]
    assert code in response.content.decode()
    invitation = Invitation.objects.get()
    assert invitation.uscc == enterprise_a.uscc and invitation.street == enterprise_a.street
    assert code.replace("-", "") not in invitation.code_digest
    assert invitation.code_digest == services.code_digest(code)
    assert timedelta(days=29) < invitation.expires_at - timezone.now() <= timedelta(days=30)
    assert AuditEvent.objects.filter(action="portal.invitation_create").exists()
    assert "no-store" in response["Cache-Control"]
    # The list shows the invitation, never the code.
    listing = client.get(reverse("portal:invitations")).content.decode()
    assert enterprise_a.name in listing and code not in listing


def test_the_form_can_be_prefilled_from_the_enterprise_page(login, street_a_clerk, enterprise_a):
    page = login(street_a_clerk).get(reverse("portal:invitations"), {"uscc": enterprise_a.uscc})
    assert enterprise_a.uscc in page.content.decode()


def test_an_officer_cannot_invite_another_streets_enterprise(
    login, street_a_clerk, enterprise_b, unknown_uscc
):
    client = login(street_a_clerk)
    for uscc in (enterprise_b.uscc, unknown_uscc):
        response = make_code(client, uscc)
        assert response.status_code == 400
        assert "数据范围内没有" in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_enterprise_with_an_account_gets_no_code(login, district_admin, enterprise_user):
    from apps.enterprises.tests.factories import EnterpriseFactory

    enterprise = EnterpriseFactory(uscc=enterprise_user.scope_uscc)
    response = make_code(login(district_admin), enterprise.uscc)
    assert "该企业已有账户" in response.content.decode()
    assert not Invitation.objects.exists()


def test_registering_with_the_code_links_at_once_on_the_inviters_behalf(
    client, login, street_a_clerk, enterprise_a
):
    code = make_code(login(street_a_clerk), enterprise_a.uscc).context["code"]

    response = register(client, uscc=enterprise_a.uscc, invitation_code=code.lower())

    assert "账户已开通" in response.content.decode()
    user = User.objects.get(username="shangwu")
    link = EnterpriseLink.objects.get(user=user)
    assert link.status == LinkStatus.APPROVED and link.decided_by == street_a_clerk
    assert user.scope_uscc == enterprise_a.uscc
    invitation = Invitation.objects.get()
    assert invitation.used_by == user and invitation.used_at
    assert AuditEvent.objects.filter(action="portal.invitation_use").exists()
    assert AuditEvent.objects.filter(action="portal.link_approve", actor=street_a_clerk).exists()


def test_a_used_code_is_refused(client, login, street_a_clerk, enterprise_a):
    code = make_code(login(street_a_clerk), enterprise_a.uscc).context["code"]
    register(client, uscc=enterprise_a.uscc, invitation_code=code)
    User.objects.filter(username="shangwu").update(is_active=False)  # the account went away

    response = register(client, uscc=enterprise_a.uscc, invitation_code=code, username="other")

    assert "已被使用" in response.content.decode()
    assert not User.objects.filter(username="other").exists()


def test_an_expired_code_is_refused(client, login, street_a_clerk, enterprise_a):
    code = make_code(login(street_a_clerk), enterprise_a.uscc).context["code"]
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    response = register(client, uscc=enterprise_a.uscc, invitation_code=code)

    assert "已过期" in response.content.decode()
    assert not User.objects.filter(username="shangwu").exists()
    page = login(street_a_clerk).get(reverse("portal:invitations")).content.decode()
    assert "已过期" in page


def test_a_code_for_another_enterprise_or_an_unknown_code_is_refused(
    client, login, district_admin, enterprise_a, enterprise_b
):
    code = make_code(login(district_admin), enterprise_a.uscc).context["code"]

    other = register(client, uscc=enterprise_b.uscc, invitation_code=code)
    assert "属于其他企业" in other.content.decode()
    unknown = register(client, uscc=enterprise_a.uscc, invitation_code="ABCD-EFGH-JKMN")
    assert "邀请码无效" in unknown.content.decode()
    assert not User.objects.filter(username="shangwu").exists()
    assert Invitation.objects.get().used_at is None


def test_the_invitation_code_field_keeps_what_was_typed(client, enterprise_a):
    response = register(client, uscc=enterprise_a.uscc, invitation_code="zzzz")
    assert "zzzz" in response.content.decode()
