"""Import pages: upload → validation report or preview → confirm (or cancel). An import is
its uploader's (PersonImport.objects.in_scope): anybody else's is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, View

from apps.core.exports import xlsx_response
from apps.core.scoping import Grade

from .. import imports
from ..forms import ImportForm
from ..models import ImportStatus, PersonImport
from .base import PeopleMixin

PERMISSION = ("people.view_person", "people.add_person", "people.import_person")
RECENT = 10


class ImportMixin(PeopleMixin):
    model = PersonImport
    permission_required = PERMISSION
    # The file holds full ID numbers: only those who may see them import.
    required_grade = Grade.PERSONAL


class ImportStartView(ImportMixin, FormView):
    form_class = ImportForm
    template_name = "people/import_start.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["imports"] = self.scoped_queryset()[:RECENT]
        context["columns"] = imports.LAYOUT
        return context

    def form_valid(self, form):
        try:
            job = imports.import_start(actor=self.request.user, upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
            return self.form_invalid(form)
        return redirect("people:import_detail", job.pk)


class ImportDetailView(ImportMixin, DetailView):
    template_name = "people/import_detail.html"
    context_object_name = "job"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.object
        context["more_errors"] = max(job.error_count - len(job.errors), 0)
        context["more_rows"] = max(job.total_rows - len(job.preview), 0)
        return context


class ImportConfirmView(ImportDetailView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        job = self.get_object()
        try:
            job = imports.import_apply(actor=request.user, job=job)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("people:import_detail", job.pk)
        if job.status == ImportStatus.APPLIED:
            messages.success(
                request,
                _("The file has been imported: %(created)d added, %(updated)d updated.")
                % {"created": job.created_count, "updated": job.updated_count},
            )
        else:
            messages.error(
                request, _("Nothing was imported: the file no longer passes the checks.")
            )
        return redirect("people:import_detail", job.pk)


class ImportAbandonView(ImportDetailView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        imports.import_abandon(job=self.get_object())
        messages.info(request, _("The import was cancelled and its file deleted."))
        return redirect("people:import_start")


class ImportErrorsView(ImportDetailView):
    def get(self, request, *args, **kwargs):
        job = self.get_object()
        if not job.error_count:
            raise Http404
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(imports.errors_xlsx(job), f"{_('Import errors')}-{stamp}.xlsx")


class ImportTemplateView(ImportMixin, View):
    def get(self, request, *args, **kwargs):
        return xlsx_response(imports.template_xlsx(), f"{_('Notable people')}-{_('template')}.xlsx")
