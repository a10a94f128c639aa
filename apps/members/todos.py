"""Members' to-dos on the staff home page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.todos import Todo

from .models import Member


def member_todos(user) -> list[Todo]:
    if not user.is_authenticated or not user.has_perm("members.change_member_status"):
        return []
    flagged = Member.objects.in_scope(user).current().filter(lapse_flagged_on__isnull=False)
    return [
        Todo(
            title=_("Members in arrears for over a year, awaiting the lapse review"),
            url=reverse("members:lapse_review"),
            count=flagged.count(),
            module=_("Member database"),
        )
    ]
