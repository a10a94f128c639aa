"""Key rotation of the people database's encrypted columns (``manage.py rotate_keys``).

Adding a key: put the new data key first in PEOPLE_DATA_KEYS (or make it "current" in the
key file), keep the old one, restart, run ``rotate_keys``: every value still under an older
key is decrypted and encrypted again under the current one. A new index key: the blind
indexes are computed again from the plaintext. When ``rotate_keys --status`` shows nothing
under the old key, remove it from the configuration.

Rows are processed in batches, each in its own transaction with the rows locked, so the
command can be interrupted and run again; a row edited meanwhile is simply skipped by the
lock until the next run sees it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from apps.audit.services import audit_record
from apps.core import crypto

from .fields import EncryptedField, Sealed, index_for
from .keys import ensure_verified
from .models import Person

BATCH = 500


@dataclass
class Outcome:
    rows: int = 0
    reencrypted: int = 0
    reindexed: int = 0
    by_key: Counter = field(default_factory=Counter)


def encrypted_fields(model=Person) -> list[EncryptedField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]


def index_field_of(model, source: str):
    for f in model._meta.concrete_fields:
        if getattr(f, "source", None) == source:
            return f
    return None


def status(model=Person) -> dict[str, Counter]:
    """{field: Counter(key id → rows)} and {"<field>_index": Counter(index key id → rows)}."""
    found: dict[str, Counter] = {}
    for f in encrypted_fields(model):
        tokens = model.objects.values_list(f.attname, flat=True)
        found[f.name] = Counter(crypto.token_key_id(t.token) for t in tokens if t)
        index = index_field_of(model, f.name)
        if index is not None:
            values = model.objects.exclude(**{index.attname: ""}).values_list(
                index.attname, flat=True
            )
            found[index.name] = Counter(crypto.index_key_id(v) for v in values)
    return found


def rotate(*, actor=None, model=Person, batch: int = BATCH, dry_run: bool = False) -> Outcome:
    """Re-encrypt under the current key and re-index under the current index key."""
    ensure_verified()
    provider = crypto.provider()
    current, current_index = provider.current_key_id, provider.current_index_key_id
    fields = encrypted_fields(model)
    outcome = Outcome()
    last = 0
    while True:
        with transaction.atomic():
            rows = list(
                model.objects.select_for_update().filter(pk__gt=last).order_by("pk")[:batch]
            )
            if not rows:
                break
            last = rows[-1].pk
            changed = []
            names: set[str] = set()
            for row in rows:
                outcome.rows += 1
                touched = False
                for f in fields:
                    value = getattr(row, f.attname)
                    if not isinstance(value, Sealed):
                        continue
                    outcome.by_key[value.key_id] += 1
                    index = index_field_of(model, f.name)
                    stale_key = value.key_id != current
                    stale_index = index is not None and (
                        crypto.index_key_id(getattr(row, index.attname)) != current_index
                    )
                    if not (stale_key or stale_index):
                        continue
                    plain = value.reveal()
                    if stale_key:
                        setattr(row, f.attname, f.seal(plain))
                        names.add(f.attname)
                        outcome.reencrypted += 1
                    if index is not None and stale_index:
                        setattr(row, index.attname, index_for(f, plain))
                        names.add(index.attname)
                        outcome.reindexed += 1
                    touched = True
                if touched:
                    changed.append(row)
            if changed and not dry_run:
                model.objects.bulk_update(changed, sorted(names))
            if dry_run:
                transaction.set_rollback(True)
    if not dry_run and (outcome.reencrypted or outcome.reindexed):
        with transaction.atomic():
            audit_record(
                action="people.rotate_keys",
                actor=actor,
                object_type=model._meta.label_lower,
                message=(
                    f"rows={outcome.rows} reencrypted={outcome.reencrypted} "
                    f"reindexed={outcome.reindexed} key={current} index_key={current_index}"
                ),
            )
    return outcome
