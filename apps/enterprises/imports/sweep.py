"""Uploads nobody finished are deleted after a day (SECURITY.md 30: temporary import files
are removed; a people import holds ID numbers in the clear).

An import's file stays while its job waits for the user: errors to download, a preview to
confirm. A user who walks away, or a worker killed mid-run, used to leave it for ever.
Every model with an uploaded file says which of its statuses are unfinished and which one
means given up (`UNFINISHED_STATUSES`, `GIVEN_UP_STATUS`); jobs unfinished after
`IMPORT_STALE_HOURS` are given up and their files deleted. Files in the upload folder older
than that which no unfinished job holds (a crash between storing and recording) go too.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_record

from . import files

logger = logging.getLogger(__name__)


def stale_after() -> timedelta:
    return timedelta(hours=settings.IMPORT_STALE_HOURS)


def upload_models() -> list:
    return [model for model in apps.get_models() if hasattr(model, "UNFINISHED_STATUSES")]


def sweep_uploads(now=None) -> dict[str, int]:
    """Give up stale jobs, delete their files and orphaned ones; returns the counts."""
    now = now or timezone.now()
    cutoff = now - stale_after()
    given_up = 0
    kept: set[str] = set()
    for model in upload_models():
        unfinished = model.objects.filter(status__in=model.UNFINISHED_STATUSES)
        for job in unfinished.filter(created_at__lt=cutoff).order_by("pk"):
            with transaction.atomic():
                fields = {"status": model.GIVEN_UP_STATUS, "finished_at": now}
                if any(f.name == "message" for f in model._meta.fields):
                    fields["message"] = _(
                        "This import did not finish within a day; its file was deleted."
                    )
                changed = model.objects.filter(
                    pk=job.pk, status__in=model.UNFINISHED_STATUSES
                ).update(**fields)
            if changed:
                _remove_files(job.stored_path)
                given_up += 1
        kept.update(unfinished.values_list("stored_path", flat=True))
    orphans = 0
    for path in files.imports_dir().iterdir():
        owner = str(path).removesuffix(".errors.csv")
        if owner in kept or not path.is_file():
            continue
        if datetime.fromtimestamp(path.stat().st_mtime, tz=UTC) < cutoff:
            path.unlink(missing_ok=True)
            orphans += 1
    if given_up or orphans:
        audit_record(
            action="imports.swept",
            changes={"jobs_given_up": given_up, "files_deleted": orphans},
            message="stale uploads removed",
        )
        logger.info("import uploads swept: %s jobs given up, %s orphaned files", given_up, orphans)
    return {"jobs_given_up": given_up, "orphaned_files": orphans}


def _remove_files(stored_path: str) -> None:
    files.remove(stored_path)
    files.remove(f"{stored_path}.errors.csv")
