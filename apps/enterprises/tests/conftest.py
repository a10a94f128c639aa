import pytest

from apps.enterprises.tests.factories import EnterpriseFactory


@pytest.fixture
def enterprise_a(street_a):
    return EnterpriseFactory(name="北京商务科技有限公司", street=street_a)


@pytest.fixture
def enterprise_b(street_b):
    return EnterpriseFactory(name="北京朝外餐饮管理有限公司", street=street_b)
