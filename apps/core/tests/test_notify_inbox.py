"""The inbox at /notifications/ and the unread badge in the navigation bar."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.tests.factories import UserFactory
from apps.core.models import Notification
from apps.core.notify import notify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    # Badge counts are cached by user id, and ids repeat across rolled-back tests.
    cache.clear()


INBOX = reverse("notifications:inbox")
HOME = reverse("core:home")


def tell(user, subject="审核结果", url="/enterprises/", **kwargs):
    notify([user], kind="test.message", subject=subject, body=f"{subject}的内容", url=url, **kwargs)
    return Notification.objects.filter(user=user).latest("pk")


def badge(response) -> str:
    """The number on the nav badge, '' when there is none."""
    html = response.content.decode()
    marker = "app-unread-badge"
    if marker not in html:
        return ""
    return html.split(marker, 1)[1].split(">", 1)[1].split("<", 1)[0]


def test_inbox_needs_sign_in(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_user_sees_only_their_own_notifications_newest_first(login, street_a_clerk, street_b_clerk):
    tell(street_a_clerk, "第一条")
    tell(street_a_clerk, "第二条")
    tell(street_b_clerk, "别人的消息")

    html = login(street_a_clerk).get(INBOX).content.decode()
    assert html.index("第二条") < html.index("第一条")
    assert "别人的消息" not in html
    assert html.count("list-group-item-primary") == 2  # both unread, highlighted
    assert "2 条未读" in html


def test_opening_a_notification_marks_it_read_and_follows_its_link(
    login, street_a_clerk, django_capture_on_commit_callbacks
):
    note = tell(street_a_clerk, url="/enterprises/?street=1")
    client = login(street_a_clerk)
    assert client.get(reverse("notifications:open", args=[note.pk])).status_code == 405

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:open", args=[note.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/enterprises/?street=1"
    note.refresh_from_db()
    assert note.read_at is not None
    assert "list-group-item-primary" not in client.get(INBOX).content.decode()


def test_someone_elses_notification_answers_404(login, street_a_clerk, street_b_clerk):
    theirs = tell(street_b_clerk)
    response = login(street_a_clerk).post(reverse("notifications:open", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_link_off_the_site_is_never_followed(login, street_a_clerk):
    note = tell(street_a_clerk)
    Notification.objects.filter(pk=note.pk).update(url="https://evil.example/")
    response = login(street_a_clerk).post(reverse("notifications:open", args=[note.pk]))
    assert response["Location"] == INBOX


def test_mark_all_read_clears_the_badge(login, street_a_clerk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            tell(street_a_clerk, f"消息{n}")
    client = login(street_a_clerk)
    assert badge(client.get(HOME)) == "3"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:read_all"), follow=True)

    assert "已全部标记为已读" in response.content.decode()
    assert not Notification.objects.filter(user=street_a_clerk, read_at=None).exists()
    assert badge(client.get(HOME)) == ""


def test_badge_follows_new_notifications_without_querying_on_every_page(
    login, street_a_clerk, django_capture_on_commit_callbacks
):
    client = login(street_a_clerk)
    assert badge(client.get(HOME)) == ""

    with django_capture_on_commit_callbacks(execute=True):
        tell(street_a_clerk)
    assert badge(client.get(HOME)) == "1"  # notify() forgot the cached count on commit

    with CaptureQueriesContext(connection) as queries:
        assert badge(client.get(HOME)) == "1"
    assert not [q for q in queries.captured_queries if "core_notification" in q["sql"]]


def test_badge_shows_99_plus(login, street_a_clerk):
    Notification.objects.bulk_create(
        Notification(user=street_a_clerk, kind="test", subject=f"消息{n}") for n in range(120)
    )
    assert badge(login(street_a_clerk).get(HOME)) == "99+"


def test_inbox_is_paginated_with_a_fixed_number_of_queries(
    login, street_a_clerk, django_assert_max_num_queries
):
    Notification.objects.bulk_create(
        Notification(user=street_a_clerk, kind="test", subject=f"消息{n:02d}") for n in range(45)
    )
    client = login(street_a_clerk)
    client.get(INBOX)  # warm the session and permission caches

    with django_assert_max_num_queries(8):
        first = client.get(INBOX).content.decode()
    assert "消息44" in first and "消息24" not in first

    with django_assert_max_num_queries(8):
        last = client.get(INBOX, {"page": 3}).content.decode()
    assert "消息04" in last and "消息00" in last and "消息05" not in last


def test_inbox_corrects_a_stale_badge(login, street_a_clerk):
    # Written by another process whose cache this one does not share.
    client = login(street_a_clerk)
    client.get(HOME)
    Notification.objects.create(user=street_a_clerk, kind="test", subject="后台任务写入")
    assert badge(client.get(HOME)) == ""
    assert badge(client.get(INBOX)) == "1"
    assert badge(client.get(HOME)) == "1"


def test_people_without_notifications_see_an_empty_inbox(login, leader):
    UserFactory()  # someone else exists
    html = login(leader).get(INBOX).content.decode()
    assert "暂无通知" in html
