import random

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Generate synthetic demo data for every module (settings.DEMO_SEEDERS)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["small", "district"], default="small")
        parser.add_argument("--seed", type=int, default=20261126)

    def handle(self, *args, scale, seed, **options):
        from apps.enterprises import hooks

        rng = random.Random(seed)
        # The seeders change enterprises one by one (member status, filings); their
        # listeners (the insights summary) hear of it once, at the end, not hundreds of
        # times — which kept the worker writing for minutes after `make run`.
        with hooks.held():
            for path in settings.DEMO_SEEDERS:
                with transaction.atomic():
                    counts = import_string(path)(scale=scale, rng=rng)
                summary = ", ".join(f"{k}={v}" for k, v in counts.items())
                self.stdout.write(f"{path}: {summary}")
