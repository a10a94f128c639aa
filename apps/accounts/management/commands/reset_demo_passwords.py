from django.core.management.base import BaseCommand

from apps.accounts.demo import PERSONAS
from apps.accounts.models import User
from apps.accounts.services import generate_password
from apps.audit.services import audit_record


class Command(BaseCommand):
    help = "Give every demo persona account a new generated password and print it once."

    def handle(self, *args, **options):
        names = [p[0] for p in PERSONAS]
        for user in User.objects.filter(username__in=names).order_by("username"):
            password = generate_password()
            user.set_password(password)
            user.save(update_fields=["password", "password_changed_at"])
            audit_record(action="user.password_reset", obj=user, message="reset_demo_passwords")
            self.stdout.write(f"{user.username:<12}{password}")
