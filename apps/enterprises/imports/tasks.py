"""Background work of imports (django-tasks): validation and apply of large files, and
the size-class refresh that follows every applied import (sizes.refresh_after_commit)."""

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
    """Recompute the size classes of the enterprises in these [first, last] id ranges.

    Safe to run twice or late: it reads the ledger as it is now and writes only
    classes that differ. Returns how many changed.
    """
    return sizes.refresh(sizes.unpack(id_ranges))
