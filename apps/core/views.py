from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from . import captcha, request_context
from .todos import todos_for


@login_required
def home(request):
    return render(request, "core/home.html", {"todos": todos_for(request.user)})


@require_GET
def healthz(request):
    """Liveness for the operations vendor's monitor: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def captcha_refresh(request):
    """Another captcha picture (the 换一张 button of public forms), for htmx."""
    return render(request, "_captcha.html", {"challenge": captcha.issue(request)})


def _error(request, template: str, status: int):
    context = {"request_id": request_context.current().request_id}
    return HttpResponse(loader.render_to_string(template, context, request), status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _error(request, "400.html", 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _error(request, "403.html", 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _error(request, "404.html", 404)


def server_error(request):
    # No request context processors: whatever broke may break them too.
    html = loader.get_template("500.html").render(
        {"request_id": request_context.current().request_id}
    )
    return HttpResponse(html, status=500)


def csrf_failure(request, reason=""):
    from apps.audit.models import Result
    from apps.audit.services import audit_record

    user = getattr(request, "user", None)
    audit_record(
        action="csrf_failure",
        actor=user if user is not None and user.is_authenticated else None,
        result=Result.DENIED,
        message=f"{request.method} {request.path}"[:500],
    )
    return _error(request, "403_csrf.html", 403)
