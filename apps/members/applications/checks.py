"""System checks of the application module (registered by apps.members.apps)."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def captcha_test_hook_off(app_configs, **kwargs):
    """The captcha's test answer must never be set where the site is deployed."""
    if getattr(settings, "MEMBERS_CAPTCHA_TEST_ANSWER", ""):
        return [
            Error(
                "MEMBERS_CAPTCHA_TEST_ANSWER is set: every captcha can be solved with it.",
                hint="Only config/settings/test.py may set it.",
                id="members.E001",
            )
        ]
    return []


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
