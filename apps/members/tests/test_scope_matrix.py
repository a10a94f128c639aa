"""Scope matrix of every member-database URL (SECURITY.md 6): district admin, the two street
clerks, the leader, chamber staff of chamber A, and anonymous."""

from datetime import date

import pytest
from django.urls import reverse

from apps.core.testing import FORBIDDEN, LOGIN, NOT_FOUND, OK, Row, run_matrix
from apps.members.models import ChamberProfile, MemberImport, MemberKind, Post

from .factories import MemberFactory, PostHoldingFactory, TermFactory

pytestmark = pytest.mark.django_db

MEMBER_READ = ["members:detail"]
MEMBER_WRITE = ["members:update", "members:status", "members:post_assign", "members:payment_create"]
CHAMBER_READ = ["members:chamber_detail", "members:chamber_members"]
CHAMBER_WRITE = ["members:chamber_edit", "members:activity_create"]
PERSONAS = ["district_admin", "street_a_clerk", "street_b_clerk", "leader", "chamber_staff"]


@pytest.fixture
def member_c(street_b, chamber_a):
    """Lives in street B but belongs to chamber A: chamber A's staff see it, street A's not."""
    return MemberFactory(
        street=street_b, kind=MemberKind.GROUP, group_name="朝外餐饮协会", chambers=[chamber_a]
    )


@pytest.fixture
def holding_a(member_a, chamber_a):
    term = TermFactory(chamber=chamber_a, number=1)
    return PostHoldingFactory(member=member_a, term=term, post=Post.PRESIDENT)


@pytest.fixture
def fic_term():
    return TermFactory(chamber=None, number=9)


@pytest.fixture
def admin_import(district_admin):
    return MemberImport.objects.create(
        status="invalid",
        original_name="名册.xlsx",
        stored_path="imports/gone.xlsx",
        size=1,
        digest="0" * 64,
        error_count=1,
        errors=[{"row": 2, "column": "会员类别", "value": "x", "reason": "未知"}],
        created_by=district_admin,
    )


# Who may open what, for pages without an object: persona -> status.
LIST_PAGES = {
    "members:list": {"street_a_clerk": OK, "chamber_staff": OK},
    "members:export": {"street_a_clerk": FORBIDDEN, "chamber_staff": OK},
    "members:create": {"street_a_clerk": FORBIDDEN, "chamber_staff": FORBIDDEN},
    "members:committees": {"street_a_clerk": OK, "chamber_staff": OK},
    "members:term_list": {"street_a_clerk": OK, "chamber_staff": OK},
    "members:term_create": {"street_a_clerk": FORBIDDEN, "chamber_staff": FORBIDDEN},
    "members:chamber_list": {"street_a_clerk": OK, "chamber_staff": OK},
    "members:arrears": {"street_a_clerk": FORBIDDEN, "chamber_staff": OK},
    "members:arrears_export": {"street_a_clerk": FORBIDDEN, "chamber_staff": OK},
    "members:rates": {"street_a_clerk": FORBIDDEN, "chamber_staff": OK},
    "members:lapse_review": {"street_a_clerk": FORBIDDEN, "chamber_staff": FORBIDDEN},
    "members:import_start": {"street_a_clerk": FORBIDDEN, "chamber_staff": FORBIDDEN},
    "members:import_template": {"street_a_clerk": FORBIDDEN, "chamber_staff": FORBIDDEN},
}


def rows() -> list[Row]:
    matrix = []
    for page in MEMBER_READ:
        matrix += [
            Row("district_admin", "member_a", page, OK),
            Row("district_admin", "member_b", page, OK),
            Row("street_a_clerk", "member_a", page, OK),
            Row("street_a_clerk", "member_b", page, NOT_FOUND),
            Row("street_a_clerk", "member_c", page, NOT_FOUND),
            Row("street_b_clerk", "member_b", page, OK),
            Row("street_b_clerk", "member_a", page, NOT_FOUND),
            Row("chamber_staff", "member_a", page, OK),
            Row("chamber_staff", "member_c", page, OK),
            Row("chamber_staff", "member_b", page, NOT_FOUND),
            Row("leader", "member_a", page, FORBIDDEN),
            Row("anonymous", "member_a", page, LOGIN),
        ]
    for page in MEMBER_WRITE:
        matrix += [
            Row("district_admin", "member_a", page, OK),
            Row("district_admin", "member_b", page, OK),
            # Street officers and chamber staff read members but change nothing here.
            Row("street_a_clerk", "member_a", page, FORBIDDEN),
            Row("chamber_staff", "member_a", page, FORBIDDEN),
            Row("leader", "member_a", page, FORBIDDEN),
            Row("anonymous", "member_a", page, LOGIN),
        ]
    for page in CHAMBER_READ:
        matrix += [
            Row("district_admin", "chamber_a", page, OK),
            Row("district_admin", "chamber_b", page, OK),
            Row("street_a_clerk", "chamber_a", page, OK),
            Row("street_a_clerk", "chamber_b", page, NOT_FOUND),
            Row("street_b_clerk", "chamber_a", page, NOT_FOUND),
            Row("chamber_staff", "chamber_a", page, OK),
            Row("chamber_staff", "chamber_b", page, NOT_FOUND),
            Row("leader", "chamber_a", page, FORBIDDEN),
            Row("anonymous", "chamber_a", page, LOGIN),
        ]
    for page in CHAMBER_WRITE:
        matrix += [
            Row("district_admin", "chamber_b", page, OK),
            Row("chamber_staff", "chamber_a", page, OK),
            Row("chamber_staff", "chamber_b", page, NOT_FOUND),
            Row("street_a_clerk", "chamber_a", page, FORBIDDEN),
            Row("leader", "chamber_a", page, FORBIDDEN),
            Row("anonymous", "chamber_a", page, LOGIN),
        ]
    for page, target in [("members:post_end", "holding_a"), ("members:term_close", "fic_term")]:
        matrix += [
            Row("district_admin", target, page, OK),
            Row("street_a_clerk", target, page, FORBIDDEN),
            Row("chamber_staff", target, page, FORBIDDEN),
            Row("leader", target, page, FORBIDDEN),
            Row("anonymous", target, page, LOGIN),
        ]
    for page in ["members:import_detail", "members:import_errors"]:
        matrix += [
            Row("district_admin", "admin_import", page, OK),
            # Another FIC staff member's import does not exist for them.
            Row("other_staff", "admin_import", page, NOT_FOUND),
            Row("street_a_clerk", "admin_import", page, FORBIDDEN),
            Row("anonymous", "admin_import", page, LOGIN),
        ]
    for page, allowed in LIST_PAGES.items():
        matrix += [
            Row("district_admin", "", page, OK),
            Row("street_a_clerk", "", page, allowed["street_a_clerk"]),
            Row("chamber_staff", "", page, allowed["chamber_staff"]),
            Row("leader", "", page, FORBIDDEN),
            Row("auditor", "", page, FORBIDDEN),
            Row("anonymous", "", page, LOGIN),
        ]
    matrix += [Row(p, "", "members:directory", OK) for p in [*PERSONAS, "anonymous"]]
    return matrix


@pytest.fixture
def other_staff(builtin_roles):
    from apps.accounts import roles
    from apps.accounts.tests.factories import UserFactory

    return UserFactory(username="other_staff", roles=[builtin_roles[roles.FIC_STAFF]])


def test_every_url(
    request,
    login,
    member_a,
    member_b,
    member_c,
    chamber_a,
    chamber_b,
    holding_a,
    fic_term,
    admin_import,
    chamber_staff,
    other_staff,
):
    run_matrix(request, login, rows())


@pytest.mark.parametrize(
    ("persona", "visible", "hidden"),
    [
        ("district_admin", ["member_a", "member_b", "member_c"], []),
        ("street_a_clerk", ["member_a"], ["member_b", "member_c"]),
        ("street_b_clerk", ["member_b", "member_c"], ["member_a"]),
        ("chamber_staff", ["member_a", "member_c"], ["member_b"]),
    ],
)
def test_lists_hold_only_rows_in_scope(
    request, login, persona, visible, hidden, member_a, member_b, member_c, chamber_staff
):
    response = login(request.getfixturevalue(persona)).get(reverse("members:list"))
    shown = {m.pk for m in response.context["paginator"].object_list}
    content = response.content.decode()
    for name in visible:
        member = request.getfixturevalue(name)
        assert member.pk in shown and member.display_name in content, name
    for name in hidden:
        member = request.getfixturevalue(name)
        assert member.pk not in shown and member.display_name not in content, name


def test_chamber_staff_see_only_their_chamber(login, chamber_staff, chamber_a, chamber_b):
    response = login(chamber_staff).get(reverse("members:chamber_list"))
    assert [c.pk for c in response.context["object_list"]] == [chamber_a.pk]
    assert chamber_b.name not in response.content.decode()


def test_writes_out_of_scope_are_404_and_change_nothing(login, chamber_staff, chamber_b):
    client = login(chamber_staff)
    response = client.post(
        reverse("members:chamber_edit", args=[chamber_b.pk]), {"address": "越界地址"}
    )
    assert response.status_code == NOT_FOUND
    response = client.post(
        reverse("members:activity_create", args=[chamber_b.pk]),
        {"date": "2025-05-01", "title": "越界活动"},
    )
    assert response.status_code == NOT_FOUND
    assert not ChamberProfile.objects.filter(chamber=chamber_b).exists()
    assert not chamber_b.activities.exists()


def test_district_staff_move_a_member_to_another_street(login, district_admin, member_a, street_b):
    # District staff may move a member between streets …
    client = login(district_admin)
    response = client.post(
        reverse("members:update", args=[member_a.pk]),
        {
            "version": member_a.version,
            "street": street_b.pk,
            "join_date": member_a.join_date.isoformat(),
        },
    )
    assert response.status_code == 302
    member_a.refresh_from_db()
    assert member_a.street == street_b
    assert member_a.join_date == date(2021, 5, 1)


def test_chamber_staff_see_nothing_outside_their_chamber_in_other_modules(
    login, chamber_staff, chamber_a, chamber_b
):
    client = login(chamber_staff)
    # No enterprise, filing or audit pages at all …
    for name in ["enterprises:list", "filings:campaign_list", "audit:event_list"]:
        assert client.get(reverse(name)).status_code == FORBIDDEN, name
    # … and the reference data's chambers are their own.
    response = client.get(reverse("registry:chamber_list"))
    assert chamber_a.name in response.content.decode()
    assert chamber_b.name not in response.content.decode()
    assert client.get(reverse("registry:chamber_detail", args=[chamber_b.pk])).status_code == 404


def test_public_and_chamber_pages_pin_their_queries(
    client, login, district_admin, chamber_a, street_a, django_assert_max_num_queries
):
    for n in range(15):
        MemberFactory(
            street=street_a,
            kind=MemberKind.PERSON,
            person_name=f"名录{n}",
            directory_opt_in=True,
            chambers=[chamber_a],
        )
    client.get(reverse("members:directory"))
    with django_assert_max_num_queries(6):
        assert client.get(reverse("members:directory")).status_code == OK
    staff = login(district_admin)
    staff.get(reverse("members:chamber_list"))
    with django_assert_max_num_queries(12):
        assert staff.get(reverse("members:chamber_list")).status_code == OK
    with django_assert_max_num_queries(16):
        assert staff.get(reverse("members:chamber_members", args=[chamber_a.pk])).status_code == OK
