"""Production's static storage answers from the manifest, once per name and process."""

import json

import pytest

from apps.core.storage import StaticStorage


@pytest.fixture
def storage(tmp_path, settings):
    settings.DEBUG = False
    manifest = {"paths": {"css/app.css": "css/app.1a2b3c.css"}, "version": "1.1", "hash": "x"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticStorage(location=str(tmp_path), base_url="/static/")


def test_the_hashed_name_is_served_and_remembered(storage, monkeypatch):
    assert storage.url("css/app.css") == "/static/css/app.1a2b3c.css"
    # The manifest is read once: a second call does not go back to it.
    monkeypatch.setattr(storage, "hashed_files", {})
    assert storage.url("css/app.css") == "/static/css/app.1a2b3c.css"


def test_a_name_missing_from_the_manifest_is_an_error_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
