"""Screens of the enterprise portal: public registration, the applicant's waiting page, the
enterprise's own home, the review queue and invitation codes. Thin: writes are services."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.generic import TemplateView

from apps.core import captcha
from apps.core.masking import phone_for
from apps.core.scoped_views import ScopedDetailView, ScopedListView
from apps.core.scoping import ScopeKind, narrow_form_to_scope
from apps.core.todos import todos_for

from . import ratelimit, selectors, services
from .filters import EnterpriseLinkFilter
from .forms import InvitationForm, LinkDetailsForm, RegistrationForm, RejectForm
from .links import links_for
from .models import EnterpriseLink, Invitation, LinkStatus

SESSION_REGISTERED = "portal_registered"
REVIEW_PERMISSION = "portal.review_enterprise_link"


def awaiting_approval(user) -> bool:
    """An enterprise account that is not linked to its enterprise yet sees only the
    waiting page (its scope is empty, so every data page would be empty anyway)."""
    return (
        user.is_authenticated
        and not user.is_superuser
        and user.scope_kind == ScopeKind.ENTERPRISE
        and not user.scope_uscc
    )


# --- public registration -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    captcha_ok = captcha.check_post(request) if request.method == "POST" else None
    form = RegistrationForm(request.POST or None, captcha_ok=captcha_ok)
    status = 200
    if request.method == "POST":
        if ratelimit.registration_limited(request):
            form.is_valid()  # keep what was typed, with its errors
            form.add_error(
                None,
                _(
                    "Too many registrations from this network in the last hour. Please try "
                    "again in an hour, or ask your street office for help."
                ),
            )
            status = 429
        elif form.is_valid():
            ratelimit.registration_count(request)
            data = form.cleaned_data
            try:
                link = services.registration_submit(
                    uscc=data["uscc"],
                    name=data["name"],
                    contact_name=data["contact_name"],
                    mobile=data["mobile"],
                    email=data["email"],
                    username=data["username"],
                    password=data["password1"],
                    invitation_code=data["invitation_code"],
                )
            except services.AlreadyLinked as refused:
                # The registration rolled back; the report is written on its own.
                services.registration_duplicate_report(
                    uscc=data["uscc"], name=data["name"], contact_name=data["contact_name"]
                )
                form.add_error("uscc", refused)
            except services.InvitationInvalid as invalid:
                form.add_error("invitation_code", invalid)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                request.session[SESSION_REGISTERED] = {
                    "approved": link.status == LinkStatus.APPROVED,
                    "name": link.registry_name or link.name,
                    "username": link.user.username,
                }
                return redirect("portal:register_done")
    challenge = captcha.prepare(request, form)
    return render(
        request, "portal/register.html", {"form": form, "challenge": challenge}, status=status
    )


@require_http_methods(["GET"])
def register_done(request):
    done = request.session.pop(SESSION_REGISTERED, None)
    if done is None:
        return redirect("accounts:login")
    return render(request, "portal/register_done.html", {"done": done})


# --- the applicant ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def waiting(request):
    """Where an enterprise account waits for its link to be approved."""
    user = request.user
    if not awaiting_approval(user):
        return redirect("core:home")
    link = selectors.latest_link(user)
    form = None
    if link is not None and link.status == LinkStatus.REJECTED:
        initial = {
            "uscc": link.uscc,
            "name": link.name,
            "contact_name": link.contact_name,
            "mobile": link.mobile,
        }
        form = LinkDetailsForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.link_resubmit(user=user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error("uscc" if error.code == "already_linked" else None, error)
            else:
                messages.success(request, _("Your request has been submitted again."))
                return redirect("portal:waiting")
    elif request.method == "POST":
        return redirect("portal:waiting")
    return render(request, "portal/waiting.html", {"link": link, "form": form})


@login_required
@require_http_methods(["GET"])
def home(request):
    """我的企业: the enterprise account's own home page."""
    user = request.user
    if awaiting_approval(user):
        return redirect("portal:waiting")
    if user.scope_kind != ScopeKind.ENTERPRISE:
        raise Http404
    enterprise = selectors.own_enterprise(user)
    link = selectors.latest_link(user)
    title = enterprise.name if enterprise else (link.registry_name or link.name if link else "")
    context = {
        "enterprise": enterprise,
        "title": title,
        "uscc": user.scope_uscc,
        "ledger": selectors.latest_ledger(user, enterprise) if enterprise else None,
        "links": links_for(user, enterprise),
        "todos": todos_for(user),
    }
    return render(request, "portal/home.html", context)


# --- review -----------------------------------------------------------------------


class ReviewMixin:
    model = EnterpriseLink
    permission_required = REVIEW_PERMISSION

    def get_queryset(self):
        return super().get_queryset().select_related("user", "street", "decided_by", "invitation")


class ReviewListView(ReviewMixin, ScopedListView):
    template_name = "portal/review_list.html"
    paginate_by = 50

    def get_queryset(self):
        queryset = super().get_queryset()
        data = self.request.GET.copy()
        if "status" not in data:
            data["status"] = LinkStatus.PENDING  # the queue
        self.filterset = EnterpriseLinkFilter(data, queryset=queryset, request=self.request)
        narrow_form_to_scope(self.filterset.form, self.request.user)
        return self.filterset.qs if self.filterset.is_valid() else queryset.none()


class ReviewDetailView(ReviewMixin, ScopedDetailView):
    template_name = "portal/review_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        link, user = self.object, self.request.user
        context.update(
            mobile=phone_for(user, link.mobile),
            linked=list(selectors.linked_accounts(link.uscc).exclude(pk=link.user_id)),
            others=EnterpriseLink.objects.in_scope(user)
            .filter(uscc=link.uscc)
            .exclude(pk=link.pk)
            .select_related("user")[:20],
            enterprise=selectors.enterprise_in_scope(user, link.uscc),
            reject_form=kwargs.get("reject_form") or RejectForm(),
        )
        return context


class ReviewDecideView(ReviewMixin, ScopedDetailView):
    """POST only: approve, or reject with a reason."""

    http_method_names = ["post"]
    template_name = "portal/review_detail.html"
    decision = ""

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            if self.decision == "approve":
                services.link_approve(actor=request.user, link=self.object)
                messages.success(request, _("The account has been linked to the enterprise."))
            else:
                form = RejectForm(request.POST)
                if not form.is_valid():
                    return self._redisplay(reject_form=form)
                services.link_reject(
                    actor=request.user, link=self.object, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("The request has been rejected."))
        except EnterpriseLink.DoesNotExist as missing:
            raise Http404 from missing
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        return redirect("portal:review_detail", pk=self.object.pk)

    def _redisplay(self, **kwargs):
        view = ReviewDetailView(request=self.request, kwargs=self.kwargs, object=self.object)
        context = view.get_context_data(object=self.object, **kwargs)
        return render(self.request, "portal/review_detail.html", context, status=400)


# --- invitations ---------------------------------------------------------------------


class InvitationView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Make a one-time invitation code for an enterprise; the code is shown once, in the
    answer to the POST, and never again."""

    permission_required = "portal.invite_enterprise"
    template_name = "portal/invitations.html"

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise PermissionDenied
        return super().handle_no_permission()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault(
            "form", InvitationForm(initial={"uscc": self.request.GET.get("uscc", "")[:30]})
        )
        context["days"] = settings.PORTAL_INVITATION_DAYS
        context["invitations"] = (
            Invitation.objects.in_scope(self.request.user)
            .select_related("created_by", "used_by")
            .order_by("-created_at", "-id")[:50]
        )
        return context

    def post(self, request, *args, **kwargs):
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation, code = services.invitation_create(
                    actor=request.user, uscc=form.cleaned_data["uscc"]
                )
            except ValidationError as error:
                form.add_error("uscc", error)
            else:
                return render(
                    request,
                    "portal/invitation_created.html",
                    {
                        "invitation": invitation,
                        "code": code,
                        "register_url": request.build_absolute_uri(reverse("portal:register")),
                    },
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)
