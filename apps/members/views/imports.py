"""Roster import pages (apps/core/import_views.py): upload → validation report or preview →
confirm (or cancel). An import is its uploader's (MemberImport.objects.in_scope): anybody
else's is a 404."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import import_views
from apps.core.scoped_views import ScopedMixin

from .. import imports
from ..forms import ImportForm
from ..models import MemberImport


class RosterImport(ScopedMixin):
    model = MemberImport
    permission_required = ("members.add_member", "members.import_member")
    service = imports
    columns = imports.ROSTER
    namespace = "members"
    title = gettext_lazy("Roster import")
    file_title = gettext_lazy("Member roster")

    def applied_message(self, job) -> str:
        return _("The roster has been imported: %(count)d members.") % {"count": job.created_count}


class ImportStartView(RosterImport, import_views.ImportStartView):
    form_class = ImportForm
    template_name = "members/import_start.html"


class ImportDetailView(RosterImport, import_views.ImportDetailView):
    template_name = "members/import_detail.html"


class ImportConfirmView(RosterImport, import_views.ImportConfirmView):
    pass


class ImportAbandonView(RosterImport, import_views.ImportAbandonView):
    pass


class ImportErrorsView(RosterImport, import_views.ImportErrorsView):
    pass


class ImportTemplateView(RosterImport, import_views.ImportTemplateView):
    pass
