"""Chambers (商会): the list, a chamber's page (details, officers, terms, activities), its
members, editing its details and recording an activity. A chamber is registry.Chamber;
chamber staff (ScopeKind.CHAMBERS) see only their own."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.masking import phone_for
from apps.core.scoped_views import ScopedDetailView, ScopedListView
from apps.registry.models import Chamber

from .. import services
from ..forms import ActivityForm, ChamberProfileForm
from ..models import (
    CURRENT_STATUSES,
    ChamberActivity,
    ChamberProfile,
    Member,
    PostHolding,
    Term,
)
from ..querysets import MemberQuerySet
from .base import ObjectFormView
from .members import member_rows
from .posts import ranked

ACTIVITIES_SHOWN = 20


class ChamberMixin:
    """Chamber pages read registry.Chamber through its scoped queryset."""

    model = Chamber


class ChamberListView(ChamberMixin, ScopedListView):
    permission_required = "members.view_chamberprofile"
    template_name = "members/chamber_list.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("street", "profile")
            .annotate(
                member_count=Count(
                    "members", filter=Q(members__status__in=CURRENT_STATUSES), distinct=True
                )
            )
            .order_by("-active", "name")
        )


class ChamberDetailView(ChamberMixin, ScopedDetailView):
    permission_required = "members.view_chamberprofile"
    template_name = "members/chamber_detail.html"
    context_object_name = "chamber"

    def get_queryset(self):
        return super().get_queryset().select_related("street")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        chamber = self.object
        today = timezone.localdate()
        profile = ChamberProfile.objects.filter(chamber=chamber).first()
        holdings = (
            PostHolding.objects.in_scope(user)
            .filter(term__chamber=chamber)
            .select_related("member", "member__enterprise", "member__chamber", "term")
        )
        context.update(
            profile=profile,
            contact_phone=phone_for(user, profile.contact_phone) if profile else "",
            officers=ranked(h for h in holdings if h.is_current_on(today)),
            past_officers=sorted(
                (h for h in holdings if not h.is_current_on(today)),
                key=lambda h: (-h.term.number, -h.start.toordinal()),
            ),
            terms=Term.objects.filter(chamber=chamber).order_by("-number"),
            activities=ChamberActivity.objects.in_scope(user).filter(chamber=chamber)[
                :ACTIVITIES_SHOWN
            ],
            member_count=Member.objects.in_scope(user)
            .filter(chambers=chamber, status__in=CURRENT_STATUSES)
            .count(),
            can_edit=user.has_perm("members.change_chamberprofile"),
            can_add_activity=user.has_perm("members.add_chamberactivity"),
            can_add_term=user.has_perm("members.add_term"),
        )
        return context


class ChamberMembersView(ScopedListView):
    """The chamber's own page of members (current members, with their chamber posts)."""

    model = Member
    permission_required = ("members.view_chamberprofile", "members.view_member")
    template_name = "members/chamber_members.html"

    def get_chamber(self):
        return get_object_or_404(Chamber.objects.in_scope(self.request.user), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.chamber = self.get_chamber()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        members: MemberQuerySet = super().get_queryset()
        return member_rows(members.filter(chambers=self.chamber).current())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["chamber"] = self.chamber
        context["can_export"] = self.request.user.has_perm("members.export_member")
        return context


class ChamberProfileEditView(ChamberMixin, ObjectFormView):
    permission_required = ("members.view_chamberprofile", "members.change_chamberprofile")
    form_class = ChamberProfileForm

    def get_form_kwargs(self):
        profile = ChamberProfile.objects.filter(chamber=self.object).first()
        return super().get_form_kwargs() | {"instance": profile or ChamberProfile()}

    @property
    def title(self):
        return _("Details of %(name)s") % {"name": self.object.name}

    submit_label = property(lambda self: _("Save"))

    def act(self, form) -> str:
        services.chamber_profile_save(
            actor=self.request.user,
            chamber=self.object,
            **{name: form.cleaned_data[name] for name in services.PROFILE_FIELDS},
        )
        return _("The chamber's details have been saved.")

    def get_success_url(self):
        return reverse("members:chamber_detail", args=[self.object.pk])


class ActivityCreateView(ChamberMixin, ObjectFormView):
    permission_required = ("members.view_chamberprofile", "members.add_chamberactivity")
    form_class = ActivityForm

    def get_initial(self):
        return {"date": timezone.localdate()}

    @property
    def title(self):
        return _("New activity of %(name)s") % {"name": self.object.name}

    submit_label = property(lambda self: _("Save"))

    def act(self, form) -> str:
        data = form.cleaned_data
        services.chamber_activity_create(
            actor=self.request.user,
            chamber=self.object,
            date=data["date"],
            title=data["title"],
            participants=data["participants"],
            participant_count=data["participant_count"],
            description=data["description"],
        )
        return _("The activity has been recorded.")

    def get_success_url(self):
        return reverse("members:chamber_detail", args=[self.object.pk])
