"""Data-quality pages: the report by 街乡, the flagged rows, confirming with a reason."""

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.core.testing import FORBIDDEN, LOGIN, NOT_FOUND, OK, Row, run_matrix
from apps.enterprises import quality
from apps.enterprises.models import LedgerFlag, QualityRule
from apps.enterprises.tests.factories import EnterpriseFactory, LedgerEntryFactory
from conftest import ENTERPRISE_USCC

pytestmark = pytest.mark.django_db

REPORT = reverse("enterprises:quality_report")
FLAGS = reverse("enterprises:quality_flags")


def confirm_url(flag) -> str:
    return reverse("enterprises:quality_flag_confirm", args=[flag.pk])


def flagged(enterprise, **figures) -> LedgerFlag:
    row = LedgerEntryFactory(enterprise=enterprise, **figures)
    quality.quality_check([row])
    return LedgerFlag.objects.filter(entry=row).first()


@pytest.fixture
def flag_a(enterprise_a):
    """Tax above revenue and no employees on enterprise_a (建外)."""
    flag = flagged(enterprise_a, revenue=100, tax=150, employees=0)
    return LedgerFlag.objects.get(entry=flag.entry, rule=QualityRule.TAX_ABOVE_REVENUE)


@pytest.fixture
def flag_b(enterprise_b):
    return flagged(enterprise_b, revenue=-3, tax=0)


@pytest.fixture
def own_flag(street_a):
    own = EnterpriseFactory(uscc=ENTERPRISE_USCC, name="企业用户自己的公司", street=street_a)
    return flagged(own, revenue=-3, tax=0)


def test_report_counts_open_flags_per_rule_and_street_within_scope(
    login, street_a_clerk, district_admin, flag_a, flag_b, street_a, street_b
):
    response = login(street_a_clerk).get(REPORT)
    assert response.status_code == OK
    report = response.context["report"]
    assert [row.street for row in report.rows] == [street_a]
    counts = report.rows[0].counts
    assert counts[QualityRule.TAX_ABOVE_REVENUE] == 1
    assert counts[QualityRule.NO_EMPLOYEES] == 1
    assert counts[QualityRule.NEGATIVE_REVENUE] == 0
    assert report.total == 2
    assert "朝外" not in response.content.decode()

    report = login(district_admin).get(REPORT).context["report"]
    assert {row.street: row.total for row in report.rows} == {street_a: 2, street_b: 1}
    assert report.totals[QualityRule.NEGATIVE_REVENUE] == 1


def test_confirmed_flags_leave_the_report(login, street_a_clerk, flag_a):
    quality.ledger_flag_confirm(actor=street_a_clerk, flag=flag_a, reason="补缴往年税款")
    report = login(street_a_clerk).get(REPORT).context["report"]
    assert report.rows[0].counts[QualityRule.TAX_ABOVE_REVENUE] == 0
    assert report.total == 1


def test_flag_list_shows_in_scope_rows_with_a_link_to_the_enterprise(
    login, street_a_clerk, flag_a, flag_b, enterprise_a
):
    response = login(street_a_clerk).get(FLAGS)
    assert response.status_code == OK
    shown = {flag.pk for flag in response.context["page_obj"].object_list}
    assert flag_a.pk in shown and flag_b.pk not in shown
    content = response.content.decode()
    assert enterprise_a.name in content and "北京朝外餐饮" not in content
    assert f'href="/enterprises/{enterprise_a.pk}/"' in content
    assert confirm_url(flag_a) in content

    by_rule = login(street_a_clerk).get(FLAGS, {"rule": QualityRule.NO_EMPLOYEES})
    assert [f.rule for f in by_rule.context["page_obj"].object_list] == [QualityRule.NO_EMPLOYEES]


def test_another_streets_id_in_the_filter_shows_nothing_of_that_street(
    login, street_a_clerk, flag_b, street_b
):
    response = login(street_a_clerk).get(FLAGS, {"street": street_b.pk})
    assert flag_b.pk not in {f.pk for f in response.context["page_obj"].object_list}


def test_who_may_open_the_quality_pages(request, login, flag_a, own_flag):
    rows = [
        Row("district_admin", "", "enterprises:quality_report", OK),
        Row("street_a_clerk", "", "enterprises:quality_report", OK),
        Row("leader", "", "enterprises:quality_report", FORBIDDEN),
        Row("enterprise_user", "", "enterprises:quality_report", FORBIDDEN),
        Row("anonymous", "", "enterprises:quality_report", LOGIN),
        Row("street_b_clerk", "", "enterprises:quality_flags", OK),
        Row("leader", "", "enterprises:quality_flags", FORBIDDEN),
        Row("district_admin", "flag_a", "enterprises:quality_flag_confirm", OK),
        Row("street_a_clerk", "flag_a", "enterprises:quality_flag_confirm", OK),
        Row("street_b_clerk", "flag_a", "enterprises:quality_flag_confirm", NOT_FOUND),
        Row("leader", "flag_a", "enterprises:quality_flag_confirm", FORBIDDEN),
        # In scope (its own enterprise) but without the permission.
        Row("enterprise_user", "own_flag", "enterprises:quality_flag_confirm", FORBIDDEN),
        Row("anonymous", "flag_a", "enterprises:quality_flag_confirm", LOGIN),
    ]
    run_matrix(request, login, rows)


def test_confirming_records_who_why_and_when_in_the_audit_log(
    login, street_a_clerk, flag_a, enterprise_a
):
    response = login(street_a_clerk).post(
        confirm_url(flag_a), {"reason": "企业补缴了上年税款", "next": FLAGS}
    )
    assert response.status_code == 302 and response["Location"] == FLAGS
    flag_a.refresh_from_db()
    assert flag_a.confirmed and flag_a.confirmed_by == street_a_clerk
    assert flag_a.reason == "企业补缴了上年税款" and flag_a.confirmed_at is not None
    event = AuditEvent.objects.get(action="ledger_flag.confirm")
    assert event.actor == street_a_clerk
    assert event.object_id == str(enterprise_a.pk)
    assert event.changes["reason"] == [None, "企业补缴了上年税款"]
    assert event.changes["rule"] == [None, QualityRule.TAX_ABOVE_REVENUE]


def test_a_reason_is_required(login, street_a_clerk, flag_a):
    response = login(street_a_clerk).post(confirm_url(flag_a), {"reason": "   "})
    assert response.status_code == OK
    assert "请填写确认理由。" in response.content.decode()
    flag_a.refresh_from_db()
    assert not flag_a.confirmed
    assert not AuditEvent.objects.filter(action="ledger_flag.confirm").exists()


def test_out_of_scope_or_unpermitted_confirmations_change_nothing(
    login, street_b_clerk, enterprise_user, flag_a, own_flag
):
    assert login(street_b_clerk).post(confirm_url(flag_a), {"reason": "x"}).status_code == 404
    assert login(enterprise_user).post(confirm_url(own_flag), {"reason": "x"}).status_code == 403
    assert not LedgerFlag.objects.filter(confirmed=True).exists()
    assert not AuditEvent.objects.filter(action="ledger_flag.confirm").exists()


def test_a_flag_is_confirmed_only_once(login, street_a_clerk, district_admin, flag_a):
    quality.ledger_flag_confirm(actor=district_admin, flag=flag_a, reason="第一次确认")
    response = login(street_a_clerk).post(confirm_url(flag_a), {"reason": "第二次确认"})
    assert response.status_code == OK
    flag_a.refresh_from_db()
    assert flag_a.reason == "第一次确认" and flag_a.confirmed_by == district_admin
    assert AuditEvent.objects.filter(action="ledger_flag.confirm").count() == 1


def test_the_return_address_stays_on_this_site(login, street_a_clerk, flag_a):
    response = login(street_a_clerk).post(
        confirm_url(flag_a), {"reason": "核实无误", "next": "https://evil.example/"}
    )
    assert response["Location"] == FLAGS
