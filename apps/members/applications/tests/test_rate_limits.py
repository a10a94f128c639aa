"""Per-IP limits on the public pages (SECURITY.md 23): the form submitted 50 times from one
address, status look-ups and certificate verifications."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.members.models_applications import Application

from .factories import ApplicationFactory, licence_pdf, uscc
from .test_apply import enterprise_data, start

pytestmark = pytest.mark.django_db


def test_fifty_submissions_from_one_address(client, street_a, division, settings):
    limit = settings.MEMBERS_RATE_LIMITS["apply"][0]
    statuses = []
    for _ in range(50):
        url, key = start(client)
        data = enterprise_data(street_a, division, key, uscc=uscc(), licence=licence_pdf())
        statuses.append(client.post(url, data, REMOTE_ADDR="203.0.113.7").status_code)
    assert statuses[:limit] == [302] * limit
    assert statuses[limit:] == [429] * (50 - limit)
    assert Application.objects.count() == limit
    refused = client.post(url, data, REMOTE_ADDR="203.0.113.7")
    text = refused.content.decode()
    assert "提交过于频繁" in text  # a clear Chinese message
    # Another address is not affected.
    other = Client()
    url, key = start(other)
    data = enterprise_data(street_a, division, key, uscc=uscc(), licence=licence_pdf())
    assert other.post(url, data, REMOTE_ADDR="198.51.100.1").status_code == 302


def test_a_refused_submission_is_not_read(client, street_a, division, settings):
    """Over the limit, the body is not parsed: the files are never looked at."""
    settings.MEMBERS_RATE_LIMITS = {**settings.MEMBERS_RATE_LIMITS, "apply": (0, 3600)}
    url, key = start(client)
    response = client.post(url, enterprise_data(street_a, division, key))
    assert response.status_code == 429
    assert not hasattr(response.wsgi_request, "_files")


def test_status_lookups_are_limited(client, settings, street_a):
    settings.MEMBERS_RATE_LIMITS = {**settings.MEMBERS_RATE_LIMITS, "status": (3, 3600)}
    application = ApplicationFactory(street=street_a)
    url = reverse("members:apply_status")
    for _ in range(3):
        assert client.post(url, {"reference": "RH000", "mobile": "13000000000"}).status_code == 404
    # Even the right pair is refused now: guessing cannot go on.
    right = {"reference": application.reference, "mobile": application.mobile}
    response = client.post(url, right)
    assert response.status_code == 429
    assert "分钟" in response.content.decode()


def test_verifications_are_limited(client, settings):
    settings.MEMBERS_RATE_LIMITS = {**settings.MEMBERS_RATE_LIMITS, "verify": (2, 3600)}
    url = reverse("members:verify")
    assert client.get(url, {"code": "AAAA-BBBB-CCCC-DDDD"}).status_code == 404
    assert client.get(url, {"code": "AAAA-BBBB-CCCC-DDDE"}).status_code == 404
    assert client.get(url, {"code": "AAAA-BBBB-CCCC-DDDF"}).status_code == 429
    assert client.get(url).status_code == 200  # the empty form costs nothing
