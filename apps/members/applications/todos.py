"""Home to-dos: applications waiting for the user's step (初审 or 审批), in their scope."""

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.todos import Todo

from .selectors import queue_counts


def application_todos(user) -> list[Todo]:
    if not user.is_authenticated or not user.has_perm("members.view_application"):
        return []
    counts = queue_counts(user)
    url = reverse("members:application_list")
    items = []
    if counts.get("review"):
        items.append(
            Todo(
                title=_("Membership applications awaiting preliminary review"),
                url=f"{url}?status=submitted",
                count=counts["review"],
                module=_("Member database"),
            )
        )
    if counts.get("approve"):
        items.append(
            Todo(
                title=_("Membership applications awaiting your approval"),
                url=f"{url}?status=reviewed",
                count=counts["approve"],
                module=_("Member database"),
            )
        )
    return items
