"""The member screens as a user meets them: new member, edit, status, list filters, exports,
chambers, the public directory."""

import io
import random
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from apps.audit.models import ExportRecord
from apps.core.demo import make_uscc
from apps.enterprises.tests.factories import EnterpriseFactory, industry
from apps.members import dues, services
from apps.members.models import ChamberActivity, Member, MemberKind, Post

from .factories import DuesChargeFactory, MemberFactory, PostHoldingFactory, TermFactory

pytestmark = pytest.mark.django_db
_rng = random.Random(77)


def test_staff_admit_an_enterprise_by_credit_code(login, district_admin, street_a, chamber_a):
    enterprise = EnterpriseFactory(street=street_a)
    client = login(district_admin)
    assert client.get(reverse("members:create")).status_code == 200
    response = client.post(
        reverse("members:create"),
        {
            "kind": "enterprise",
            "uscc": enterprise.uscc.lower(),
            "join_date": "2025-02-01",
            "chambers": [chamber_a.pk],
        },
    )
    member = Member.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("members:detail", args=[member.pk])
    assert member.enterprise == enterprise and member.street == street_a
    page = client.get(response["Location"]).content.decode()
    assert member.number in page and enterprise.name in page and chamber_a.name in page


def test_a_credit_code_with_a_wrong_check_character_is_refused(login, district_admin, street_a):
    good = make_uscc(_rng)
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    EnterpriseFactory(street=street_a, uscc=good)
    response = login(district_admin).post(
        reverse("members:create"),
        {"kind": "enterprise", "uscc": wrong, "join_date": "2025-02-01"},
    )
    assert response.status_code == 200
    assert "校验位不正确" in response.content.decode()
    assert not Member.objects.exists()


def test_an_enterprise_already_a_member_is_refused_on_the_form(login, district_admin, member_a):
    response = login(district_admin).post(
        reverse("members:create"),
        {"kind": "enterprise", "uscc": member_a.enterprise.uscc, "join_date": "2025-02-01"},
    )
    assert response.status_code == 200
    assert "已是会员" in response.content.decode()
    assert Member.objects.count() == 1


def test_status_change_page_offers_only_allowed_steps_and_records_the_reason(
    login, district_admin, member_a
):
    client = login(district_admin)
    url = reverse("members:status", args=[member_a.pk])
    choices = [value for value, _label in client.get(url).context["form"].fields["status"].choices]
    assert choices == ["suspended", "withdrawn", "expelled"]
    response = client.post(url, {"status": "suspended", "date": "2025-01-05", "reason": "欠费两年"})
    assert response.status_code == 302
    page = client.get(reverse("members:detail", args=[member_a.pk])).content.decode()
    assert "欠费两年" in page and "暂停" in page


def test_edit_keeps_the_version_check(login, district_admin, member_a, street_a):
    client = login(district_admin)
    data = {"version": member_a.version, "street": street_a.pk, "join_date": "2021-05-01"}
    assert client.post(reverse("members:update", args=[member_a.pk]), data).status_code == 302
    # The same form sent again carries the old version: a conflict, shown on the form.
    response = client.post(reverse("members:update", args=[member_a.pk]), data)
    assert response.status_code == 200
    assert "其他人" in response.content.decode() or "他人" in response.content.decode()


@pytest.fixture
def roster(street_a, street_b, chamber_a, chamber_b):
    """Members across kinds, statuses, posts, chambers, sections and arrears."""
    shop = EnterpriseFactory(street=street_a, industry=industry("5211", "百货零售", "F"))
    rows = {
        "soft": MemberFactory(street=street_a, chambers=[chamber_a]),
        "shop": MemberFactory(street=street_a, enterprise=shop),
        "person": MemberFactory(street=street_b, kind=MemberKind.PERSON, person_name="周个人"),
        "group": MemberFactory(
            street=street_b, kind=MemberKind.GROUP, group_name="朝外协会", chambers=[chamber_b]
        ),
        "left": MemberFactory(street=street_a, status="withdrawn"),
    }
    PostHoldingFactory(member=rows["soft"], term=TermFactory(), post=Post.VICE_CHAIR)
    DuesChargeFactory(member=rows["person"], year=2023)
    return rows


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "person"}, ["person"]),
        ({"status": "withdrawn"}, ["left"]),
        ({"post": "vice_chair"}, ["soft"]),
        ({"chamber": "chamber_b"}, ["group"]),
        ({"street": "street_b"}, ["person", "group"]),
        ({"section": "F"}, ["shop"]),
        ({"arrears": "yes"}, ["person"]),
        ({"q": "周个"}, ["person"]),
    ],
)
def test_list_filters(request, login, district_admin, roster, params, expected):
    for key in ("chamber", "street"):
        if key in params:
            params = params | {key: request.getfixturevalue(params[key]).pk}
    response = login(district_admin).get(reverse("members:list"), params)
    shown = {m.pk for m in response.context["paginator"].object_list}
    assert shown == {roster[name].pk for name in expected}


def test_list_query_count_is_pinned(login, district_admin, roster, django_assert_max_num_queries):
    client = login(district_admin)
    client.get(reverse("members:list"))
    for _ in range(20):
        MemberFactory(street=roster["soft"].street, chambers=list(roster["soft"].chambers.all()))
    with django_assert_max_num_queries(16):
        response = client.get(reverse("members:list"))
    assert len(response.context["object_list"]) == 25


def test_export_is_scoped_masked_and_logged(
    login, street_a_clerk, member_a, member_b, builtin_roles
):
    from apps.accounts import roles

    member_a.contact_phone = "13912345678"
    member_a.save()
    # A street officer with the export permission added: records grade, phones masked.
    role = builtin_roles[roles.STREET_OFFICER]
    from django.contrib.auth.models import Permission

    role.group.permissions.add(Permission.objects.get(codename="export_member"))
    street_a_clerk.refresh_from_db()
    response = login(street_a_clerk).get(reverse("members:export"), {"kind": "enterprise"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [str(c.value) for r in sheet.iter_rows() for c in r if c.value is not None]
    assert member_a.number in values and member_b.number not in values
    assert "139****5678" in values and "13912345678" not in values
    assert any("会员类别" in v for v in values)  # the filter used, above the table
    record = ExportRecord.objects.get()
    assert record.row_count == 1 and record.name == "members.member_list"


def test_arrears_export(login, district_admin, member_a):
    DuesChargeFactory(member=member_a, year=2024, amount=800, paid=300)
    response = login(district_admin).get(reverse("members:arrears_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [c.value for r in sheet.iter_rows() for c in r]
    assert member_a.number in values and 500 in values
    assert ExportRecord.objects.get().name == "members.arrears"


def test_public_directory_lists_only_current_members_who_opted_in(client, street_a, chamber_a):
    listed = MemberFactory(
        street=street_a, kind=MemberKind.PERSON, person_name="公开者", directory_opt_in=True
    )
    MemberFactory(street=street_a, kind=MemberKind.PERSON, person_name="不公开者")
    MemberFactory(
        street=street_a,
        kind=MemberKind.PERSON,
        person_name="已退会者",
        directory_opt_in=True,
        status="withdrawn",
    )
    listed.person_mobile = "13900009999"
    listed.save()
    response = client.get(reverse("members:directory"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "公开者" in page and "不公开者" not in page and "已退会者" not in page
    assert "13900009999" not in page and listed.number not in page


def test_chamber_page_shows_officers_activities_and_members(
    login, chamber_staff, chamber_a, member_a, district_admin
):
    term = services.term_create(
        actor=district_admin, chamber=chamber_a, number=2, start=date(2023, 1, 1)
    )
    services.post_assign(
        actor=district_admin,
        member=member_a,
        term=term,
        post=Post.PRESIDENT,
        start=date(2023, 1, 1),
    )
    client = login(chamber_staff)
    response = client.post(
        reverse("members:activity_create", args=[chamber_a.pk]),
        {"date": "2025-04-10", "title": "会员企业交流会", "participants": "张三、李四，王五"},
    )
    assert response.status_code == 302
    assert ChamberActivity.objects.get().participant_count == 3
    response = client.post(
        reverse("members:chamber_edit", args=[chamber_a.pk]),
        {"registration_number": "51110105MJ0000000X", "contact_phone": "13800001111"},
    )
    assert response.status_code == 302
    page = client.get(reverse("members:chamber_detail", args=[chamber_a.pk])).content.decode()
    assert "会员企业交流会" in page and "51110105MJ0000000X" in page
    assert member_a.display_name in page and "会长" in page
    # Records grade: the contact phone is masked.
    assert "138****1111" in page
    members_page = client.get(reverse("members:chamber_members", args=[chamber_a.pk]))
    assert member_a.display_name in members_page.content.decode()


def test_dues_section_on_the_member_page(login, district_admin, member_a):
    dues.dues_rates_save(actor=district_admin, rates={("enterprise", ""): 1000})
    DuesChargeFactory(member=member_a, year=2023, amount=1000)
    page = login(district_admin).get(reverse("members:detail", args=[member_a.pk]))
    content = page.content.decode()
    assert "2023" in content and "欠费" in content
