"""我的企业: the enterprise account's own home page."""

import pytest
from django.urls import reverse

from apps.enterprises.tests.factories import EnterpriseFactory, LedgerEntryFactory
from apps.portal import links
from conftest import ENTERPRISE_USCC

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_enterprise(street_a):
    return EnterpriseFactory(name="北京自有企业科技有限公司", street=street_a, uscc=ENTERPRISE_USCC)


def test_the_workbench_of_an_enterprise_account_is_its_enterprise(login, enterprise_user):
    response = login(enterprise_user).get(reverse("core:home"))
    assert response.url == reverse("portal:home")


def test_the_home_shows_the_enterprise_and_its_latest_figures(
    login, enterprise_user, own_enterprise, enterprise_a
):
    LedgerEntryFactory(enterprise=own_enterprise, year=2024, quarter=4, revenue=111)
    LedgerEntryFactory(enterprise=own_enterprise, year=2025, quarter=1, revenue=222)
    LedgerEntryFactory(enterprise=enterprise_a, year=2025, quarter=2, revenue=999)

    page = login(enterprise_user).get(reverse("portal:home")).content.decode()

    assert own_enterprise.name in page and ENTERPRISE_USCC in page
    assert "建外街道办事处" in page
    assert "6513" in page  # industry
    assert "2025 年第 1 季度" in page and "222" in page
    assert "999" not in page and enterprise_a.name not in page
    assert reverse("enterprises:detail", args=[own_enterprise.pk]) in page
    assert reverse("filings:my_list") in page and "我的填报" in page


def test_an_enterprise_not_in_the_database_gets_a_plain_page(login, enterprise_user):
    page = login(enterprise_user).get(reverse("portal:home")).content.decode()
    assert "尚未录入企业库" in page


def test_links_to_pages_that_do_not_exist_yet_are_left_out(enterprise_user, own_enterprise):
    found = [item["url"] for item in links.links_for(enterprise_user, own_enterprise)]
    assert reverse("accounts:password_change") in found
    assert all(url.startswith("/") for url in found)
    assert len(found) == len([link for link in links.LINKS if _resolves(link, own_enterprise)]), (
        "every link shown resolves"
    )


def _resolves(link, enterprise) -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse(link.url_name, args=[enterprise.pk] if link.with_enterprise else [])
    except NoReverseMatch:
        return False
    return True


def test_staff_have_no_enterprise_home(login, district_admin, street_a_clerk):
    assert login(district_admin).get(reverse("portal:home")).status_code == 404
    assert login(street_a_clerk).get(reverse("portal:home")).status_code == 404
