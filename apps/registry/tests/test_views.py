"""Street, chamber and dictionary screens: what each persona sees and can change.

Which rows each persona may see is covered by test_scope_matrix.py; here it is
the screens themselves: they render, they save, they refuse, they lock.
"""

import io

import openpyxl
import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent, ExportRecord
from apps.core.testing import FORBIDDEN, OK
from apps.registry.models import Chamber, DictionaryItem
from apps.registry.tests.factories import ChamberFactory, DictionaryItemFactory

pytestmark = pytest.mark.django_db


def chamber_data(chamber: Chamber, **overrides) -> dict:
    data = {
        "name": chamber.name,
        "kind": chamber.kind,
        "street": chamber.street_id or "",
        "founded": chamber.founded.isoformat() if chamber.founded else "",
        "active": "on" if chamber.active else "",
        "version": chamber.version,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


# --- streets ---------------------------------------------------------------------


def test_street_list_and_detail(login, street_a_clerk, street_a, chamber_a):
    client = login(street_a_clerk)
    listing = client.get(reverse("registry:street_list"))
    assert listing.status_code == OK
    html = listing.content.decode()
    assert "110105001000" in html and "建外街道办事处" in html
    assert reverse("registry:street_detail", args=[street_a.pk]) in html
    assert "?export=xlsx" in html

    detail = client.get(reverse("registry:street_detail", args=[street_a.pk]))
    assert detail.status_code == OK
    assert "建外商会" in detail.content.decode()
    assert reverse("registry:chamber_detail", args=[chamber_a.pk]) in detail.content.decode()


def test_street_export_is_a_workbook(login, district_admin, street_a, street_b):
    response = login(district_admin).get(reverse("registry:street_list"), {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        "110105001000",
        "110105002000",
    ]
    assert ExportRecord.objects.get().row_count == 2


# --- chambers --------------------------------------------------------------------


def test_chamber_list_and_detail_for_a_clerk(login, street_a_clerk, chamber_a):
    client = login(street_a_clerk)
    listing = client.get(reverse("registry:chamber_list"))
    assert listing.status_code == OK
    html = listing.content.decode()
    assert "建外商会" in html
    # The clerk may only read: no "new" button, no edit button.
    assert reverse("registry:chamber_create") not in html
    detail = client.get(reverse("registry:chamber_detail", args=[chamber_a.pk]))
    assert detail.status_code == OK
    assert reverse("registry:chamber_update", args=[chamber_a.pk]) not in detail.content.decode()
    assert client.get(reverse("registry:chamber_create")).status_code == FORBIDDEN


def test_chamber_filter_form_is_wired_for_htmx(login, district_admin, chamber_a, chamber_b):
    client = login(district_admin)
    html = client.get(reverse("registry:chamber_list")).content.decode()
    assert 'hx-get="/' in html and 'hx-target="#chamber-results"' in html
    assert 'hx-push-url="true"' in html
    partial = client.get(
        reverse("registry:chamber_list"), {"street": chamber_b.street_id}, HTTP_HX_REQUEST="true"
    )
    body = partial.content.decode()
    assert "<html" not in body and 'id="chamber-results"' in body
    assert "朝外商会" in body and "建外商会" not in body


def test_admin_creates_a_chamber(login, district_admin, street_a):
    client = login(district_admin)
    form_page = client.get(reverse("registry:chamber_create"))
    assert form_page.status_code == OK
    response = client.post(
        reverse("registry:chamber_create"),
        {
            "name": "建外餐饮商会",
            "kind": Chamber.Kind.INDUSTRY,
            "street": street_a.pk,
            "active": "on",
        },
    )
    chamber = Chamber.objects.get(name="建外餐饮商会")
    assert response["Location"] == reverse("registry:chamber_detail", args=[chamber.pk])
    assert chamber.street == street_a and chamber.version == 1
    assert AuditEvent.objects.filter(action="chamber.create", object_id=str(chamber.pk)).exists()


def test_admin_edits_a_chamber_and_the_version_is_in_the_form(login, district_admin, chamber_a):
    client = login(district_admin)
    url = reverse("registry:chamber_update", args=[chamber_a.pk])
    html = client.get(url).content.decode()
    assert 'type="hidden" name="version"' in html and 'value="1"' in html
    response = client.post(url, chamber_data(chamber_a, name="建外街道商会"))
    assert response.status_code == 302
    chamber_a.refresh_from_db()
    assert (chamber_a.name, chamber_a.version) == ("建外街道商会", 2)
    event = AuditEvent.objects.get(action="chamber.update")
    assert event.changes["name"] == ["建外商会", "建外街道商会"]


def test_second_editor_of_the_same_version_gets_a_conflict(login, district_admin, chamber_a):
    first, second = login(district_admin), login(district_admin)
    url = reverse("registry:chamber_update", args=[chamber_a.pk])
    # Both open the form at version 1.
    assert first.get(url).context["form"]["version"].value() == 1
    assert second.get(url).context["form"]["version"].value() == 1

    assert first.post(url, chamber_data(chamber_a, name="第一次修改")).status_code == 302
    response = second.post(url, chamber_data(chamber_a, name="第二次修改"))

    assert response.status_code == OK
    assert "此记录已被他人修改并保存" in response.content.decode()
    chamber_a.refresh_from_db()
    assert (chamber_a.name, chamber_a.version) == ("第一次修改", 2)
    assert AuditEvent.objects.filter(action="chamber.update").count() == 1


def test_a_form_without_its_version_does_not_overwrite(login, district_admin, chamber_a):
    url = reverse("registry:chamber_update", args=[chamber_a.pk])
    data = chamber_data(chamber_a, name="无版本")
    del data["version"]
    response = login(district_admin).post(url, data)
    assert response.status_code == OK
    chamber_a.refresh_from_db()
    assert chamber_a.name == "建外商会"


def test_chamber_export_holds_only_the_clerks_street(login, street_a_clerk, chamber_a, chamber_b):
    ChamberFactory(name="建外第二商会", street=chamber_a.street, active=False)
    response = login(street_a_clerk).get(reverse("registry:chamber_list"), {"export": "xlsx"})
    assert response.status_code == OK
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sorted((r[0], r[2]) for r in rows) == [("建外商会", "建外"), ("建外第二商会", "建外")]
    record = ExportRecord.objects.get()
    assert (record.actor_username, record.row_count) == ("street_a_clerk", 2)


def test_leader_cannot_open_chamber_or_street_lists(login, leader, chamber_a):
    client = login(leader)
    assert client.get(reverse("registry:chamber_list")).status_code == FORBIDDEN
    assert client.get(reverse("registry:street_list")).status_code == FORBIDDEN
    assert client.get(reverse("registry:chamber_list"), {"export": "xlsx"}).status_code == FORBIDDEN


# --- dictionaries -----------------------------------------------------------------


def test_dictionary_list_filters_by_kind(login, district_admin):
    DictionaryItemFactory(kind=DictionaryItem.Kind.ENTERPRISE_TAG, code="hi-tech", label="高新技术")
    DictionaryItemFactory(kind=DictionaryItem.Kind.ETHNICITY, code="01", label="汉族")
    client = login(district_admin)
    everything = client.get(reverse("registry:dictionary_list")).content.decode()
    assert "高新技术" in everything and "汉族" in everything
    tags = client.get(reverse("registry:dictionary_list"), {"kind": "ethnicity"})
    assert [i.label for i in tags.context["items"]] == ["汉族"]
    assert reverse("registry:dictionary_create") in tags.content.decode()


def test_admin_adds_and_edits_a_dictionary_item(login, district_admin):
    client = login(district_admin)
    form = client.get(reverse("registry:dictionary_create"), {"kind": "member_post"})
    assert form.context["form"]["kind"].value() == "member_post"
    response = client.post(
        reverse("registry:dictionary_create"),
        {"kind": "member_post", "code": "chair", "label": "会长", "order": 1, "active": "on"},
    )
    assert response["Location"].endswith("?kind=member_post")
    item = DictionaryItem.objects.get(code="chair")

    client.post(
        reverse("registry:dictionary_update", args=[item.pk]),
        {"kind": "member_post", "code": "chair", "label": "执行会长", "order": 1},
    )
    item.refresh_from_db()
    assert (item.label, item.active) == ("执行会长", False)
    update = AuditEvent.objects.filter(action="dictionary.save", object_id=str(item.pk)).first()
    assert update.changes == {"label": ["会长", "执行会长"], "active": [True, False]}


def test_duplicate_dictionary_code_is_refused(login, district_admin):
    DictionaryItemFactory(kind=DictionaryItem.Kind.ENTERPRISE_TAG, code="hi-tech", label="高新技术")
    response = login(district_admin).post(
        reverse("registry:dictionary_create"),
        {"kind": "enterprise_tag", "code": "hi-tech", "label": "另一个", "order": 0},
    )
    assert response.status_code == OK
    assert response.context["form"].non_field_errors()
    assert 'class="alert alert-danger"' in response.content.decode()
    assert DictionaryItem.objects.count() == 1


def test_dictionary_screens_are_forbidden_without_permission(login, street_a_clerk, leader):
    item = DictionaryItemFactory()
    for user in (street_a_clerk, leader):
        client = login(user)
        assert client.get(reverse("registry:dictionary_list")).status_code == FORBIDDEN
        assert client.get(reverse("registry:dictionary_create")).status_code == FORBIDDEN
        response = client.post(
            reverse("registry:dictionary_update", args=[item.pk]),
            {"kind": item.kind, "code": item.code, "label": "改了", "order": 0},
        )
        assert response.status_code == FORBIDDEN
    item.refresh_from_db()
    assert item.label != "改了"


def test_creating_a_dictionary_item_needs_the_add_permission(login, builtin_roles):
    from django.contrib.auth.models import Group, Permission

    from apps.accounts.tests.factories import UserFactory

    editor = UserFactory(username="dict_editor")
    group = Group.objects.create(name="字典维护")
    group.permissions.set(
        Permission.objects.filter(codename__in=["view_dictionaryitem", "change_dictionaryitem"])
    )
    editor.groups.add(group)
    client = login(editor)
    assert client.get(reverse("registry:dictionary_create")).status_code == FORBIDDEN
    response = client.post(
        reverse("registry:dictionary_create"),
        {"kind": "enterprise_tag", "code": "x", "label": "不该有", "order": 0},
    )
    assert response.status_code == FORBIDDEN
    assert not DictionaryItem.objects.exists()
