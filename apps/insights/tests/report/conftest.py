"""Data for the report and big-screen tests: two 街乡 with enterprises of two sections and
eight quarters of ledger, summarized."""

from decimal import Decimal

import pytest

from apps.enterprises.models import SizeClass
from apps.enterprises.tests.factories import EnterpriseFactory, LedgerEntryFactory, industry
from apps.insights import summary

YEAR, QUARTER = 2025, 3


def _ledger(enterprise, scale: int, quarters):
    for year, quarter in quarters:
        growth = Decimal(1 + (year - 2024) / 10)
        LedgerEntryFactory(
            enterprise=enterprise,
            year=year,
            quarter=quarter,
            revenue=Decimal(scale * 100 + quarter) * growth,
            tax=Decimal(scale * 7 + quarter) * growth,
            profit=Decimal(scale * 11),
            rd_expense=Decimal(scale),
            employees=scale * 10 + quarter,
        )


@pytest.fixture
def ledger(street_a, street_b):
    return make_ledger(street_a, street_b)


def make_ledger(street_a, street_b):
    """Street A: 5 enterprises (4 software, 1 retail) with 2024Q1–2025Q3; street B: 2
    enterprises (a cell of fewer than 3) with 2025 only."""
    software = industry("6513", "应用软件开发", "I")
    retail = industry("5212", "超级市场零售", "F")
    quarters = [(2024, q) for q in (1, 2, 3, 4)] + [(2025, q) for q in (1, 2, 3)]
    made = []
    for n in range(5):
        enterprise = EnterpriseFactory(
            name=f"建外测试{n}有限公司",
            street=street_a,
            industry=retail if n == 4 else software,
            size_class=SizeClass.SMALL if n else SizeClass.MEDIUM,
        )
        _ledger(enterprise, n + 1, quarters)
        made.append(enterprise)
    for n in range(2):
        enterprise = EnterpriseFactory(
            name=f"朝外测试{n}有限公司",
            street=street_b,
            industry=software,
            size_class=SizeClass.MICRO,
        )
        _ledger(enterprise, 10 + n, [(2025, q) for q in (1, 2, 3)])
        made.append(enterprise)
    summary.rebuild()
    return made
