"""Bulk writers hold the ledger hooks: one call at the end for everything they changed."""

import pytest

from apps.enterprises import hooks

CALLS: list = []


def record(ids, periods):
    CALLS.append((ids, periods))


@pytest.fixture(autouse=True)
def listener(settings):
    settings.LEDGER_CHANGE_HOOKS = ["apps.enterprises.tests.test_hooks_held.record"]
    CALLS.clear()
    yield
    CALLS.clear()


@pytest.mark.django_db
def test_changes_inside_are_told_once_at_the_end(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), hooks.held():
        hooks.ledger_changed([3, 1], periods=[(2025, 1)])
        with hooks.held():  # nested: the outer one tells
            hooks.ledger_changed([2], periods=())
        assert CALLS == []
    assert CALLS == [([1, 2, 3], None)]  # every period: the held calls' periods differ


@pytest.mark.django_db
def test_nothing_changed_nothing_told(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), hooks.held():
        pass
    assert CALLS == []


@pytest.mark.django_db
def test_outside_a_hold_each_change_is_told(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        hooks.ledger_changed([5], periods=[(2025, 2)])
    assert CALLS == [([5], [(2025, 2)])]
