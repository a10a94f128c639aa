"""Writes to the people database. Every function is keyword-only, runs in a transaction and
writes its audit event; none of them ever puts a full ID number or phone in the audit log
(changes to those show as ***).

Reading a full value is a write too: ``person_reveal`` logs who read which field of whom and
why (apps.audit PersonalDataRead) before handing the value back.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.models import Result
from apps.audit.services import audit_record, diff, personal_data_read_log, snapshot
from apps.core.masking import can_see_personal
from apps.core.notify.services import normalise_mobile
from apps.enterprises.search import initials

from . import idcard
from .fields import index_for
from .models import (
    Evaluation,
    ExportStatus,
    Honour,
    Person,
    PersonExport,
    PoliticalArrangement,
    TalentTag,
    Training,
    plain,
)

PERSON_FIELDS = [
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "affiliation",
    "education",
    "title",
    "enterprise",
    "position",
    "notes",
]
SENSITIVE = ("id_number", "mobile")
REVEALABLE = SENSITIVE


class EditConflict(ValidationError):
    """Someone else saved the person after this editor opened them."""


def _conflict() -> EditConflict:
    return EditConflict(
        _("Someone else saved this record after you opened it. Reload to see their changes.")
    )


def _state(person: Person) -> dict:
    values = snapshot(person, PERSON_FIELDS)
    values["tags"] = sorted(person.tags.values_list("name", flat=True)) if person.pk else []
    # The indexes stand for the values: equal index, equal value. They are compared only;
    # _audit_changes never writes them (or the values) into the log.
    values["id_number"] = person.id_number_index
    values["mobile"] = person.mobile_index
    values["photo"] = bool(person.photo)
    return values


def _audit_changes(before: dict, after: dict) -> dict:
    changes = diff(before, after)
    for name in SENSITIVE:
        if name in changes:
            changes[name] = ["***", "***"]
    return changes


def _clean_mobile(value: str | None) -> str:
    if not (value or "").strip():
        return ""
    mobile = normalise_mobile(value)
    if not mobile:
        raise ValidationError(
            {"mobile": _("A mobile number has 11 digits and starts with 1 (e.g. 13912345678).")},
            code="mobile",
        )
    return mobile


def _check_identity(id_number: str, *, birth_date: date | None, gender: str | None) -> str:
    """The normalised ID number; ValidationError by field if it is wrong or disagrees."""
    try:
        info = idcard.parse(id_number)
    except ValidationError as error:
        raise ValidationError({"id_number": error.error_list}) from None
    problems = idcard.cross_check(info, birth_date=birth_date, gender=gender)
    if problems:
        raise ValidationError(problems)
    return info.number


def _check_unique_id(number: str, *, exclude: int | None = None) -> None:
    index = index_for(Person._meta.get_field("id_number"), number)
    taken = Person.objects.filter(id_number_index=index)
    if exclude:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError(
            {"id_number": _("A person with this ID number is already in the database.")},
            code="id_taken",
        )


def _tags(names: Iterable[str]) -> list[TalentTag]:
    tags = []
    for name in dict.fromkeys(n.strip()[:30] for n in names if n and n.strip()):
        tag, _created = TalentTag.objects.get_or_create(name=name)
        tags.append(tag)
    return tags


def find_by_id_number(number: str) -> Person | None:
    """Exact look-up through the blind index: nothing is decrypted."""
    index = index_for(Person._meta.get_field("id_number"), idcard.normalise(number))
    return Person.objects.filter(id_number_index=index).first() if index else None


def find_by_mobile(number: str):
    mobile = normalise_mobile(number)
    index = index_for(Person._meta.get_field("mobile"), mobile)
    return Person.objects.filter(mobile_index=index) if index else Person.objects.none()


@transaction.atomic
def person_create(
    *,
    actor,
    name: str,
    gender: str,
    ethnicity: str,
    birth_date: date,
    id_number: str,
    affiliation: str,
    mobile: str = "",
    education: str = "",
    title: str = "",
    enterprise=None,
    position: str = "",
    notes: str = "",
    tags: Iterable[str] = (),
) -> Person:
    number = _check_identity(id_number, birth_date=birth_date, gender=gender)
    person = Person(
        name=name.strip(),
        name_initials=initials(name)[:50],
        gender=gender,
        ethnicity=ethnicity,
        birth_date=birth_date,
        id_number=number,
        mobile=_clean_mobile(mobile),
        affiliation=affiliation,
        education=education,
        title=title.strip(),
        enterprise=enterprise,
        position=position.strip(),
        notes=notes.strip(),
    )
    person.full_clean(exclude=["id_number", "mobile", "id_number_index", "mobile_index"])
    _check_unique_id(number)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        raise ValidationError(
            {"id_number": _("A person with this ID number is already in the database.")}
        ) from None
    person.tags.set(_tags(tags))
    audit_record(
        action="person.create", actor=actor, obj=person, changes=_audit_changes({}, _state(person))
    )
    return person


@transaction.atomic
def person_update(
    *,
    actor,
    person: Person,
    version: int,
    id_number: str | None = None,
    mobile: str | None = None,
    tags: Iterable[str] | None = None,
    **fields,
) -> Person:
    """Save an edit made on `version` (an older one is a conflict, nothing is saved).
    ``id_number``/``mobile`` None keep the stored value; ``mobile=""`` removes it."""
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    current = Person.objects.select_for_update().get(pk=person.pk)
    if current.version != version:
        raise _conflict()
    before = _state(current)
    for name, value in fields.items():
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    if "name" in fields:
        current.name_initials = initials(current.name)[:50]
    current.full_clean(exclude=["id_number", "mobile", "id_number_index", "mobile_index"])
    values = {name: getattr(current, name) for name in fields}
    if "name" in fields:
        values["name_initials"] = current.name_initials
    identity_touched = id_number is not None or {"birth_date", "gender"} & set(fields)
    if identity_touched:
        number = id_number if id_number is not None else plain(current.id_number)
        number = _check_identity(number, birth_date=current.birth_date, gender=current.gender)
        if id_number is not None:
            _check_unique_id(number, exclude=current.pk)
            values.update(_sealed("id_number", number))
    if mobile is not None:
        values.update(_sealed("mobile", _clean_mobile(mobile)))
    try:
        with transaction.atomic():
            updated = Person.objects.filter(pk=current.pk, version=version).update(
                **values, version=F("version") + 1, updated_at=timezone.now()
            )
    except IntegrityError:
        raise ValidationError(
            {"id_number": _("A person with this ID number is already in the database.")}
        ) from None
    if not updated:
        raise _conflict()
    if tags is not None:
        current.tags.set(_tags(tags))
    current = Person.objects.get(pk=current.pk)
    changes = _audit_changes(before, _state(current))
    if changes:
        audit_record(action="person.update", actor=actor, obj=current, changes=changes)
    return current


def _sealed(name: str, value: str) -> dict:
    field = Person._meta.get_field(name)
    return {name: field.seal(value), f"{name}_index": index_for(field, value)}


# --- Photo ---------------------------------------------------------------------------


def photo_path(person: Person) -> Path | None:
    if not person.photo:
        return None
    path = (Path(settings.MEDIA_ROOT) / person.photo).resolve()
    root = (Path(settings.MEDIA_ROOT) / "people").resolve()
    return path if path.is_relative_to(root) else None


@transaction.atomic
def person_photo_set(*, actor, person: Person, upload) -> Person:
    """Replace (or add) the photo: checked by content (apps.people.uploads), stored under a
    random name outside the web root; the old file is deleted once the change commits."""
    from .uploads import check_photo

    checked = check_photo(upload)
    current = Person.objects.select_for_update().get(pk=person.pk)
    old = photo_path(current)
    relative = f"people/photos/{secrets.token_hex(16)}.{checked.extension}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    upload.seek(0)
    with target.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    transaction.on_commit(lambda: old.unlink(missing_ok=True) if old else None)
    Person.objects.filter(pk=current.pk).update(
        photo=relative, version=F("version") + 1, updated_at=timezone.now()
    )
    audit_record(
        action="person.photo", actor=actor, obj=current, changes={"photo": [bool(old), True]}
    )
    current.refresh_from_db()
    return current


@transaction.atomic
def person_photo_remove(*, actor, person: Person) -> Person:
    current = Person.objects.select_for_update().get(pk=person.pk)
    old = photo_path(current)
    if old is None:
        return current
    transaction.on_commit(lambda: old.unlink(missing_ok=True))
    Person.objects.filter(pk=current.pk).update(
        photo="", version=F("version") + 1, updated_at=timezone.now()
    )
    audit_record(action="person.photo", actor=actor, obj=current, changes={"photo": [True, False]})
    current.refresh_from_db()
    return current


# --- Arrangements, honours, training, evaluations -------------------------------------

PART_FIELDS = {
    PoliticalArrangement: ["kind", "level", "term_number", "start", "end", "note"],
    Honour: ["title", "awarded_by", "awarded_on"],
    Training: ["title", "organiser", "start", "end"],
}
PART_ACTIONS = {
    PoliticalArrangement: "person.arrangement",
    Honour: "person.honour",
    Training: "person.training",
    Evaluation: "person.evaluation",
}


def _part_repr(obj) -> str:
    if isinstance(obj, PoliticalArrangement):
        end = obj.end.isoformat() if obj.end else ""
        return f"{obj} 第{obj.term_number}届 {obj.start.isoformat()}–{end}"
    if isinstance(obj, Evaluation):
        return f"{obj.grade} {obj.evaluated_on.isoformat()} {obj.body}"
    if isinstance(obj, Honour):
        return f"{obj.title} {obj.awarded_on.isoformat()}"
    return f"{obj.title} {obj.start.isoformat()}"


@transaction.atomic
def part_save(*, actor, person: Person, model, instance=None, **fields):
    """Add (instance None) or edit an arrangement, honour or training of the person."""
    allowed = PART_FIELDS[model]
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    if instance is not None and instance.person_id != person.pk:
        raise PermissionDenied
    obj = instance or model(person=person)
    before = _part_repr(obj) if instance is not None else None
    for name, value in fields.items():
        setattr(obj, name, value.strip() if isinstance(value, str) else value)
    obj.full_clean()
    obj.save()
    audit_record(
        action=PART_ACTIONS[model] + (".update" if instance is not None else ".add"),
        actor=actor,
        obj=person,
        changes={str(model._meta.verbose_name): [before, _part_repr(obj)]},
    )
    return obj


@transaction.atomic
def part_delete(*, actor, person: Person, instance) -> None:
    """Remove an arrangement, honour, training or evaluation entered by mistake."""
    if instance.person_id != person.pk:
        raise PermissionDenied
    text = _part_repr(instance)
    model = type(instance)
    instance.delete()
    audit_record(
        action=PART_ACTIONS[model] + ".delete",
        actor=actor,
        obj=person,
        changes={str(model._meta.verbose_name): [text, None]},
    )


def evaluation_valid_until(evaluated_on: date) -> date:
    years = settings.PEOPLE_EVALUATION_VALID_YEARS
    try:
        end = evaluated_on.replace(year=evaluated_on.year + years)
    except ValueError:  # 29 February
        end = evaluated_on.replace(year=evaluated_on.year + years, day=28)
    return end - timedelta(days=1)


@transaction.atomic
def evaluation_add(
    *, actor, person: Person, grade: str, evaluated_on: date, body: str, note: str = ""
) -> Evaluation:
    if evaluated_on > timezone.localdate():
        raise ValidationError(
            {"evaluated_on": _("The evaluation date cannot be in the future.")}, code="date"
        )
    evaluation = Evaluation(
        person=person,
        grade=grade,
        evaluated_on=evaluated_on,
        body=body.strip(),
        note=note.strip(),
        valid_until=evaluation_valid_until(evaluated_on),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    evaluation.full_clean()
    evaluation.save()
    audit_record(
        action="person.evaluation.add",
        actor=actor,
        obj=person,
        changes={str(Evaluation._meta.verbose_name): [None, _part_repr(evaluation)]},
    )
    return evaluation


# --- Member records (posts in the FIC and chambers) -----------------------------------


@transaction.atomic
def person_member_link(*, actor, person: Person, member) -> None:
    """Name this person as the one behind a member record; the member's posts then show on
    the person's page (the posts stay the member database's)."""
    from apps.members.services import member_update

    if member.person_ref == person.pk:
        return
    if member.person_ref:
        raise ValidationError(
            _("This member record is already linked to another person."), code="linked"
        )
    member_update(actor=actor, member=member, version=member.version, person_ref=person.pk)
    audit_record(
        action="person.member_link",
        actor=actor,
        obj=person,
        changes={"member": [None, str(member)]},
    )


@transaction.atomic
def person_member_unlink(*, actor, person: Person, member) -> None:
    from apps.members.services import member_update

    if member.person_ref != person.pk:
        raise ValidationError(_("This member record is not linked to this person."))
    member_update(actor=actor, member=member, version=member.version, person_ref=None)
    audit_record(
        action="person.member_unlink",
        actor=actor,
        obj=person,
        changes={"member": [str(member), None]},
    )


# --- Reading full values ------------------------------------------------------------------


def may_reveal(user) -> bool:
    return can_see_personal(user) and user.has_perm("people.reveal_person")


def person_reveal_denied(*, actor, object_id: str, field: str) -> None:
    """A reveal asked for by someone who may not: logged (its own transaction, so the
    refusal that follows cannot roll it back)."""
    with transaction.atomic():
        audit_record(
            action="person.reveal",
            actor=actor,
            object_type=Person._meta.label_lower,
            object_id=str(object_id),
            result=Result.DENIED,
            message=f"field={field}"[:500],
        )


@transaction.atomic
def person_reveal(*, actor, person: Person, field: str, reason: str) -> str:
    """The full value of one field, after logging who read it and why."""
    if field not in REVEALABLE:
        raise ValidationError(_("Unknown field."), code="field")
    if not may_reveal(actor):
        person_reveal_denied(actor=actor, object_id=str(person.pk), field=field)
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError(
            _("Say why you need the full value (at least 2 characters)."), code="reason"
        )
    value = plain(getattr(person, field))
    personal_data_read_log(actor=actor, obj=person, fields=[field], reason=reason)
    audit_record(
        action="person.reveal",
        actor=actor,
        obj=person,
        message=f"field={field} reason={reason}"[:500],
    )
    return value


# --- Unmasked export ----------------------------------------------------------------------


def may_request_unmasked(user) -> bool:
    return can_see_personal(user) and user.has_perm("people.export_person_unmasked")


@transaction.atomic
def export_request_create(
    *, actor, filters: dict, filter_text: str, row_count: int, reason: str
) -> PersonExport:
    if not may_request_unmasked(actor):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError(
            {"reason": _("Say why you need the full values (at least 2 characters).")}
        )
    export = PersonExport.objects.create(
        created_by=actor,
        reason=reason[:200],
        filters={k: str(v)[:200] for k, v in filters.items()},
        filter_text=filter_text[:500],
        row_count=row_count,
    )
    audit_record(
        action="person.export_request",
        actor=actor,
        obj=export,
        message=f"rows={row_count} {reason}"[:500],
    )
    return export


@transaction.atomic
def export_request_decide(*, actor, export: PersonExport, approve: bool, note: str = "") -> None:
    """A second person approves or rejects; never the one who asked."""
    from apps.core.notify import notify

    if not actor.has_perm("people.approve_personexport"):
        raise PermissionDenied
    export = PersonExport.objects.select_for_update().get(pk=export.pk)
    if export.created_by_id == actor.pk:
        raise ValidationError(
            _("A request must be decided by someone other than the person who made it."),
            code="self",
        )
    if export.status != ExportStatus.PENDING:
        raise ValidationError(_("This request has already been decided."), code="decided")
    if not approve and len((note or "").strip()) < 2:
        raise ValidationError(_("Give the reason for rejecting."), code="note")
    export.status = ExportStatus.APPROVED if approve else ExportStatus.REJECTED
    export.decided_by = actor
    export.decided_at = timezone.now()
    export.decision_note = (note or "").strip()[:200]
    export.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        action="person.export_approve" if approve else "person.export_reject",
        actor=actor,
        obj=export,
        message=export.decision_note,
    )
    subject = (
        _("Your unmasked export of people was approved")
        if approve
        else _("Your unmasked export of people was rejected")
    )
    from django.urls import reverse

    notify(
        [export.created_by],
        kind="people.export_decided",
        subject=str(subject),
        body=export.decision_note,
        url=reverse("people:export_detail", args=[export.pk]),
    )


@transaction.atomic
def export_download(*, actor, export: PersonExport) -> tuple[bytes, int]:
    """The approved file, once, for the person who asked: built now (never stored), stamped
    with the exporter's name and time, its SM3 digest kept in the export log."""
    from apps.audit.services import export_log
    from apps.core import crypto

    from .exports import unmasked_workbook

    export = PersonExport.objects.select_for_update().get(pk=export.pk)
    if export.created_by_id != actor.pk or not may_request_unmasked(actor):
        raise PermissionDenied
    if not export.downloadable():
        raise ValidationError(
            _("This export is not approved, has expired or was already downloaded."),
            code="state",
        )
    content, count = unmasked_workbook(user=actor, export=export)
    digest = crypto.provider().digest(content)
    export_log(
        actor=actor,
        name="people.person_unmasked",
        filters={**export.filters, "request": export.pk},
        row_count=count,
        digest=digest,
        personal_data=True,
    )
    export.status = ExportStatus.DOWNLOADED
    export.downloaded_at = timezone.now()
    export.digest = digest
    export.save(update_fields=["status", "downloaded_at", "digest"])
    audit_record(
        action="person.export_download",
        actor=actor,
        obj=export,
        message=f"rows={count} sm3={digest}",
    )
    return content, count
