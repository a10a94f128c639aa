"""Writes to the member database: members, their status, posts and terms, chambers.

Every function is keyword-only, runs in a transaction and writes its audit event. The
online applications (apps.members.applications) admit through member_create; the roster
import calls the same function for every row. Dues are in dues.py.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from apps.audit.services import audit_record, diff, snapshot
from apps.enterprises.services import enterprise_member_status_set

from . import numbering
from .models import (
    CHAMBER_POSTS,
    CURRENT_STATUSES,
    FIC_POSTS,
    STATUS_TRANSITIONS,
    ChamberActivity,
    ChamberProfile,
    Member,
    MemberKind,
    MemberSource,
    MemberStatus,
    MemberStatusChange,
    Post,
    PostHolding,
    Term,
)

# Enterprise.member_status for each member status (apps.enterprises.models.MemberStatus).
ENTERPRISE_STATUS = {
    MemberStatus.ACTIVE: "member",
    MemberStatus.SUSPENDED: "member",
    MemberStatus.WITHDRAWN: "none",
    MemberStatus.EXPELLED: "none",
}
MEMBER_FIELDS = [
    "number",
    "kind",
    "enterprise",
    "chamber",
    "group_name",
    "person_name",
    "person_mobile",
    "person_ref",
    "contact_name",
    "contact_phone",
    "street",
    "join_date",
    "status",
    "status_date",
    "source",
    "directory_opt_in",
    "note",
]
EDITABLE_FIELDS = frozenset(
    {
        "group_name",
        "person_name",
        "person_mobile",
        "person_ref",
        "contact_name",
        "contact_phone",
        "street",
        "join_date",
        "directory_opt_in",
        "note",
    }
)
# Posts only one member holds at a time in a term.
SINGLE_HOLDER_POSTS = frozenset({Post.CHAIR, Post.PRESIDENT})


class EditConflict(ValidationError):
    """Someone else saved the member after this editor opened it."""


def _state(member: Member) -> dict:
    values = snapshot(member, MEMBER_FIELDS)
    values["chambers"] = sorted(member.chambers.values_list("name", flat=True)) if member.pk else []
    return values


def _sync_enterprise(*, actor, member: Member) -> None:
    if member.kind == MemberKind.ENTERPRISE and member.enterprise_id:
        enterprise_member_status_set(
            actor=actor, enterprise=member.enterprise, status=ENTERPRISE_STATUS[member.status]
        )


@transaction.atomic
def member_create(
    *,
    actor,
    kind: str,
    street,
    join_date: date,
    enterprise=None,
    chamber=None,
    group_name: str = "",
    person_name: str = "",
    person_mobile: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    chambers: Iterable = (),
    directory_opt_in: bool = False,
    note: str = "",
    number: str = "",
    source: str = "",
    source_application=None,
) -> Member:
    """Admit a member: the next member number (or `number` from an imported roster), status
    正式 from the join date, the enterprise's member status set, audited.

    `source_application`: the online application this admission comes from (recorded as the
    member's source and in the audit event)."""
    if kind not in MemberKind.values:
        raise ValidationError(_("Unknown member kind."))
    if kind == MemberKind.ENTERPRISE:
        if enterprise is None:
            raise ValidationError(_("An enterprise member needs an enterprise."))
        if Member.objects.filter(enterprise=enterprise, status__in=CURRENT_STATUSES).exists():
            raise ValidationError(
                _("%(name)s is already a member.") % {"name": enterprise.name}, code="duplicate"
            )
        chamber, group_name, person_name, person_mobile = None, "", "", ""
    elif kind == MemberKind.GROUP:
        enterprise, person_name, person_mobile = None, "", ""
        if chamber is not None:
            group_name = ""
            if Member.objects.filter(chamber=chamber, status__in=CURRENT_STATUSES).exists():
                raise ValidationError(
                    _("%(name)s is already a member.") % {"name": chamber.name}, code="duplicate"
                )
    else:
        enterprise, chamber, group_name = None, None, ""
    if source_application is not None:
        source = MemberSource.APPLICATION
    member = Member(
        kind=kind,
        enterprise=enterprise,
        chamber=chamber,
        group_name=group_name.strip(),
        person_name=person_name.strip(),
        person_mobile=person_mobile.strip(),
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        street=street,
        join_date=join_date,
        status=MemberStatus.ACTIVE,
        status_date=join_date,
        source=source or MemberSource.MANUAL,
        directory_opt_in=directory_opt_in,
        note=note,
    )
    if number:
        number = number.strip()
        if Member.objects.filter(number=number).exists():
            raise ValidationError(
                _("Member number %(number)s is already taken.") % {"number": number},
                code="number_taken",
            )
        numbering.note_used(number, join_date)
        member.number = number
    else:
        member.number = numbering.next_number(join_date)
    # Uniqueness (number; an enterprise once) was checked above and is enforced by the
    # indexes, which also decide a race between two admissions.
    member.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        # The unique indexes (number; an enterprise once) decided a race the checks above
        # could not see.
        raise ValidationError(
            _("This member was admitted at the same moment by someone else. Reload the page."),
            code="conflict",
        ) from None
    member.chambers.set(chambers)
    MemberStatusChange.objects.create(
        member=member,
        from_status="",
        to_status=MemberStatus.ACTIVE,
        date=join_date,
        reason=_("Admitted"),
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    message = ""
    if source_application is not None:
        message = _("Admitted from application %(application)s") % {
            "application": source_application
        }
    audit_record(
        action="member.create",
        actor=actor,
        obj=member,
        changes=diff({}, _state(member)),
        message=message,
    )
    _sync_enterprise(actor=actor, member=member)
    return member


@transaction.atomic
def member_update(*, actor, member: Member, version: int, chambers=None, **fields) -> Member:
    """Save an edit made on `version`; an older version than the stored one is a conflict.
    Kind, enterprise, number and status are not edited here."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    current = Member.objects.select_for_update().get(pk=member.pk)
    if current.version != version:
        raise EditConflict(
            _("Someone else saved this record after you opened it. Reload to see their changes.")
        )
    before = _state(current)
    for name, value in fields.items():
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    current.full_clean()
    updated = Member.objects.filter(pk=current.pk, version=version).update(
        **{name: getattr(current, name) for name in fields}, version=F("version") + 1
    )
    if not updated:
        raise EditConflict(
            _("Someone else saved this record after you opened it. Reload to see their changes.")
        )
    if chambers is not None:
        current.chambers.set(chambers)
    current.refresh_from_db()
    changes = diff(before, _state(current))
    if changes:
        audit_record(action="member.update", actor=actor, obj=current, changes=changes)
    return current


@transaction.atomic
def member_status_change(
    *, actor, member: Member, status: str, on: date, reason: str
) -> MemberStatusChange:
    """正式 → 暂停 → 退会 / 除名 (and 暂停 → 正式), with the date and reason kept in the
    history. Leaving (退会, 除名) ends the member's current posts on that date."""
    current = Member.objects.select_for_update().get(pk=member.pk)
    if status not in STATUS_TRANSITIONS.get(current.status, ()):
        raise ValidationError(
            _("A member whose status is %(from)s cannot become %(to)s.")
            % {
                "from": current.get_status_display(),
                "to": MemberStatus(status).label if status in MemberStatus.values else status,
            },
            code="transition",
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the change."), code="reason")
    if on < current.status_date:
        raise ValidationError(
            _("The date cannot be before the current status began (%(date)s).")
            % {"date": current.status_date.isoformat()},
            code="date",
        )
    change = MemberStatusChange.objects.create(
        member=current,
        from_status=current.status,
        to_status=status,
        date=on,
        reason=reason[:200],
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    before = current.status
    Member.objects.filter(pk=current.pk).update(
        status=status, status_date=on, version=F("version") + 1
    )
    current.refresh_from_db()
    if status not in CURRENT_STATUSES:
        for holding in PostHolding.objects.filter(member=current, end__isnull=True):
            _post_end(actor=actor, holding=holding, end=max(on, holding.start), reason=reason)
    audit_record(
        action="member.status",
        actor=actor,
        obj=current,
        changes={"status": [before, status]},
        message=f"{on.isoformat()} {reason[:200]}",
    )
    _sync_enterprise(actor=actor, member=current)
    member.status, member.status_date, member.version = (
        current.status,
        current.status_date,
        current.version,
    )
    return change


# --- Terms and posts ----------------------------------------------------------------


@transaction.atomic
def term_create(*, actor, chamber=None, number: int, start: date, end: date | None = None):
    if Term.objects.filter(chamber=chamber, number=number).exists():
        raise ValidationError(
            _("Term %(number)d already exists.") % {"number": number}, code="duplicate"
        )
    term = Term(chamber=chamber, number=number, start=start, end=end)
    term.full_clean(validate_constraints=False)
    term.save()
    audit_record(
        action="member.term_create",
        actor=actor,
        obj=term,
        changes=diff({}, snapshot(term, ["chamber", "number", "start", "end"])),
        message=term.body_name,
    )
    return term


@transaction.atomic
def term_close(*, actor, term: Term, end: date, reason: str = "") -> int:
    """End a term: every post still held in it ends on the same day. Returns how many."""
    term = Term.objects.select_for_update().get(pk=term.pk)
    if end < term.start:
        raise ValidationError(_("The end cannot be before the start."), code="date")
    Term.objects.filter(pk=term.pk).update(end=end)
    reason = reason or _("End of term")
    count = 0
    for holding in PostHolding.objects.filter(term=term, end__isnull=True):
        _post_end(actor=actor, holding=holding, end=max(end, holding.start), reason=reason)
        count += 1
    audit_record(
        action="member.term_close",
        actor=actor,
        obj=term,
        changes={"end": [term.end and term.end.isoformat(), end.isoformat()]},
        message=term.body_name,
    )
    return count


@transaction.atomic
def post_assign(
    *, actor, member: Member, term: Term, post: str, start: date, end: date | None = None
) -> PostHolding:
    """A member takes a post in a term. Posts of a chamber's term are that chamber's
    (the member joins the chamber if not yet in it); the FIC's terms take the FIC's posts."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    allowed = CHAMBER_POSTS if term.chamber_id else FIC_POSTS
    if post not in allowed:
        raise ValidationError(
            _("%(post)s is not a post of %(body)s.")
            % {"post": Post(post).label if post in Post.values else post, "body": term.body_name},
            code="post",
        )
    if member.status not in CURRENT_STATUSES:
        raise ValidationError(_("Only current members can hold posts."), code="status")
    if start < term.start or (term.end and start > term.end):
        raise ValidationError(_("The start must fall within the term."), code="date")
    if end is not None and end < start:
        raise ValidationError(_("The end cannot be before the start."), code="date")
    held = PostHolding.objects.filter(term=term, member=member, end__isnull=True).first()
    if held is not None:
        raise ValidationError(
            _("This member already holds %(post)s in this term; end that post first.")
            % {"post": held.get_post_display()},
            code="held",
        )
    if post in SINGLE_HOLDER_POSTS:
        other = PostHolding.objects.filter(term=term, post=post, end__isnull=True).first()
        if other is not None:
            raise ValidationError(
                _("%(post)s of this term is held by %(name)s; end that post first.")
                % {"post": other.get_post_display(), "name": other.member.display_name},
                code="single",
            )
    holding = PostHolding(
        member=member,
        term=term,
        post=post,
        start=start,
        end=end,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    holding.full_clean()
    holding.save()
    if term.chamber_id and not member.chambers.filter(pk=term.chamber_id).exists():
        member.chambers.add(term.chamber_id)
    audit_record(
        action="member.post_assign",
        actor=actor,
        obj=member,
        changes={"post": [None, f"{term.body_name} {term} {holding.get_post_display()}"]},
        message=start.isoformat(),
    )
    return holding


def _post_end(*, actor, holding: PostHolding, end: date, reason: str) -> None:
    PostHolding.objects.filter(pk=holding.pk).update(end=end, end_reason=reason[:200])
    audit_record(
        action="member.post_end",
        actor=actor,
        obj=holding.member,
        changes={"post": [f"{holding.term.body_name} {holding.get_post_display()}", None]},
        message=f"{end.isoformat()} {reason[:200]}",
    )


@transaction.atomic
def post_end(*, actor, holding: PostHolding, end: date, reason: str) -> PostHolding:
    """The holder leaves the post on `end`; the row keeps the post, its dates and reason."""
    holding = PostHolding.objects.select_for_update().select_related("term").get(pk=holding.pk)
    if holding.end is not None:
        raise ValidationError(_("This post has already ended."), code="ended")
    if end < holding.start:
        raise ValidationError(_("The end cannot be before the start."), code="date")
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for the change."), code="reason")
    _post_end(actor=actor, holding=holding, end=end, reason=reason.strip())
    holding.refresh_from_db()
    return holding


# --- Chambers -----------------------------------------------------------------------

PROFILE_FIELDS = [
    "registration_number",
    "registration_authority",
    "registered_on",
    "supervisor",
    "address",
    "contact_name",
    "contact_phone",
    "introduction",
]


@transaction.atomic
def chamber_profile_save(*, actor, chamber, **fields) -> ChamberProfile:
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    profile, _created = ChamberProfile.objects.select_for_update().get_or_create(chamber=chamber)
    before = snapshot(profile, PROFILE_FIELDS)
    for name, value in fields.items():
        setattr(profile, name, value.strip() if isinstance(value, str) else value)
    profile.full_clean()
    profile.save()
    changes = diff(before, snapshot(profile, PROFILE_FIELDS))
    if changes:
        audit_record(action="chamber.profile", actor=actor, obj=chamber, changes=changes)
    return profile


def _count_names(text: str) -> int:
    names = [part.strip() for part in text.replace("、", ",").replace("，", ",").split(",")]
    return len([name for name in names if name])


@transaction.atomic
def chamber_activity_create(
    *,
    actor,
    chamber,
    date: date,
    title: str,
    participants: str = "",
    participant_count: int | None = None,
    description: str = "",
) -> ChamberActivity:
    activity = ChamberActivity(
        chamber=chamber,
        date=date,
        title=title.strip(),
        participants=participants.strip(),
        participant_count=participant_count or _count_names(participants),
        description=description.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    activity.full_clean()
    activity.save()
    audit_record(
        action="chamber.activity",
        actor=actor,
        obj=chamber,
        changes={"activity": [None, f"{date.isoformat()} {activity.title}"]},
    )
    return activity
