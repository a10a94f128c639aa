from django.core.checks import Error, register


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
