"""Two reviewers at the same moment, on PostgreSQL (select_for_update does nothing on
SQLite): one approves while the other rejects, or both approve — exactly one decision
stands, the other gets a conflict, and nobody is admitted twice."""

import threading

import pytest
from django.db import connection

from apps.members.applications import services
from apps.members.models import Member
from apps.members.models_applications import Application, ApplicationStatus

from .factories import ApplicationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")


def race(*calls):
    """Run the calls in threads released together; return each one's result or error."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # collected for the assertions
            results[index] = error
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def reviewed(street_a, division, district_admin):
    def make():
        application = ApplicationFactory(street=street_a, industry=division)
        services.application_review(actor=district_admin, application=application, version=1)
        return Application.objects.get(pk=application.pk)

    return make


@pytest.mark.parametrize("round_", range(3))
def test_approve_and_reject_at_once(reviewed, leader, round_):
    application = reviewed()
    version = application.version
    results = race(
        lambda: services.application_approve(
            actor=leader, application=application, version=version
        ),
        lambda: services.application_reject(
            actor=leader, application=application, version=version, reason="重复"
        ),
    )
    conflicts = [r for r in results if isinstance(r, services.ApplicationConflict)]
    done = [r for r in results if isinstance(r, Application)]
    assert len(conflicts) == 1 and len(done) == 1, results
    application.refresh_from_db()
    if application.status == ApplicationStatus.ADMITTED:
        assert Member.objects.count() == 1
    else:
        assert application.status == ApplicationStatus.REJECTED
        assert Member.objects.count() == 0
        assert application.member is None


def test_two_approvals_at_once_admit_once(reviewed, leader):
    application = reviewed()
    version = application.version
    results = race(
        *[
            (
                lambda: services.application_approve(
                    actor=leader, application=application, version=version
                )
            )
            for _ in range(3)
        ]
    )
    assert sum(isinstance(r, Application) for r in results) == 1, results
    assert sum(isinstance(r, services.ApplicationConflict) for r in results) == 2, results
    assert Member.objects.count() == 1
