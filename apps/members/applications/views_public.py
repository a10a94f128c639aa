"""The public side (no sign-in): choose a kind, apply, the confirmation, and the applicant's
status page (look-up by reference number and mobile, answer a return).

A POST with files passes three gates before Django reads its body: the per-IP limit, the
request size (Content-Length against MEMBERS_APPLICATION_MAX_REQUEST_BYTES), and only then
the CSRF check, which is what first reads the body. That is why the form views are
csrf_exempt on the outside and csrf_protect inside (the pattern Django documents for
changing upload handlers), with LimitedUploadHandler installed in between.
"""

from __future__ import annotations

import time
from functools import wraps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from apps.core import captcha
from apps.members.models_applications import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    StepAction,
)

from . import ratelimit, selectors, services, uploads
from .forms import FORMS, KIND_SLUGS, StatusLookupForm, initial_from

SESSION_DONE = "members_application_done"
SESSION_ACCESS = "members_application_access"
# Steps the applicant sees on the status page (not who reviewed, nor internal notes).
PUBLIC_STEPS = {
    StepAction.SUBMITTED,
    StepAction.RESUBMITTED,
    StepAction.REVIEWED,
    StepAction.RETURNED,
    StepAction.REJECTED,
    StepAction.ADMITTED,
}


def _content_length(request) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def upload_gate(view):
    """Refuse an over-size POST from its Content-Length, cap each file part, then check
    CSRF. The view sees `request.members_refused` ("too_large") instead of a body."""
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def gated(request, *args, **kwargs):
        request.members_refused = ""
        if request.method == "POST":
            if _content_length(request) > uploads.max_request_bytes():
                request.members_refused = "too_large"
                return view(request, *args, **kwargs)  # the body is never read
            request.upload_handlers.insert(0, uploads.LimitedUploadHandler(request))
        return protected(request, *args, **kwargs)

    return gated


def _too_large_message() -> str:
    return _(
        "The files sent together are larger than %(mb)d MB, so nothing was received. Each "
        "file may be at most %(each)d MB: scan at a lower resolution or compress them."
    ) % {
        "mb": uploads.max_request_bytes() // (1024 * 1024),
        "each": uploads.max_megabytes(),
    }


def _rate_message(bucket: str) -> str:
    return _(
        "Too many submissions from your network address. For the security of the service, "
        "please try again in %(minutes)d minutes, or call the Federation for help."
    ) % {"minutes": ratelimit.window_minutes(bucket)}


# --- applying ---------------------------------------------------------------------------


@require_http_methods(["GET"])
def apply_start(request):
    """入会申请: choose the kind of membership."""
    return render(request, "members/applications/start.html", {"kinds": KIND_SLUGS})


def _form_page(request, form, *, kind, status=200, error=""):
    challenge = captcha.prepare(request, form)
    context = {
        "form": form,
        "kind": kind,
        "kind_label": ApplicationKind(kind).label,
        "challenge": challenge,
        "max_mb": uploads.max_megabytes(),
        "page_error": error,
    }
    return render(request, "members/applications/apply.html", context, status=status)


@never_cache
@upload_gate
@require_http_methods(["GET", "POST"])
def apply(request, kind_slug: str):
    kind = KIND_SLUGS.get(kind_slug)
    if kind is None:
        raise Http404
    form_class = FORMS[kind]
    if request.method == "GET":
        return _form_page(request, form_class(), kind=kind)
    if ratelimit.hit(request, ratelimit.APPLY):
        return _form_page(
            request, form_class(), kind=kind, status=429, error=_rate_message(ratelimit.APPLY)
        )
    if request.members_refused == "too_large":
        return _form_page(request, form_class(), kind=kind, status=413, error=_too_large_message())
    captcha_ok = captcha.check_post(request)
    form = form_class(
        request.POST,
        request.FILES,
        captcha_ok=captcha_ok,
        too_large=getattr(request, "members_too_large", ()),
    )
    if form.is_valid():
        try:
            application = services.application_submit(
                kind=kind,
                data=form.applicant_data(),
                attachments=form.attachments,
                sensitive_consent=bool(form.cleaned_data.get("sensitive_consent")),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session[SESSION_DONE] = application.reference
            _grant(request, application)
            return redirect("members:apply_done")
    return _form_page(request, form, kind=kind, status=400)


@never_cache
@require_http_methods(["GET"])
def apply_done(request):
    reference = request.session.get(SESSION_DONE)
    if not reference:
        return redirect("members:apply_start")
    application = Application.objects.filter(reference=reference).first()
    if application is None:
        return redirect("members:apply_start")
    return render(request, "members/applications/done.html", {"application": application})


# --- the applicant's status page --------------------------------------------------------


def _grant(request, application: Application) -> None:
    """This browser may see `application` for a while (after the look-up or the submission)."""
    minutes = settings.MEMBERS_STATUS_ACCESS_MINUTES
    now = time.time()
    access = {
        ref: until
        for ref, until in (request.session.get(SESSION_ACCESS) or {}).items()
        if until > now
    }
    access[application.reference] = now + minutes * 60
    request.session[SESSION_ACCESS] = access


def _version(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _granted(request, reference: str) -> bool:
    until = (request.session.get(SESSION_ACCESS) or {}).get(reference, 0)
    return until > time.time()


@never_cache
@require_http_methods(["GET", "POST"])
def status_lookup(request):
    """进度查询: the reference number and the mobile given; both must match."""
    form = StatusLookupForm(request.POST or None)
    status, page_error = 200, ""
    if request.method == "POST":
        if ratelimit.hit(request, ratelimit.STATUS):
            form = StatusLookupForm()
            page_error = _rate_message(ratelimit.STATUS)
            status = 429
        elif form.is_valid():
            application = selectors.find_for_applicant(
                reference=form.cleaned_data["reference"], mobile=form.cleaned_data["mobile"]
            )
            if application is not None:
                _grant(request, application)
                return redirect("members:apply_status_detail", reference=application.reference)
            form.add_error(
                None,
                _(
                    "No application has this reference number with this mobile number. Check "
                    "both against the message you received."
                ),
            )
            status = 404
        else:
            status = 400
    return render(
        request,
        "members/applications/status_lookup.html",
        {"form": form, "page_error": page_error},
        status=status,
    )


@never_cache
@upload_gate
@require_http_methods(["GET", "POST"])
def status_detail(request, reference: str):
    """The applicant's own application: where it is, why it was returned or rejected, and
    (when returned) the form to add what is missing."""
    if not _granted(request, reference):
        return redirect("members:apply_status")
    application = Application.objects.filter(reference=reference).first()
    if application is None:
        return redirect("members:apply_status")
    form_class = FORMS[application.kind]
    answering = application.status == ApplicationStatus.RETURNED
    form = None
    status, page_error = 200, ""
    if answering:
        form = form_class(initial=initial_from(application), answering=True)
        if request.method == "POST":
            if request.members_refused == "too_large":
                page_error = _too_large_message()
                status = 413
            else:
                form = form_class(
                    request.POST,
                    request.FILES,
                    answering=True,
                    too_large=getattr(request, "members_too_large", ()),
                )
                if form.is_valid():
                    try:
                        services.application_resubmit(
                            application=application,
                            version=_version(request.POST.get("version")),
                            data=form.applicant_data(),
                            attachments=form.attachments,
                        )
                    except ValidationError as error:
                        form.add_error(None, error)
                        status = 409
                    else:
                        return redirect(
                            "members:apply_status_detail", reference=application.reference
                        )
                else:
                    status = 400
    elif request.method == "POST":
        return redirect("members:apply_status_detail", reference=application.reference)
    steps = [s for s in application.steps.all() if s.action in PUBLIC_STEPS]
    context = {
        "application": application,
        "steps": steps,
        "form": form,
        "attachments": application.attachments.filter(current=True),
        "max_mb": uploads.max_megabytes(),
        "status_url": reverse("members:apply_status_detail", args=[application.reference]),
        "page_error": page_error,
    }
    return render(request, "members/applications/status_detail.html", context, status=status)
