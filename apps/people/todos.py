"""The people database's to-dos on the staff home page: comprehensive evaluations that
expire within PEOPLE_EVALUATION_WARN_DAYS (90) days, and unmasked exports waiting for a
second person's approval."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.scoping import Grade
from apps.core.todos import Todo

from .models import ExportStatus, Person, PersonExport


def people_todos(user) -> list[Todo]:
    if not user.is_authenticated or not user.has_perm("people.view_person"):
        return []
    if user.grade < Grade.RECORDS:
        return []
    today = timezone.localdate()
    soon = today + timedelta(days=settings.PEOPLE_EVALUATION_WARN_DAYS)
    expiring = (
        Person.objects.in_scope(user)
        .with_evaluation()
        .filter(evaluation_until__gte=today, evaluation_until__lt=soon)
        .count()
    )
    todos = [
        Todo(
            title=_("Comprehensive evaluations expiring within %(days)d days")
            % {"days": settings.PEOPLE_EVALUATION_WARN_DAYS},
            url=reverse("people:list") + "?evaluation=expiring",
            count=expiring,
            module=_("Notable people database"),
        )
    ]
    if user.has_perm("people.approve_personexport") and Person.objects.in_scope(user).exists():
        waiting = (
            PersonExport.objects.filter(status=ExportStatus.PENDING)
            .exclude(created_by=user)
            .count()
        )
        todos.append(
            Todo(
                title=_("Unmasked exports waiting for your approval"),
                url=reverse("people:export_list"),
                count=waiting,
                module=_("Notable people database"),
            )
        )
    return todos
