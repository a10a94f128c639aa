"""An enterprise account not yet linked sees its waiting page and nothing else."""

import pytest
from django.urls import reverse

from apps.enterprises.models import Enterprise, LedgerEntry
from apps.enterprises.tests.factories import LedgerEntryFactory
from apps.portal.models import EnterpriseLink, LinkStatus

pytestmark = pytest.mark.django_db

DATA_URLS = [
    ("enterprises:list", []),
    ("enterprises:detail", ["enterprise"]),
    ("enterprises:history", ["enterprise"]),
    ("enterprises:export", []),
    ("enterprises:quality_report", []),
    ("registry:street_list", []),
    ("registry:chamber_list", []),
    ("portal:home", []),
    ("portal:review_list", []),
    ("portal:invitations", []),
    ("accounts:profile", []),
    ("core:home", []),
]


def test_an_unlinked_account_sees_no_data_through_any_scoped_query(applicant, enterprise_a):
    LedgerEntryFactory(enterprise=enterprise_a)
    assert not Enterprise.objects.in_scope(applicant).exists()
    assert not LedgerEntry.objects.in_scope(applicant).exists()
    assert not EnterpriseLink.objects.in_scope(applicant).exists()


@pytest.mark.parametrize(("name", "args"), DATA_URLS)
def test_every_data_url_sends_an_unlinked_account_to_its_waiting_page(
    login, applicant, enterprise_a, name, args
):
    url = reverse(name, args=[enterprise_a.pk for _ in args])

    response = login(applicant).get(url)

    assert response.status_code == 302
    assert response.url == reverse("portal:waiting")


def test_htmx_requests_are_redirected_the_htmx_way(login, applicant):
    response = login(applicant).get(reverse("enterprises:list"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("portal:waiting")


def test_the_waiting_page_shows_the_request(login, applicant, link_a):
    page = login(applicant).get(reverse("portal:waiting")).content.decode()
    assert "等待审核" in page
    assert link_a.uscc in page
    assert "建外街道办事处" in page


def test_the_unlinked_account_can_still_sign_out_and_change_its_password(login, applicant):
    client = login(applicant)
    assert client.get(reverse("accounts:password_change")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_a_rejected_applicant_corrects_and_submits_again(
    login, applicant, link_a, street_a_clerk, enterprise_a
):
    link_a.status = LinkStatus.REJECTED
    link_a.reason = "名称有误"
    link_a.save()
    client = login(applicant)
    page = client.get(reverse("portal:waiting")).content.decode()
    assert "名称有误" in page and "重新提交" in page

    client.post(
        reverse("portal:waiting"),
        {
            "uscc": enterprise_a.uscc,
            "name": enterprise_a.name,
            "contact_name": "王经理",
            "mobile": "13900001111",
        },
    )

    latest = EnterpriseLink.objects.filter(user=applicant).first()
    assert latest.pk != link_a.pk
    assert latest.status == LinkStatus.PENDING and latest.mobile == "13900001111"
    assert not latest.name_mismatch


def test_a_pending_applicant_cannot_submit_a_second_request(login, applicant, link_a):
    login(applicant).post(
        reverse("portal:waiting"),
        {"uscc": link_a.uscc, "name": "x", "contact_name": "y", "mobile": "13900001111"},
    )
    assert EnterpriseLink.objects.filter(user=applicant).count() == 1


def test_linked_and_staff_accounts_have_no_waiting_page(login, enterprise_user, district_admin):
    for user in (enterprise_user, district_admin):
        assert login(user).get(reverse("portal:waiting")).url == reverse("core:home")
