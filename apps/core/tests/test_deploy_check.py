"""Production settings pass Django's deployment checks (SECURITY.md 5)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[3]


def prod_env(**overrides) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "DATABASE_URL",
            "DJANGO_SETTINGS_MODULE",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DATABASE_URL="sqlite:////tmp/x.sqlite3",
        SECRET_KEY=secrets.token_urlsafe(45),  # 60 characters
        # The people database refuses to start without its keys (apps/people/apps.py).
        PEOPLE_KEY_FILE="",
        PEOPLE_DATA_KEYS="k1:" + secrets.token_hex(16),
        PEOPLE_INDEX_KEY="i1:" + secrets.token_hex(32),
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings():
    env = prod_env()
    assert len(env["SECRET_KEY"]) == 60
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_secret_key():
    result = manage("check", env=prod_env(SECRET_KEY=None))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_production_settings_refuse_a_short_secret_key():
    result = manage("check", env=prod_env(SECRET_KEY="short-and-guessable"))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_values():
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_NAME.startswith('__Host-'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=prod_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "True", "True"]
