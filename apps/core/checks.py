from django.conf import settings
from django.core.checks import Error, Tags, register


@register()
def defusedxml_in_force(app_configs, **kwargs):
    """openpyxl expands XML bombs unless defusedxml is installed (SECURITY.md 12)."""
    try:
        from openpyxl import DEFUSEDXML
    except ImportError:  # pragma: no cover - openpyxl missing entirely
        return [Error("openpyxl is not installed", id="core.E001")]
    if not DEFUSEDXML:
        return [Error("openpyxl is not using defusedxml", id="core.E002")]
    return []


@register(Tags.security, deploy=True)
def captcha_test_hook_off(app_configs, **kwargs):
    """The captcha's test answer must never be set where the site is deployed."""
    if getattr(settings, "CAPTCHA_TEST_ANSWER", ""):
        return [
            Error(
                "CAPTCHA_TEST_ANSWER is set: every captcha can be solved with it.",
                hint="Only config/settings/test.py may set it.",
                id="core.E003",
            )
        ]
    return []
