from django.conf import settings
from django_tasks import task

from . import services


@task()
def prune_audit_events() -> int:
    return services.audit_prune(days=settings.AUDIT_RETENTION_DAYS)
