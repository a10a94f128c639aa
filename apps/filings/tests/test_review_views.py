"""Review by street officers (their 街乡) and FIC staff (all): queue, detail, decisions,
and the enterprise being told."""

import pytest
from django.urls import reverse

from apps.accounts.models import User
from apps.core.models import Delivery, Notification
from apps.enterprises.models import LedgerEntry, LedgerSource
from apps.enterprises.tests.factories import EnterpriseFactory
from apps.filings.models import FilingStatus
from apps.filings.tests.factories import GOOD, FilingFactory, submit
from apps.registry.tests.factories import StreetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(enterprise_user, own_filing, filing_b):
    """Submissions in both streets: the enterprise user's (建外) and one in 朝外."""
    submit(
        own_filing,
        enterprise_user,
        values=dict(GOOD, revenue="100000"),
        comments={
            "qoq_jump": "大额合同一次性确认收入",
            "yoy_jump": "同上",
        },
    )
    submit(filing_b, None)
    own_filing.refresh_from_db()
    filing_b.refresh_from_db()
    return own_filing, filing_b


def test_a_street_officer_sees_only_their_streets_queue(login, street_a_clerk, submitted):
    own, other = submitted
    response = login(street_a_clerk).get(reverse("filings:review_queue"))
    assert list(response.context["object_list"]) == [own]
    assert own.enterprise.name in response.content.decode()
    assert other.enterprise.name not in response.content.decode()


def test_staff_see_every_street_and_can_pick_those_without_an_officer(
    login, district_admin, street_a_clerk, street_b_clerk, submitted, campaign
):
    street_c = StreetFactory(short_name="三里屯", code="110105099000")
    lonely = FilingFactory(campaign=campaign, enterprise=EnterpriseFactory(street=street_c))
    submit(lonely, None)
    client = login(district_admin)
    everything = client.get(reverse("filings:review_queue"))
    assert len(everything.context["object_list"]) == 3
    no_officer = client.get(reverse("filings:review_queue"), {"no_officer": "1"})
    assert [f.pk for f in no_officer.context["object_list"]] == [lonely.pk]


def test_the_queue_costs_a_fixed_number_of_queries(
    login, district_admin, campaign, street_a, django_assert_max_num_queries
):
    for _ in range(8):
        submit(
            FilingFactory(campaign=campaign, enterprise=EnterpriseFactory(street=street_a)), None
        )
    client = login(district_admin)
    client.get(reverse("filings:review_queue"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("filings:review_queue"))
    assert len(response.context["object_list"]) == 8


def test_detail_shows_figures_beside_earlier_quarters_and_the_explanations(
    login, street_a_clerk, submitted
):
    own, _other = submitted
    response = login(street_a_clerk).get(reverse("filings:review", args=[own.pk]))
    page = response.content.decode()
    revenue = response.context["rows"][0]
    assert (revenue["value"], revenue["previous"], revenue["last_year"]) == (
        "100000.00",
        "100.00",
        "90.00",
    )
    assert "大额合同一次性确认收入" in page
    assert {w["warning"].rule for w in response.context["warnings"]} == {"qoq_jump", "yoy_jump"}
    assert response.context["can_review"]
    assert reverse("filings:approve", args=[own.pk]) in page


def test_approve_writes_the_ledger_and_tells_the_enterprise(
    login, street_a_clerk, enterprise_user, submitted, django_capture_on_commit_callbacks
):
    own, _other = submitted
    with django_capture_on_commit_callbacks(execute=True):
        response = login(street_a_clerk).post(
            reverse("filings:approve", args=[own.pk]), {"comment": ""}
        )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == FilingStatus.APPROVED
    entry = LedgerEntry.objects.get(enterprise=own.enterprise, year=2025, quarter=3)
    assert entry.source == LedgerSource.FILING
    note = Notification.objects.get(user=enterprise_user, kind="filings.decision")
    assert note.url == reverse("filings:form", args=[own.pk])
    assert Delivery.objects.filter(kind="filings.decision", channel="sms").exists()


def test_return_needs_a_comment(login, street_a_clerk, submitted):
    own, _other = submitted
    client = login(street_a_clerk)
    response = client.post(reverse("filings:return", args=[own.pk]), {"comment": " "}, follow=True)
    own.refresh_from_db()
    assert own.status == FilingStatus.SUBMITTED
    assert response.context["messages"]


def test_returned_goes_back_with_the_comment_by_inbox_and_sms(
    login,
    street_a_clerk,
    enterprise_user,
    submitted,
    fake_sms,
    django_capture_on_commit_callbacks,
):
    User.objects.filter(pk=enterprise_user.pk).update(mobile="13911112222")
    own, _other = submitted
    with django_capture_on_commit_callbacks(execute=True):
        login(street_a_clerk).post(
            reverse("filings:return", args=[own.pk]), {"comment": "营业收入请按万元填写"}
        )
    own.refresh_from_db()
    assert own.status == FilingStatus.RETURNED
    note = Notification.objects.get(user=enterprise_user, kind="filings.decision")
    assert "营业收入请按万元填写" in note.body
    assert [m.mobile for m in fake_sms.messages] == ["13911112222"]
    form = login(enterprise_user).get(reverse("filings:form", args=[own.pk]))
    assert "营业收入请按万元填写" in form.content.decode()


def test_another_streets_officer_gets_404_and_changes_nothing(login, street_b_clerk, submitted):
    own, _other = submitted
    client = login(street_b_clerk)
    assert client.get(reverse("filings:review", args=[own.pk])).status_code == 404
    for name in ("filings:approve", "filings:return"):
        response = client.post(reverse(name, args=[own.pk]), {"comment": "越权"})
        assert response.status_code == 404
    own.refresh_from_db()
    assert own.status == FilingStatus.SUBMITTED


def test_the_enterprise_cannot_review_itself(login, enterprise_user, submitted):
    own, _other = submitted
    response = login(enterprise_user).post(reverse("filings:approve", args=[own.pk]))
    assert response.status_code == 403
