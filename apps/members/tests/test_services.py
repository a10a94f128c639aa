"""member_create and the status lifecycle: numbers, enterprise member status, history."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from apps.audit.models import AuditEvent
from apps.enterprises.tests.factories import EnterpriseFactory
from apps.members import services
from apps.members.models import MemberKind, MemberSource, MemberStatus, MemberStatusChange

pytestmark = pytest.mark.django_db


def test_enterprise_member_gets_a_number_and_the_enterprise_becomes_a_member(
    district_admin, street_a, chamber_a
):
    enterprise = EnterpriseFactory(street=street_a)
    member = services.member_create(
        actor=district_admin,
        kind=MemberKind.ENTERPRISE,
        street=street_a,
        join_date=date(2025, 4, 1),
        enterprise=enterprise,
        chambers=[chamber_a],
    )
    assert member.number == "CY202500001"
    assert member.status == MemberStatus.ACTIVE and member.status_date == date(2025, 4, 1)
    assert list(member.chambers.all()) == [chamber_a]
    enterprise.refresh_from_db()
    assert enterprise.member_status == "member"
    assert AuditEvent.objects.filter(action="member.create", object_id=str(member.pk)).exists()
    assert AuditEvent.objects.filter(action="enterprise.member_status").exists()
    first = member.status_changes.get()
    assert (first.from_status, first.to_status, first.date) == ("", "active", date(2025, 4, 1))


def test_numbers_follow_the_pattern_and_restart_each_year(district_admin, street_a):
    def person(name, on):
        return services.member_create(
            actor=district_admin,
            kind=MemberKind.PERSON,
            street=street_a,
            join_date=on,
            person_name=name,
        ).number

    with override_settings(MEMBERS_NUMBER_PATTERN="CYH-{year}-{seq:04d}"):
        assert person("甲", date(2024, 6, 1)) == "CYH-2024-0001"
        assert person("乙", date(2024, 7, 1)) == "CYH-2024-0002"
        assert person("丙", date(2025, 1, 2)) == "CYH-2025-0001"


def test_a_number_is_never_given_twice_even_after_the_member_left(district_admin, street_a):
    first = services.member_create(
        actor=district_admin,
        kind=MemberKind.PERSON,
        street=street_a,
        join_date=date(2025, 1, 1),
        person_name="甲",
    )
    services.member_status_change(
        actor=district_admin,
        member=first,
        status=MemberStatus.WITHDRAWN,
        on=date(2025, 2, 1),
        reason="本人申请退会",
    )
    # An imported roster brought number 3 with it: the counter skips it.
    services.member_create(
        actor=district_admin,
        kind=MemberKind.PERSON,
        street=street_a,
        join_date=date(2025, 1, 1),
        person_name="乙",
        number="CY202500003",
    )
    second = services.member_create(
        actor=district_admin,
        kind=MemberKind.PERSON,
        street=street_a,
        join_date=date(2025, 3, 1),
        person_name="丙",
    )
    assert first.number == "CY202500001"
    assert second.number == "CY202500004"


def test_a_taken_number_from_outside_is_refused(district_admin, street_a):
    kwargs = {
        "actor": district_admin,
        "kind": MemberKind.PERSON,
        "street": street_a,
        "join_date": date(2025, 1, 1),
        "person_name": "甲",
        "number": "OLD-001",
    }
    services.member_create(**kwargs)
    with pytest.raises(ValidationError) as error:
        services.member_create(**kwargs)
    assert error.value.code == "number_taken"


def test_an_enterprise_is_a_member_once(district_admin, street_a):
    enterprise = EnterpriseFactory(street=street_a)
    kwargs = {
        "actor": district_admin,
        "kind": MemberKind.ENTERPRISE,
        "street": street_a,
        "join_date": date(2025, 1, 1),
        "enterprise": enterprise,
    }
    member = services.member_create(**kwargs)
    with pytest.raises(ValidationError, match="已是会员"):
        services.member_create(**kwargs)
    # After leaving it may be admitted again, with a new number.
    services.member_status_change(
        actor=district_admin, member=member, status="withdrawn", on=date(2025, 3, 1), reason="退会"
    )
    enterprise.refresh_from_db()
    assert enterprise.member_status == "none"
    again = services.member_create(**kwargs | {"join_date": date(2025, 6, 1)})
    assert again.number != member.number


def test_admission_from_an_application_is_recorded(district_admin, street_a):
    member = services.member_create(
        actor=district_admin,
        kind=MemberKind.GROUP,
        street=street_a,
        join_date=date(2025, 1, 1),
        group_name="朝阳区软件行业协会",
        source_application="RQ-2025-0001",
    )
    assert member.source == MemberSource.APPLICATION
    event = AuditEvent.objects.get(action="member.create", object_id=str(member.pk))
    assert "RQ-2025-0001" in event.message


def test_each_kind_needs_its_own_details(district_admin, street_a):
    base = {"actor": district_admin, "street": street_a, "join_date": date(2025, 1, 1)}
    with pytest.raises(ValidationError):
        services.member_create(kind=MemberKind.ENTERPRISE, **base)
    with pytest.raises(ValidationError):
        services.member_create(kind=MemberKind.GROUP, **base)
    with pytest.raises(ValidationError):
        services.member_create(kind=MemberKind.PERSON, **base)


def test_status_lifecycle_keeps_dated_reasons_and_refuses_going_back(district_admin, member_a):
    services.member_status_change(
        actor=district_admin,
        member=member_a,
        status="suspended",
        on=date(2024, 1, 10),
        reason="欠费",
    )
    services.member_status_change(
        actor=district_admin, member=member_a, status="active", on=date(2024, 3, 1), reason="补缴"
    )
    services.member_status_change(
        actor=district_admin, member=member_a, status="expelled", on=date(2024, 9, 1), reason="违规"
    )
    with pytest.raises(ValidationError) as error:
        services.member_status_change(
            actor=district_admin, member=member_a, status="active", on=date(2024, 10, 1), reason="x"
        )
    assert error.value.code == "transition"
    history = list(
        MemberStatusChange.objects.filter(member=member_a)
        .order_by("date")
        .values_list("to_status", "reason")
    )
    assert history == [("suspended", "欠费"), ("active", "补缴"), ("expelled", "违规")]
    member_a.refresh_from_db()
    assert (member_a.status, member_a.status_date) == ("expelled", date(2024, 9, 1))
    member_a.enterprise.refresh_from_db()
    assert member_a.enterprise.member_status == "none"


def test_a_status_change_needs_a_reason_and_a_date_after_the_last(district_admin, member_a):
    with pytest.raises(ValidationError) as error:
        services.member_status_change(
            actor=district_admin,
            member=member_a,
            status="suspended",
            on=date(2024, 1, 1),
            reason=" ",
        )
    assert error.value.code == "reason"
    with pytest.raises(ValidationError) as error:
        services.member_status_change(
            actor=district_admin,
            member=member_a,
            status="suspended",
            on=date(2000, 1, 1),
            reason="x",
        )
    assert error.value.code == "date"


def test_edit_conflict(district_admin, member_a):
    services.member_update(
        actor=district_admin, member=member_a, version=member_a.version, contact_name="王五"
    )
    with pytest.raises(services.EditConflict):
        services.member_update(
            actor=district_admin, member=member_a, version=member_a.version, contact_name="赵六"
        )
