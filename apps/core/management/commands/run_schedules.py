import time

from django.core.management.base import BaseCommand

from apps.core.schedules import all_schedules, run_due


class Command(BaseCommand):
    help = "Enqueue recurring tasks when they are due (runs until stopped)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between checks")
        parser.add_argument("--once", action="store_true", help="check once and exit")

    def handle(self, *args, interval, once, **options):
        names = ", ".join(s.name for s in all_schedules())
        self.stdout.write(f"schedules: {names}")
        while True:
            for name in run_due():
                self.stdout.write(f"enqueued {name}")
            if once:
                return
            time.sleep(interval)
