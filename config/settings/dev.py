"""Development and the embedded `make run` deployment."""

import json
import os
import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = os.environ.get("DEBUG", "1") == "1"


def _dev_secret_key() -> str:
    """A per-checkout random key kept in var/, so no secret lives in the repository."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _dev_secret_key()


def _dev_people_key_file() -> str:
    """Keys of the people database's personal data, generated once into var/ (like the
    secret key above) unless the environment names a key file or the keys themselves."""
    if os.environ.get("PEOPLE_KEY_FILE") or os.environ.get("PEOPLE_DATA_KEYS"):
        return os.environ.get("PEOPLE_KEY_FILE", "")
    path = VAR_DIR / "people_keys.json"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        spec = {
            "current": "k1",
            "data_keys": {"k1": secrets.token_hex(16)},
            "index_key": {"id": "i1", "key": secrets.token_hex(32)},
        }
        # Written aside and linked into place: of two processes starting at once, one key
        # set wins and both use it (a second set would make the first one's data unreadable).
        spare = VAR_DIR / f".people_keys.{os.getpid()}.{secrets.token_hex(4)}"
        spare.write_text(json.dumps(spec, indent=2) + "\n")
        spare.chmod(0o600)
        try:
            os.link(spare, path)
        except FileExistsError:
            pass
        finally:
            spare.unlink()
    return str(path)


PEOPLE_KEY_FILE = _dev_people_key_file()

# runserver serves static files itself; WhiteNoise reads them from the finders.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
