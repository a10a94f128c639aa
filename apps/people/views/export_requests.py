"""Unmasked exports: ask (with a reason, from the filtered list) → a second person with
people.approve_personexport decides → the requester downloads the file once."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, FormView, ListView, View

from apps.core.exports import xlsx_response
from apps.core.scoping import Grade, ScopeKind, scope_of

from .. import exports, services
from ..filters import PersonFilterSet, safe_params, sensitive_query
from ..forms import DecisionForm, ExportRequestForm
from ..models import ExportStatus, Person, PersonExport
from .base import PeopleMixin, error_text


def visible_exports(user):
    """Own requests; for approvers (whole-district scope) everyone's."""
    if user.has_perm("people.approve_personexport") and scope_of(user).kind == ScopeKind.DISTRICT:
        return PersonExport.objects.all()
    return PersonExport.objects.in_scope(user)


class ExportMixin(PeopleMixin):
    model = PersonExport

    def get_queryset(self):
        return visible_exports(self.request.user).select_related("created_by", "decided_by")


class ExportListView(ExportMixin, ListView):
    permission_required = "people.view_person"
    template_name = "people/export_list.html"
    paginate_by = 50

    def has_permission(self) -> bool:
        user = self.request.user
        return super().has_permission() and (
            user.has_perm("people.export_person_unmasked")
            or user.has_perm("people.approve_personexport")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["pending_for_me"] = (
            self.get_queryset().filter(status=ExportStatus.PENDING).exclude(created_by=user).count()
            if user.has_perm("people.approve_personexport")
            else 0
        )
        return context


class ExportRequestView(PeopleMixin, FormView):
    """GET: the filter being exported and its row count, and the reason box; POST: the
    request. The list's query string travels in the URL."""

    permission_required = ("people.view_person", "people.export_person_unmasked")
    required_grade = Grade.PERSONAL
    form_class = ExportRequestForm
    template_name = "people/export_request.html"

    def params(self) -> QueryDict:
        return self.request.GET

    def filtered(self):
        base = Person.objects.in_scope(self.request.user).with_evaluation()
        self.filterset = PersonFilterSet(self.params() or None, queryset=base, request=self.request)
        return self.filterset.qs if self.filterset.is_bound else base

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            row_count=self.filtered().count(),
            filter_text=exports.filter_labels(self.filterset),
            query=self.params().urlencode(),
            sensitive=sensitive_query(self.params().get("q")),
        )
        return context

    def form_valid(self, form):
        if sensitive_query(self.params().get("q")):
            form.add_error(
                None,
                _("An export cannot be filtered by a full ID number or mobile; use the name."),
            )
            return self.form_invalid(form)
        rows = self.filtered().count()
        try:
            export = services.export_request_create(
                actor=self.request.user,
                filters=safe_params(self.params()),
                filter_text=exports.filter_labels(self.filterset),
                row_count=rows,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Your request has been sent. Someone else with the right to approve "
                "must approve it."
            ),
        )
        return redirect("people:export_detail", export.pk)


class ExportDetailView(ExportMixin, DetailView):
    permission_required = "people.view_person"
    template_name = "people/export_detail.html"
    context_object_name = "export"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        export = self.object
        context.update(
            can_decide=export.status == ExportStatus.PENDING
            and export.created_by_id != user.pk
            and user.has_perm("people.approve_personexport"),
            can_download=export.created_by_id == user.pk and export.downloadable(),
            own=export.created_by_id == user.pk,
            form=DecisionForm(),
        )
        return context


class ExportDecideView(ExportMixin, View):
    permission_required = ("people.view_person", "people.approve_personexport")
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        export = self.get_queryset().filter(pk=kwargs["pk"]).first()
        if export is None:
            raise Http404
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose to approve or reject."))
            return redirect("people:export_detail", export.pk)
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.export_request_decide(
                actor=request.user, export=export, approve=approve, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("The request has been approved.")
                if approve
                else _("The request has been rejected."),
            )
        return redirect("people:export_detail", export.pk)


@method_decorator(never_cache, name="dispatch")
class ExportDownloadView(ExportMixin, View):
    permission_required = ("people.view_person", "people.export_person_unmasked")
    required_grade = Grade.PERSONAL

    def get(self, request, *args, **kwargs):
        export = self.get_queryset().filter(pk=kwargs["pk"]).first()
        if export is None:
            raise Http404
        try:
            content, _count = services.export_download(actor=request.user, export=export)
        except PermissionDenied:
            raise
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect("people:export_detail", export.pk)
        return xlsx_response(content, exports.filename(_("Notable people (unmasked)")))
