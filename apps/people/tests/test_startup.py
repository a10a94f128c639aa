"""Start-up with missing or wrong keys: the platform refuses, with a clear message, rather
than run a module that would write personal data it cannot encrypt."""

import json
import secrets
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from apps.core import crypto
from apps.core.tests.test_deploy_check import BASE_DIR, manage, prod_env
from apps.people.keys import KeyMismatch
from apps.people.models import KeyFingerprint, Person

from .factories import PersonFactory


def no_keys(**more):
    keys = {"PEOPLE_KEY_FILE": None, "PEOPLE_DATA_KEYS": None, "PEOPLE_INDEX_KEY": None}
    return prod_env(**{**keys, **more})


def test_production_refuses_to_start_without_keys():
    result = manage("check", env=no_keys())
    assert result.returncode != 0
    assert "KeysNotConfigured" in result.stderr  # an ImproperlyConfigured
    assert "拒绝启动" in result.stderr and "未配置任何密钥" in result.stderr
    assert "PEOPLE_KEY_FILE" in result.stderr


def test_the_wsgi_application_refuses_too():
    code = "from config.wsgi import application"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=no_keys(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "拒绝启动" in result.stderr


@pytest.mark.parametrize(
    ("data", "index", "message"),
    [
        ("k1:" + "ab" * 8, "i1:" + "cd" * 32, "32 位十六进制"),
        ("k1:" + "xy" * 16, "i1:" + "cd" * 32, "十六进制"),
        ("k1:" + "ab" * 16, "", "PEOPLE_INDEX_KEY"),
    ],
)
def test_production_refuses_a_malformed_key(data, index, message):
    result = manage("check", env=no_keys(PEOPLE_DATA_KEYS=data, PEOPLE_INDEX_KEY=index or None))
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_a_key_file_outside_the_database(tmp_path):
    path = tmp_path / "people_keys.json"
    crypto.generate_key_file(path)
    result = manage("check", env=no_keys(PEOPLE_KEY_FILE=str(path)))
    assert result.returncode == 0, result.stderr


def test_a_group_readable_key_file_is_a_deploy_warning(tmp_path):
    path = tmp_path / "people_keys.json"
    crypto.generate_key_file(path)
    path.chmod(0o644)
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=no_keys(PEOPLE_KEY_FILE=str(path))
    )
    assert result.returncode != 0
    assert "people.W001" in result.stderr + result.stdout


def test_development_generates_its_key_file_once(tmp_path):
    env = prod_env(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        VAR_DIR=str(tmp_path),
        PEOPLE_KEY_FILE=None,
        PEOPLE_DATA_KEYS=None,
        PEOPLE_INDEX_KEY=None,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert manage("check", env=env).returncode == 0
    path = tmp_path / "people_keys.json"
    first = json.loads(path.read_text())
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert len(first["data_keys"]["k1"]) == 32 and len(first["index_key"]["key"]) == 64
    assert manage("check", env=env).returncode == 0
    assert json.loads(path.read_text()) == first


@pytest.mark.django_db
def test_a_wrong_key_is_refused_before_anything_is_written_or_read():
    """Keys of the right shape but not the ones the data was encrypted with."""
    crypto.reset_provider()  # as a new process: the keys are checked again
    person = PersonFactory()
    assert KeyFingerprint.objects.filter(name="data:t1").exists()
    other = "t1:" + secrets.token_hex(16)
    with override_settings(PEOPLE_DATA_KEYS=other):
        with pytest.raises(KeyMismatch, match="指纹不符"), transaction.atomic():
            PersonFactory()
        with pytest.raises(KeyMismatch), transaction.atomic():
            Person.objects.get(pk=person.pk).mobile_masked  # noqa: B018
        from io import StringIO

        from django.core.management.base import SystemCheckError

        with pytest.raises(SystemCheckError, match=r"people\.E002"):
            call_command("check", databases=["default"], stdout=StringIO(), stderr=StringIO())
    assert Person.objects.count() == 1
    # The right keys again: all is well.
    assert Person.objects.get(pk=person.pk).mobile_masked.startswith("139")
