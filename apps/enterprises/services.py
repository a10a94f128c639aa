"""Writes to enterprises, their ledger and journal. Imports and filings call these
(or, for bulk, apps.enterprises.imports which keeps the same rules)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from stdnum.cn import uscc as uscc_std

from apps.audit.services import audit_record, diff, snapshot

from . import hooks, search, sizing
from .models import Enterprise, EnterpriseNote, LedgerEntry, MemberStatus
from .quality import quality_check_enterprises

ENTERPRISE_FIELDS = [
    "uscc",
    "name",
    "former_names",
    "street",
    "industry",
    "registration_type",
    "established",
    "registered_capital",
    "legal_representative",
    "address",
    "contact_phone",
    "member_status",
    "status",
]
FIGURES = ["revenue", "profit", "tax", "rd_expense", "employees", "total_assets"]


class EditConflict(ValidationError):
    """Someone else saved the enterprise after this editor opened it."""


def normalise_uscc(value: str) -> str:
    return uscc_std.compact(value or "").upper()


def validate_uscc(value: str) -> str:
    code = normalise_uscc(value)
    if not uscc_std.is_valid(code):
        raise ValidationError(_("This is not a valid unified social credit code."), code="uscc")
    return code


def derived_fields(enterprise: Enterprise) -> None:
    """Fields kept in step with others: industry section/division and search keys."""
    enterprise.section = enterprise.industry.section
    enterprise.division = enterprise.industry.division_code
    enterprise.search_grams = search.search_grams(enterprise.name, enterprise.former_names)
    enterprise.name_initials = search.initials(enterprise.name)


def _state(enterprise: Enterprise) -> dict:
    values = snapshot(enterprise, ENTERPRISE_FIELDS)
    values["tags"] = (
        sorted(enterprise.tags.values_list("label", flat=True)) if enterprise.pk else []
    )
    return values


@transaction.atomic
def enterprise_create(*, actor, tags=(), **fields) -> Enterprise:
    unknown = set(fields) - set(ENTERPRISE_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    fields["uscc"] = validate_uscc(fields.get("uscc", ""))
    enterprise = Enterprise(**fields)
    derived_fields(enterprise)
    enterprise.full_clean()
    enterprise.save()
    enterprise.tags.set(tags)
    audit_record(
        action="enterprise.create",
        actor=actor,
        obj=enterprise,
        changes=diff({}, _state(enterprise)),
    )
    return enterprise


@transaction.atomic
def enterprise_update(*, actor, enterprise: Enterprise, version: int, tags=None, **fields):
    """Save an edit made on `version`; an older version than the stored one is a conflict."""
    unknown = set(fields) - set(ENTERPRISE_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    current = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if current.version != version:
        raise EditConflict(
            _("Someone else saved this record after you opened it. Reload to see their changes.")
        )
    before = _state(current)
    if "uscc" in fields:
        fields["uscc"] = validate_uscc(fields["uscc"])
    if "name" in fields and fields["name"] != current.name:
        # The old name stays findable.
        former = [n for n in current.former_names if n != fields["name"]]
        if current.name not in former:
            former.append(current.name)
        fields.setdefault("former_names", former)
    for name, value in fields.items():
        setattr(current, name, value)
    derived_fields(current)
    current.full_clean()
    # The version check and the write happen in one UPDATE, so two editors
    # racing past select_for_update (SQLite has none) cannot both win.
    updated = Enterprise.objects.filter(pk=current.pk, version=version).update(
        **{f: getattr(current, f) for f in [*ENTERPRISE_FIELDS, "section", "division"]},
        search_grams=current.search_grams,
        name_initials=current.name_initials,
        version=F("version") + 1,
    )
    if not updated:
        raise EditConflict(
            _("Someone else saved this record after you opened it. Reload to see their changes.")
        )
    if tags is not None:
        current.tags.set(tags)
    current.refresh_from_db()
    changes = diff(before, _state(current))
    if changes:
        audit_record(action="enterprise.update", actor=actor, obj=current, changes=changes)
    hooks.ledger_changed([current.pk], periods=())
    return current


@transaction.atomic
def enterprise_member_status_set(*, actor, enterprise: Enterprise, status: str) -> Enterprise:
    """Keep Enterprise.member_status in step with the member database (apps.members calls
    this on admission, status changes and applications). Bumps the version, so an editor
    who opened the enterprise before cannot write the old status back."""
    if status not in MemberStatus.values:
        raise ValueError(f"not a member status: {status!r}")
    current = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if current.member_status == status:
        return current
    before = current.member_status
    Enterprise.objects.filter(pk=current.pk).update(member_status=status, version=F("version") + 1)
    current.refresh_from_db()
    audit_record(
        action="enterprise.member_status",
        actor=actor,
        obj=current,
        changes={"member_status": [before, status]},
    )
    hooks.ledger_changed([current.pk], periods=())
    return current


@transaction.atomic
def enterprise_note_add(*, actor, enterprise: Enterprise, text: str, on: date) -> EnterpriseNote:
    note = EnterpriseNote(enterprise=enterprise, text=text, date=on, author=actor)
    note.full_clean()
    note.save()
    audit_record(
        action="enterprise.note_add",
        actor=actor,
        obj=enterprise,
        changes={"note": [None, f"{on}: {text[:100]}"]},
    )
    return note


def latest_figures(enterprise: Enterprise) -> sizing.Figures:
    """Annual revenue of the latest four quarters, and the latest period-end figures."""
    return sizing.figures_from_rows(
        LedgerEntry.objects.filter(enterprise=enterprise)
        .order_by("-year", "-quarter")
        .values_list("year", "quarter", "revenue", "employees", "total_assets")[:4]
    )


def size_class_refresh(enterprise: Enterprise) -> str:
    size = sizing.classify(enterprise.industry.code, latest_figures(enterprise))
    if size != enterprise.size_class:
        Enterprise.objects.filter(pk=enterprise.pk).update(size_class=size)
        enterprise.size_class = size
    return size


@transaction.atomic
def ledger_save(
    *, actor, enterprise: Enterprise, year: int, quarter: int, source: str, **figures
) -> LedgerEntry:
    """Create or replace one quarter's single-quarter figures (manual entry, filing)."""
    unknown = set(figures) - set(FIGURES)
    if unknown:
        raise TypeError(f"not a ledger figure: {sorted(unknown)}")
    entry = (
        LedgerEntry.objects.select_for_update()
        .filter(enterprise=enterprise, year=year, quarter=quarter)
        .first()
    )
    before = snapshot(entry, FIGURES) if entry else {}
    entry = entry or LedgerEntry(enterprise=enterprise, year=year, quarter=quarter)
    for name, value in figures.items():
        setattr(entry, name, value)
    entry.source = source
    entry.updated_by = actor
    entry.full_clean()
    entry.save()
    changes = diff(before, snapshot(entry, FIGURES))
    if changes:
        audit_record(
            action="ledger.save",
            actor=actor,
            obj=enterprise,
            message=f"{year}Q{quarter} {source}",
            changes=changes,
        )
    size_class_refresh(enterprise)
    # The rules compare a quarter with its neighbours: check the enterprise's whole ledger
    # so the row is flagged (or a neighbour's flag cleared) as soon as it is saved.
    quality_check_enterprises([enterprise.pk])
    hooks.ledger_changed([enterprise.pk], periods=[(year, quarter)])
    return entry
