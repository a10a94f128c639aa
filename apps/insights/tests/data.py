"""Random small districts for the insights tests, and the same figures computed straight
from the ledger (the independent computation the summary must agree with)."""

import random
from decimal import Decimal

from django.db.models import Sum

from apps.enterprises.models import (
    Enterprise,
    LedgerEntry,
    MemberStatus,
    RegistrationType,
    SizeClass,
)
from apps.enterprises.tests.factories import EnterpriseFactory, LedgerEntryFactory, industry
from apps.registry.tests.factories import StreetFactory

INDUSTRIES = [
    ("6513", "I"),
    ("6520", "I"),
    ("6311", "I"),
    ("5191", "F"),
    ("5211", "F"),
    ("7243", "L"),
]
PERIODS = [(2024, q) for q in (1, 2, 3, 4)] + [(2025, q) for q in (1, 2, 3, 4)]
SIZES = [SizeClass.MICRO, SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM, SizeClass.LARGE]


def money(rng: random.Random):
    if rng.random() < 0.08:
        return None
    return Decimal(rng.randint(0, 200_000)) / 100


def district(rng: random.Random, *, streets=(), enterprises: int = 40) -> list[Enterprise]:
    """Enterprises spread over the given streets (and two more), with random attributes
    and a ledger over PERIODS with gaps and missing figures."""
    streets = [*streets, StreetFactory(), StreetFactory()]
    classes = [industry(code, section=section) for code, section in INDUSTRIES]
    made = []
    for _ in range(enterprises):
        ent = EnterpriseFactory(
            street=rng.choice(streets),
            industry=rng.choice(classes),
            size_class=rng.choice(SIZES),
            member_status=rng.choice(
                [MemberStatus.NONE, MemberStatus.NONE, MemberStatus.MEMBER, MemberStatus.APPLICANT]
            ),
            registration_type=rng.choice(
                [RegistrationType.PRIVATE, RegistrationType.PRIVATE, RegistrationType.STATE]
            ),
        )
        for year, quarter in PERIODS:
            if rng.random() < 0.15:
                continue
            LedgerEntryFactory(
                enterprise=ent,
                year=year,
                quarter=quarter,
                revenue=money(rng),
                profit=money(rng),
                tax=money(rng),
                rd_expense=money(rng),
                employees=None if rng.random() < 0.05 else rng.randint(0, 500),
                total_assets=money(rng),
            )
        made.append(ent)
    return made


def enterprises_of(query, street_ids=None):
    ents = Enterprise.objects.all()
    if street_ids is not None:
        ents = ents.filter(street_id__in=street_ids)
    if query.street_id:
        ents = ents.filter(street_id=query.street_id)
    if query.section:
        ents = ents.filter(section=query.section)
    if query.division:
        ents = ents.filter(division=query.division)
    if query.size_class:
        ents = ents.filter(size_class=query.size_class)
    if query.members_only:
        ents = ents.filter(member_status=MemberStatus.MEMBER)
    return ents


def from_ledger(query, street_ids=None) -> dict:
    """The query's figures computed from the ledger rows themselves."""
    ents = enterprises_of(query, street_ids)
    end = LedgerEntry.objects.filter(enterprise__in=ents, year=query.year, quarter=query.quarter)
    first = 1 if query.cumulative else query.quarter
    flows = LedgerEntry.objects.filter(
        enterprise__in=ents, year=query.year, quarter__gte=first, quarter__lte=query.quarter
    ).aggregate(revenue=Sum("revenue"), tax=Sum("tax"), profit=Sum("profit"), rd=Sum("rd_expense"))
    cent = Decimal("0.01")
    return {
        "enterprises": end.count(),
        "employees": end.aggregate(n=Sum("employees"))["n"] or 0,
        **{k: Decimal(str(v or 0)).quantize(cent) for k, v in flows.items()},
    }


def figures_of(obj) -> dict:
    """The same keys from a Headline or a Cell."""
    names = ("enterprises", "revenue", "tax", "employees", "profit", "rd")
    out = {}
    for name in names:
        value = getattr(obj, name)
        out[name] = value.value if hasattr(value, "value") else value
    return out
