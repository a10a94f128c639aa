from .chambers import (
    ActivityCreateView,
    ChamberDetailView,
    ChamberListView,
    ChamberMembersView,
    ChamberProfileEditView,
)
from .directory import DirectoryView
from .dues import (
    ArrearsExportView,
    ArrearsListView,
    LapseReviewView,
    PaymentCreateView,
    RatesView,
)
from .imports import (
    ImportAbandonView,
    ImportConfirmView,
    ImportDetailView,
    ImportErrorsView,
    ImportStartView,
    ImportTemplateView,
)
from .members import (
    MemberCreateView,
    MemberDetailView,
    MemberExportView,
    MemberListView,
    MemberStatusView,
    MemberUpdateView,
)
from .posts import (
    CommitteeView,
    PostAssignView,
    PostEndView,
    TermCloseView,
    TermCreateView,
    TermListView,
)

__all__ = [
    "ActivityCreateView",
    "ArrearsExportView",
    "ArrearsListView",
    "ChamberDetailView",
    "ChamberListView",
    "ChamberMembersView",
    "ChamberProfileEditView",
    "CommitteeView",
    "DirectoryView",
    "ImportAbandonView",
    "ImportConfirmView",
    "ImportDetailView",
    "ImportErrorsView",
    "ImportStartView",
    "ImportTemplateView",
    "LapseReviewView",
    "MemberCreateView",
    "MemberDetailView",
    "MemberExportView",
    "MemberListView",
    "MemberStatusView",
    "MemberUpdateView",
    "PaymentCreateView",
    "PostAssignView",
    "PostEndView",
    "RatesView",
    "TermCloseView",
    "TermCreateView",
    "TermListView",
]
