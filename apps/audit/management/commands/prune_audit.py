from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.audit.services import RetentionTooShort, audit_prune


class Command(BaseCommand):
    help = "Delete audit records older than the retention period (never less than 180 days)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.AUDIT_RETENTION_DAYS)

    def handle(self, *args, days, **options):
        try:
            deleted = audit_prune(days=days)
        except RetentionTooShort as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"deleted {deleted} audit records older than {days} days")
