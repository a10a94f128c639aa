"""Pages of an import that goes upload → checks → preview → confirm (or cancel), shared by
the modules that import a file this way (the member roster, the people database).

A module subclasses these with its own access mixin first (who may import, and the
import job model whose in_scope() gives each user only their own jobs: anybody else's is a
404), and sets on a mixin of its own:

- ``service``: its import module, with import_start, import_apply, import_abandon,
  errors_xlsx and template_xlsx; ``columns``: the columns of its file;
- ``namespace``: its URL namespace, whose import_* URLs these pages link to;
- ``title`` and ``file_title``: the page title and the template file's name;
- ``applied_message(job)``: what the user is told once the import is written.

The templates extend templates/imports/start.html and detail.html, filling in the intro,
the preview's columns and the messages.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, View

from .exports import xlsx_response

RECENT = 10
URL_NAMES = ("start", "detail", "confirm", "abandon", "errors", "template")
APPLIED = "applied"  # the job status every module using these pages writes once applied


class ImportPagesMixin:
    service = None
    columns: tuple = ()
    namespace = ""
    title = ""
    file_title = ""

    def url_name(self, name: str) -> str:
        return f"{self.namespace}:import_{name}"

    def applied_message(self, job) -> str:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["import_title"] = self.title
        context["import_urls"] = {name: self.url_name(name) for name in URL_NAMES}
        return context


class ImportStartView(ImportPagesMixin, FormView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["imports"] = self.scoped_queryset()[:RECENT]
        context["columns"] = self.columns
        return context

    def form_valid(self, form):
        try:
            job = self.service.import_start(
                actor=self.request.user, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            form.add_error("file", error)
            return self.form_invalid(form)
        return redirect(self.url_name("detail"), job.pk)


class ImportDetailView(ImportPagesMixin, DetailView):
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
            job = self.service.import_apply(actor=request.user, job=job)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.url_name("detail"), job.pk)
        if job.status == APPLIED:
            messages.success(request, self.applied_message(job))
        else:
            messages.error(
                request, _("Nothing was imported: the file no longer passes the checks.")
            )
        return redirect(self.url_name("detail"), job.pk)


class ImportAbandonView(ImportDetailView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.service.import_abandon(job=self.get_object())
        messages.info(request, _("The import was cancelled and its file deleted."))
        return redirect(self.url_name("start"))


class ImportErrorsView(ImportDetailView):
    def get(self, request, *args, **kwargs):
        job = self.get_object()
        if not job.error_count:
            raise Http404
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(self.service.errors_xlsx(job), f"{_('Import errors')}-{stamp}.xlsx")


class ImportTemplateView(ImportPagesMixin, View):
    """The empty file with the Chinese headers (required ones marked *)."""

    def get(self, request, *args, **kwargs):
        name = f"{self.file_title}-{_('template')}.xlsx"
        return xlsx_response(self.service.template_xlsx(), name)
