"""The enterprise's side: its list, the form (pre-fill, as-you-type checks, draft, submit,
conflicts, late), the receipt, and what it must not see."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.filings import services
from apps.filings.models import Campaign, Filing, FilingStatus
from apps.filings.tests.factories import GOOD, CampaignFactory, FilingFactory, submit

pytestmark = pytest.mark.django_db


def form_data(filing, **values):
    return {"version": filing.version, "action": "save", **GOOD, **values}


def test_my_list_shows_only_the_own_enterprises_filings(
    login, enterprise_user, own_filing, filing_a
):
    response = login(enterprise_user).get(reverse("filings:my_list"))
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [own_filing]
    assert own_filing.campaign.title in response.content.decode()


def test_form_is_prefilled_and_shows_earlier_quarters(login, enterprise_user, own_filing):
    response = login(enterprise_user).get(reverse("filings:form", args=[own_filing.pk]))
    page = response.content.decode()
    fields = {f.name: f for f in response.context["fields"]}
    # Period-end figures carry over from last quarter; the quarter's flows are left empty.
    assert fields["employees"].raw == "20"
    assert fields["total_assets"].raw == "500.00"
    assert fields["revenue"].raw == ""
    # Last quarter's and the same quarter last year's figures beside each field.
    assert (fields["revenue"].previous, fields["revenue"].last_year) == ("100.00", "90.00")
    assert "2025 Q2" in page and "2024 Q3" in page
    # Registry facts at the top, the phone masked for a records-grade account.
    assert own_filing.enterprise.uscc in page
    assert "139****5678" in page and "13912345678" not in page
    # Built for a phone: numeric keyboards and a viewport meta from the base layout.
    assert 'inputmode="decimal"' in page and 'inputmode="numeric"' in page


def test_the_ledger_row_of_the_period_prefills_every_figure(login, enterprise_user, own_filing):
    from apps.enterprises.tests.factories import LedgerEntryFactory

    LedgerEntryFactory(enterprise=own_filing.enterprise, year=2025, quarter=3, revenue=77)
    response = login(enterprise_user).get(reverse("filings:form", args=[own_filing.pk]))
    fields = {f.name: f for f in response.context["fields"]}
    assert fields["revenue"].raw == "77.00"


def validate(client, filing, field, **values):
    data = {"field": field, **values}
    return client.post(reverse("filings:validate", args=[filing.pk]), data, HTTP_HX_REQUEST="true")


def test_letters_in_a_number_field_are_an_error_as_typed(login, enterprise_user, own_filing):
    response = validate(login(enterprise_user), own_filing, "revenue", revenue="12a")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="fb-revenue"' in page and "filings-error" in page
    assert "<html" not in page  # only the feedback, not the page


def test_a_negative_count_is_an_error_as_typed(login, enterprise_user, own_filing):
    page = validate(
        login(enterprise_user), own_filing, "employees", employees="-5"
    ).content.decode()
    assert "filings-error" in page


def test_a_thousandfold_revenue_is_a_warning_asking_for_a_comment(
    login, enterprise_user, own_filing
):
    page = validate(
        login(enterprise_user), own_filing, "revenue", revenue="100000", tax="1", employees="20"
    ).content.decode()
    assert "filings-error" not in page
    assert 'name="comment_qoq_jump"' in page and 'name="comment_yoy_jump"' in page
    # Revenue also decides the warnings under tax and employees: those are refreshed too.
    assert re.search(r'<div id="fb-tax"[^>]*hx-swap-oob="true"', page)


def test_tax_above_revenue_shows_under_tax_when_revenue_changes(login, enterprise_user, own_filing):
    page = validate(
        login(enterprise_user), own_filing, "revenue", revenue="10", tax="20"
    ).content.decode()
    assert 'name="comment_tax_above_revenue"' in page


def test_validate_answers_only_for_indicators_asked(login, enterprise_user, own_filing):
    response = validate(login(enterprise_user), own_filing, "password", password="x")
    assert response.status_code == 404


def test_save_a_draft_and_come_back(login, enterprise_user, own_filing):
    client = login(enterprise_user)
    url = reverse("filings:form", args=[own_filing.pk])
    response = client.post(url, form_data(own_filing, profit=""))
    assert response.status_code == 302 and response.url == url
    own_filing.refresh_from_db()
    assert own_filing.status == FilingStatus.DRAFT
    assert "profit" not in own_filing.values and own_filing.values["revenue"] == "120.50"
    fields = {f.name: f for f in client.get(url).context["fields"]}
    assert fields["revenue"].raw == "120.50" and fields["profit"].raw == ""


def test_letters_on_save_keep_what_was_typed(login, enterprise_user, own_filing):
    response = login(enterprise_user).post(
        reverse("filings:form", args=[own_filing.pk]), form_data(own_filing, revenue="一二三")
    )
    assert response.status_code == 200
    fields = {f.name: f for f in response.context["fields"]}
    assert fields["revenue"].error and fields["revenue"].raw == "一二三"
    assert fields["profit"].raw == "10"
    own_filing.refresh_from_db()
    assert own_filing.status == FilingStatus.NOT_STARTED


def test_submit_and_get_a_receipt(login, enterprise_user, own_filing):
    client = login(enterprise_user)
    data = form_data(own_filing, action="submit")
    response = client.post(reverse("filings:form", args=[own_filing.pk]), data)
    assert response.url == reverse("filings:receipt", args=[own_filing.pk])
    receipt = client.get(response.url)
    page = receipt.content.decode()
    own_filing.refresh_from_db()
    submission = own_filing.submissions.get()
    assert submission.receipt_no in page
    assert "120.50" in page
    assert 'id="receipt-late"' not in page
    # The form is read-only while the submission is reviewed.
    form = client.get(reverse("filings:form", args=[own_filing.pk]))
    assert not form.context["editable"] and 'name="action"' not in form.content.decode()


def test_a_warning_without_a_comment_blocks_submit_and_with_one_passes(
    login, enterprise_user, own_filing
):
    client = login(enterprise_user)
    url = reverse("filings:form", args=[own_filing.pk])
    data = form_data(own_filing, action="submit", revenue="100000")
    response = client.post(url, data)
    assert response.status_code == 200
    fields = {f.name: f for f in response.context["fields"]}
    assert fields["revenue"].error and fields["revenue"].warnings
    data |= {"comment_qoq_jump": "收购了一家子公司", "comment_yoy_jump": "同上"}
    response = client.post(url, data)
    assert response.status_code == 302
    own_filing.refresh_from_db()
    assert own_filing.confirmations["qoq_jump"] == "收购了一家子公司"


def test_submission_after_the_deadline_is_marked_late(login, enterprise_user, own_filing):
    Campaign.objects.filter(pk=own_filing.campaign_id).update(
        deadline=timezone.localdate() - timedelta(days=2)
    )
    client = login(enterprise_user)
    url = reverse("filings:form", args=[own_filing.pk])
    assert "filings-late-note" in client.get(url).content.decode()
    client.post(url, form_data(own_filing, action="submit"))
    receipt = client.get(reverse("filings:receipt", args=[own_filing.pk])).content.decode()
    assert 'id="receipt-late"' in receipt


def test_a_second_tab_with_an_older_draft_gets_a_conflict_and_loses_nothing(
    login, enterprise_user, own_filing
):
    client = login(enterprise_user)
    url = reverse("filings:form", args=[own_filing.pk])
    opened = own_filing.version  # both tabs loaded the form now
    client.post(url, {**form_data(own_filing, revenue="111"), "version": opened})
    response = client.post(
        url, {**form_data(own_filing, action="submit", revenue="222"), "version": opened}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "在另一个窗口" in page or "another window" in page
    fields = {f.name: f for f in response.context["fields"]}
    assert fields["revenue"].raw == "222"  # what this tab typed is still in the form
    assert fields["revenue"].saved == "111.00"  # and what the other tab saved is shown
    own_filing.refresh_from_db()
    assert own_filing.status == FilingStatus.DRAFT and own_filing.values["revenue"] == "111.00"
    assert response.context["version"] == own_filing.version
    # Saving again from this tab, now on the latest version, goes through.
    client.post(url, {**form_data(own_filing, revenue="222"), "version": own_filing.version})
    own_filing.refresh_from_db()
    assert own_filing.values["revenue"] == "222.00"


def test_a_returned_filing_shows_the_comment_and_can_be_resubmitted(
    login, enterprise_user, street_a_clerk, own_filing
):
    submit(own_filing, enterprise_user)
    services.filing_return(actor=street_a_clerk, filing=own_filing, comment="纳税总额请核实")
    client = login(enterprise_user)
    url = reverse("filings:form", args=[own_filing.pk])
    response = client.get(url)
    assert "纳税总额请核实" in response.content.decode() and response.context["editable"]
    own_filing.refresh_from_db()
    client.post(url, form_data(own_filing, action="submit", tax="7"))
    own_filing.refresh_from_db()
    assert own_filing.status == FilingStatus.SUBMITTED and own_filing.submissions.count() == 2


def test_correction_after_approval(login, enterprise_user, street_a_clerk, own_filing):
    submit(own_filing, enterprise_user)
    services.filing_approve(actor=street_a_clerk, filing=own_filing)
    own_filing.refresh_from_db()
    client = login(enterprise_user)
    page = client.get(reverse("filings:form", args=[own_filing.pk])).content.decode()
    assert reverse("filings:correct", args=[own_filing.pk]) in page
    client.post(reverse("filings:correct", args=[own_filing.pk]), {"version": own_filing.version})
    own_filing.refresh_from_db()
    assert own_filing.status == FilingStatus.DRAFT


def test_another_enterprises_filing_is_404(login, enterprise_user, filing_a):
    client = login(enterprise_user)
    for name in ("filings:form", "filings:receipt", "filings:validate", "filings:correct"):
        method = client.get if name in ("filings:form", "filings:receipt") else client.post
        assert method(reverse(name, args=[filing_a.pk]), {"field": "revenue"}).status_code == 404
    response = client.post(reverse("filings:form", args=[filing_a.pk]), form_data(filing_a))
    assert response.status_code == 404
    filing_a.refresh_from_db()
    assert filing_a.status == FilingStatus.NOT_STARTED


def test_a_campaign_the_enterprise_is_not_asked_in_is_404(
    login, enterprise_user, own_filing, enterprise_a
):
    other = CampaignFactory()
    FilingFactory(campaign=other, enterprise=enterprise_a)
    client = login(enterprise_user)
    assert client.get(reverse("filings:campaign_fill", args=[other.pk])).status_code == 404
    response = client.get(reverse("filings:campaign_fill", args=[own_filing.campaign_id]))
    assert response.url == reverse("filings:form", args=[own_filing.pk])


def test_my_list_costs_a_fixed_number_of_queries(
    login, enterprise_user, own_enterprise, django_assert_max_num_queries
):
    for _ in range(5):
        FilingFactory(enterprise=own_enterprise)
    client = login(enterprise_user)
    client.get(reverse("filings:my_list"))  # warm the per-account caches
    with django_assert_max_num_queries(12):
        response = client.get(reverse("filings:my_list"))
    assert len(response.context["object_list"]) == 5
    assert Filing.objects.count() == 5
