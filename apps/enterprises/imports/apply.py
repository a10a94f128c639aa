"""Applying a validated import: roster upsert and the one audit event.

The ledger's own upsert is one SQL statement (ledger.upsert); the roster needs
derived fields (section, division, search keys) computed in Python, so it is
applied a chunk at a time with bulk_create / bulk_update. Both run inside the
caller's transaction: any failure leaves nothing behind. Size classes are derived
data, refreshed after the commit (sizes.py).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from apps.audit.services import audit_record
from apps.registry.models import Industry

from ..models import Enterprise, RegistrationType
from ..services import derived_fields
from . import normalise, roster

TAGS = Enterprise.tags.through
UPDATE_FIELDS = [
    "name",
    "former_names",
    "street",
    "industry",
    "section",
    "division",
    "registration_type",
    "established",
    "registered_capital",
    "legal_representative",
    "address",
    "contact_phone",
    "search_grams",
    "name_initials",
    "version",
    "updated_at",
]


def _typed(row: dict) -> dict:
    """Staged values back as model values (SQLite gives text and floats)."""
    out = dict(row)
    if isinstance(out["established"], str):
        out["established"] = date.fromisoformat(out["established"])
    if out["registered_capital"] is not None:
        out["registered_capital"] = normalise.decimal_value(str(out["registered_capital"]))
    tags = out.pop("tags")
    out["tags"] = None if tags is None else frozenset(int(t) for t in str(tags).split())
    return out


MODEL_FIELD = {"street_id": "street_id", "industry_id": "industry_id"}


def roster_apply(*, apply: bool) -> tuple[int, int, int, list[int]]:
    """Compare (and with apply=True write) the staged roster. Returns counts and touched ids."""
    industries = {i.pk: i for i in Industry.objects.all()}
    new = changed = unchanged = 0
    touched: list[int] = []
    now = timezone.now()
    for chunk in roster.staged_chunks():
        rows = [_typed(r) for r in chunk]
        existing_qs = Enterprise.objects.filter(uscc__in=[r["uscc"] for r in rows])
        if apply and connection.vendor == "postgresql":
            existing_qs = existing_qs.select_for_update()
        existing = {e.uscc: e for e in existing_qs}
        tags_now: dict[int, set[int]] = defaultdict(set)
        for ent_id, tag_id in TAGS.objects.filter(
            enterprise_id__in=[e.pk for e in existing.values()]
        ).values_list("enterprise_id", "dictionaryitem_id"):
            tags_now[ent_id].add(tag_id)
        to_create, to_update, tag_sets = [], [], {}
        for row in rows:
            enterprise = existing.get(row["uscc"])
            if enterprise is None:
                new += 1
                if apply:
                    enterprise = Enterprise(
                        uscc=row["uscc"],
                        name=row["name"],
                        street_id=row["street_id"],
                        industry=industries[row["industry_id"]],
                        registration_type=row["registration_type"] or RegistrationType.PRIVATE,
                        established=row["established"],
                        registered_capital=row["registered_capital"],
                        legal_representative=row["legal_representative"] or "",
                        address=row["address"] or "",
                        contact_phone=row["contact_phone"] or "",
                    )
                    derived_fields(enterprise)
                    to_create.append(enterprise)
                    if row["tags"]:
                        tag_sets[row["uscc"]] = row["tags"]
                continue
            differs = _changes(enterprise, row)
            tags_differ = row["tags"] is not None and row["tags"] != tags_now[enterprise.pk]
            if not differs and not tags_differ:
                unchanged += 1
                continue
            changed += 1
            touched.append(enterprise.pk)
            if not apply:
                continue
            if tags_differ:
                tag_sets[row["uscc"]] = row["tags"]
            if differs:
                if "name" in differs:
                    former = [n for n in enterprise.former_names if n != differs["name"]]
                    if enterprise.name not in former:
                        former.append(enterprise.name)
                    enterprise.former_names = former
                for field, value in differs.items():
                    setattr(enterprise, field, value)
                enterprise.industry = industries[enterprise.industry_id]
                derived_fields(enterprise)
                enterprise.version += 1
                enterprise.updated_at = now
                to_update.append(enterprise)
        if apply:
            Enterprise.objects.bulk_create(to_create, batch_size=1000)
            if to_update:
                Enterprise.objects.bulk_update(to_update, UPDATE_FIELDS, batch_size=500)
            touched.extend(e.pk for e in to_create)
            ids = {e.uscc: e.pk for e in [*to_create, *existing.values()]}
            if tag_sets:
                TAGS.objects.filter(
                    enterprise_id__in=[ids[u] for u in tag_sets if u in existing]
                ).delete()
                TAGS.objects.bulk_create(
                    [
                        TAGS(enterprise_id=ids[uscc], dictionaryitem_id=tag)
                        for uscc, tags in tag_sets.items()
                        for tag in sorted(tags)
                    ]
                )
    return new, changed, unchanged, touched


def _changes(enterprise: Enterprise, row: dict) -> dict:
    """Fields whose file value is given and differs from the stored one."""
    found = {}
    for field in roster.FIELDS:
        if field == "tags":
            continue
        value = row[field]
        if value is None:
            continue
        current = getattr(enterprise, field)
        if isinstance(current, Decimal) and isinstance(value, Decimal):
            same = current == value
        else:
            same = current == value
        if not same:
            found[field] = value
    return found


def audit_import(*, actor, kind: str, name: str, digest: str, counts: tuple, job=None) -> None:
    """The one audit event of an applied import (never one per row)."""
    new, changed, unchanged = counts
    changes = {}
    if new:
        changes["new"] = [0, new]
    if changed:
        changes["changed"] = [0, changed]
    real = getattr(actor, "_meta", None) is not None
    audit_record(
        action="enterprise.import" if kind == "roster" else "ledger.import",
        actor=actor if real else None,
        username="" if real else (actor.get_username() if actor else ""),
        obj=job,
        object_type="" if job else "enterprises.importjob",
        object_repr=name[:200],
        changes=changes,
        message=f"file={name[:200]} sm3={digest} new={new} changed={changed} unchanged={unchanged}",
    )
