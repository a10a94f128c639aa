"""Uploads nobody finished are deleted after a day, whatever kind of import they were for;
finished and recent ones are left alone (SECURITY.md 30)."""

import os
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.enterprises.imports import files
from apps.enterprises.imports.sweep import sweep_uploads
from apps.enterprises.models import ImportJob, ImportKind, ImportStatus
from apps.members.models import ImportStatus as MemberImportStatus
from apps.members.models import MemberImport
from apps.people.models import ImportStatus as PersonImportStatus
from apps.people.models import PersonImport

pytestmark = pytest.mark.django_db
DAY = 24 * 3600


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(name: str, *, age: float = 0) -> str:
    path = files.imports_dir() / name
    path.write_bytes(b"PK\x03\x04 the uploaded file")
    if age:
        then = time.time() - age
        os.utime(path, (then, then))
    return str(path)


def backdate(model, job, hours: float) -> None:
    model.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=hours))


def make_job(model, user, status, path):
    extra = {"kind": ImportKind.LEDGER} if model is ImportJob else {}
    return model.objects.create(
        status=status,
        original_name="导入.xlsx",
        stored_path=path,
        size=10,
        digest="x",
        created_by=user,
        **extra,
    )


def test_stale_unfinished_jobs_of_every_kind_lose_their_files(district_admin):
    left = make_job(
        ImportJob, district_admin, ImportStatus.VALIDATED, upload("a.xlsx", age=2 * DAY)
    )
    files.imports_dir().joinpath("a.xlsx.errors.csv").write_text("1,列,值,原因")
    stuck = make_job(ImportJob, district_admin, ImportStatus.APPLYING, upload("b.csv", age=2 * DAY))
    member = make_job(
        MemberImport, district_admin, MemberImportStatus.INVALID, upload("c.xlsx", age=2 * DAY)
    )
    person = make_job(
        PersonImport, district_admin, PersonImportStatus.VALIDATED, upload("d.xlsx", age=2 * DAY)
    )
    for model, job in (
        (ImportJob, left),
        (ImportJob, stuck),
        (MemberImport, member),
        (PersonImport, person),
    ):
        backdate(model, job, 25)
    recent = make_job(ImportJob, district_admin, ImportStatus.VALIDATED, upload("e.xlsx"))
    done = make_job(ImportJob, district_admin, ImportStatus.APPLIED, upload("f.xlsx", age=2 * DAY))
    backdate(ImportJob, done, 48)

    counts = sweep_uploads()

    assert counts["jobs_given_up"] == 4
    left.refresh_from_db()
    assert left.status == ImportStatus.FAILED and "一天" in left.message and left.finished_at
    assert ImportJob.objects.get(pk=stuck.pk).status == ImportStatus.FAILED
    assert MemberImport.objects.get(pk=member.pk).status == MemberImportStatus.ABANDONED
    assert PersonImport.objects.get(pk=person.pk).status == PersonImportStatus.ABANDONED
    remaining = sorted(p.name for p in files.imports_dir().iterdir())
    # The recent job keeps its file; the finished job's leftover file is an orphan: gone.
    assert remaining == ["e.xlsx"] and counts["orphaned_files"] == 1
    assert ImportJob.objects.get(pk=recent.pk).status == ImportStatus.VALIDATED
    event = AuditEvent.objects.get(action="imports.swept")
    assert event.changes == {"jobs_given_up": 4, "files_deleted": 1}


def test_a_young_orphan_file_is_left_for_its_job_to_appear(district_admin):
    upload("being-recorded.xlsx")  # stored a moment ago; its job row is not written yet
    upload("crashed.xlsx", age=2 * DAY)
    assert sweep_uploads() == {"jobs_given_up": 0, "orphaned_files": 1}
    assert [p.name for p in files.imports_dir().iterdir()] == ["being-recorded.xlsx"]
    assert sweep_uploads() == {"jobs_given_up": 0, "orphaned_files": 0}
    assert AuditEvent.objects.filter(action="imports.swept").count() == 1
