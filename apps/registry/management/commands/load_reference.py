from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from apps.registry.loaders import ReferenceDataError, load_all


class Command(BaseCommand):
    help = (
        "Load or update the reference data: streets, GB/T 4754-2017 industries, "
        "size thresholds and default dictionary items. Safe to run again."
    )

    def handle(self, *args, **options):
        try:
            counts = load_all()
        except ReferenceDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Reference data loaded: %(streets)d streets, %(industries)d industries, "
                    "%(size_thresholds)d size thresholds, %(dictionaries)d dictionary items."
                )
                % counts
            )
        )
