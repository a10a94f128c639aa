from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    verbose_name = _("Accounts and permissions")

    def ready(self) -> None:
        from . import (
            access_receivers,  # noqa: F401  (cached permissions stay true)
            receivers,  # noqa: F401  (login, logout and lockout go to the audit log)
        )
