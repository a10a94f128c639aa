"""Background work of imports (django-tasks): validation and apply of large files, and
the size-class refresh and data-quality check that follow every applied import
(sizes.refresh_after_commit)."""

from django_tasks import task

from ..models import ImportJob, ImportStatus
from . import jobs, sizes


@task()
def import_validate(job_id: int) -> str:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status not in (ImportStatus.UPLOADED, ImportStatus.VALIDATING):
        return job.status
    return jobs.job_validate(job).status


@task()
def import_apply(job_id: int) -> str:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportStatus.APPLYING:
        return job.status
    return jobs.job_apply(job).status


@task()
def size_class_refresh(id_ranges: list[list[int]]) -> int:
    """Recompute the size classes of the enterprises in these [first, last] id ranges,
    then run the data-quality rules over their ledger, so an imported row that breaks a
    rule is flagged minutes after the import rather than by the nightly check.

    Safe to run twice or late: it reads the ledger as it is now, writes only classes
    that differ and flags each row once per rule. Returns how many classes changed.
    """
    from ..quality import quality_check_enterprises

    ids = sizes.unpack(id_ranges)
    changed = sizes.refresh(ids)
    quality_check_enterprises(ids)
    return changed
