"""Read-only audit screens for the auditor. Nothing here can change an event."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET

from apps.core import crypto
from apps.core.exports import build_xlsx, xlsx_response

from .filters import AuditEventFilter
from .models import AuditEvent, ExportRecord, PersonalDataRead
from .services import export_log

# Marked for translation here, translated when the file is written.
EXPORT_HEADERS = [
    gettext_noop("Time"),
    gettext_noop("Username"),
    gettext_noop("IP address"),
    gettext_noop("Action"),
    gettext_noop("Object type"),
    gettext_noop("Object id"),
    gettext_noop("Object"),
    gettext_noop("Result"),
    gettext_noop("Changes"),
    gettext_noop("Request id"),
]


def _rows(events):
    for e in events.iterator(chunk_size=2000):
        yield [
            e.at,
            e.actor_username,
            e.ip,
            e.action,
            e.object_type,
            e.object_id,
            e.object_repr,
            e.get_result_display(),
            e.changes,
            e.request_id,
        ]


@require_GET
@login_required
@permission_required("audit.view_auditevent", raise_exception=True)
def event_list(request):
    filterset = AuditEventFilter(request.GET or None, queryset=AuditEvent.objects.all())
    if not filterset.is_bound:
        events = AuditEvent.objects.all()
    elif filterset.is_valid():
        events = filterset.qs
    else:
        # A filter that does not validate must not widen the list (or an
        # export) to every event; the form shows what to correct.
        events = AuditEvent.objects.none()
    if request.GET.get("export") == "xlsx":
        if not request.user.has_perm("audit.export_auditevent"):
            raise PermissionDenied
        headers = [_(h) for h in EXPORT_HEADERS]
        content, count = build_xlsx(headers, _rows(events), _("Audit log"))
        filters = {k: v for k, v in request.GET.items() if k not in {"export", "page"} and v}
        export_log(
            actor=request.user,
            name="audit.events",
            filters=filters,
            row_count=count,
            digest=crypto.provider().digest(content),
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(content, f"audit-{stamp}.xlsx")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"filterset": filterset, "page_obj": page})


@require_GET
@login_required
@permission_required("audit.view_auditevent", raise_exception=True)
def access_logs(request):
    context = {
        "reads": PersonalDataRead.objects.all()[:100],
        "exports": ExportRecord.objects.all()[:100],
    }
    return render(request, "audit/access_logs.html", context)
