"""The staff home page's to-do, and the demo accounts."""

import random

import pytest
from django.urls import reverse

from apps.accounts.models import User
from apps.portal import demo
from apps.portal.models import EnterpriseLink, LinkStatus
from apps.portal.todos import pending_links

pytestmark = pytest.mark.django_db


def test_pending_requests_in_scope_are_a_todo_on_the_workbench(
    login, street_a_clerk, street_b_clerk, link_a, link_unknown
):
    page = login(street_a_clerk).get(reverse("core:home")).content.decode()
    assert "待审核的企业账户申请" in page
    assert reverse("portal:review_list") in page
    [todo] = pending_links(street_a_clerk)
    assert todo.count == 1
    # Nothing pending in 朝外: no to-do at all.
    assert (
        "待审核的企业账户申请"
        not in login(street_b_clerk).get(reverse("core:home")).content.decode()
    )


def test_no_todo_without_the_review_permission(leader, enterprise_user, link_a):
    assert pending_links(leader) == []
    assert pending_links(enterprise_user) == []


def test_the_demo_links_the_enterprise_persona_and_queues_two_requests(
    builtin_roles, street_a, enterprise_a
):
    persona = User.objects.create(
        username="enterprise",
        kind="enterprise",
        scope_kind="enterprise",
        scope_uscc=enterprise_a.uscc,
    )
    from apps.enterprises.tests.factories import EnterpriseFactory

    EnterpriseFactory(street=street_a)  # one not linked yet, for the 建外 request

    first = demo.seed(scale="small", rng=random.Random(1))
    again = demo.seed(scale="small", rng=random.Random(1))

    assert first == {"approved_links": 1, "pending_links": 2}
    assert again == {"approved_links": 0, "pending_links": 0}
    approved = EnterpriseLink.objects.get(user=persona)
    assert approved.status == LinkStatus.APPROVED and approved.street == street_a
    pending = EnterpriseLink.objects.filter(status=LinkStatus.PENDING)
    jianwai = pending.get(street=street_a)
    assert jianwai.name_mismatch and jianwai.uscc != enterprise_a.uscc
    unknown = pending.get(street=None)
    assert not unknown.in_registry
