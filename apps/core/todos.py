"""To-dos on the staff home page. Each module contributes a provider function
(listed in settings.HOME_TODO_PROVIDERS) that returns the user's open items."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Todo:
    title: str
    url: str
    count: int
    module: str


def todos_for(user) -> list[Todo]:
    items: list[Todo] = []
    for path in settings.HOME_TODO_PROVIDERS:
        items.extend(import_string(path)(user))
    return [item for item in items if item.count > 0]
