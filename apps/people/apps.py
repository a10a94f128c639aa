from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "apps.people"
    verbose_name = _("Notable people database")

    def ready(self) -> None:
        from apps.core import crypto

        from . import checks  # noqa: F401  (registers the key checks)

        # No keys, or malformed ones: refuse to start (every manage.py command, runserver,
        # gunicorn) with the reason, rather than run a module that cannot encrypt.
        crypto.provider().check_keys()
