"""ImportJob lifecycle: upload → validate → (invalid | validated) → apply → applied.

Small files are validated and applied inside the request; files above
settings.IMPORT_BACKGROUND_ROWS go to the background task, which updates
processed_rows for the progress bar. The uploaded file and its error spool are
removed once the job is applied or abandoned.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.exports import build_xlsx

from ..models import ImportJob, ImportStatus
from . import files, pipeline
from .readers import count_rows, open_table
from .report import XLSX_MAX_ROWS, ErrorSink, read_spool
from .spec import LAYOUTS

ACTIVE = (ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.APPLYING)


def spool_path(job: ImportJob) -> Path:
    return Path(f"{job.stored_path}.errors.csv")


def is_large(job: ImportJob) -> bool:
    return job.total_rows > settings.IMPORT_BACKGROUND_ROWS


def job_start(*, actor, kind: str, upload) -> ImportJob:
    """Store the upload under a random name and create its job (ValidationError if refused)."""
    suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
    try:
        path, size, digest = files.store_upload(upload.chunks(), suffix=suffix)
    except files.UnsafeFile as error:
        raise ValidationError(str(error)) from None
    try:
        file_kind = files.sniff(path)
    except files.UnsafeFile as error:
        files.remove(path)
        raise ValidationError(str(error)) from None
    job = ImportJob.objects.create(
        kind=kind,
        original_name=Path(upload.name).name[:255],
        stored_path=str(path),
        size=size,
        digest=digest,
        total_rows=count_rows(path, file_kind),
        created_by=actor,
    )
    if is_large(job):
        from .tasks import import_validate

        import_validate.enqueue(job.pk)
    else:
        job_validate(job)
    return job


def _progress(job: ImportJob):
    def update(count: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=count)

    return update


def job_validate(job: ImportJob) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATING, processed_rows=0)
    sink = ErrorSink(spool_path(job))
    outcome = pipeline.run(
        kind=job.kind,
        path=Path(job.stored_path),
        user=job.created_by,
        sink=sink,
        apply=False,
        progress=_progress(job),
        name=job.original_name,
        digest=job.digest,
    )
    _record(job, outcome)
    job.status = ImportStatus.VALIDATED if outcome.ok else ImportStatus.INVALID
    job.save(update_fields=["status"])
    return job


def _record(job: ImportJob, outcome: pipeline.Outcome) -> None:
    job.processed_rows = outcome.rows
    job.total_rows = max(outcome.rows, 0)
    job.error_count = outcome.error_count
    job.errors = [e.as_dict() for e in outcome.first_errors]
    job.new_count, job.changed_count = outcome.new, outcome.changed
    job.unchanged_count = outcome.unchanged
    job.save(
        update_fields=[
            "processed_rows",
            "total_rows",
            "error_count",
            "errors",
            "new_count",
            "changed_count",
            "unchanged_count",
        ]
    )


def job_confirm(*, actor, job: ImportJob) -> ImportJob:
    """The user confirmed the preview: apply now, or in the background for large files."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALIDATED).update(
        status=ImportStatus.APPLYING, processed_rows=0
    )
    if not claimed:
        raise ValidationError(_("This import is not ready to be applied."))
    job.refresh_from_db()
    if is_large(job):
        from .tasks import import_apply

        import_apply.enqueue(job.pk)
        return job
    return job_apply(job)


def job_apply(job: ImportJob) -> ImportJob:
    """Validate again (data may have changed since the preview) and apply all or nothing."""
    sink = ErrorSink(spool_path(job))
    try:
        outcome = pipeline.run(
            kind=job.kind,
            path=Path(job.stored_path),
            user=job.created_by,
            sink=sink,
            apply=True,
            progress=_progress(job),
            name=job.original_name,
            digest=job.digest,
            job=job,
        )
    except Exception:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            message=_(
                "The import failed; nothing was written. Try again or ask the administrator."
            ),
            finished_at=timezone.now(),
        )
        raise
    _record(job, outcome)
    if outcome.applied:
        job.status = ImportStatus.APPLIED
        job.finished_at = timezone.now()
        _cleanup(job)
    else:
        job.status = ImportStatus.INVALID
    job.save(update_fields=["status", "finished_at"])
    return job


@transaction.atomic
def job_abandon(*, job: ImportJob) -> None:
    if job.status in (ImportStatus.APPLIED, ImportStatus.APPLYING):
        return
    job.status = ImportStatus.FAILED
    job.message = _("Cancelled by the user; the file was deleted.")
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "finished_at"])
    _cleanup(job)


def _cleanup(job: ImportJob) -> None:
    files.remove(job.stored_path)
    files.remove(spool_path(job))


def errors_xlsx(job: ImportJob) -> bytes:
    """The rows with errors as the user wrote them, plus a column saying what is wrong."""
    by_row: dict[int, list[str]] = {}
    file_level: list[str] = []
    for error in read_spool(spool_path(job)):
        if error.row == 0:
            file_level.append(error.reason)
            continue
        if error.row not in by_row and len(by_row) >= XLSX_MAX_ROWS:
            continue
        by_row.setdefault(error.row, []).append(
            f"{error.column}：{error.reason}" if error.column else error.reason
        )
    columns = LAYOUTS[job.kind]
    row_header, error_header = _("Row in your file"), _("What is wrong")
    path = Path(job.stored_path)
    if file_level or not path.exists():
        rows = [["", reason] for reason in file_level]
        return build_xlsx([row_header, error_header], rows, _("Rows with errors"))[0]
    table = open_table(path, files.sniff(path), columns)
    keys = sorted(table.header.positions, key=table.header.positions.get)
    headers = [row_header, *(table.header.headers[k] for k in keys), error_header]

    def rows():
        for number, row in table.rows:
            if number in by_row:
                cells = [
                    row[table.header.positions[k]] if table.header.positions[k] < len(row) else None
                    for k in keys
                ]
                yield [number, *(files_cell(c) for c in cells), "；".join(by_row[number])]

    return build_xlsx(headers, rows(), _("Rows with errors"))[0]


def files_cell(value):
    """Cells go out as text (build_xlsx neutralises formula-like text)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
