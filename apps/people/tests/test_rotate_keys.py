"""`manage.py rotate_keys`: everything moves to the newest key; a new index key rebuilds the
look-up index; old values stay readable meanwhile; the command can run twice."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from apps.audit.models import AuditEvent
from apps.core import crypto
from apps.people import services
from apps.people.models import Person, plain

from .factories import PersonFactory

pytestmark = pytest.mark.django_db

OLD = "t1:" + "0123456789abcdef" * 2  # the test settings' key
NEW = "t2:" + "89abcdef01234567" * 2
NEW_INDEX = "ti2:" + "0f1e2d3c4b5a6978" * 4


def tokens() -> list[tuple[str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, mobile, mobile_index FROM people_person ORDER BY id")
        return cursor.fetchall()


def rotate(*args) -> str:
    out = StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


def test_rotation_to_a_new_data_key():
    people = PersonFactory.create_batch(4)
    PersonFactory(mobile="")
    values = {p.pk: (plain(p.id_number), plain(p.mobile)) for p in people}
    with override_settings(PEOPLE_DATA_KEYS=f"{NEW},{OLD}"):
        # Before rotating, old values are read with the old key, new ones written with t2.
        assert Person.objects.get(pk=people[0].pk).mobile_masked.endswith(
            values[people[0].pk][1][-4:]
        )
        assert "id_number: t1: 5" in rotate("--status")
        output = rotate("--batch", "2")
        assert "reencrypted=9" in output
        assert {crypto.token_key_id(t) for row in tokens() for t in row[:2] if t} == {"t2"}
        assert "id_number: t2: 5" in output and "mobile: t2: 4" in output
        assert "reencrypted=0" in rotate()  # nothing left to do
        for person in Person.objects.filter(pk__in=values):
            assert (plain(person.id_number), plain(person.mobile)) == values[person.pk]
        assert AuditEvent.objects.filter(action="people.rotate_keys").count() == 1
    # The old key can go: every value is readable with the new one alone.
    with override_settings(PEOPLE_DATA_KEYS=NEW):
        for person in Person.objects.filter(pk__in=values):
            assert plain(person.mobile) == values[person.pk][1]


def test_a_new_index_key_rebuilds_the_index():
    person = PersonFactory(mobile="13612345678")
    before = tokens()
    with override_settings(PEOPLE_INDEX_KEY=NEW_INDEX):
        # With the new index key the old index does not find the person …
        assert not services.find_by_mobile("13612345678").exists()
        output = rotate()
        assert "reindexed=2" in output and "reencrypted=0" in output
        # … and after the rebuild it does, without re-encrypting anything.
        assert list(services.find_by_mobile("13612345678")) == [person]
        assert services.find_by_id_number(plain(person.id_number)) == person
        after = tokens()
        assert after[0][:2] == before[0][:2]
        assert after[0][2].startswith("ti2$")


def test_dry_run_changes_nothing():
    PersonFactory.create_batch(2)
    before = tokens()
    with override_settings(PEOPLE_DATA_KEYS=f"{NEW},{OLD}"):
        assert "reencrypted=4" in rotate("--dry-run")
    assert tokens() == before
