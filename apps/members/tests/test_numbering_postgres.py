"""Two admissions at the same moment get different member numbers (PostgreSQL: each thread
has its own connection and transaction; the counter row is locked while a number is taken).

Without the lock both would read the same counter value, and the unique index would turn
the second admission into an error: the test fails either way if numbering races."""

import threading
from datetime import date

import pytest
from django.db import connection

from apps.enterprises.tests.factories import EnterpriseFactory
from apps.members import services
from apps.members.models import Member, MemberCounter, MemberKind

ADMISSIONS = 8


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR UPDATE) are PostgreSQL's; SQLite runs one writer")


def _admit_concurrently(make_kwargs) -> tuple[list[str], list[Exception]]:
    barrier = threading.Barrier(ADMISSIONS)
    numbers: list[str] = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def admit(index: int) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=30)
            member = services.member_create(**make_kwargs(index))
            with lock:
                numbers.append(member.number)
        except Exception as error:
            with lock:
                errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=admit, args=(i,)) for i in range(ADMISSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return numbers, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_admissions_get_different_numbers(postgresql, district_admin, street_a):
    def person(index):
        return {
            "actor": district_admin,
            "kind": MemberKind.PERSON,
            "street": street_a,
            "join_date": date(2025, 5, 1),
            "person_name": f"会员{index}",
        }

    numbers, errors = _admit_concurrently(person)
    assert not errors, errors
    assert sorted(numbers) == [f"CY2025{seq:05d}" for seq in range(1, ADMISSIONS + 1)]
    assert MemberCounter.objects.get(key="CY2025#").last == ADMISSIONS


@pytest.mark.django_db(transaction=True)
def test_the_same_enterprise_admitted_twice_at_once_becomes_one_member(
    postgresql, district_admin, street_a
):
    enterprise = EnterpriseFactory(street=street_a)

    def same(index):
        return {
            "actor": district_admin,
            "kind": MemberKind.ENTERPRISE,
            "street": street_a,
            "join_date": date(2025, 5, 1),
            "enterprise": enterprise,
        }

    numbers, errors = _admit_concurrently(same)
    assert len(numbers) == 1
    assert len(errors) == ADMISSIONS - 1
    assert all(getattr(e, "code", "") in {"duplicate", "conflict"} for e in errors), errors
    assert Member.objects.filter(enterprise=enterprise).count() == 1
    enterprise.refresh_from_db()
    assert enterprise.member_status == "member"
