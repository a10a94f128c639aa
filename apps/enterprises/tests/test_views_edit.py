"""Create and edit enterprises through the screens: scope, locking, masking, mass assignment."""

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.core.demo import make_uscc
from apps.enterprises.models import Enterprise, SizeClass
from apps.enterprises.tests.factories import industry
from apps.registry.tests.factories import DictionaryItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The list caches street and tag choices and counts; ids repeat between tests.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def form_data(enterprise: Enterprise, **overrides) -> dict:
    data = {
        "uscc": enterprise.uscc,
        "name": enterprise.name,
        "street": enterprise.street_id,
        "industry_code": enterprise.industry.code,
        "registration_type": enterprise.registration_type,
        "established": enterprise.established.isoformat() if enterprise.established else "",
        "registered_capital": enterprise.registered_capital or "",
        "legal_representative": enterprise.legal_representative,
        "address": enterprise.address,
        "contact_phone": enterprise.contact_phone,
        "status": enterprise.status,
        "version": enterprise.version,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_street_officer_creates_an_enterprise_in_their_street(login, street_a_clerk, street_a):
    industry("6513")
    tag = DictionaryItemFactory(label="高新技术企业")
    client = login(street_a_clerk)
    form = client.get(reverse("enterprises:create")).context["form"]
    assert form.initial["street"] == street_a.pk
    uscc = make_uscc(__import__("random").Random(7))
    response = client.post(
        reverse("enterprises:create"),
        {
            "uscc": uscc.lower(),
            "name": "北京新建科技有限公司",
            "street": street_a.pk,
            "industry_code": "6513",
            "registration_type": "private",
            "status": "active",
            "tags": [tag.pk],
            "contact_phone": "010-65001234",
        },
    )
    enterprise = Enterprise.objects.get(uscc=uscc)
    assert response.status_code == 302
    assert response["Location"] == reverse("enterprises:detail", args=[enterprise.pk])
    assert (enterprise.section, enterprise.division) == ("I", "65")
    assert list(enterprise.tags.all()) == [tag]
    assert AuditEvent.objects.filter(action="enterprise.create", object_id=str(enterprise.pk))


@pytest.mark.parametrize(
    ("field", "value"),
    [("uscc", "91110105MA0000000A"), ("industry_code", "65"), ("industry_code", "9999")],
)
def test_create_refuses_bad_codes(login, street_a_clerk, street_a, field, value):
    industry("6513")
    data = {
        "uscc": "91110105MA0000000Y",
        "name": "北京新建科技有限公司",
        "street": street_a.pk,
        "industry_code": "6513",
        "registration_type": "private",
        "status": "active",
    } | {field: value}
    response = login(street_a_clerk).post(reverse("enterprises:create"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Enterprise.objects.exists()


def test_street_officer_cannot_create_in_another_street(login, street_a_clerk, street_b):
    industry("6513")
    data = {
        "uscc": "91110105MA0000000Y",
        "name": "北京越界科技有限公司",
        "street": street_b.pk,
        "industry_code": "6513",
        "registration_type": "private",
        "status": "active",
    }
    response = login(street_a_clerk).post(reverse("enterprises:create"), data)
    assert response.status_code == 200
    assert "street" in response.context["form"].errors
    assert not Enterprise.objects.exists()


def test_edit_saves_and_keeps_the_old_name(login, street_a_clerk, enterprise_a):
    client = login(street_a_clerk)
    url = reverse("enterprises:update", args=[enterprise_a.pk])
    response = client.post(url, form_data(enterprise_a, name="北京商务科技集团有限公司"))
    assert response.status_code == 302
    enterprise_a.refresh_from_db()
    assert enterprise_a.name == "北京商务科技集团有限公司"
    assert enterprise_a.former_names == ["北京商务科技有限公司"]
    assert enterprise_a.version == 2


def test_extra_post_fields_change_nothing(login, street_a_clerk, enterprise_a):
    url = reverse("enterprises:update", args=[enterprise_a.pk])
    data = form_data(
        enterprise_a,
        size_class=SizeClass.LARGE,
        member_status="member",
        section="Z",
        search_grams="x",
    )
    assert login(street_a_clerk).post(url, data).status_code == 302
    enterprise_a.refresh_from_db()
    assert enterprise_a.size_class == SizeClass.UNKNOWN
    assert enterprise_a.member_status == "none"
    assert enterprise_a.section == "I"


def test_second_editor_with_an_old_version_gets_a_conflict(
    login, street_a_clerk, district_admin, enterprise_a
):
    url = reverse("enterprises:update", args=[enterprise_a.pk])
    first, second = login(district_admin), login(street_a_clerk)
    # Both open the form at version 1.
    old = second.get(url).context["form"]["version"].value()
    assert first.post(url, form_data(enterprise_a, address="朝阳区建国路1号")).status_code == 302
    response = second.post(url, form_data(enterprise_a, address="朝阳区建国路99号", version=old))
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert any("Reload" in e or "重新" in e or "刷新" in e for e in errors)
    enterprise_a.refresh_from_db()
    assert enterprise_a.address == "朝阳区建国路1号"  # the first edit is kept
    assert enterprise_a.version == 2
    assert AuditEvent.objects.filter(action="enterprise.update").count() == 1


def test_edit_without_a_version_is_a_conflict(login, street_a_clerk, enterprise_a):
    url = reverse("enterprises:update", args=[enterprise_a.pk])
    data = form_data(enterprise_a, address="朝阳区某路")
    data.pop("version")
    response = login(street_a_clerk).post(url, data)
    assert response.status_code == 200
    enterprise_a.refresh_from_db()
    assert enterprise_a.address == ""


def test_moving_an_enterprise_to_another_street_is_refused(
    login, street_a_clerk, enterprise_a, street_b
):
    url = reverse("enterprises:update", args=[enterprise_a.pk])
    home = enterprise_a.street_id
    response = login(street_a_clerk).post(url, form_data(enterprise_a, street=street_b.pk))
    assert response.status_code == 200
    assert "street" in response.context["form"].errors
    enterprise_a.refresh_from_db()
    assert (enterprise_a.street_id, enterprise_a.version) == (home, 1)


def test_scope_recheck_rolls_back_a_save_that_leaves_the_scope(
    login, street_a_clerk, enterprise_a, street_b, monkeypatch
):
    """Even if a form let another street through, the view's re-check answers 404
    and nothing of the save survives: no new street, no version bump, no audit event."""
    from apps.core import scoped_views

    monkeypatch.setattr(scoped_views, "narrow_form_to_scope", lambda form, user: None)
    url = reverse("enterprises:update", args=[enterprise_a.pk])
    response = login(street_a_clerk).post(url, form_data(enterprise_a, street=street_b.pk))
    assert response.status_code == 404
    enterprise_a.refresh_from_db()
    assert enterprise_a.street_id != street_b.pk
    assert enterprise_a.version == 1
    assert not AuditEvent.objects.filter(action="enterprise.update").exists()


def test_edit_form_never_shows_the_whole_phone_to_a_street_officer(
    login, street_a_clerk, enterprise_a
):
    enterprise_a.contact_phone = "13912345678"
    enterprise_a.save()
    client = login(street_a_clerk)
    url = reverse("enterprises:update", args=[enterprise_a.pk])
    html = client.get(url).content.decode()
    assert "13912345678" not in html and "139****5678" in html
    # Saving with the masked value untouched keeps the stored number.
    data = form_data(enterprise_a, contact_phone="139****5678", address="新地址")
    assert client.post(url, data).status_code == 302
    enterprise_a.refresh_from_db()
    assert (enterprise_a.contact_phone, enterprise_a.address) == ("13912345678", "新地址")
    # A half-edited masked number is refused rather than stored with stars.
    data = form_data(enterprise_a, contact_phone="139****0000")
    response = client.post(url, data)
    assert "contact_phone" in response.context["form"].errors


def test_read_only_users_cannot_open_the_forms(login, enterprise_user, enterprise_a):
    enterprise_a.uscc = enterprise_user.scope_uscc
    enterprise_a.save()
    client = login(enterprise_user)
    assert client.get(reverse("enterprises:create")).status_code == 403
    assert client.get(reverse("enterprises:update", args=[enterprise_a.pk])).status_code == 403
