"""The auditor's read-only screens: the event list, its Excel export, access logs."""

import io
import re

import openpyxl
import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.audit.models import AuditEvent, ExportRecord, Result
from apps.audit.services import audit_record, export_log, personal_data_read_log
from apps.core.testing import FORBIDDEN, OK

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/x","点我")'


@pytest.fixture
def events(district_admin, street_a_clerk):
    audit_record(
        action="user.create",
        actor=district_admin,
        object_repr="张三",
        changes={"kind": [None, "staff"]},
    )
    audit_record(action="user.password_reset", actor=district_admin, object_repr="李四")
    audit_record(action="login_failed", username="street_a_clerk", result=Result.FAILURE)
    audit_record(
        action="chamber.update",
        actor=street_a_clerk,
        object_repr=FORMULA,
        object_type="registry.chamber",
        object_id="7",
    )


def rows_of(response):
    return [(e.action, e.actor_username) for e in response.context["page_obj"]]


def test_auditor_sees_the_events(login, auditor, events):
    response = login(auditor).get(reverse("audit:event_list"))
    assert response.status_code == OK
    html = response.content.decode()
    assert "user.password_reset" in html and "login_failed" in html
    assert {a for a, _u in rows_of(response)} >= {"user.create", "login_failed", "chamber.update"}
    # The formula text is shown escaped, as plain text.
    assert "=HYPERLINK(&quot;http://evil.example/x&quot;" in html


def test_auditor_filters_by_action_and_username(login, auditor, events):
    client = login(auditor)
    by_action = client.get(reverse("audit:event_list"), {"action": "user."})
    assert sorted(rows_of(by_action)) == [
        ("user.create", "district_admin"),
        ("user.password_reset", "district_admin"),
    ]
    by_user = client.get(reverse("audit:event_list"), {"actor": "street_a"})
    assert sorted(rows_of(by_user)) == [
        ("chamber.update", "street_a_clerk"),
        ("login_failed", "street_a_clerk"),
    ]
    by_result = client.get(reverse("audit:event_list"), {"result": Result.FAILURE})
    assert rows_of(by_result) == [("login_failed", "street_a_clerk")]


def test_a_filter_that_does_not_validate_shows_no_events(login, auditor, events):
    response = login(auditor).get(reverse("audit:event_list"), {"start": "2026-13-45"})
    assert response.status_code == OK
    assert list(response.context["page_obj"]) == []
    assert "is-invalid" in response.content.decode()


def test_export_link_keeps_the_filter_and_needs_the_export_permission(
    login, auditor, events, builtin_roles
):
    from apps.accounts import roles
    from apps.accounts.tests.factories import UserFactory

    page = login(auditor).get(reverse("audit:event_list"), {"action": "user.", "page": "1"})
    html = page.content.decode()
    assert "?action=user.&amp;export=xlsx" in html

    reader = UserFactory(username="reader")
    reader.groups.add(builtin_roles[roles.AUDITOR].group)
    reader.groups.first().permissions.remove(
        *reader.groups.first().permissions.filter(codename="export_auditevent")
    )
    reader = type(reader).objects.get(pk=reader.pk)
    client = login(reader)
    assert "export=xlsx" not in client.get(reverse("audit:event_list")).content.decode()
    assert client.get(reverse("audit:event_list"), {"export": "xlsx"}).status_code == FORBIDDEN
    assert not ExportRecord.objects.exists()


def test_export_is_a_real_workbook_and_is_logged(login, auditor, events):
    client = login(auditor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # headers in the source language
    response = client.get(reverse("audit:event_list"), {"action": "user.", "export": "xlsx"})
    assert response.status_code == OK
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Time", "Username", "IP address", "Action")
    assert sorted((r[3], r[1], r[6]) for r in rows[1:]) == [
        ("user.create", "district_admin", "张三"),
        ("user.password_reset", "district_admin", "李四"),
    ]

    record = ExportRecord.objects.get()
    assert record.actor_username == "auditor"
    assert record.name == "audit.events"
    assert record.row_count == 2
    assert record.filters == {"action": "user."}
    assert re.fullmatch(r"[0-9a-f]{64}", record.digest)
    # The logged event of the export itself is not in this file, but the digest is of it.
    from apps.core import crypto

    assert record.digest == crypto.provider().digest(response.content)


def test_export_neutralises_formulas(login, auditor, events):
    response = login(auditor).get(
        reverse("audit:event_list"), {"action": "chamber.", "export": "xlsx"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cell = sheet.cell(row=2, column=7)  # "Object"
    assert cell.value == "'" + FORMULA
    assert cell.data_type != "f"
    for row in sheet.iter_rows(min_row=2):
        assert all(c.data_type != "f" for c in row)


@pytest.mark.parametrize("persona", ["district_admin", "street_a_clerk", "leader"])
def test_audit_screens_are_forbidden_without_audit_permission(request, login, persona, events):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("audit:event_list")).status_code == FORBIDDEN
    assert client.get(reverse("audit:event_list"), {"export": "xlsx"}).status_code == FORBIDDEN
    assert client.get(reverse("audit:access_logs")).status_code == FORBIDDEN
    assert not ExportRecord.objects.exists()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("audit:event_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_events_cannot_be_changed_through_the_web(login, auditor, events):
    client = login(auditor)
    before = list(AuditEvent.objects.values_list("pk", "action", "object_repr"))
    for url in (reverse("audit:event_list"), reverse("audit:access_logs")):
        assert client.post(url, {"action": "x"}).status_code == 405
        assert client.delete(url).status_code == 405
    assert list(AuditEvent.objects.values_list("pk", "action", "object_repr")) == before
    # No audit URL takes an event id: nothing addresses a single event to edit or delete it.
    resolver = next(
        r
        for r in get_resolver().url_patterns
        if isinstance(r, URLResolver) and r.namespace == "audit"
    )
    patterns = [p for p in resolver.url_patterns if isinstance(p, URLPattern)]
    assert {p.name for p in patterns} == {"event_list", "access_logs"}
    assert all(not p.pattern.converters for p in patterns)


def test_access_logs_list_reads_and_exports(login, auditor, district_admin, street_a):
    personal_data_read_log(
        actor=district_admin, obj=street_a, fields=["phone"], reason="核实会员信息"
    )
    export_log(
        actor=district_admin,
        name="Chambers",
        filters={"street": "1"},
        row_count=12,
        digest="a" * 64,
    )
    response = login(auditor).get(reverse("audit:access_logs"))
    assert response.status_code == OK
    html = response.content.decode()
    assert "核实会员信息" in html and "phone" in html
    assert "Chambers" in html and ">12<" in html
