"""Import pages (apps/core/import_views.py): upload → validation report or preview →
confirm (or cancel). An import is its uploader's (PersonImport.objects.in_scope): anybody
else's is a 404."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import import_views
from apps.core.scoping import Grade

from .. import imports
from ..forms import ImportForm
from ..models import PersonImport
from .base import PeopleMixin


class PeopleImport(PeopleMixin):
    model = PersonImport
    permission_required = ("people.view_person", "people.add_person", "people.import_person")
    # The file holds full ID numbers: only those who may see them import.
    required_grade = Grade.PERSONAL
    service = imports
    columns = imports.LAYOUT
    namespace = "people"
    title = gettext_lazy("Import people")
    file_title = gettext_lazy("Notable people")

    def applied_message(self, job) -> str:
        return _("The file has been imported: %(created)d added, %(updated)d updated.") % {
            "created": job.created_count,
            "updated": job.updated_count,
        }


class ImportStartView(PeopleImport, import_views.ImportStartView):
    form_class = ImportForm
    template_name = "people/import_start.html"


class ImportDetailView(PeopleImport, import_views.ImportDetailView):
    template_name = "people/import_detail.html"


class ImportConfirmView(PeopleImport, import_views.ImportConfirmView):
    pass


class ImportAbandonView(PeopleImport, import_views.ImportAbandonView):
    pass


class ImportErrorsView(PeopleImport, import_views.ImportErrorsView):
    pass


class ImportTemplateView(PeopleImport, import_views.ImportTemplateView):
    pass
