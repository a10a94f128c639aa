"""Pages of the monthly reports: the history, asking for one, downloads, subscriptions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from apps.audit.services import export_log
from apps.core import crypto
from apps.insights.models_report import MonthlyReport, ReportStatus, ReportSubscription

from . import services
from .forms import ReportRequestForm, SubscriptionForm

PER_PAGE = 20


class _Permission(LoginRequiredMixin, PermissionRequiredMixin):
    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise PermissionDenied
        return super().handle_no_permission()


class ReportListView(_Permission, ListView):
    """月度数据报告: the reports of the user's scope and grade, newest first."""

    permission_required = "insights.view_monthlyreport"
    template_name = "insights/report/list.html"
    paginate_by = PER_PAGE

    def get_queryset(self):
        return (
            MonthlyReport.objects.in_scope(self.request.user)
            .select_related("street", "requested_by")
            .order_by("-month", "-created_at", "-id")
        )

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return ["insights/report/_list.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["busy"] = any(
            r.status in (ReportStatus.PENDING, ReportStatus.RUNNING) for r in context["object_list"]
        )
        return context


@login_required
@permission_required("insights.add_monthlyreport", raise_exception=True)
def report_create(request):
    """生成报告: any quarter, built in the background; the list shows it when ready."""
    form = ReportRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.report_request(
                actor=request.user,
                year=data["year"],
                quarter=data["quarter"],
                street=data["street"],
                detail=data["detail"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The report is being generated; it appears in the list when ready.")
            )
            return redirect("reports:list")
    status = 400 if request.method == "POST" else 200
    return render(request, "insights/report/form.html", {"form": form}, status=status)


@login_required
@permission_required("insights.view_monthlyreport", raise_exception=True)
def report_download(request, pk: int, kind: str):
    """The report's Word document or Excel appendix; every download is in the export log."""
    report = get_object_or_404(MonthlyReport.objects.in_scope(request.user), pk=pk)
    if kind not in ("docx", "xlsx") or not report.is_ready:
        raise Http404
    stored = getattr(report, kind)
    with stored.open("rb") as handle:
        content = handle.read()
    docx_name, xlsx_name = services.file_names(report)
    name = docx_name if kind == "docx" else xlsx_name
    export_log(
        actor=request.user,
        name=name,
        filters={
            "report": report.pk,
            "period": f"{report.year}Q{report.quarter}",
            "scope": report.scope_name,
            "detail": report.detail,
            "file": kind,
        },
        row_count=sum(len(rows) for rows in _table_rows(report)),
        digest=crypto.provider().digest(content),
    )
    response = HttpResponse(
        content, content_type=services.DOCX_TYPE if kind == "docx" else services.XLSX_TYPE
    )
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "no-store"
    return response


def _table_rows(report: MonthlyReport):
    figures = report.figures or {}
    for key in ("by_street", "by_section", "by_size", "trend", "top_revenue", "top_tax"):
        yield figures.get(key) or []


# --- subscriptions --------------------------------------------------------------------------


class SubscriptionListView(_Permission, ListView):
    permission_required = "insights.view_reportsubscription"
    template_name = "insights/report/subscriptions.html"
    paginate_by = 50

    def get_queryset(self):
        return (
            ReportSubscription.objects.select_related("role__group")
            .prefetch_related("users")
            .order_by("name", "id")
        )


def _subscription_form(request, subscription=None):
    form = SubscriptionForm(request.POST or None, instance=subscription)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.subscription_save(
                actor=request.user,
                subscription=subscription,
                name=data["name"],
                role=data["role"],
                users=data["users"],
                email=data["email"],
                active=data["active"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The subscription is saved."))
            return redirect("reports:subscriptions")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "insights/report/subscription_form.html",
        {"form": form, "subscription": subscription},
        status=status,
    )


@login_required
@permission_required("insights.add_reportsubscription", raise_exception=True)
def subscription_create(request):
    return _subscription_form(request)


@login_required
@permission_required("insights.change_reportsubscription", raise_exception=True)
def subscription_update(request, pk: int):
    return _subscription_form(request, get_object_or_404(ReportSubscription, pk=pk))


@login_required
@permission_required("insights.delete_reportsubscription", raise_exception=True)
@require_POST
def subscription_delete(request, pk: int):
    subscription = get_object_or_404(ReportSubscription, pk=pk)
    services.subscription_delete(actor=request.user, subscription=subscription)
    messages.success(request, _("The subscription is deleted."))
    return redirect("reports:subscriptions")
