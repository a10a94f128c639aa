"""System checks of the people database's keys. Missing or malformed keys stop the start-up
itself (PeopleConfig.ready); these report the rest."""

import stat
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError


@register()
def key_file_private(app_configs, **kwargs):
    """A key file others on the machine can read is a key others have."""
    path = Path(settings.PEOPLE_KEY_FILE) if settings.PEOPLE_KEY_FILE else None
    if path is None or not path.is_file():
        return []
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        return [
            Warning(
                f"密钥文件 {path} 可被其他用户读取。",
                hint=f"chmod 600 {path}",
                id="people.W001",
            )
        ]
    return []


@register(Tags.database)
def keys_match_data(app_configs, databases=None, **kwargs):
    """Run by `migrate` and `check --database default`: the keys are the data's keys."""
    if not databases:
        return []
    from .keys import mismatch_message, mismatches

    try:
        wrong = mismatches()
    except DatabaseError:
        return []
    if wrong:
        return [Error(mismatch_message(wrong), id="people.E002")]
    return []
