"""The only way to write to the audit logs. Call inside the caller's transaction:
if the event cannot be written, the action fails with it (SECURITY.md 16)."""

from typing import Any

from django.db import models

from apps.core import request_context

from .models import AuditEvent, ExportRecord, PersonalDataRead, Result

# Fields whose values never go into a diff.
SECRET_FIELDS = frozenset({"password", "otp_secret", "key", "secret"})


def _actor_fields(actor) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None}
    return {"actor": actor, "actor_username": actor.get_username()}


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(str(v) for v in value)
    return str(value)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose values differ; secrets are hidden."""
    changed = {}
    for name in sorted(set(before) | set(after)):
        old, new = _json_value(before.get(name)), _json_value(after.get(name))
        if old != new:
            changed[name] = ["***", "***"] if name in SECRET_FIELDS else [old, new]
    return changed


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The audited values of an instance, for a before/after diff."""
    values: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        if f.name in SECRET_FIELDS:
            continue
        values[f.name] = getattr(instance, f.attname)
    return values


def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict | None = None,
    result: str = Result.SUCCESS,
    message: str = "",
    username: str = "",
) -> AuditEvent:
    ctx = request_context.current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    fields = _actor_fields(actor)
    if username and not fields.get("actor_username"):
        fields["actor_username"] = username[:150]
    return AuditEvent.objects.create(
        **fields,
        ip=ctx.ip,
        user_agent=ctx.user_agent,
        request_id=ctx.request_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        changes=changes or {},
        result=result,
        message=message[:500],
    )


def personal_data_read_log(
    *, actor, obj: models.Model, fields: list[str], reason: str
) -> PersonalDataRead:
    return PersonalDataRead.objects.create(
        actor=actor,
        actor_username=actor.get_username(),
        ip=request_context.current().ip,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        fields=list(fields),
        reason=reason[:200],
    )


def export_log(
    *,
    actor,
    name: str,
    filters: dict,
    row_count: int,
    digest: str = "",
    personal_data: bool = False,
) -> ExportRecord:
    return ExportRecord.objects.create(
        actor=actor,
        actor_username=actor.get_username(),
        ip=request_context.current().ip,
        name=name,
        filters={k: _json_value(v) for k, v in filters.items()},
        row_count=row_count,
        digest=digest,
        personal_data=personal_data,
    )


MIN_RETENTION_DAYS = 180


class RetentionTooShort(ValueError):
    pass


def audit_prune(*, days: int) -> int:
    """Delete audit rows older than `days`; refuses anything under 180 days (SECURITY.md 17)."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    if days < MIN_RETENTION_DAYS:
        raise RetentionTooShort(f"retention must be at least {MIN_RETENTION_DAYS} days")
    cutoff = timezone.now() - timedelta(days=days)
    total = 0
    with transaction.atomic():
        for model in (AuditEvent, PersonalDataRead, ExportRecord):
            # QuerySet.delete bypasses the model's delete(); the database trigger
            # still refuses rows younger than the retention period.
            deleted, _rows = model.objects.filter(at__lt=cutoff).delete()
            total += deleted
        audit_record(action="audit.prune", message=f"days={days} deleted={total}")
    return total
