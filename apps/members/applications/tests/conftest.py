import pytest

from apps.enterprises.tests.factories import industry


@pytest.fixture
def division(db):
    """A 大类 (the public form offers divisions)."""
    return industry().parent


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded documents go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
