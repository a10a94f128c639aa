"""The navigation bar, rendered once per account, page and language and cached: what is
per request (CSRF token, the language form's return address, the unread badge) is right
on every request, and a change of permissions, name or language shows at once."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection  # noqa: F401 - read by a skipif condition
from django.test import Client
from django.urls import reverse

from apps.core.notify import notify

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")
ENTERPRISES = reverse("enterprises:list")


def nav(response) -> str:
    html = response.content.decode()
    return html[html.index("<nav") : html.index("</nav>")]


def test_the_forms_in_the_bar_carry_this_requests_token(street_a_clerk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(street_a_clerk)
    client.get(HOME)  # the bar is now in the cache
    page = nav(client.get(ENTERPRISES, {"q": "商务", "street": 1}))
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert len(tokens) == 2
    assert 'name="next" value="/enterprises/?q=%E5%95%86%E5%8A%A1&amp;street=1"' in page
    response = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": tokens[1]})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_active_item_follows_the_page(login, street_a_clerk):
    client = login(street_a_clerk)
    home, enterprises = nav(client.get(HOME)), nav(client.get(ENTERPRISES))
    assert 'aria-current="page" href="/"' in home
    assert 'aria-current="page" href="/"' not in enterprises


def test_the_unread_badge_is_fresh_on_every_request(
    login, street_a_clerk, django_capture_on_commit_callbacks
):
    client = login(street_a_clerk)
    assert "app-unread-badge" not in nav(client.get(HOME))
    with django_capture_on_commit_callbacks(execute=True):
        notify([street_a_clerk], kind="test.message", subject="审核结果", body="内容", url="/")
    page = nav(client.get(HOME))
    assert re.search(r'app-unread-badge">1<', page)
    assert 'aria-label="通知，1 条未读"' in page


def test_a_new_permission_name_or_language_shows_at_once(login, street_a_clerk):
    client = login(street_a_clerk)
    assert reverse("audit:event_list") not in nav(client.get(HOME))
    street_a_clerk.user_permissions.add(
        Permission.objects.get(content_type__app_label="audit", codename="view_auditevent")
    )
    assert reverse("audit:event_list") in nav(client.get(HOME))
    street_a_clerk.full_name = "王新名"
    street_a_clerk.save()
    assert "王新名" in nav(client.get(HOME))
    client.post(reverse("set_language"), {"language": "en", "next": HOME})
    assert "Workbench" in nav(client.get(HOME))


def test_signed_out_visitors_get_the_bare_bar(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert "app-navbar" in page and "navbar-toggler" not in page


def test_the_inbox_corrects_a_stale_badge_on_its_own_page(login, street_a_clerk):
    """The count is read before the view runs; a view that changes it (the inbox counts
    afresh) must show its own count in the bar of the same page."""
    from apps.core.notify import badge

    client = login(street_a_clerk)
    notify([street_a_clerk], kind="test.message", subject="审核结果", body="内容", url="/")
    badge.remember(street_a_clerk.pk, 5)  # as another process might have left it
    page = nav(client.get(reverse("notifications:inbox")))
    assert re.search(r'app-unread-badge">1<', page)


def cache_reads(monkeypatch) -> list:
    """(method, key or keys) of each read the code makes of the cache (a get_many is one
    read, whatever the backend does inside it)."""
    from django.core.cache import cache

    reads, inside = [], []
    real_get, real_many = cache.get, cache.get_many

    def get(key, *args, **kwargs):
        if not inside:
            reads.append(("get", key))
        return real_get(key, *args, **kwargs)

    def get_many(keys, *args, **kwargs):
        reads.append(("get_many", list(keys)))
        inside.append(1)
        try:
            return real_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    monkeypatch.setattr(cache, "get", get)
    monkeypatch.setattr(cache, "get_many", get_many)
    return reads


def test_a_page_reads_the_access_entry_once(login, street_a_clerk, monkeypatch):
    """request.user is wrapped twice (auth, django-otp): what one wrapper remembered must
    serve the other."""
    client = login(street_a_clerk)
    client.get(ENTERPRISES)  # everything is in the cache now
    reads = cache_reads(monkeypatch)
    assert "<nav" in client.get(ENTERPRISES).content.decode()
    assert len([r for r in reads if "accounts:access" in str(r[1])]) == 1


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the list is cached on PostgreSQL only"
)
def test_the_list_reads_its_parts_bar_and_badge_in_one_round_trip(
    login, street_a_clerk, monkeypatch
):
    client = login(street_a_clerk)
    client.get(ENTERPRISES)
    reads = cache_reads(monkeypatch)
    response = client.get(ENTERPRISES)
    assert 'name="csrfmiddlewaretoken"' in nav(response)
    [together] = [keys for name, keys in reads if "enterprises:list-html" in str(keys)]
    assert [k.split(":")[0] + ":" + k.split(":")[1] for k in together] == [
        "enterprises:list-html",
        "nav:html",
        "notify:unread",
    ]
    assert not [r for r in reads if "nav:html" in str(r[1]) and r[1] is not together]


def test_a_count_read_early_is_dropped_once_the_request_changes_it(rf, street_a_clerk):
    from apps.core.notify import badge
    from apps.core.templatetags import app_nav

    request = rf.get(ENTERPRISES)
    request.user = street_a_clerk
    request.resolver_match = None
    keys = app_nav.ride_along(request)
    app_nav.keep(request, keys, {keys[0]: "<nav>bar</nav>", keys[1]: 3})
    assert app_nav._prefetched(request, keys[0]) == ("<nav>bar</nav>", 3)
    badge.forget([street_a_clerk.pk])  # e.g. the view marked a notification read
    assert app_nav._prefetched(request, keys[0]) == ("<nav>bar</nav>", None)
