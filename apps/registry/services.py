"""Writes to the editable reference data: chambers and dictionary items."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from apps.audit.services import audit_record, diff, snapshot

from .models import Chamber, DictionaryItem

CHAMBER_FIELDS = ["name", "kind", "street", "founded", "active"]
DICTIONARY_FIELDS = ["kind", "code", "label", "order", "active"]


class EditConflict(ValidationError):
    """Someone else saved the record after this editor opened it."""


@transaction.atomic
def chamber_save(*, actor, chamber: Chamber | None = None, version: int | None = None, **fields):
    """Create or update a chamber. `version` is what the editor loaded: an older
    one means another save came in between, and this one must not overwrite it."""
    unknown = set(fields) - set(CHAMBER_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    if chamber is None:
        chamber = Chamber(**fields)
        chamber.full_clean()
        chamber.save()
        audit_record(
            action="chamber.create", actor=actor, obj=chamber, changes=diff({}, snapshot(chamber))
        )
        return chamber
    before = snapshot(Chamber.objects.get(pk=chamber.pk))
    for name, value in fields.items():
        setattr(chamber, name, value)
    chamber.full_clean(exclude=["version"])
    updated = Chamber.objects.filter(pk=chamber.pk, version=version).update(
        **{name: getattr(chamber, name) for name in fields}, version=F("version") + 1
    )
    if not updated:
        raise EditConflict(
            _("Someone else saved this record after you opened it. Reload to see their changes.")
        )
    chamber.refresh_from_db()
    audit_record(
        action="chamber.update",
        actor=actor,
        obj=chamber,
        changes=diff(before, snapshot(chamber)),
    )
    return chamber


@transaction.atomic
def dictionary_item_save(*, actor, item: DictionaryItem | None = None, **fields):
    unknown = set(fields) - set(DICTIONARY_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    # From the database: a ModelForm has already written the new values onto `item`.
    before = snapshot(DictionaryItem.objects.get(pk=item.pk)) if item and item.pk else {}
    item = item or DictionaryItem()
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    audit_record(
        action="dictionary.save", actor=actor, obj=item, changes=diff(before, snapshot(item))
    )
    return item
