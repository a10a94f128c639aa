import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.audit.models import Result
from apps.audit.services import audit_record

from . import services
from .forms import LoginForm, OTPTokenForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def axes_username(request, credentials=None) -> str:
    """The username axes counts failures against (settings.AXES_USERNAME_CALLABLE).

    Cut to the length of the username column: a 5,000-character username typed
    into the login form must be a failed login, not a database error.
    """
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value)[:150]


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    """What a locked account sees (settings.AXES_LOCKOUT_CALLABLE)."""
    return render(request, "accounts/lockout.html", status=403)


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    # Inline in HTML: drop the XML declaration, which is not valid there.
    return svg[svg.index("<svg") :]


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    devices = list(TOTPDevice.objects.devices_for_user(request.user, confirmed=True))
    if not devices:
        return redirect("accounts:otp_enrol")
    form = OTPTokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = devices[0]
        allowed, details = device.verify_is_allowed()
        if not allowed:
            wait = (details or {}).get("locked_until")
            form.add_error("token", _("Too many wrong codes. Wait a little and try again."))
            audit_record(
                action="otp_throttled",
                actor=request.user,
                obj=request.user,
                result=Result.DENIED,
                message=str(wait or ""),
            )
        elif device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            audit_record(action="otp_verified", actor=request.user, obj=request.user)
            next_url = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                next_url = "core:home"
            return redirect(next_url)
        else:
            form.add_error("token", _("The code is wrong or has already been used."))
            audit_record(
                action="otp_failed", actor=request.user, obj=request.user, result=Result.FAILURE
            )
    return render(request, "accounts/otp_verify.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def otp_enrol(request):
    user = request.user
    if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        return redirect("accounts:otp_verify")
    # One pending device per user; reloading the page must not change the secret.
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, confirmed=False, name="default")
    form = OTPTokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit_record(action="otp_enrolled", actor=user, obj=user)
            messages.success(request, _("Two-factor authentication is now on for your account."))
            return redirect("core:home")
        form.add_error("token", _("The code is wrong or has already been used."))
        audit_record(action="otp_failed", actor=user, obj=user, result=Result.FAILURE)

    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        # The SVG is generated here from our own data, not user input.
        "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "accounts/otp_enrol.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        services.password_change(
            user=self.request.user, new_password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return redirect(self.success_url)


@login_required
def profile(request):
    user = request.user
    context = {
        "roles": user.groups.select_related("role").order_by("name"),
        "has_mfa": TOTPDevice.objects.devices_for_user(user, confirmed=True).exists(),
    }
    return render(request, "accounts/profile.html", context)
