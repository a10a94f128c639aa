"""Posts with terms: history is kept, the committees list who holds a post today."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.members import services
from apps.members.models import MemberKind, Post, PostHolding

from .factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fic_term(district_admin):
    return services.term_create(actor=district_admin, number=12, start=date(2022, 1, 1))


@pytest.fixture
def chamber_term(district_admin, chamber_a):
    return services.term_create(
        actor=district_admin, chamber=chamber_a, number=3, start=date(2023, 6, 1)
    )


def test_a_post_change_ends_one_row_and_starts_another(district_admin, member_a, fic_term):
    executive = services.post_assign(
        actor=district_admin,
        member=member_a,
        term=fic_term,
        post=Post.EXECUTIVE,
        start=date(2022, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        services.post_assign(
            actor=district_admin,
            member=member_a,
            term=fic_term,
            post=Post.STANDING,
            start=date(2023, 1, 1),
        )
    assert error.value.code == "held"
    services.post_end(
        actor=district_admin, holding=executive, end=date(2022, 12, 31), reason="增补为常委"
    )
    services.post_assign(
        actor=district_admin,
        member=member_a,
        term=fic_term,
        post=Post.STANDING,
        start=date(2023, 1, 1),
    )
    history = list(
        PostHolding.objects.filter(member=member_a)
        .order_by("start")
        .values_list("post", "start", "end", "end_reason")
    )
    assert history == [
        ("executive", date(2022, 1, 1), date(2022, 12, 31), "增补为常委"),
        ("standing", date(2023, 1, 1), None, ""),
    ]


def test_fic_terms_take_fic_posts_and_chamber_terms_chamber_posts(
    district_admin, member_a, member_b, fic_term, chamber_term, chamber_a
):
    with pytest.raises(ValidationError) as error:
        services.post_assign(
            actor=district_admin,
            member=member_a,
            term=fic_term,
            post=Post.PRESIDENT,
            start=date(2023, 1, 1),
        )
    assert error.value.code == "post"
    # A chamber post makes the holder a member of the chamber.
    services.post_assign(
        actor=district_admin,
        member=member_b,
        term=chamber_term,
        post=Post.PRESIDENT,
        start=date(2023, 6, 1),
    )
    assert chamber_a in member_b.chambers.all()


def test_one_chair_at_a_time(district_admin, fic_term, street_a):
    first, second = MemberFactory(street=street_a), MemberFactory(street=street_a)
    services.post_assign(
        actor=district_admin, member=first, term=fic_term, post=Post.CHAIR, start=date(2022, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        services.post_assign(
            actor=district_admin,
            member=second,
            term=fic_term,
            post=Post.CHAIR,
            start=date(2022, 2, 1),
        )
    assert error.value.code == "single"


def test_leaving_ends_the_posts_and_closing_a_term_ends_its_posts(
    district_admin, member_a, member_b, fic_term
):
    services.post_assign(
        actor=district_admin,
        member=member_a,
        term=fic_term,
        post=Post.VICE_CHAIR,
        start=date(2022, 1, 1),
    )
    services.post_assign(
        actor=district_admin,
        member=member_b,
        term=fic_term,
        post=Post.EXECUTIVE,
        start=date(2022, 1, 1),
    )
    services.member_status_change(
        actor=district_admin,
        member=member_a,
        status="withdrawn",
        on=date(2024, 2, 1),
        reason="退会",
    )
    assert PostHolding.objects.get(member=member_a).end == date(2024, 2, 1)
    ended = services.term_close(actor=district_admin, term=fic_term, end=date(2026, 12, 31))
    assert ended == 1
    assert PostHolding.objects.get(member=member_b).end == date(2026, 12, 31)
    with pytest.raises(ValidationError):
        services.post_assign(
            actor=district_admin,
            member=member_a,
            term=fic_term,
            post=Post.EXECUTIVE,
            start=date(2024, 3, 1),
        )


def test_committee_page_lists_the_current_standing_and_executive_committees(
    login, district_admin, fic_term, street_a
):
    today = timezone.localdate()
    chair = MemberFactory(street=street_a, kind=MemberKind.PERSON, person_name="张主席")
    standing = MemberFactory(street=street_a, kind=MemberKind.PERSON, person_name="李常委")
    executive = MemberFactory(street=street_a, kind=MemberKind.PERSON, person_name="王执委")
    former = MemberFactory(street=street_a, kind=MemberKind.PERSON, person_name="赵前执委")
    for member, post in [
        (chair, Post.CHAIR),
        (standing, Post.STANDING),
        (executive, Post.EXECUTIVE),
    ]:
        services.post_assign(
            actor=district_admin, member=member, term=fic_term, post=post, start=date(2022, 1, 1)
        )
    holding = services.post_assign(
        actor=district_admin,
        member=former,
        term=fic_term,
        post=Post.EXECUTIVE,
        start=date(2022, 1, 1),
    )
    services.post_end(
        actor=district_admin, holding=holding, end=today - timedelta(days=1), reason="辞职"
    )
    response = login(district_admin).get(reverse("members:committees"))
    standing_names = [h.member.display_name for h in response.context["standing"]]
    executive_names = [h.member.display_name for h in response.context["executive"]]
    assert standing_names == ["张主席", "李常委"]
    assert executive_names == ["张主席", "李常委", "王执委"]
    assert "赵前执委" not in response.content.decode()


def test_assigning_and_ending_a_post_through_the_pages(login, district_admin, member_a, fic_term):
    client = login(district_admin)
    response = client.post(
        reverse("members:post_assign", args=[member_a.pk]),
        {"term": fic_term.pk, "post": Post.EXECUTIVE, "start": "2022-03-01"},
    )
    assert response.status_code == 302
    holding = PostHolding.objects.get(member=member_a)
    # A post of the wrong body is shown on the form, not a crash.
    response = client.post(
        reverse("members:post_end", args=[holding.pk]), {"end": "2021-01-01", "reason": "x"}
    )
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.content.decode()
    response = client.post(
        reverse("members:post_end", args=[holding.pk]), {"end": "2024-01-01", "reason": "换届"}
    )
    assert response.status_code == 302
    holding.refresh_from_db()
    assert holding.end == date(2024, 1, 1)
    page = client.get(reverse("members:detail", args=[member_a.pk])).content.decode()
    assert "执委" in page and "换届" in page
