"""The staff member list (filters, export), a member's page, new member, edit, status."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView

from apps.core.masking import can_see_personal, phone_for
from apps.core.scoped_views import ScopedDetailView, ScopedFormMixin, ScopedListView
from apps.core.scoping import ScopeKind, scope_of

from .. import exports, services
from ..filters import MemberFilterSet
from ..forms import MemberEditForm, MemberForm, StatusForm
from ..models import (
    POST_RANK,
    DuesCharge,
    Member,
    MemberStatus,
    PostHolding,
)
from .base import ObjectFormView


def member_rows(queryset):
    """The list's rows with what the table shows, in a fixed number of queries."""
    today = timezone.localdate()
    owing = DuesCharge.objects.filter(
        member=OuterRef("pk"), due_date__lt=today, paid__lt=F("amount")
    )
    current_posts = PostHolding.objects.current_on(today).select_related("term", "term__chamber")
    return (
        queryset.select_related("enterprise", "chamber", "street")
        .prefetch_related(
            "chambers", Prefetch("posts", queryset=current_posts, to_attr="current_posts")
        )
        .annotate(owing=Exists(owing))
        .order_by("number")
    )


class MemberListView(ScopedListView):
    """会员库: every member in the user's scope, with the filters of the issue."""

    model = Member
    permission_required = "members.view_member"
    filterset_class = MemberFilterSet
    template_name = "members/member_list.html"

    def get_queryset(self):
        return member_rows(super().get_queryset())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_export"] = user.has_perm("members.export_member")
        context["has_filters"] = any(v for k, v in self.request.GET.items() if k != "page")
        return context


class MemberExportView(MemberListView):
    """The filtered list as xlsx: scoped, phones masked below the personal-data grade,
    logged with its digest."""

    permission_required = ("members.view_member", "members.export_member")

    def get(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        return exports.export_response(
            request=request,
            log_name="members.member_list",
            title=_("Members"),
            headers=exports.MEMBER_HEADERS,
            rows=exports.member_export_rows(queryset, request.user),
            filters=exports.filter_labels(self.filterset),
        )


class MemberDetailView(ScopedDetailView):
    model = Member
    permission_required = "members.view_member"
    template_name = "members/member_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise", "chamber", "street")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        member = self.object
        today = timezone.localdate()
        posts = sorted(
            PostHolding.objects.in_scope(user)
            .filter(member=member)
            .select_related("term", "term__chamber"),
            key=lambda h: (h.end is not None, -h.start.toordinal(), POST_RANK.get(h.post, 99)),
        )
        context.update(
            chambers=member.chambers.all(),
            history=member.status_changes.select_related("changed_by").order_by("-date", "-id"),
            posts=posts,
            today=today,
            person_mobile=phone_for(user, member.person_mobile),
            contact_phone=phone_for(user, member.contact_phone),
            masked=not can_see_personal(user),
            can_edit=user.has_perm("members.change_member"),
            can_change_status=user.has_perm("members.change_member_status")
            and member.status in (MemberStatus.ACTIVE, MemberStatus.SUSPENDED),
            can_assign_post=user.has_perm("members.add_postholding") and member.is_current,
            can_end_post=user.has_perm("members.change_postholding"),
        )
        if user.has_perm("members.view_duescharge"):
            context["dues"] = DuesCharge.objects.in_scope(user).filter(member=member)
            context["payments"] = member.payments.select_related("recorded_by")
            context["can_record_payment"] = user.has_perm("members.add_duespayment")
        return context


class MemberCreateView(ScopedFormMixin, FormView):
    model = Member
    permission_required = ("members.view_member", "members.add_member")
    form_class = MemberForm
    template_name = "members/member_form.html"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def get_initial(self):
        initial = {"join_date": timezone.localdate(), "kind": "enterprise"}
        scope = scope_of(self.request.user)
        if scope.kind == ScopeKind.STREETS and len(scope.street_ids) == 1:
            initial["street"] = next(iter(scope.street_ids))
        return initial

    def save(self, form):
        return services.member_create(actor=self.request.user, **form.service_fields())

    def form_valid(self, form):
        try:
            response = super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Member %(number)s has been admitted.") % {"number": self.object.number}
        )
        return response

    def get_success_url(self):
        return reverse("members:detail", args=[self.object.pk])


class MemberUpdateView(ObjectFormView):
    model = Member
    permission_required = ("members.view_member", "members.change_member")
    form_class = MemberEditForm
    template_name = "members/member_form.html"

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise", "chamber", "street")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"member": self.object}

    def get_initial(self):
        member = self.object
        return {
            "version": member.version,
            "group_name": member.group_name,
            "person_name": member.person_name,
            "person_mobile": member.person_mobile,
            "street": member.street_id,
            "join_date": member.join_date,
            "chambers": list(member.chambers.values_list("pk", flat=True)),
            "contact_name": member.contact_name,
            "contact_phone": member.contact_phone,
            "directory_opt_in": member.directory_opt_in,
            "note": member.note,
        }

    def act(self, form) -> str:
        self.object = services.member_update(
            actor=self.request.user,
            member=self.object,
            version=form.cleaned_data["version"],
            chambers=form.cleaned_data["chambers"],
            **form.service_fields(),
        )
        # The saved member must still be in the editor's scope; if not, undo it all.
        if not self.scoped_queryset().filter(pk=self.object.pk).exists():
            raise Http404
        return _("The member has been saved.")

    def get_success_url(self):
        return reverse("members:detail", args=[self.object.pk])


class MemberStatusView(ObjectFormView):
    model = Member
    permission_required = ("members.view_member", "members.change_member_status")
    form_class = StatusForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"member": self.object}

    @property
    def title(self):
        return _("Change the status of %(name)s") % {"name": self.object.display_name}

    submit_label = property(lambda self: _("Change status"))

    def act(self, form) -> str:
        data = form.cleaned_data
        services.member_status_change(
            actor=self.request.user,
            member=self.object,
            status=data["status"],
            on=data["date"],
            reason=data["reason"],
        )
        return _("The status has been changed.")

    def get_success_url(self):
        return reverse("members:detail", args=[self.object.pk])
