from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "apps.members"
    verbose_name = _("Member database")

    def ready(self) -> None:
        # System checks of the membership applications (upload limits).
        from .applications import checks  # noqa: F401
