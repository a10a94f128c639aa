"""Reads about applications: duplicates to flag, the applicant's look-up, the reviewers' queues."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from apps.enterprises.models import Enterprise
from apps.members.models import CURRENT_STATUSES, Member, MemberKind
from apps.members.models_applications import (
    OPEN_STATUSES,
    Application,
    ApplicationKind,
    ApplicationStatus,
)


@dataclass(frozen=True)
class Duplicate:
    """Something the reviewer should look at before deciding."""

    text: str
    application_id: int | None = None
    member_id: int | None = None


def enterprise_for_uscc(uscc: str) -> Enterprise | None:
    if not uscc:
        return None
    return Enterprise.objects.filter(uscc=uscc).select_related("street").first()


def duplicates(application: Application) -> list[Duplicate]:
    """An enterprise (or group) that is already a member or has another open application;
    a person who is already a member or applying (same mobile or same name)."""
    found: list[Duplicate] = []
    members = Member.objects.filter(status__in=CURRENT_STATUSES)
    others = Application.objects.filter(status__in=OPEN_STATUSES).exclude(pk=application.pk)
    if application.kind in (ApplicationKind.ENTERPRISE, ApplicationKind.GROUP):
        if application.uscc:
            for member in members.filter(enterprise__uscc=application.uscc).only("pk", "number"):
                found.append(
                    Duplicate(
                        _("This enterprise is already a member (number %(number)s).")
                        % {"number": member.number},
                        member_id=member.pk,
                    )
                )
        if application.chamber_id:
            for member in members.filter(chamber_id=application.chamber_id).only("pk", "number"):
                found.append(
                    Duplicate(
                        _("This chamber is already a member (number %(number)s).")
                        % {"number": member.number},
                        member_id=member.pk,
                    )
                )
        if application.kind == ApplicationKind.GROUP and application.org_name:
            for member in members.filter(
                kind=MemberKind.GROUP, group_name=application.org_name
            ).only("pk", "number"):
                found.append(
                    Duplicate(
                        _("A group of this name is already a member (number %(number)s).")
                        % {"number": member.number},
                        member_id=member.pk,
                    )
                )
        same = Q()
        if application.uscc:
            same |= Q(uscc=application.uscc)
        if application.org_name:
            same |= Q(kind=application.kind, org_name=application.org_name)
        if same:
            for other in others.filter(same).only("pk", "reference"):
                found.append(
                    Duplicate(
                        _("Another open application for this organisation: %(reference)s.")
                        % {"reference": other.reference},
                        application_id=other.pk,
                    )
                )
    else:
        same_person = Q(person_mobile=application.mobile) | Q(person_name=application.person_name)
        for member in members.filter(Q(kind=MemberKind.PERSON) & same_person).only(
            "pk", "number", "person_name", "person_mobile"
        ):
            if member.person_mobile == application.mobile:
                text = _("A member has the same mobile number (number %(number)s).")
            else:
                text = _("A member has the same name (number %(number)s).")
            found.append(Duplicate(text % {"number": member.number}, member_id=member.pk))
        for other in others.filter(
            Q(kind=ApplicationKind.PERSON)
            & (Q(mobile=application.mobile) | Q(person_name=application.person_name))
        ).only("pk", "reference", "mobile"):
            if other.mobile == application.mobile:
                text = _("Another open application with the same mobile number: %(reference)s.")
            else:
                text = _("Another open application with the same name: %(reference)s.")
            found.append(Duplicate(text % {"reference": other.reference}, application_id=other.pk))
    return found


def find_for_applicant(*, reference: str, mobile: str) -> Application | None:
    """The application with this reference number, if `mobile` is the one it was made with."""
    reference = (reference or "").strip().upper()
    if not reference or not mobile:
        return None
    return Application.objects.filter(reference=reference, mobile=mobile).first()


def queue_counts(user) -> dict[str, int]:
    """Applications waiting for this user's step, in their scope."""
    counts = {}
    visible = Application.objects.in_scope(user)
    if user.has_perm("members.review_application"):
        counts["review"] = visible.filter(status=ApplicationStatus.SUBMITTED).count()
    if user.has_perm("members.approve_application"):
        counts["approve"] = visible.filter(status=ApplicationStatus.REVIEWED).count()
    return counts
