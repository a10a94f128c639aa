"""Dues: the rates table, yearly charges, payments, arrears, reminders and the lapse flag."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.accounts import roles
from apps.accounts.models import UserKind
from apps.accounts.tests.factories import UserFactory
from apps.core.models import Delivery, Notification
from apps.core.schedules import all_schedules
from apps.core.scoping import ScopeKind
from apps.members import dues, services
from apps.members.models import DuesCharge, DuesReminder, MemberKind, Post, PostHolding

from .factories import DuesChargeFactory, MemberFactory, TermFactory

pytestmark = pytest.mark.django_db

RATES = {
    ("enterprise", ""): Decimal("2000"),
    ("enterprise", Post.VICE_CHAIR): Decimal("20000"),
    ("person", ""): Decimal("500"),
}


@pytest.fixture
def rates(district_admin):
    dues.dues_rates_save(actor=district_admin, rates=RATES)


def test_each_member_is_charged_the_highest_rate_that_applies(rates, street_a):
    plain = MemberFactory(street=street_a, join_date=date(2020, 1, 1))
    officer = MemberFactory(street=street_a, join_date=date(2020, 1, 1))
    PostHolding.objects.create(
        member=officer, term=TermFactory(), post=Post.VICE_CHAIR, start=date(2022, 1, 1)
    )
    person = MemberFactory(street=street_a, kind=MemberKind.PERSON, join_date=date(2025, 8, 1))
    group = MemberFactory(street=street_a, kind=MemberKind.GROUP, join_date=date(2020, 1, 1))
    later = MemberFactory(street=street_a, join_date=date(2026, 1, 5))
    assert dues.dues_assess(year=2025, today=date(2025, 1, 10)) == 3
    charged = {c.member_id: c for c in DuesCharge.objects.filter(year=2025)}
    assert charged[plain.pk].amount == Decimal("2000")
    assert charged[officer.pk].amount == Decimal("20000")
    # Admitted in August: 30 days from the join date instead of 31 March.
    assert charged[person.pk].due_date == date(2025, 8, 31)
    assert charged[plain.pk].due_date == date(2025, 3, 31)
    # No rate for groups; nobody is charged for a year before joining.
    assert group.pk not in charged and later.pk not in charged
    # Idempotent.
    assert dues.dues_assess(year=2025, today=date(2025, 1, 11)) == 0


def test_rates_page_edits_the_table(login, district_admin, rates):
    client = login(district_admin)
    page = client.get(reverse("members:rates"))
    assert page.status_code == 200
    data = {f.html_name: f.value() or "" for row in page.context["form"].rows() for f in row[1]}
    data["rate__group__any"] = "1000"
    data["rate__person__any"] = ""
    response = client.post(reverse("members:rates"), data)
    assert response.status_code == 302
    table = dues.rate_table()
    assert table[("group", "")] == Decimal("1000")
    assert ("person", "") not in table
    assert table[("enterprise", "vice_chair")] == Decimal("20000")


def test_payment_records_the_receipt_and_settles_the_year(district_admin, member_a, rates):
    dues.dues_assess(year=2025, today=date(2025, 1, 10))
    payment = dues.dues_payment_record(
        actor=district_admin,
        member=member_a,
        year=2025,
        amount=Decimal("2000"),
        paid_on=date(2025, 3, 1),
        method="transfer",
        receipt_number="SJ-2025-001",
    )
    charge = DuesCharge.objects.get(member=member_a, year=2025)
    assert charge.paid == Decimal("2000") and payment.recorded_by == district_admin
    with pytest.raises(ValidationError) as error:
        dues.dues_payment_record(
            actor=district_admin,
            member=member_a,
            year=2024,
            amount=Decimal("100"),
            paid_on=date(2025, 3, 1),
            method="cash",
            receipt_number="SJ-2025-001",
        )
    assert error.value.code == "receipt_taken"
    with pytest.raises(ValidationError) as error:
        dues.dues_payment_record(
            actor=district_admin,
            member=member_a,
            year=2025,
            amount=Decimal("1"),
            paid_on=date(2025, 3, 2),
            method="cash",
            receipt_number="SJ-2025-002",
        )
    assert error.value.code == "overpaid"


def test_arrears_list_shows_unpaid_years_past_due(login, district_admin, member_a, member_b):
    DuesChargeFactory(member=member_a, year=2024, amount=2000, paid=500)
    DuesChargeFactory(member=member_b, year=2024, amount=500, paid=500)
    DuesChargeFactory(member=member_b, year=2099, amount=500, due_date=date(2099, 3, 31))
    response = login(district_admin).get(reverse("members:arrears"))
    rows = list(response.context["object_list"])
    assert [(c.member_id, c.year) for c in rows] == [(member_a.pk, 2024)]
    assert response.context["total"] == Decimal("1500")
    assert "1500" in response.content.decode()


def test_reminders_go_before_and_after_the_due_date_once_each(
    builtin_roles, district_admin, street_a, django_capture_on_commit_callbacks
):
    person = MemberFactory(
        street=street_a, kind=MemberKind.PERSON, person_name="张三", person_mobile="13900001111"
    )
    company = MemberFactory(street=street_a)
    account = UserFactory(
        kind=UserKind.ENTERPRISE,
        scope_kind=ScopeKind.ENTERPRISE,
        scope_uscc=company.enterprise.uscc,
        mobile="13900002222",
        roles=[builtin_roles[roles.ENTERPRISE]],
    )
    unreachable = MemberFactory(street=street_a, kind=MemberKind.PERSON, person_name="无电话")
    for member in (person, company, unreachable):
        DuesChargeFactory(member=member, year=2025, amount=1000, due_date=date(2025, 3, 31))
    with django_capture_on_commit_callbacks(execute=True):
        first = dues.dues_reminders_due(today=date(2025, 3, 10))
        again = dues.dues_reminders_due(today=date(2025, 3, 20))
        in_between = dues.dues_reminders_due(today=date(2025, 4, 15))
        overdue = dues.dues_reminders_due(today=date(2025, 5, 1))
    assert first["charges"] == 3 and again["charges"] == 0 and in_between["charges"] == 0
    assert overdue["charges"] == 3
    sms = Delivery.objects.filter(channel="sms", kind="members.dues_reminder")
    assert sms.filter(address="13900001111").count() == 2
    assert Notification.objects.filter(user=account, kind="members.dues_reminder").count() == 2
    assert "2025" in Notification.objects.filter(user=account).first().subject
    assert DuesReminder.objects.filter(charge__member=unreachable, messages=0).count() == 2


def test_arrears_over_a_year_flag_the_member_but_never_lapse_them(district_admin, member_a):
    charge = DuesChargeFactory(member=member_a, year=2023, amount=1000, due_date=date(2023, 3, 31))
    assert dues.lapse_flags_refresh(today=date(2024, 3, 1)) == {"flagged": 0, "cleared": 0}
    assert dues.lapse_flags_refresh(today=date(2024, 4, 1)) == {"flagged": 1, "cleared": 0}
    member_a.refresh_from_db()
    assert member_a.lapse_flagged_on == date(2024, 4, 1) and member_a.status == "active"
    dues.dues_payment_record(
        actor=district_admin,
        member=member_a,
        year=2023,
        amount=charge.amount,
        paid_on=date(2024, 4, 2),
        method="cash",
        receipt_number="BJ-1",
    )
    member_a.refresh_from_db()
    assert member_a.lapse_flagged_on is None


def test_lapse_review_page_and_home_todo(login, district_admin, member_a, member_b):
    DuesChargeFactory(member=member_a, year=2020, amount=1000, due_date=date(2020, 3, 31))
    dues.lapse_flags_refresh()
    client = login(district_admin)
    response = client.get(reverse("members:lapse_review"))
    assert [m.pk for m in response.context["object_list"]] == [member_a.pk]
    assert "2020" in response.content.decode()
    from apps.members.todos import member_todos

    (todo,) = member_todos(district_admin)
    assert todo.count == 1 and todo.url == reverse("members:lapse_review")


def test_recording_a_payment_through_the_page(login, district_admin, member_a, rates):
    response = login(district_admin).post(
        reverse("members:payment_create", args=[member_a.pk]),
        {
            "year": 2025,
            "amount": "2000",
            "paid_on": "2025-02-01",
            "method": "wechat",
            "receipt_number": "WX-9",
        },
    )
    assert response.status_code == 302
    assert DuesCharge.objects.get(member=member_a, year=2025).paid == Decimal("2000")


def test_the_daily_schedule_is_registered():
    assert "members.dues" in {s.name for s in all_schedules()}


def test_services_refuse_a_negative_rate(district_admin):
    with pytest.raises(ValidationError):
        dues.dues_rates_save(actor=district_admin, rates={("person", ""): Decimal("-1")})
    assert not services.Member.objects.exists()
