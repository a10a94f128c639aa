"""The demo seeder: one open campaign for the current quarter, filings in every state."""

import random

import pytest
from django.utils import timezone

from apps.enterprises.models import LedgerEntry, LedgerSource
from apps.enterprises.tests.factories import EnterpriseFactory
from apps.filings import demo
from apps.filings.models import Campaign, CampaignStatus, Filing, FilingStatus

pytestmark = pytest.mark.django_db


def test_seed_makes_one_open_campaign_with_filings_in_every_state(
    street_a, street_b, street_a_clerk, enterprise_user
):
    own = EnterpriseFactory(street=street_a, uscc=enterprise_user.scope_uscc)
    for street in (street_a, street_b):
        for _ in range(15):
            EnterpriseFactory(street=street)
    result = demo.seed(scale="small", rng=random.Random(1))
    campaign = Campaign.objects.get()
    today = timezone.localdate()
    assert campaign.status == CampaignStatus.OPEN
    assert (campaign.year, campaign.quarter) == (today.year, (today.month - 1) // 3 + 1)
    assert result["filings"] == 31
    statuses = set(Filing.objects.values_list("status", flat=True))
    assert statuses == set(FilingStatus.values)
    # The persona's enterprise is left for whoever tries the demo.
    assert Filing.objects.get(enterprise=own).status == FilingStatus.NOT_STARTED
    assert LedgerEntry.objects.filter(source=LedgerSource.FILING).count() == 8
    assert demo.seed(scale="small", rng=random.Random(1)) == {"campaigns": 0, "filings": 0}


def test_deadline_is_two_weeks_after_the_quarter():
    from datetime import date

    assert demo.deadline_for(2025, 4) == date(2026, 1, 15)
    assert demo.deadline_for(2025, 1) == date(2025, 4, 15)
