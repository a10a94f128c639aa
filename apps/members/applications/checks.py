"""System checks of the application module (registered by apps.members.apps)."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def upload_limits_consistent(app_configs, **kwargs):
    """The request cap must leave room for the documents the form takes."""
    each = settings.MEMBERS_ATTACHMENT_MAX_BYTES
    if 2 * each > settings.MEMBERS_APPLICATION_MAX_REQUEST_BYTES:
        return [
            Error(
                "MEMBERS_APPLICATION_MAX_REQUEST_BYTES is smaller than two attachments.",
                id="members.E002",
            )
        ]
    return []
