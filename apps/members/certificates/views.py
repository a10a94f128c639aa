"""Certificates: the staff page of a member's certificate (issue, download) and the public
verification page (member name, number and status; nothing else)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from apps.core.scoping import Grade
from apps.members.applications import ratelimit
from apps.members.models import Member
from apps.members.models_applications import Certificate

from . import codes, services

VIEW = "members.view_certificate"


def _member_in_scope(request, pk: int) -> Member:
    user = request.user
    if not user.has_perm(VIEW) or user.grade < Grade.RECORDS:
        # Same answer for "no such member" and "not yours" comes after the permission.
        if Member.objects.in_scope(user).filter(pk=pk).exists():
            raise PermissionDenied
        raise Http404
    return get_object_or_404(
        Member.objects.in_scope(user).select_related("enterprise", "chamber", "street"), pk=pk
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def member_certificate(request, pk: int):
    """A member's certificate: the current one (download), earlier ones, and 签发 / 补发."""
    member = _member_in_scope(request, pk)
    if request.method == "POST":
        if not request.user.has_perm(services.ISSUE):
            raise PermissionDenied
        certificate = services.certificate_issue(actor=request.user, member=member)
        messages.success(
            request,
            _("Certificate issued; its verification code is %(code)s.")
            % {"code": codes.display(certificate.code)},
        )
        return redirect("members:certificate", pk=member.pk)
    certificates = list(Certificate.objects.filter(member=member).select_related("issued_by"))
    current = next((c for c in certificates if c.is_current), None)
    context = {
        "member": member,
        "current": current,
        "current_code": codes.display(current.code) if current else "",
        "certificates": certificates,
        "verify_url": services.verify_url(current.code, request) if current else "",
    }
    return render(request, "members/certificates/member.html", context)


@login_required
@never_cache
@require_http_methods(["GET"])
def member_certificate_pdf(request, pk: int):
    member = _member_in_scope(request, pk)
    certificate = Certificate.objects.filter(member=member, replaced_at__isnull=True).first()
    if certificate is None:
        raise Http404
    certificate.member = member
    content = services.certificate_pdf(certificate, request=request)
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"certificate-{member.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Certificate verification code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=gettext_lazy(
            "16 characters printed under the QR code, e.g. K7QM-3XPA-9TRD-WN4C."
        ),
    )


@never_cache
@require_http_methods(["GET"])
def verify(request, code: str = ""):
    """证书核验: anyone confirms a certificate by its code (from the QR code or typed in)."""
    typed = code or request.GET.get("code", "")
    form = VerifyForm({"code": typed} if typed else None)
    result = None
    status, page_error = 200, ""
    if typed:
        if ratelimit.hit(request, ratelimit.VERIFY):
            form = VerifyForm()
            page_error = _(
                "Too many verifications from your network address. Please try again in "
                "%(minutes)d minutes."
            ) % {"minutes": ratelimit.window_minutes(ratelimit.VERIFY)}
            status = 429
        elif form.is_valid():
            certificate = services.certificate_for_code(form.cleaned_data["code"])
            if certificate is None:
                result = {"found": False}
                status = 404
            else:
                member = certificate.member
                result = {
                    "found": True,
                    "name": member.display_name,
                    "number": member.number,
                    "status": member.get_status_display(),
                    "current_member": member.is_current,
                    "replaced": not certificate.is_current,
                    "code": codes.display(certificate.code),
                }
    context = {"form": form, "result": result, "page_error": page_error}
    return render(request, "members/certificates/verify.html", context, status=status)
