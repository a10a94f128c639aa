"""Chasing (催报): who has not filed, contacts masked by grade, the export, reminders by
hand and on schedule (each enterprise at most once per stage), and the home to-dos."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import ExportRecord
from apps.core.models import Delivery, Notification
from apps.core.schedules import all_schedules
from apps.core.todos import todos_for
from apps.filings import services
from apps.filings.models import Campaign, Reminder, ReminderStage
from apps.filings.tests.factories import submit

pytestmark = pytest.mark.django_db


def test_unfiled_list_masks_phones_below_the_personal_grade(
    login, district_admin, street_a_clerk, enterprise_user, own_filing, filing_a, filing_b
):
    submit(filing_a, None)
    url = reverse("filings:unfiled", args=[own_filing.campaign_id])
    officer = login(street_a_clerk).get(url)
    assert [f.pk for f in officer.context["object_list"]] == [own_filing.pk]
    page = officer.content.decode()
    assert "139****5678" in page and "13912345678" not in page
    staff = login(district_admin).get(url)
    assert {f.pk for f in staff.context["object_list"]} == {own_filing.pk, filing_b.pk}
    assert "13912345678" in staff.content.decode()
    by_street = login(district_admin).get(url, {"street": filing_b.street_id})
    assert [f.pk for f in by_street.context["object_list"]] == [filing_b.pk]


def test_unfiled_list_costs_a_fixed_number_of_queries(
    login, district_admin, campaign, street_a, django_assert_max_num_queries
):
    from apps.enterprises.tests.factories import EnterpriseFactory
    from apps.filings.tests.factories import FilingFactory

    for _ in range(10):
        FilingFactory(campaign=campaign, enterprise=EnterpriseFactory(street=street_a))
    client = login(district_admin)
    url = reverse("filings:unfiled", args=[campaign.pk])
    client.get(url)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert len(response.context["object_list"]) == 13


def read_xlsx(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_export_is_scoped_masked_and_logged(login, street_a_clerk, own_filing, filing_b):
    response = login(street_a_clerk).get(
        reverse("filings:unfiled_export", args=[own_filing.campaign_id])
    )
    assert response["Content-Disposition"].startswith("attachment")
    rows = read_xlsx(response.content)
    text = "\n".join(" ".join(str(c) for c in row if c is not None) for row in rows)
    assert own_filing.enterprise.name in text and filing_b.enterprise.name not in text
    assert "139****5678" in text and "13912345678" not in text
    assert "street_a_clerk" in text  # the exporter is named in the header
    record = ExportRecord.objects.get(name="filings.unfiled")
    assert record.row_count == 2 and not record.personal_data  # 建外: own and enterprise_a


def test_a_manual_reminder_reaches_only_the_officers_street(
    login,
    street_a_clerk,
    enterprise_user,
    own_filing,
    filing_a,
    filing_b,
    fake_sms,
    django_capture_on_commit_callbacks,
):
    User.objects.filter(pk=enterprise_user.pk).update(mobile="13922223333", email="e@example.cn")
    filing_a.enterprise.contact_phone = "010-65001234"  # a landline: no SMS
    filing_a.enterprise.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(street_a_clerk).post(
            reverse("filings:remind", args=[own_filing.campaign_id])
        )
    assert response.status_code == 302
    reminders = {r.filing_id: r for r in Reminder.objects.all()}
    assert set(reminders) == {own_filing.pk, filing_a.pk}  # not 朝外's filing_b
    assert reminders[own_filing.pk].sent_by == street_a_clerk
    assert reminders[own_filing.pk].stage == ReminderStage.MANUAL
    assert reminders[own_filing.pk].channel_count == 2  # email and SMS to the account
    assert reminders[filing_a.pk].channel_count == 0  # no account, no mobile: unreachable
    assert Notification.objects.filter(user=enterprise_user, kind="filings.reminder").exists()
    assert [m.mobile for m in fake_sms.messages] == ["13922223333"]

    # Pressed again the same day: nobody is reminded twice.
    login(street_a_clerk).post(reverse("filings:remind", args=[own_filing.campaign_id]))
    assert Reminder.objects.count() == 2


def test_an_enterprise_without_an_account_gets_an_sms_on_its_registry_phone(
    district_admin, filing_b, fake_sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = services.reminders_send(
            actor=district_admin, campaign=filing_b.campaign, stage=ReminderStage.MANUAL
        )
    assert result.enterprises == 3
    delivery = Delivery.objects.get(address="13800001111")
    assert delivery.user is None and delivery.kind == "filings.reminder"
    assert "13800001111" in [m.mobile for m in fake_sms.messages]


def test_filed_enterprises_are_not_chased(district_admin, enterprise_user, own_filing):
    submit(own_filing, enterprise_user)
    services.reminders_send(
        actor=district_admin, campaign=own_filing.campaign, stage=ReminderStage.MANUAL
    )
    assert not Reminder.objects.filter(filing=own_filing).exists()


def test_scheduled_reminders_once_before_the_deadline_and_once_overdue(campaign, own_filing):
    deadline = campaign.deadline
    assert services.reminders_due(today=deadline - timedelta(days=5))["enterprises"] == 0
    assert services.reminders_due(today=deadline - timedelta(days=3))["enterprises"] == 3
    assert services.reminders_due(today=deadline - timedelta(days=1))["enterprises"] == 0
    assert services.reminders_due(today=deadline)["enterprises"] == 0
    assert services.reminders_due(today=deadline + timedelta(days=1))["enterprises"] == 3
    assert services.reminders_due(today=deadline + timedelta(days=4))["enterprises"] == 0
    stages = sorted(Reminder.objects.filter(filing=own_filing).values_list("stage", flat=True))
    assert stages == ["before", "overdue"]
    assert Reminder.objects.filter(sent_by__isnull=False).count() == 0


def test_reminder_days_are_configurable(settings, campaign):
    settings.FILINGS_REMIND_BEFORE_DAYS = 7
    assert services.reminders_due(today=campaign.deadline - timedelta(days=6))["enterprises"] == 3


def test_closed_campaigns_are_not_chased(district_admin, campaign):
    services.campaign_close(actor=district_admin, campaign=campaign)
    assert services.reminders_due(today=campaign.deadline + timedelta(days=1))["campaigns"] == 0


def test_the_reminder_schedule_is_registered():
    names = [s.name for s in all_schedules()]
    assert "filings.reminders" in names


def test_todos_for_reviewers_and_enterprises(
    street_a_clerk, street_b_clerk, enterprise_user, own_filing, filing_a, filing_b
):
    Campaign.objects.filter(pk=own_filing.campaign_id).update(
        deadline=timezone.localdate() + timedelta(days=3)
    )
    submit(own_filing, enterprise_user)
    submit(filing_a, None)
    todos = {t.title: t for t in todos_for(street_a_clerk)}
    waiting = next(t for t in todos.values() if t.url == reverse("filings:review_queue"))
    assert waiting.count == 2
    assert not any(t.url.endswith("/unfiled/") for t in todos.values())  # all of 建外 filed…
    # …but 朝外 has not: its officer is told the campaign closes soon.
    closing = [t for t in todos_for(street_b_clerk) if t.url.endswith("/unfiled/")]
    assert [t.count for t in closing] == [1]
    mine = todos_for(enterprise_user)
    assert not any(t.url == reverse("filings:my_list") for t in mine)  # submitted already


def test_home_page_lists_the_todos(login, street_a_clerk, enterprise_user, own_filing):
    submit(own_filing, enterprise_user)
    page = login(street_a_clerk).get(reverse("core:home")).content.decode()
    assert reverse("filings:review_queue") in page
