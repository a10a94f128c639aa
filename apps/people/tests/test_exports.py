"""Unmasked export: request → a second person's approval → one download by the requester,
with the exporter's name and time in the file and its SM3 digest in the export log."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.audit.models import AuditEvent, ExportRecord
from apps.core import crypto
from apps.core.models import Notification
from apps.people import services
from apps.people.models import ExportStatus, Person, PersonExport, plain

from .factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return [PersonFactory(name=f"导出{n}", name_initials=f"dc{n}") for n in range(3)]


def ask(client, query=None, reason="换届推荐材料报送"):
    url = reverse("people:export_request")
    if query:
        url += "?" + query
    return client.post(url, {"reason": reason})


def test_the_whole_flow(login, district_admin, approver, people):
    requester = login(district_admin)
    response = ask(requester, "q=导出1")
    export = PersonExport.objects.get()
    assert response.status_code == 302
    assert (export.status, export.row_count, export.filters) == ("pending", 1, {"q": "导出1"})
    # Nothing to download yet.
    assert requester.get(reverse("people:export_download", args=[export.pk])).status_code == 302
    assert not ExportRecord.objects.exists()
    # The requester cannot approve their own request.
    requester.post(reverse("people:export_decide", args=[export.pk]), {"decision": "approve"})
    export.refresh_from_db()
    assert export.status == ExportStatus.PENDING
    # Someone else with the permission approves; the requester is told.
    checker = login(approver)
    assert (
        "导出1" in checker.get(reverse("people:export_detail", args=[export.pk])).content.decode()
    )
    checker.post(
        reverse("people:export_decide", args=[export.pk]), {"decision": "approve", "note": "同意"}
    )
    export.refresh_from_db()
    assert (export.status, export.decided_by) == (ExportStatus.APPROVED, approver)
    assert Notification.objects.filter(user=district_admin, kind="people.export_decided").exists()
    # The approver cannot download it.
    assert checker.get(reverse("people:export_download", args=[export.pk])).status_code == 403
    # The requester downloads it, once.
    response = requester.get(reverse("people:export_download", args=[export.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
    text = "\n".join(cells)
    person = Person.objects.get(name="导出1")
    assert plain(person.id_number) in cells and plain(person.mobile) in cells
    assert "导出0" not in text  # the filter of the request
    assert district_admin.get_username() in text and approver.get_username() in text
    assert district_admin.get_username() in sheet.oddHeader.center.text
    record = ExportRecord.objects.get()
    assert record.personal_data and record.row_count == 1
    assert record.digest == crypto.provider().digest(response.content)
    export.refresh_from_db()
    assert export.status == ExportStatus.DOWNLOADED and export.digest == record.digest
    again = requester.get(reverse("people:export_download", args=[export.pk]))
    assert again.status_code == 302
    assert ExportRecord.objects.count() == 1


def test_a_rejection_needs_a_reason_and_ends_the_request(login, district_admin, approver, people):
    ask(login(district_admin))
    export = PersonExport.objects.get()
    checker = login(approver)
    checker.post(reverse("people:export_decide", args=[export.pk]), {"decision": "reject"})
    export.refresh_from_db()
    assert export.status == ExportStatus.PENDING
    checker.post(
        reverse("people:export_decide", args=[export.pk]),
        {"decision": "reject", "note": "用途不明确"},
    )
    export.refresh_from_db()
    assert export.status == ExportStatus.REJECTED
    response = login(district_admin).get(reverse("people:export_download", args=[export.pk]))
    assert response.status_code == 302
    assert not ExportRecord.objects.exists()


def test_an_approval_expires(login, district_admin, approver, people, settings):
    export = services.export_request_create(
        actor=district_admin, filters={}, filter_text="", row_count=3, reason="工作需要"
    )
    services.export_request_decide(actor=approver, export=export, approve=True)
    PersonExport.objects.filter(pk=export.pk).update(
        decided_at=timezone.now() - timedelta(hours=settings.PEOPLE_EXPORT_APPROVAL_HOURS + 1)
    )
    response = login(district_admin).get(reverse("people:export_download", args=[export.pk]))
    assert response.status_code == 302
    assert not ExportRecord.objects.exists()


def test_without_the_grade_or_permission_no_request(login, people_reader, people):
    assert ask(login(people_reader)).status_code == 403
    assert not PersonExport.objects.exists()


def test_a_request_filtered_by_an_id_number_is_refused(login, district_admin, people):
    number = plain(people[0].id_number)
    response = ask(login(district_admin), f"q={number}")
    assert response.status_code == 200
    assert not PersonExport.objects.exists()
    assert not AuditEvent.objects.filter(message__contains=number).exists()


def test_an_approver_without_the_permission_cannot_decide(login, district_admin, people_reader):
    export = services.export_request_create(
        actor=district_admin, filters={}, filter_text="", row_count=0, reason="工作需要"
    )
    response = login(people_reader).post(
        reverse("people:export_decide", args=[export.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    export.refresh_from_db()
    assert export.status == ExportStatus.PENDING


def test_workbench_tells_approvers(district_admin, approver):
    from apps.people.todos import people_todos

    PersonFactory()
    services.export_request_create(
        actor=district_admin, filters={}, filter_text="", row_count=1, reason="工作需要"
    )
    counts = {t.url: t.count for t in people_todos(approver)}
    assert counts[reverse("people:export_list")] == 1
    counts = {t.url: t.count for t in people_todos(district_admin)}
    assert counts[reverse("people:export_list")] == 0
