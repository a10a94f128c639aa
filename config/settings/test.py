"""Settings for the test suite (SQLite by default, PostgreSQL with DATABASE_URL)."""

import os

os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

from .base import *  # noqa: F403
from .base import DATABASES

DEBUG = False
SECRET_KEY = "test-only-not-a-secret-" + "x" * 40
PASSWORD_HASHERS = [
    # Argon2 with the cost lowered: the suite creates hundreds of users.
    "apps.accounts.hashers.FastArgon2PasswordHasher",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].pop("OPTIONS", None)
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

# `seed_demo --scale district` in tests: the real 300,000 enterprises take minutes.
DEMO_ENTERPRISE_COUNTS = {"small": 300, "district": 2_000}

# Solves every membership-application captcha in tests (the browser test types it). Never
# set anywhere else: base.py has it empty and `check --deploy` refuses it (core.E003).
CAPTCHA_TEST_ANSWER = "TEST"

# Keys of the people database's personal data: fixed, public, test-only values (the suite
# must be repeatable); never valid anywhere else because no other settings file sets them.
PEOPLE_KEY_FILE = ""
PEOPLE_DATA_KEYS = "t1:" + "0123456789abcdef" * 2
PEOPLE_INDEX_KEY = "ti1:" + "fedcba9876543210" * 4
