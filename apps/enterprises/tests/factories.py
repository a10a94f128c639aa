import random

import factory

from apps.core.demo import make_uscc
from apps.enterprises import search
from apps.enterprises.models import Enterprise, LedgerEntry, LedgerSource
from apps.registry.models import Industry
from apps.registry.tests.factories import StreetFactory


def industry(code: str = "6513", name: str = "应用软件开发", section: str = "I") -> Industry:
    """A class-level industry with its section and division (get or create)."""
    top, _c = Industry.objects.get_or_create(
        code=section, defaults={"level": 1, "name": f"门类{section}", "section": section}
    )
    division, _c = Industry.objects.get_or_create(
        code=code[:2],
        defaults={"level": 2, "name": f"大类{code[:2]}", "section": section, "parent": top},
    )
    leaf, _c = Industry.objects.get_or_create(
        code=code, defaults={"level": 4, "name": name, "section": section, "parent": division}
    )
    return leaf


_rng = random.Random(4754)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise
        skip_postgeneration_save = True

    uscc = factory.LazyFunction(lambda: make_uscc(_rng))
    name = factory.Sequence(lambda n: f"北京测试{n}科技有限公司")
    former_names = factory.LazyFunction(list)
    street = factory.SubFactory(StreetFactory)
    industry = factory.LazyFunction(industry)
    section = factory.LazyAttribute(lambda o: o.industry.section)
    division = factory.LazyAttribute(lambda o: o.industry.code[:2])
    search_grams = factory.LazyAttribute(lambda o: search.search_grams(o.name, o.former_names))
    name_initials = factory.LazyAttribute(lambda o: search.initials(o.name))


class LedgerEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LedgerEntry

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2025
    quarter = 1
    revenue = 100
    profit = 10
    tax = 5
    rd_expense = 1
    employees = 20
    total_assets = 500
    source = LedgerSource.IMPORT
