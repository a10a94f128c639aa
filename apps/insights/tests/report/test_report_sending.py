"""The monthly schedule: each subscriber gets the report of their own scope, by in-app
message and email with the files; each (scope, grade) is generated once."""

import io
from datetime import date

import docx
import pytest
from django.urls import reverse

from apps.accounts import roles
from apps.accounts.tests.factories import UserFactory
from apps.core.models import Delivery, Notification
from apps.core.schedules import all_schedules
from apps.core.scoping import Grade
from apps.insights.models_report import MonthlyReport, ReportStatus, ReportTrigger
from apps.insights.report import services
from apps.insights.report.period import report_period
from apps.insights.report.services import monthly_reports_send, subscription_save

pytestmark = pytest.mark.django_db

NOVEMBER = date(2025, 11, 1)  # covers 2025Q3, the conftest ledger's latest quarter


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize(
    ("month", "period"),
    [
        (date(2026, 1, 1), (2025, 3)),
        (date(2026, 2, 1), (2025, 4)),
        (date(2026, 4, 1), (2025, 4)),
        (date(2026, 5, 1), (2026, 1)),
        (date(2026, 10, 1), (2026, 2)),
        (date(2026, 11, 1), (2026, 3)),
    ],
)
def test_a_month_reports_the_latest_quarter_ended_a_month_before(month, period):
    assert report_period(month) == period


def test_the_schedule_is_declared_daily():
    [schedule] = [s for s in all_schedules() if s.name == "insights.monthly_reports"]
    assert schedule.daily_at is not None


@pytest.fixture
def subscribed(ledger, builtin_roles, district_admin, street_a_clerk, leader):
    street_a_clerk.email = "jianwai@example.com"
    street_a_clerk.save()
    leader.email = "leader@example.com"
    leader.save()
    district_admin.email = "staff@example.com"
    district_admin.save()
    subscription_save(
        actor=district_admin,
        name="领导",
        role=builtin_roles[roles.LEADER],
        email=True,
    )
    subscription_save(
        actor=district_admin,
        name="经济服务部与建外",
        users=[district_admin, street_a_clerk],
        email=True,
    )
    return {"admin": district_admin, "clerk": street_a_clerk, "leader": leader}


def attached_docx(mail) -> docx.document.Document:
    [content] = [body for name, (_t, body) in mail.attachments.items() if name.endswith(".docx")]
    return docx.Document(io.BytesIO(content))


def text_of(document) -> str:
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_each_recipient_gets_their_own_scope_once(
    subscribed, street_a, fake_smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        made = monthly_reports_send(today=NOVEMBER)

    variants = {(r.street_id, r.detail) for r in made}
    assert variants == {
        (None, Grade.RECORDS),  # staff
        (None, Grade.AGGREGATE),  # the leader
        (street_a.pk, Grade.RECORDS),  # the 建外 officer
    }
    assert all(
        (r.year, r.quarter, r.trigger, r.status) == (2025, 3, ReportTrigger.SCHEDULED, "done")
        for r in made
    )

    mails = {mail.recipients[0]: mail for mail in fake_smtp.messages}
    assert set(mails) == {"jianwai@example.com", "leader@example.com", "staff@example.com"}
    assert all(len(mail.attachments) == 2 for mail in mails.values())
    clerk_text = text_of(attached_docx(mails["jianwai@example.com"]))
    assert "建外测试" in clerk_text and "朝外测试" not in clerk_text
    leader_text = text_of(attached_docx(mails["leader@example.com"]))
    assert "测试" not in leader_text  # aggregates: no enterprise names
    assert "朝外测试" in text_of(attached_docx(mails["staff@example.com"]))

    for user in subscribed.values():
        notification = Notification.objects.get(user=user, kind="insights.report")
        assert notification.url.startswith(reverse("reports:list"))

    # The next day's run finds everything done: nothing again.
    with django_capture_on_commit_callbacks(execute=True):
        assert monthly_reports_send(today=date(2025, 11, 2)) == []
    assert len(fake_smtp.messages) == 3
    assert Delivery.objects.filter(channel="email", status="sent").count() == 3


def test_a_report_that_failed_is_generated_again_by_the_next_run(
    subscribed, monkeypatch, fake_smtp, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.document, "build", broken)
    with django_capture_on_commit_callbacks(execute=True):
        assert monthly_reports_send(today=NOVEMBER) == []
    assert set(MonthlyReport.objects.values_list("status", flat=True)) == {ReportStatus.FAILED}
    assert fake_smtp.messages == []

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert len(monthly_reports_send(today=date(2025, 11, 2))) == 3
    assert set(MonthlyReport.objects.values_list("status", flat=True)) == {ReportStatus.DONE}
    assert len(fake_smtp.messages) == 3


def test_without_subscribers_the_district_report_is_still_kept(ledger):
    [report] = monthly_reports_send(today=NOVEMBER)
    assert (report.street, report.detail, report.is_ready) == (None, Grade.RECORDS, True)


def test_the_second_report_of_a_quarter_says_what_changed_since_the_first(ledger, street_a):
    from apps.enterprises.tests.factories import EnterpriseFactory, LedgerEntryFactory
    from apps.insights import summary

    monthly_reports_send(today=NOVEMBER)
    late = EnterpriseFactory(name="迟报企业", street=street_a)
    LedgerEntryFactory(enterprise=late, year=2025, quarter=3, revenue=500)
    summary.rebuild()
    [december] = monthly_reports_send(today=date(2025, 12, 1))
    assert (december.year, december.quarter) == (2025, 3)
    with december.docx.open("rb") as handle:
        text = text_of(docx.Document(io.BytesIO(handle.read())))
    assert december.figures["ytd_headline"]["figures"]["enterprises"]["value"] == 8
    since = services.since_previous(december.figures, MonthlyReport.objects.last().figures)
    assert since["enterprises"] == 1
    assert "500.00" in text


def test_a_subscription_needs_a_role_or_users(district_admin):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        subscription_save(actor=district_admin, name="空")


def test_inactive_accounts_and_chamber_scopes_get_nothing(ledger, builtin_roles, district_admin):
    from apps.core.scoping import ScopeKind

    gone = UserFactory(email="gone@example.com", is_active=False)
    chamber = UserFactory(email="chamber@example.com", scope_kind=ScopeKind.CHAMBERS)
    subscription_save(actor=district_admin, name="x", users=[gone, chamber])
    assert services.recipients_by_variant() == {}


def test_demo_seed_adds_subscriptions_and_this_months_district_reports(
    ledger, district_admin, monkeypatch
):
    import random

    from apps.insights.report import demo

    monkeypatch.setattr(demo, "report_period", lambda month: (2025, 3))
    district_admin.username = "staff"
    district_admin.save()
    made = demo.seed(scale="small", rng=random.Random(1))
    assert made == {"subscriptions": 2, "reports": 2}
    assert MonthlyReport.objects.filter(status="done").count() == 2
    assert demo.seed(scale="small", rng=random.Random(1)) == {"subscriptions": 0, "reports": 0}
