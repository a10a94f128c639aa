"""The demo seeder: a few dozen people with valid encrypted identities, arrangements,
evaluations (some expiring within 90 days), posts through linked member records, and the
统战人士查阅 account."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import User
from apps.enterprises.tests.factories import EnterpriseFactory
from apps.members.selectors import posts_of_person
from apps.members.tests.factories import MemberFactory, PostHoldingFactory, TermFactory
from apps.people import demo, idcard
from apps.people.models import Person, PoliticalArrangement, plain

pytestmark = pytest.mark.django_db


def test_seed_fills_the_people_database(street_a, district_admin):
    term = TermFactory(number=12, start=timezone.localdate() - timedelta(days=400))
    for post in ("chair", "vice_chair", "standing"):
        PostHoldingFactory(member=MemberFactory(street=street_a), term=term, post=post,
                           start=term.start)  # fmt: skip
    for _ in range(10):
        EnterpriseFactory(street=street_a)
    result = demo.seed(scale="small", rng=random.Random(7))
    assert result["people"] == Person.objects.count() == demo.COUNTS["small"]
    assert result["member_links"] == 3
    today = timezone.localdate()
    people = Person.objects.with_evaluation()
    assert people.evaluation_status("expiring", today, 90).exists()
    assert people.evaluation_status("none", today, 90).exists()
    assert people.evaluation_status("valid", today, 90).exists()
    assert PoliticalArrangement.objects.filter(kind="cppcc").exists()
    linked = [p for p in Person.objects.all() if posts_of_person(district_admin, p.pk)]
    assert len(linked) == 3
    for person in Person.objects.all()[:10]:
        info = idcard.parse(plain(person.id_number))
        assert (info.birth_date, info.gender) == (person.birth_date, person.gender)
    assert User.objects.get(username="tongzhan").grade == 2
    assert demo.seed(scale="small", rng=random.Random(7)) == {"people": 0}
