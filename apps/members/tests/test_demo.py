"""The demo seeder: members of every kind and status, committees, two chambers with officers
and activities, dues with arrears, and a chamber-staff account."""

import random

import pytest

from apps.accounts.models import User
from apps.enterprises.tests.factories import EnterpriseFactory
from apps.members import demo
from apps.members.models import (
    ChamberActivity,
    ChamberProfile,
    DuesCharge,
    DuesPayment,
    Member,
    PostHolding,
)
from apps.registry.tests.factories import ChamberFactory

pytestmark = pytest.mark.django_db


def test_seed_fills_the_member_database(street_a, street_b, monkeypatch):
    monkeypatch.setitem(demo.COUNTS, "small", 120)
    chambers = [ChamberFactory(name=f"{s.short_name}商会", street=s) for s in (street_a, street_b)]
    for street in (street_a, street_b):
        for _ in range(60):
            EnterpriseFactory(street=street)
    result = demo.seed(scale="small", rng=random.Random(3))
    assert result["members"] == Member.objects.count() == 120
    assert set(Member.objects.values_list("kind", flat=True)) == {"enterprise", "group", "person"}
    assert {"active", "suspended"} <= set(Member.objects.values_list("status", flat=True))
    assert PostHolding.objects.filter(term__chamber__isnull=True, post="chair").count() == 1
    for chamber in chambers:
        assert ChamberProfile.objects.filter(chamber=chamber).exists()
        assert (
            PostHolding.objects.filter(term__chamber=chamber, post="president", end=None).count()
            == 1
        )
        assert ChamberActivity.objects.filter(chamber=chamber).count() == 4
    assert DuesPayment.objects.exists()
    assert DuesCharge.objects.outstanding().exists()
    staff = User.objects.get(username="chamber_jianwai")
    assert list(staff.scope_chambers.all()) == [chambers[0]]
    assert demo.seed(scale="small", rng=random.Random(3)) == {"members": 0}
