"""Roster import pages: upload → validation report or preview → confirm (or cancel).
An import is its uploader's (MemberImport.objects.in_scope): anybody else's is a 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView

from apps.core.exports import xlsx_response
from apps.core.scoped_views import ScopedDetailView, ScopedMixin

from .. import imports
from ..forms import ImportForm
from ..models import ImportStatus, MemberImport

PERMISSION = ("members.add_member", "members.import_member")
RECENT = 10


class ImportStartView(ScopedMixin, FormView):
    model = MemberImport
    permission_required = PERMISSION
    form_class = ImportForm
    template_name = "members/import_start.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["imports"] = self.scoped_queryset()[:RECENT]
        context["columns"] = imports.ROSTER
        return context

    def form_valid(self, form):
        try:
            job = imports.import_start(actor=self.request.user, upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
            return self.form_invalid(form)
        return redirect("members:import_detail", job.pk)


class ImportDetailView(ScopedDetailView):
    model = MemberImport
    permission_required = PERMISSION
    template_name = "members/import_detail.html"
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
            return redirect("members:import_detail", job.pk)
        if job.status == ImportStatus.APPLIED:
            messages.success(
                request,
                _("The roster has been imported: %(count)d members.")
                % {"count": job.created_count},
            )
        else:
            messages.error(
                request, _("Nothing was imported: the file no longer passes the checks.")
            )
        return redirect("members:import_detail", job.pk)


class ImportAbandonView(ImportDetailView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        imports.import_abandon(job=self.get_object())
        messages.info(request, _("The import was cancelled and its file deleted."))
        return redirect("members:import_start")


class ImportErrorsView(ImportDetailView):
    def get(self, request, *args, **kwargs):
        job = self.get_object()
        if not job.error_count:
            raise Http404
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(imports.errors_xlsx(job), f"{_('Import errors')}-{stamp}.xlsx")


def import_template(request):
    """The empty roster template with the Chinese headers (required ones marked *)."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not request.user.has_perms(PERMISSION):
        raise PermissionDenied
    return xlsx_response(imports.template_xlsx(), f"{_('Member roster')}-{_('template')}.xlsx")
