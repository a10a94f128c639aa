"""Campaign screens: create (by filter or by an uploaded list), open, close, progress."""

import csv
import io
import json
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.enterprises.tests.factories import EnterpriseFactory
from apps.filings import services
from apps.filings.models import Campaign, CampaignStatus, Filing, FilingStatus, TargetKind
from apps.filings.tests.factories import CampaignFactory, FilingFactory, submit

pytestmark = pytest.mark.django_db


def campaign_post(**extra):
    data = {
        "year": 2025,
        "quarter": 3,
        "title": "三季度填报",
        "deadline": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "indicators": ["revenue", "tax", "employees"],
        "target_kind": TargetKind.FILTER,
    }
    data.update(extra)
    return data


def csv_upload(rows, name="名单.csv", encoding="utf-8"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), "text/csv")


def xlsx_upload(rows, name="名单.xlsx"):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), "application/octet-stream")


def test_staff_create_a_draft_by_filter_and_open_it(login, district_admin, street_a, street_b):
    in_a = EnterpriseFactory(street=street_a)
    EnterpriseFactory(street=street_b)
    client = login(district_admin)
    response = client.post(reverse("filings:campaign_create"), campaign_post(streets=[street_a.pk]))
    campaign = Campaign.objects.get()
    assert response.url == reverse("filings:campaign", args=[campaign.pk])
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.target_filter == {"streets": [str(street_a.pk)]}
    assert campaign.indicators == ["revenue", "tax", "employees"]
    page = client.get(response.url)
    assert page.context["match_count"] == 1

    client.post(reverse("filings:campaign_open", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN
    assert list(Filing.objects.values_list("enterprise", flat=True)) == [in_a.pk]
    # An open campaign's targets no longer change.
    edit = client.get(reverse("filings:campaign_update", args=[campaign.pk]))
    assert edit.status_code == 302
    client.post(reverse("filings:campaign_close", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED


def test_a_list_with_bad_rows_reports_every_one_and_saves_nothing(login, district_admin, street_a):
    known = EnterpriseFactory(street=street_a)
    rows = [
        ["统一社会信用代码", "企业名称"],
        [known.uscc, "好的"],
        ["91110105MA0000000X", "校验位错"],
        [known.uscc.lower(), "重复"],
        ["91110105MA00000011", "库里没有"],
    ]
    response = login(district_admin).post(
        reverse("filings:campaign_create"),
        campaign_post(target_kind=TargetKind.LIST, codes_file=csv_upload(rows)),
    )
    assert response.status_code == 200
    errors = response.context["row_errors"]
    assert [(e.row, e.value) for e in errors] == [
        (3, "91110105MA0000000X"),
        (4, known.uscc.lower()),
        (5, "91110105MA00000011"),
    ]
    page = response.content.decode()
    assert "91110105MA0000000X" in page
    assert not Campaign.objects.exists()


def test_a_clean_list_in_xlsx_or_gbk_csv_is_taken(login, district_admin, street_a):
    first, second = EnterpriseFactory(street=street_a), EnterpriseFactory(street=street_a)
    client = login(district_admin)
    client.post(
        reverse("filings:campaign_create"),
        campaign_post(
            target_kind=TargetKind.LIST,
            codes_file=xlsx_upload(
                [["序号", "统一社会信用代码"], [1, first.uscc], [2, second.uscc]]
            ),
        ),
    )
    assert sorted(Campaign.objects.get().target_codes) == sorted([first.uscc, second.uscc])
    client.post(
        reverse("filings:campaign_create"),
        campaign_post(
            title="GBK",
            target_kind=TargetKind.LIST,
            codes_file=csv_upload([["统一社会信用代码"], [first.uscc]], encoding="gbk"),
        ),
    )
    assert Campaign.objects.get(title="GBK").target_codes == [first.uscc]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"PK\x03\x04not really a zip", "xlsx"),
        (b"\x00\x01\x02binary", "CSV"),
    ],
)
def test_a_list_that_is_not_a_table_is_refused(login, district_admin, content, message):
    upload = SimpleUploadedFile("名单.xlsx", content)
    response = login(district_admin).post(
        reverse("filings:campaign_create"),
        campaign_post(target_kind=TargetKind.LIST, codes_file=upload),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.context["list_form"].errors["codes_file"]
    assert not Campaign.objects.exists()


def test_a_list_campaign_without_a_file_is_refused(login, district_admin):
    response = login(district_admin).post(
        reverse("filings:campaign_create"), campaign_post(target_kind=TargetKind.LIST)
    )
    assert response.status_code == 200 and not Campaign.objects.exists()


def test_a_street_officer_cannot_create_or_open(login, street_a_clerk, campaign):
    client = login(street_a_clerk)
    assert client.get(reverse("filings:campaign_create")).status_code == 403
    assert client.post(reverse("filings:campaign_close", args=[campaign.pk])).status_code == 403


def test_drafts_are_hidden_from_officers(login, district_admin, street_a_clerk):
    draft = services.campaign_create(
        actor=district_admin,
        year=2025,
        quarter=3,
        title="草稿",
        deadline=timezone.localdate(),
        indicators=["revenue"],
        target_kind=TargetKind.FILTER,
        target_filter={},
    )
    client = login(street_a_clerk)
    assert client.get(reverse("filings:campaign", args=[draft.pk])).status_code == 404
    assert draft not in client.get(reverse("filings:campaign_list")).context["object_list"]


def test_progress_by_street_table_and_chart(
    login, district_admin, street_a_clerk, enterprise_user, street_a, street_b, own_filing, filing_b
):
    submit(own_filing, enterprise_user)
    client = login(district_admin)
    response = client.get(reverse("filings:campaign", args=[own_filing.campaign_id]))
    rows = {row.street.short_name: row for row in response.context["progress"].rows}
    assert (rows["建外"].targets, rows["建外"].submitted, rows["建外"].waiting) == (2, 1, 1)
    assert (rows["朝外"].targets, rows["朝外"].submitted) == (1, 0)
    assert response.context["progress"].total.targets == 3
    page = response.content.decode()
    assert 'id="filing-progress-option"' in page and "echarts.min.js" in page
    option = json.loads(
        page.split('id="filing-progress-option" type="application/json">')[1].split("</script>")[0]
    )
    assert option["yAxis"]["data"] == ["建外", "朝外"]
    # A street officer sees only their own 街乡.
    officer = login(street_a_clerk).get(reverse("filings:campaign", args=[own_filing.campaign_id]))
    assert [row.street.short_name for row in officer.context["progress"].rows] == ["建外"]


def test_overdue_counts_after_the_deadline(login, district_admin, own_filing, filing_a, filing_b):
    Campaign.objects.filter(pk=own_filing.campaign_id).update(
        deadline=timezone.localdate() - timedelta(days=1)
    )
    submit(filing_a, None)
    response = login(district_admin).get(reverse("filings:campaign", args=[own_filing.campaign_id]))
    rows = {row.street.short_name: row for row in response.context["progress"].rows}
    assert (rows["建外"].overdue, rows["朝外"].overdue) == (1, 1)


def test_leaders_read_progress_but_not_records(login, leader, own_filing):
    client = login(leader)
    assert client.get(reverse("filings:campaign", args=[own_filing.campaign_id])).status_code == 200
    assert client.get(reverse("filings:unfiled", args=[own_filing.campaign_id])).status_code == 403


def test_the_approved_count_follows_approval(
    login, district_admin, street_a_clerk, enterprise_user, own_filing
):
    submit(own_filing, enterprise_user)
    services.filing_approve(actor=street_a_clerk, filing=own_filing)
    response = login(district_admin).get(reverse("filings:campaign", args=[own_filing.campaign_id]))
    rows = {row.street.short_name: row for row in response.context["progress"].rows}
    assert rows["建外"].approved == 1 and rows["建外"].chart["approved"] == 1
    assert Filing.objects.get(pk=own_filing.pk).status == FilingStatus.APPROVED


def test_the_campaign_list_costs_a_fixed_number_of_queries(
    login, street_a_clerk, street_a, django_assert_max_num_queries
):
    for _ in range(6):
        campaign = CampaignFactory()
        FilingFactory(campaign=campaign, enterprise=EnterpriseFactory(street=street_a))
    client = login(street_a_clerk)
    client.get(reverse("filings:campaign_list"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("filings:campaign_list"))
    assert len(response.context["rows"]) == 6
    assert all(row["counts"]["targets"] == 1 for row in response.context["rows"])
