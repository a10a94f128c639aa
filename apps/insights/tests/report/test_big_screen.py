"""The big screen and its display tokens: shown once, stored hashed, scoped, revocable,
every use logged, and good for the big screen only."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.insights.models_report import DisplayToken
from apps.insights.report.services import display_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def district_token(ledger, district_admin):
    return display_token_create(actor=district_admin, name="三楼会议室")


@pytest.fixture
def street_token(ledger, district_admin, street_a):
    return display_token_create(actor=district_admin, name="建外街道大厅", street=street_a)


def test_an_administrator_creates_a_token_shown_once_and_stored_hashed(
    ledger, login, district_admin
):
    client = login(district_admin)
    response = client.post(reverse("screen:tokens"), {"name": "三楼会议室", "street": ""})
    assert response.status_code == 200
    url = response.context["url"]
    raw = re.search(r"/insights/screen/t/([^/]+)/$", url).group(1)
    token = DisplayToken.objects.get()
    assert raw not in token.digest and token.prefix == raw[:6]
    assert raw not in client.get(reverse("screen:tokens")).content.decode()
    assert AuditEvent.objects.filter(action="insights.display_token_create", actor=district_admin)


def test_only_administrators_manage_tokens(ledger, login, street_a_clerk, leader):
    for user in (street_a_clerk, leader):
        assert login(user).get(reverse("screen:tokens")).status_code == 403
        assert login(user).post(reverse("screen:tokens"), {"name": "x"}).status_code == 403


def test_the_token_opens_the_screen_without_a_session_and_each_use_is_logged(district_token):
    token, raw = district_token
    client = Client()
    page = client.get(reverse("screen:token", args=[raw]))
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("no-cache") or "no-store" in page["Cache-Control"]
    assert "sessionid" not in page.cookies
    html = page.content.decode()
    assert "<script>" not in html and "<script " in html  # scripts from files only (CSP)
    assert "echarts-6.1.0/echarts.min.js" in html

    data = client.get(reverse("screen:token_data", args=[raw])).json()
    assert [h["key"] for h in data["headline"]] == ["enterprises", "revenue", "tax", "employees"]
    assert data["headline"][0]["text"] == "7"
    assert "朝外" not in {row["name"] for row in data["by_street"]}  # 2 enterprises: "<3"
    uses = AuditEvent.objects.filter(action="insights.display_token_use", object_id=str(token.pk))
    assert [e.message for e in uses.order_by("at", "id")] == ["page", "data"]
    assert uses.first().actor_username == f"display:{token.prefix}"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_street_token_shows_its_street_as_aggregates(street_token):
    _token, raw = street_token
    data = Client().get(reverse("screen:token_data", args=[raw])).json()
    assert data["by_street"] == []
    assert data["headline"][0]["text"] == "5"  # 建外's five enterprises
    assert "测试" not in str(data)


def test_the_token_grants_nothing_but_the_big_screen(district_token):
    _token, raw = district_token
    client = Client()
    client.get(reverse("screen:token", args=[raw]))
    for name in ("screen:data", "screen:screen", "reports:list", "screen:tokens"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login" in response["Location"]
    assert client.get("/enterprises/?token=" + raw).status_code == 302


def test_a_revoked_or_unknown_token_stops_the_screen(district_token, login, district_admin):
    token, raw = district_token
    response = login(district_admin).post(reverse("screen:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    client = Client()
    assert client.get(reverse("screen:token", args=[raw])).status_code == 404
    assert client.get(reverse("screen:token_data", args=[raw])).status_code == 404
    assert client.get(reverse("screen:token_data", args=["x" * 43])).status_code == 404
    assert AuditEvent.objects.filter(action="insights.display_token_revoke")


def test_signed_in_users_with_the_dashboard_permission_open_the_screen(
    ledger, login, street_a_clerk, enterprise_user
):
    assert login(enterprise_user).get(reverse("screen:screen")).status_code == 403
    street_a_clerk.user_permissions.add(
        Permission.objects.get(content_type__app_label="insights", codename="view_summary")
    )
    client = login(street_a_clerk)
    assert client.get(reverse("screen:screen")).status_code == 200
    data = client.get(reverse("screen:data")).json()
    assert data["headline"][0]["text"] == "5"
