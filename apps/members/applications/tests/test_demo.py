"""Demo applications: one of each state a reviewer meets, in the street personas' 街乡."""

import random

import pytest

from apps.accounts import roles
from apps.accounts.tests.factories import UserFactory
from apps.members.applications import demo
from apps.members.models_applications import Application

pytestmark = pytest.mark.django_db


def test_demo_applications_cover_the_workflow_and_are_not_repeated(
    builtin_roles, street_a, street_b, division, leader
):
    UserFactory(username="staff", roles=[builtin_roles[roles.FIC_STAFF]])
    assert demo.seed(scale="small", rng=random.Random(1)) == {"applications": 5}
    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses == ["rejected", "returned", "reviewed", "submitted", "submitted"]
    assert all(a.attachments.exists() for a in Application.objects.all())
    assert demo.seed(scale="small", rng=random.Random(1)) == {"applications": 0}
