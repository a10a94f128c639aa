"""Fixtures of the filings tests: three enterprises in two 街乡 and an open campaign for
2025 Q3 asking all of them, made through the services as staff would."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.enterprises.tests.factories import EnterpriseFactory, LedgerEntryFactory
from apps.filings import services
from apps.filings.models import INDICATORS, Filing, TargetKind
from apps.filings.tests.factories import GOOD
from conftest import ENTERPRISE_USCC

YEAR, QUARTER = 2025, 3


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def own_enterprise(street_a):
    """The enterprise_user persona's enterprise, with two earlier quarters on the ledger."""
    enterprise = EnterpriseFactory(
        name="北京自有企业科技有限公司",
        street=street_a,
        uscc=ENTERPRISE_USCC,
        contact_phone="13912345678",
        legal_representative="王自有",
    )
    LedgerEntryFactory(
        enterprise=enterprise,
        year=YEAR,
        quarter=QUARTER - 1,
        revenue=Decimal("100.00"),
        tax=Decimal("5.00"),
        employees=20,
        total_assets=Decimal("500.00"),
    )
    LedgerEntryFactory(
        enterprise=enterprise,
        year=YEAR - 1,
        quarter=QUARTER,
        revenue=Decimal("90.00"),
        tax=Decimal("4.00"),
        employees=18,
        total_assets=Decimal("450.00"),
    )
    return enterprise


@pytest.fixture
def enterprise_a(street_a):
    return EnterpriseFactory(name="北京建外商贸有限公司", street=street_a)


@pytest.fixture
def enterprise_b(street_b):
    return EnterpriseFactory(
        name="北京朝外餐饮管理有限公司", street=street_b, contact_phone="13800001111"
    )


@pytest.fixture
def campaign(district_admin, own_enterprise, enterprise_a, enterprise_b, street_a, street_b):
    made = services.campaign_create(
        actor=district_admin,
        year=YEAR,
        quarter=QUARTER,
        title="2025年第三季度经济数据填报",
        deadline=timezone.localdate() + timedelta(days=10),
        indicators=list(INDICATORS),
        target_kind=TargetKind.FILTER,
        target_filter={"streets": [street_a.pk, street_b.pk]},
    )
    services.campaign_open(actor=district_admin, campaign=made)
    made.refresh_from_db()
    return made


@pytest.fixture
def own_filing(campaign, own_enterprise):
    return Filing.objects.get(campaign=campaign, enterprise=own_enterprise)


@pytest.fixture
def filing_a(campaign, enterprise_a):
    return Filing.objects.get(campaign=campaign, enterprise=enterprise_a)


@pytest.fixture
def filing_b(campaign, enterprise_b):
    return Filing.objects.get(campaign=campaign, enterprise=enterprise_b)


@pytest.fixture
def good_values():
    return dict(GOOD)
