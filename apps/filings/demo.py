"""Demo data for the filings module: one open campaign for the current quarter asking the
enterprises of 建外 and 朝外 (where the street personas work), with filings in every state.

The persona enterprise (the `enterprise` account's) is left not started, so whoever tries
the demo can file it. Running it again adds nothing.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.core.scoping import ScopeKind
from apps.enterprises.models import LedgerEntry
from apps.registry.models import Street

from . import rules, services
from .models import INDICATORS, Campaign, Filing, TargetKind

PERSONA_STREETS = {"110105001000": "jianwai", "110105002000": "chaowai"}
# Per street: how many filings to take to each state (the rest stay not started).
STATES = {"draft": 3, "submitted": 4, "returned": 2, "approved": 4}


def current_quarter(today: date) -> tuple[int, int]:
    return today.year, (today.month - 1) // 3 + 1


def deadline_for(year: int, quarter: int) -> date:
    """15 days after the quarter ends."""
    end_month = quarter * 3
    first_of_next = date(year + (end_month == 12), end_month % 12 + 1, 1)
    return first_of_next + timedelta(days=14)


def _figures(filing: Filing, rng: random.Random) -> dict[str, str]:
    """Plausible figures: the previous quarter's, a few per cent up or down."""
    campaign = filing.campaign
    year, quarter = (
        (campaign.year, campaign.quarter - 1) if campaign.quarter > 1 else (campaign.year - 1, 4)
    )
    entry = LedgerEntry.objects.filter(
        enterprise_id=filing.enterprise_id, year=year, quarter=quarter
    ).first()
    values = {}
    for name in INDICATORS:
        base = getattr(entry, name, None) if entry else None
        if base is None:
            base = 20 if name == "employees" else Decimal(rng.randint(50, 800))
        factor = Decimal(str(round(rng.uniform(0.9, 1.15), 3)))
        if name == "employees":
            values[name] = str(max(int(base * factor), 1))
        else:
            values[name] = str((Decimal(base) * factor).quantize(Decimal("0.01")))
    return values


def _explain_everything() -> dict[str, str]:
    return {rule: "演示数据：季节性波动" for rule in rules.RULE_FIELD}


@transaction.atomic
def seed(*, scale: str, rng: random.Random) -> dict[str, int]:
    today = timezone.localdate()
    year, quarter = current_quarter(today)
    title = f"{year}年第{quarter}季度经济数据填报"
    if Campaign.objects.filter(year=year, quarter=quarter, title=title).exists():
        return {"campaigns": 0, "filings": 0}
    streets = {s.code: s for s in Street.objects.filter(code__in=PERSONA_STREETS)}
    if not streets:
        return {"campaigns": 0, "filings": 0}
    staff = User.objects.filter(username="staff").first()
    campaign = services.campaign_create(
        actor=staff,
        year=year,
        quarter=quarter,
        title=title,
        deadline=deadline_for(year, quarter),
        indicators=list(INDICATORS),
        target_kind=TargetKind.FILTER,
        target_filter={"streets": [s.pk for s in streets.values()]},
    )
    try:
        made = services.campaign_open(actor=staff, campaign=campaign)
    except services.FilingError:  # no enterprises in those streets yet
        return {"campaigns": 1, "filings": 0}
    local = random.Random(rng.getrandbits(64))
    persona_codes = set(
        User.objects.filter(scope_kind=ScopeKind.ENTERPRISE).values_list("scope_uscc", flat=True)
    )
    for code, street in streets.items():
        officer = User.objects.filter(username=PERSONA_STREETS[code]).first()
        filings = list(
            Filing.objects.filter(campaign=campaign, street=street)
            .exclude(enterprise__uscc__in=persona_codes)
            .select_related("campaign")
            .order_by("pk")
        )
        local.shuffle(filings)
        for state, count in STATES.items():
            for filing in filings[:count]:
                _make(filing, state, officer, local)
            filings = filings[count:]
    return {"campaigns": 1, "filings": made}


def _make(filing: Filing, state: str, officer, rng: random.Random) -> None:
    values = _figures(filing, rng)
    if state == "draft":
        values.pop("rd_expense", None)  # half done
        services.filing_save_draft(actor=None, filing=filing, version=filing.version, values=values)
        return
    services.filing_submit(
        actor=None,
        filing=filing,
        version=filing.version,
        values=values,
        comments=_explain_everything(),
    )
    if state == "returned":
        services.filing_return(
            actor=officer, filing=filing, comment="利润总额与上季度差异较大，请核实后重新提交。"
        )
    elif state == "approved":
        services.filing_approve(actor=officer, filing=filing)
