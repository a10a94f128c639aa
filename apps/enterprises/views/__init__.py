"""Enterprise screens: list and exports, one enterprise, create and edit.

Imports (import_views.py) and data quality live in their own modules.
"""

from .editing import EnterpriseCreateView, EnterpriseUpdateView
from .listing import EnterpriseExportView, EnterpriseListView, LedgerExportView
from .records import (
    EnterpriseDetailView,
    EnterpriseHistoryView,
    EnterpriseNoteAddView,
    LedgerEditView,
)

__all__ = [
    "EnterpriseCreateView",
    "EnterpriseDetailView",
    "EnterpriseExportView",
    "EnterpriseHistoryView",
    "EnterpriseListView",
    "EnterpriseNoteAddView",
    "EnterpriseUpdateView",
    "LedgerEditView",
    "LedgerExportView",
]
