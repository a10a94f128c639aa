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


def crawl_objects(enterprise) -> dict[str, int]:
    """{url name: pk} for every filings URL that takes one, for the no-500 crawl of
    apps/core/tests/test_no_server_errors.py (a campaign and a submitted filing)."""
    filing = FilingFactory(enterprise=enterprise)
    submit(filing, None)
    campaign_pages = [
        "campaign",
        "campaign_update",
        "campaign_open",
        "campaign_close",
        "unfiled",
        "unfiled_export",
        "remind",
        "campaign_fill",
    ]
    filing_pages = ["review", "approve", "return", "form", "validate", "correct", "receipt"]
    return {
        **{f"filings:{name}": filing.campaign_id for name in campaign_pages},
        **{f"filings:{name}": filing.pk for name in filing_pages},
    }
