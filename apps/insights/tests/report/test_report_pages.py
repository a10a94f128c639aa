"""The report pages: who sees which reports, asking for one, downloading (export log)."""

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent, ExportRecord
from apps.core.scoping import Grade
from apps.insights.models_report import MonthlyReport, ReportStatus
from apps.insights.report.services import report_generate

from .conftest import QUARTER, YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def reports(ledger, street_a, street_b):
    return {
        "district": report_generate(year=YEAR, quarter=QUARTER, detail=Grade.RECORDS),
        "district_aggregates": report_generate(year=YEAR, quarter=QUARTER, detail=Grade.AGGREGATE),
        "street_a": report_generate(
            year=YEAR, quarter=QUARTER, street=street_a, detail=Grade.RECORDS
        ),
        "street_b": report_generate(
            year=YEAR, quarter=QUARTER, street=street_b, detail=Grade.RECORDS
        ),
    }


def listed(client) -> set[int]:
    response = client.get(reverse("reports:list"))
    assert response.status_code == 200
    return {report.pk for report in response.context["object_list"]}


def test_each_reader_lists_the_reports_of_their_scope_and_grade(
    reports, login, district_admin, street_a_clerk, leader
):
    ids = {name: report.pk for name, report in reports.items()}
    assert listed(login(district_admin)) == set(ids.values())
    assert listed(login(street_a_clerk)) == {ids["street_a"]}
    assert listed(login(leader)) == {ids["district_aggregates"]}


def test_download_scope_matrix(
    reports, login, district_admin, street_a_clerk, street_b_clerk, leader, enterprise_user
):
    def url(name, kind="docx"):
        return reverse(f"reports:download_{kind}", args=[reports[name].pk])

    rows = [
        (district_admin, url("district"), 200),
        (district_admin, url("street_b", "xlsx"), 200),
        (street_a_clerk, url("street_a"), 200),
        (street_a_clerk, url("street_b"), 404),
        (street_a_clerk, url("district"), 404),
        (street_b_clerk, url("street_a"), 404),
        (leader, url("district_aggregates"), 200),
        (leader, url("district"), 404),  # records: not for an aggregates reader
        (enterprise_user, url("street_a"), 403),
        (None, url("district"), 302),
    ]
    failures = [
        f"{user} {address} expected {expected}, got {status}"
        for user, address, expected in rows
        if (status := login(user).get(address).status_code) != expected
    ]
    assert not failures, "\n".join(failures)


def test_download_is_an_attachment_in_the_export_log(reports, login, street_a_clerk):
    response = login(street_a_clerk).get(
        reverse("reports:download_docx", args=[reports["street_a"].pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"PK")
    record = ExportRecord.objects.get()
    assert record.actor == street_a_clerk
    assert record.filters["report"] == reports["street_a"].pk
    assert len(record.digest) == 64


def test_a_street_officer_generates_their_streets_report_on_demand(
    ledger, login, street_a, street_b, street_a_clerk, django_capture_on_commit_callbacks
):
    client = login(street_a_clerk)
    form = client.get(reverse("reports:create"))
    assert list(form.context["form"].fields["street"].queryset) == [street_a]

    refused = client.post(
        reverse("reports:create"),
        {"year": YEAR, "quarter": QUARTER, "street": street_b.pk, "detail": Grade.RECORDS},
    )
    assert refused.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:create"),
            {"year": YEAR, "quarter": 2, "street": street_a.pk, "detail": Grade.RECORDS},
        )
    assert response.status_code == 302
    report = MonthlyReport.objects.get()
    assert (report.street, report.quarter, report.status) == (street_a, 2, ReportStatus.DONE)
    assert report.requested_by == street_a_clerk
    assert AuditEvent.objects.filter(action="insights.report_generate", actor=street_a_clerk)


def test_a_leader_may_neither_generate_nor_ask_for_records(ledger, login, leader):
    assert login(leader).get(reverse("reports:create")).status_code == 403


def test_list_page_query_count_does_not_grow_with_reports(
    reports, login, district_admin, django_assert_max_num_queries
):
    client = login(district_admin)
    client.get(reverse("reports:list"))
    with django_assert_max_num_queries(12):
        client.get(reverse("reports:list"))


def test_the_menu_leads_to_the_reports(ledger, login, leader):
    page = login(leader).get(reverse("core:home")).content.decode()
    assert reverse("reports:list") in page
    assert reverse("reports:subscriptions") not in page
