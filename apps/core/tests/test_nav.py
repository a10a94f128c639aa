"""The navigation bar, rendered once per account, page and language and cached: what is
per request (CSRF token, the language form's return address, the unread badge) is right
on every request, and a change of permissions, name or language shows at once."""

import re

import pytest
from django.contrib.auth.models import Permission
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
