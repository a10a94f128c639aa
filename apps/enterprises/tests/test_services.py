from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.audit.models import AuditEvent
from apps.enterprises import services
from apps.enterprises.models import LedgerSource, SizeClass
from apps.enterprises.tests.factories import industry

pytestmark = pytest.mark.django_db


def test_create_validates_the_credit_code_and_derives_fields(district_admin, street_a):
    with pytest.raises(ValidationError):
        services.enterprise_create(
            actor=district_admin,
            uscc="91110105MA00000000",
            name="坏代码公司",
            street=street_a,
            industry=industry(),
        )
    enterprise = services.enterprise_create(
        actor=district_admin,
        uscc="91110105ma0000000y",
        name="北京商务科技有限公司",
        street=street_a,
        industry=industry(),
    )
    assert enterprise.uscc == "91110105MA0000000Y"
    assert (enterprise.section, enterprise.division) == ("I", "65")
    assert "商务" in enterprise.search_grams.split()
    assert enterprise.name_initials.startswith("bjsw")
    assert AuditEvent.objects.filter(action="enterprise.create").count() == 1


def test_a_second_editor_on_an_old_version_gets_a_conflict(district_admin, enterprise_a):
    services.enterprise_update(
        actor=district_admin, enterprise=enterprise_a, version=1, address="朝阳区建外大街1号"
    )
    with pytest.raises(services.EditConflict):
        services.enterprise_update(
            actor=district_admin, enterprise=enterprise_a, version=1, address="被覆盖的地址"
        )
    enterprise_a.refresh_from_db()
    assert enterprise_a.address == "朝阳区建外大街1号"
    assert enterprise_a.version == 2


def test_renaming_keeps_the_old_name_findable(district_admin, enterprise_a):
    updated = services.enterprise_update(
        actor=district_admin, enterprise=enterprise_a, version=1, name="北京新名字有限公司"
    )
    assert updated.former_names == ["北京商务科技有限公司"]
    assert "商务" in updated.search_grams.split()


def test_ledger_save_refreshes_size_class(district_admin, enterprise_a):
    # 软件和信息技术服务业 (65): small needs ≥10 employees and ≥50 万元 revenue.
    from apps.registry.loaders import load_size_thresholds

    load_size_thresholds()
    from apps.enterprises import sizing

    sizing.clear_caches()
    for quarter in (1, 2, 3, 4):
        services.ledger_save(
            actor=district_admin,
            enterprise=enterprise_a,
            year=2025,
            quarter=quarter,
            source=LedgerSource.MANUAL,
            revenue=Decimal("300"),
            employees=120,
            total_assets=Decimal("900"),
        )
    enterprise_a.refresh_from_db()
    # 1200 万元 a year and 120 people: medium needs 100 people and 1000 万元.
    assert enterprise_a.size_class == SizeClass.MEDIUM
    assert AuditEvent.objects.filter(action="ledger.save").count() == 4


def test_ledger_save_flags_the_row_at_once_and_clears_it_when_corrected(
    district_admin, enterprise_a
):
    from apps.enterprises.models import LedgerFlag, QualityRule

    def save(**figures):
        return services.ledger_save(
            actor=district_admin,
            enterprise=enterprise_a,
            year=2025,
            quarter=2,
            source=LedgerSource.FILING,
            **figures,
        )

    entry = save(revenue=Decimal("100"), tax=Decimal("150"), employees=5)
    rules = set(LedgerFlag.objects.filter(entry=entry).values_list("rule", flat=True))
    assert QualityRule.TAX_ABOVE_REVENUE in rules
    save(revenue=Decimal("100"), tax=Decimal("10"), employees=5)
    rules = set(LedgerFlag.objects.filter(entry=entry).values_list("rule", flat=True))
    assert QualityRule.TAX_ABOVE_REVENUE not in rules
