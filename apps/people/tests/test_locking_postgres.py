"""Two editors save the same person at the same moment from the same version: one wins, the
other gets a conflict and nothing of theirs is written (PostgreSQL: each thread has its own
connection and transaction; SELECT … FOR UPDATE does nothing on SQLite)."""

import threading

import pytest
from django.db import connection

from apps.people import services
from apps.people.models import Person

from .factories import PersonFactory

EDITORS = 6


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite runs one writer")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_of_one_version_one_wins(postgresql, district_admin):
    person = PersonFactory()
    barrier = threading.Barrier(EDITORS)
    saved, conflicts, errors = [], [], []
    lock = threading.Lock()

    def edit(index: int) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=30)
            services.person_update(
                actor=district_admin,
                person=person,
                version=1,
                title=f"编辑{index}",
                mobile=f"1380000000{index}",
            )
            with lock:
                saved.append(index)
        except services.EditConflict:
            with lock:
                conflicts.append(index)
        except Exception as error:  # pragma: no cover - reported below
            with lock:
                errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(EDITORS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(saved) == 1 and len(conflicts) == EDITORS - 1
    stored = Person.objects.get(pk=person.pk)
    winner = saved[0]
    assert stored.version == 2 and stored.title == f"编辑{winner}"
    assert services.find_by_mobile(f"1380000000{winner}").get() == stored
