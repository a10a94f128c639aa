"""The staff home page's to-do for the portal (settings.HOME_TODO_PROVIDERS)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.todos import Todo

from . import selectors


def pending_links(user) -> list[Todo]:
    if not user.has_perm("portal.review_enterprise_link"):
        return []
    count = selectors.pending_links(user).count()
    return [
        Todo(
            title=_("Enterprise account requests to review"),
            url=reverse("portal:review_list"),
            count=count,
            module=_("Enterprise accounts"),
        )
    ]
