"""Import pages: upload → validation report → preview → confirm, with a progress page
for large files. A job is its uploader's (ImportJob.objects.in_scope): anybody
else's job is a 404."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from apps.core.exports import build_xlsx, xlsx_response
from apps.core.scoped_views import ScopedDetailView, ScopedMixin

from .imports import jobs
from .imports.spec import LAYOUTS
from .models import ImportJob, ImportKind, ImportStatus

PERMISSION = "enterprises.import_enterprise"
RECENT_JOBS = 10


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(
        label=gettext_lazy("File (xlsx or csv)"),
        help_text=gettext_lazy("Use the template's headers; the column order does not matter."),
    )


class ImportStartView(ScopedMixin, FormView):
    model = ImportJob
    permission_required = PERMISSION
    form_class = ImportForm
    template_name = "enterprises/import_start.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["jobs"] = self.scoped_queryset()[:RECENT_JOBS]
        context["layouts"] = [(kind, label, LAYOUTS[kind]) for kind, label in ImportKind.choices]
        return context

    def form_valid(self, form):
        try:
            job = jobs.job_start(
                actor=self.request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error("file", error)
            return self.form_invalid(form)
        return redirect("enterprises:import_detail", job.pk)


class ImportDetailView(ScopedDetailView):
    model = ImportJob
    permission_required = PERMISSION
    template_name = "enterprises/import_detail.html"
    context_object_name = "job"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.object
        context["running"] = job.status in jobs.ACTIVE
        context["more_errors"] = max(job.error_count - len(job.errors), 0)
        return context


class ImportProgressView(ImportDetailView):
    """The polled partial; when the job has moved on, the whole page reloads."""

    template_name = "enterprises/_import_progress.html"

    def get_template_names(self):
        return [self.template_name]

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if not context["running"]:
            response["HX-Refresh"] = "true"
        return response


class ImportErrorsXlsxView(ImportDetailView):
    def get(self, request, *args, **kwargs):
        job = self.get_object()
        if not job.error_count:
            raise Http404
        content = jobs.errors_xlsx(job)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(content, f"{_('Import errors')}-{stamp}.xlsx")


class ImportConfirmView(ImportDetailView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        job = self.get_object()
        try:
            job = jobs.job_confirm(actor=request.user, job=job)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("enterprises:import_detail", job.pk)
        if job.status == ImportStatus.APPLIED:
            messages.success(request, _("The import has been applied."))
        return redirect("enterprises:import_detail", job.pk)


class ImportAbandonView(ImportDetailView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        job = self.get_object()
        jobs.job_abandon(job=job)
        messages.info(request, _("The import was cancelled and its file deleted."))
        return redirect("enterprises:import_start")


def import_template(request, kind: str) -> HttpResponse:
    """The empty template with the Chinese headers (required ones marked *)."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    if kind not in LAYOUTS:
        raise Http404
    headers = [c.template_header for c in LAYOUTS[kind]]
    label = ImportKind(kind).label
    content, _count = build_xlsx(headers, [], str(label))
    return xlsx_response(content, f"{label}-{_('template')}.xlsx")


def job_url(job) -> str:
    return reverse("enterprises:import_detail", args=[job.pk])
