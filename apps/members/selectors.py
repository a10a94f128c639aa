"""Reads of the member database for other modules (ARCHITECTURE: apps above members read it
only through its services and selectors).

The people module (统战人士) links a person to member records through ``Member.person_ref``
(set with ``services.member_update``); the FIC and chamber posts it shows are the members'
own ``PostHolding`` rows, read here — never copied.
"""

from collections.abc import Iterable
from datetime import date

from .models import POST_RANK, Member, PostHolding


def members_of_person(user, person_id: int) -> list[Member]:
    """The member records in the user's scope linked to this person record."""
    return list(
        Member.objects.in_scope(user)
        .filter(person_ref=person_id)
        .select_related("enterprise", "chamber")
        .order_by("number")
    )


def member_by_number(user, number: str) -> Member | None:
    """A member in the user's scope by its member number (exact)."""
    return Member.objects.in_scope(user).filter(number=(number or "").strip()).first()


def posts_of_person(user, person_id: int) -> list[PostHolding]:
    """Every post (current first, then past) held by member records linked to the person."""
    holdings = (
        PostHolding.objects.in_scope(user)
        .filter(member__person_ref=person_id)
        .select_related("member", "member__enterprise", "member__chamber", "term", "term__chamber")
    )
    return sorted(
        holdings,
        key=lambda h: (h.end is not None, -h.start.toordinal(), POST_RANK.get(h.post, 99)),
    )


def current_posts_by_person(user, person_ids: Iterable[int], on: date) -> dict[int, list[str]]:
    """{person id: ["工商联 副主席", "建外商会 会长", …]} of the posts held on `on`, in one
    query, for lists and exports."""
    ids = [pk for pk in person_ids if pk]
    found: dict[int, list[str]] = {}
    if not ids:
        return found
    holdings = (
        PostHolding.objects.in_scope(user)
        .current_on(on)
        .filter(member__person_ref__in=ids)
        .select_related("member", "term", "term__chamber")
    )
    for h in sorted(holdings, key=lambda h: POST_RANK.get(h.post, 99)):
        found.setdefault(h.member.person_ref, []).append(
            f"{h.term.body_name}{h.get_post_display()}"
        )
    return found
