from decimal import Decimal

import pytest

from apps.enterprises import sizing
from apps.enterprises.models import SizeClass
from apps.registry.loaders import load_size_thresholds

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def thresholds():
    load_size_thresholds()
    sizing.clear_caches()
    yield
    sizing.clear_caches()


def fig(revenue=None, employees=None, assets=None):
    return sizing.Figures(
        Decimal(revenue) if revenue is not None else None,
        employees,
        Decimal(assets) if assets is not None else None,
    )


@pytest.mark.parametrize(
    ("code", "figures", "expected"),
    [
        # 工业 (C): employees and revenue.
        ("3990", fig(40000, 1000), SizeClass.LARGE),
        ("3990", fig(40000, 999), SizeClass.MEDIUM),  # one indicator short: one tier down
        ("3990", fig(2000, 300), SizeClass.MEDIUM),
        ("3990", fig(300, 20), SizeClass.SMALL),
        ("3990", fig(299, 5000), SizeClass.MICRO),  # below small on one indicator
        ("3990", fig(None, 5000), SizeClass.UNKNOWN),  # missing: never guessed
        # 零售业 (52).
        ("5211", fig(20000, 300), SizeClass.LARGE),
        ("5211", fig(99, 300), SizeClass.MICRO),
        # 房地产开发经营 (7010): revenue and total assets.
        ("7010", fig(200000, None, 10000), SizeClass.LARGE),
        ("7010", fig(200000), SizeClass.UNKNOWN),
        # 金融业 is not covered by the method.
        ("6620", fig(10**6, 10**4, 10**6), SizeClass.UNKNOWN),
    ],
)
def test_classify(code, figures, expected):
    assert sizing.classify(code, figures) == expected
