"""Review of enterprise account requests: street officers for their 街乡, FIC staff for all."""

import pytest
from django.urls import reverse

from apps.accounts import roles
from apps.audit.models import AuditEvent
from apps.core.models import Delivery, Notification
from apps.enterprises.models import Enterprise
from apps.portal import services
from apps.portal.models import LinkStatus
from apps.portal.tests.factories import ApplicantFactory, EnterpriseLinkFactory

pytestmark = pytest.mark.django_db


def approve(client, link):
    return client.post(reverse("portal:review_approve", args=[link.pk]), follow=True)


def reject(client, link, reason="名称与营业执照不符"):
    return client.post(
        reverse("portal:review_reject", args=[link.pk]), {"reason": reason}, follow=True
    )


def test_the_queue_shows_pending_requests_of_the_officers_street_only(
    login, street_a_clerk, link_a, link_b, link_unknown
):
    response = login(street_a_clerk).get(reverse("portal:review_list"))

    assert list(response.context["object_list"]) == [link_a]
    assert link_b.name not in response.content.decode()
    assert link_unknown.name not in response.content.decode()


def test_fic_staff_see_every_request_including_those_without_a_street(
    login, district_admin, link_a, link_b, link_unknown
):
    response = login(district_admin).get(reverse("portal:review_list"))

    assert set(response.context["object_list"]) == {link_a, link_b, link_unknown}
    assert "不在企业库中" in response.content.decode()


def test_the_queue_filters_by_status_and_code(login, district_admin, link_a, link_b):
    link_b.status = LinkStatus.REJECTED
    link_b.save()
    client = login(district_admin)

    decided = client.get(reverse("portal:review_list"), {"status": "rejected"})
    assert list(decided.context["object_list"]) == [link_b]
    every = client.get(reverse("portal:review_list"), {"status": "", "q": link_a.uscc[:10]})
    assert list(every.context["object_list"]) == [link_a]


def test_approval_links_the_account_and_tells_the_applicant(
    login, street_a_clerk, link_a, builtin_roles
):
    user = link_a.user
    user.mobile = "13912345678"
    user.save()

    response = approve(login(street_a_clerk), link_a)

    assert "账户已关联企业" in response.content.decode()
    link_a.refresh_from_db()
    user.refresh_from_db()
    assert link_a.status == LinkStatus.APPROVED
    assert link_a.decided_by == street_a_clerk and link_a.decided_at
    assert user.scope_uscc == link_a.uscc
    assert list(user.groups.values_list("name", flat=True)) == [roles.ENTERPRISE]
    assert list(Enterprise.objects.in_scope(user)) == [Enterprise.objects.get(uscc=link_a.uscc)]
    assert AuditEvent.objects.filter(action="portal.link_approve", actor=street_a_clerk).exists()
    assert AuditEvent.objects.filter(action="user.permissions_change", object_id=str(user.pk))
    note = Notification.objects.get(user=user, kind="portal.decision")
    assert "审核通过" in note.subject
    sms = Delivery.objects.get(user=user, kind="portal.decision", channel="sms")
    assert sms.address == "13912345678"


def test_after_approval_the_applicant_signs_in_to_their_enterprise(
    login, street_a_clerk, link_a, builtin_roles
):
    approve(login(street_a_clerk), link_a)
    link_a.user.refresh_from_db()

    client = login(link_a.user)
    home = client.get(reverse("core:home"), follow=True)
    assert home.resolver_match.view_name == "portal:home"
    assert link_a.name in home.content.decode()


def test_rejection_needs_a_reason_and_the_applicant_reads_it(login, street_a_clerk, link_a):
    client = login(street_a_clerk)
    empty = client.post(reverse("portal:review_reject", args=[link_a.pk]), {"reason": " "})
    assert empty.status_code == 400
    link_a.refresh_from_db()
    assert link_a.status == LinkStatus.PENDING

    reject(client, link_a, reason="请使用营业执照上的全称")

    link_a.refresh_from_db()
    assert (link_a.status, link_a.reason) == (LinkStatus.REJECTED, "请使用营业执照上的全称")
    assert not link_a.user.groups.exists()
    assert AuditEvent.objects.filter(action="portal.link_reject").exists()
    note = Notification.objects.get(user=link_a.user, kind="portal.decision")
    assert "请使用营业执照上的全称" in note.body
    waiting = login(link_a.user).get(reverse("portal:waiting"))
    assert "请使用营业执照上的全称" in waiting.content.decode()


def test_a_decided_request_cannot_be_decided_again(login, street_a_clerk, link_a):
    client = login(street_a_clerk)
    reject(client, link_a)

    response = approve(client, link_a)

    assert "该申请已审核" in response.content.decode()
    link_a.refresh_from_db()
    assert link_a.status == LinkStatus.REJECTED


def test_a_second_account_for_a_linked_enterprise_is_not_approved(
    login, district_admin, enterprise_a, link_a
):
    second = EnterpriseLinkFactory(enterprise=enterprise_a)
    client = login(district_admin)
    approve(client, link_a)

    response = approve(client, second)

    assert "该企业已有账户" in response.content.decode()
    second.refresh_from_db()
    second.user.refresh_from_db()
    assert second.status == LinkStatus.PENDING and second.user.scope_uscc == ""


def test_another_streets_officer_cannot_decide(login, street_b_clerk, link_a):
    client = login(street_b_clerk)
    assert approve(client, link_a).status_code == 404
    assert reject(client, link_a).status_code == 404
    link_a.refresh_from_db()
    assert link_a.status == LinkStatus.PENDING


def test_the_service_rechecks_scope_and_permission(street_b_clerk, leader, link_a):
    with pytest.raises(link_a.DoesNotExist):
        services.link_approve(actor=street_b_clerk, link=link_a)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.link_reject(actor=leader, link=link_a, reason="x")


def test_the_reviewer_sees_the_mobile_masked_below_the_personal_grade(
    login, street_a_clerk, district_admin, link_a
):
    url = reverse("portal:review_detail", args=[link_a.pk])
    assert "139****5678" in login(street_a_clerk).get(url).content.decode()
    assert "13912345678" in login(district_admin).get(url).content.decode()


def test_the_detail_warns_when_the_enterprise_already_has_an_account(
    login, district_admin, enterprise_a, link_a
):
    ApplicantFactory(username="existing", scope_uscc=enterprise_a.uscc)
    page = login(district_admin).get(reverse("portal:review_detail", args=[link_a.pk]))
    assert "该企业已有账户" in page.content.decode()
    assert "existing" in page.content.decode()


def test_the_queue_costs_a_fixed_number_of_queries(
    login, district_admin, enterprise_a, django_assert_max_num_queries
):
    for _ in range(20):
        EnterpriseLinkFactory(enterprise=enterprise_a)
    client = login(district_admin)
    client.get(reverse("portal:review_list"))  # warm the session and permission caches
    with django_assert_max_num_queries(12):
        response = client.get(reverse("portal:review_list"))
    assert len(response.context["object_list"]) == 20


def test_the_menu_leads_reviewers_to_the_queue_and_invitations(
    login, street_a_clerk, enterprise_user
):
    page = login(street_a_clerk).get(reverse("enterprises:list")).content.decode()
    assert reverse("portal:review_list") in page and reverse("portal:invitations") in page
    own = login(enterprise_user).get(reverse("enterprises:list")).content.decode()
    assert reverse("portal:review_list") not in own
