import pytest
from django.core.cache import cache

from apps.core.demo import make_uscc
from apps.enterprises.tests.factories import EnterpriseFactory

from .factories import EnterpriseLinkFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Registration limits and cached permissions live in the cache; tests must not share them.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def enterprise_a(street_a):
    return EnterpriseFactory(name="北京商务科技有限公司", street=street_a)


@pytest.fixture
def enterprise_b(street_b):
    return EnterpriseFactory(name="北京朝外餐饮管理有限公司", street=street_b)


@pytest.fixture
def link_a(enterprise_a):
    return EnterpriseLinkFactory(enterprise=enterprise_a)


@pytest.fixture
def link_b(enterprise_b):
    return EnterpriseLinkFactory(enterprise=enterprise_b)


@pytest.fixture
def unknown_uscc():
    import random

    return make_uscc(random.Random(20240601))


@pytest.fixture
def link_unknown(unknown_uscc):
    return EnterpriseLinkFactory(uscc=unknown_uscc, name="北京新开张科技有限公司")


@pytest.fixture
def applicant(link_a):
    return link_a.user
