from datetime import timedelta

import factory
from django.utils import timezone

from apps.filings import services
from apps.filings.models import INDICATORS, Campaign, CampaignStatus, Filing, TargetKind


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    year = 2025
    quarter = 3
    title = factory.Sequence(lambda n: f"2025年第三季度经济数据填报{n}")
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    indicators = factory.LazyFunction(lambda: list(INDICATORS))
    target_kind = TargetKind.FILTER
    status = CampaignStatus.OPEN


class FilingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Filing

    campaign = factory.SubFactory(CampaignFactory)
    enterprise = factory.SubFactory("apps.enterprises.tests.factories.EnterpriseFactory")
    street = factory.LazyAttribute(lambda o: o.enterprise.street)


GOOD = {
    "revenue": "120.50",
    "profit": "10",
    "tax": "6",
    "rd_expense": "1.5",
    "employees": "21",
    "total_assets": "510",
}


def submit(filing, actor, values=None, comments=None):
    filing.refresh_from_db()
    return services.filing_submit(
        actor=actor,
        filing=filing,
        version=filing.version,
        values=values or dict(GOOD),
        comments=comments or {},
    )
