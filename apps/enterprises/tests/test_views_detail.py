"""One enterprise's page: fields, masking, ledger, chart, flags, journal, history."""

import json
from datetime import date

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.enterprises import services
from apps.enterprises.models import EnterpriseNote, LedgerEntry, LedgerFlag, QualityRule
from apps.enterprises.tests.factories import LedgerEntryFactory
from apps.registry.tests.factories import DictionaryItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The list caches street and tag choices and counts; ids repeat between tests.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def phone_a(enterprise_a):
    enterprise_a.contact_phone = "13912345678"
    enterprise_a.former_names = ["北京旧名商贸有限公司"]
    enterprise_a.save()
    return enterprise_a


def detail(client, enterprise):
    return client.get(reverse("enterprises:detail", args=[enterprise.pk]))


def test_street_officer_sees_fields_with_the_phone_masked(login, street_a_clerk, phone_a):
    phone_a.tags.add(DictionaryItemFactory(label="专精特新"))
    html = detail(login(street_a_clerk), phone_a).content.decode()
    assert "139****5678" in html
    assert "13912345678" not in html
    for text in [phone_a.uscc, "建外", "6513 应用软件开发", "北京旧名商贸有限公司", "专精特新"]:
        assert text in html


def test_staff_with_the_personal_grade_sees_the_whole_phone(login, district_admin, phone_a):
    assert "13912345678" in detail(login(district_admin), phone_a).content.decode()


def test_ledger_shows_quarter_and_year_to_date_and_year_on_year(
    login, street_a_clerk, enterprise_a
):
    for quarter, revenue in [(1, 100), (2, 150), (3, 120)]:
        LedgerEntryFactory(enterprise=enterprise_a, year=2025, quarter=quarter, revenue=revenue)
    LedgerEntryFactory(enterprise=enterprise_a, year=2024, quarter=3, revenue=80, tax=4)
    # 2024 Q1 and Q2 are missing: 2024 Q3's year to date is unknown, not 80.
    response = detail(login(street_a_clerk), enterprise_a)
    rows = {f"{r['entry'].year}Q{r['entry'].quarter}": r for r in response.context["ledger"]}
    assert rows["2025Q3"]["revenue_ytd"] == 370
    assert rows["2025Q2"]["tax_ytd"] == 10
    assert rows["2024Q3"]["revenue_ytd"] is None
    yoy = response.context["yoy"]
    assert (yoy["latest"].year, yoy["latest"].quarter) == (2025, 3)
    revenue = yoy["changes"][0]
    assert revenue["pct"] == 50  # 120 against 80
    html = response.content.decode()
    assert "+50.0%" in html and "370" in html


def test_trend_chart_is_passed_as_json_for_app_js(login, street_a_clerk, enterprise_a):
    LedgerEntryFactory(enterprise=enterprise_a, year=2025, quarter=1, revenue=100, employees=9)
    LedgerEntryFactory(enterprise=enterprise_a, year=2025, quarter=2, revenue=110, employees=11)
    html = detail(login(street_a_clerk), enterprise_a).content.decode()
    assert 'data-option-id="ent-trend-option"' in html
    start = html.index('<script id="ent-trend-option" type="application/json">')
    payload = html[html.index(">", start) + 1 : html.index("</script>", start)]
    option = json.loads(payload)
    assert option["xAxis"]["data"] == ["2025Q1", "2025Q2"]
    assert option["series"][0]["data"] == [100.0, 110.0]
    assert option["series"][2]["data"] == [9, 11]
    assert "echarts.min.js" in html
    assert "<script>" not in html  # no inline script (CSP)


def test_open_quality_flags_show_on_their_row(login, street_a_clerk, enterprise_a):
    entry = LedgerEntryFactory(enterprise=enterprise_a, year=2025, quarter=1, tax=500)
    LedgerFlag.objects.create(entry=entry, rule=QualityRule.TAX_ABOVE_REVENUE)
    LedgerFlag.objects.create(entry=entry, rule=QualityRule.NO_EMPLOYEES, confirmed=True)
    response = detail(login(street_a_clerk), enterprise_a)
    row = response.context["ledger"][0]
    assert [str(label) for label in row["flags"]] == [str(QualityRule.TAX_ABOVE_REVENUE.label)]
    assert response.context["flag_count"] == 1


def test_adding_a_note(login, street_a_clerk, enterprise_a):
    client = login(street_a_clerk)
    url = reverse("enterprises:note_add", args=[enterprise_a.pk])
    response = client.post(url, {"date": "2025-05-06", "text": "走访企业，了解融资需求"})
    assert response.status_code == 302
    note = EnterpriseNote.objects.get()
    assert (note.enterprise, note.date, note.author) == (
        enterprise_a,
        date(2025, 5, 6),
        street_a_clerk,
    )
    assert "走访企业，了解融资需求" in detail(client, enterprise_a).content.decode()
    assert AuditEvent.objects.filter(action="enterprise.note_add").count() == 1


def test_an_empty_note_is_refused(login, street_a_clerk, enterprise_a):
    url = reverse("enterprises:note_add", args=[enterprise_a.pk])
    response = login(street_a_clerk).post(url, {"date": "2025-05-06", "text": ""})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not EnterpriseNote.objects.exists()


def test_enterprise_user_cannot_add_notes(login, enterprise_user, enterprise_a):
    enterprise_a.uscc = enterprise_user.scope_uscc
    enterprise_a.save()
    client = login(enterprise_user)
    html = detail(client, enterprise_a).content.decode()
    assert reverse("enterprises:note_add", args=[enterprise_a.pk]) not in html
    url = reverse("enterprises:note_add", args=[enterprise_a.pk])
    assert client.post(url, {"date": "2025-05-06", "text": "x"}).status_code == 403
    assert not EnterpriseNote.objects.exists()


def test_manual_ledger_entry_replaces_a_quarter(login, street_a_clerk, enterprise_a):
    LedgerEntryFactory(enterprise=enterprise_a, year=2025, quarter=1, revenue=100)
    client = login(street_a_clerk)
    url = reverse("enterprises:ledger_edit", args=[enterprise_a.pk])
    form = client.get(url, {"year": 2025, "quarter": 1}).context["form"]
    assert form.initial["revenue"] == 100
    data = {"year": 2025, "quarter": 1, "revenue": "130.50", "tax": "3", "employees": "12"}
    assert client.post(url, data).status_code == 302
    entry = LedgerEntry.objects.get()
    assert (entry.revenue, entry.tax, entry.employees, entry.source) == (130.5, 3, 12, "manual")
    assert entry.profit is None  # a blank figure is saved as blank, not kept
    assert entry.updated_by == street_a_clerk
    assert AuditEvent.objects.filter(action="ledger.save", object_id=str(enterprise_a.pk))


@pytest.mark.parametrize(
    "bad", [{"quarter": 5}, {"year": 1800}, {"employees": -1}, {"revenue": "一百"}]
)
def test_manual_ledger_entry_refuses_bad_values(login, street_a_clerk, enterprise_a, bad):
    url = reverse("enterprises:ledger_edit", args=[enterprise_a.pk])
    response = login(street_a_clerk).post(url, {"year": 2025, "quarter": 1} | bad)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not LedgerEntry.objects.exists()


def test_history_lists_changes_newest_first_with_readable_labels(
    login, street_a_clerk, district_admin, phone_a
):
    services.enterprise_update(
        actor=district_admin,
        enterprise=phone_a,
        version=phone_a.version,
        name="北京商务科技集团有限公司",
        contact_phone="13800001111",
    )
    response = login(street_a_clerk).get(reverse("enterprises:history", args=[phone_a.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "北京商务科技集团有限公司" in html and "district_admin" in html
    assert str(phone_a._meta.get_field("name").verbose_name) in html
    # The phone's old and new values are masked for a street officer, in the history too.
    assert "138****1111" in html and "13800001111" not in html
    assert "13912345678" not in html
