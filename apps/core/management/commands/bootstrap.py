import io

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Prepare the database: migrate, load reference data, create built-in roles, "
        "demo accounts and (first time only) demo data. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="skip demo accounts and data")

    def handle(self, *args, no_demo, **options):
        from apps.accounts.roles import ensure_builtin_roles
        from apps.registry.models import Chamber

        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_reference", stdout=self.stdout)
        ensure_builtin_roles()
        if no_demo:
            return
        # Accounts first: the demo enterprise of the `enterprise` persona is made for
        # the credit code its account was given. Their passwords are printed last, so
        # they are the last thing on the screen.
        accounts = io.StringIO()
        call_command("create_demo_accounts", stdout=accounts)
        if not Chamber.objects.exists():
            call_command("seed_demo", scale="small", stdout=self.stdout)
        self.stdout.write(accounts.getvalue().rstrip("\n"))
