"""Posts and terms: the current committees, the terms, assigning and ending a post."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from apps.core.scoped_views import ScopedListView, ScopedMixin

from .. import services
from ..forms import PostAssignForm, PostEndForm, TermForm
from ..models import (
    EXECUTIVE_COMMITTEE_POSTS,
    POST_RANK,
    STANDING_COMMITTEE_POSTS,
    Member,
    PostHolding,
    Term,
)
from .base import ObjectFormView, PlainFormView


def ranked(holdings) -> list[PostHolding]:
    return sorted(holdings, key=lambda h: (POST_RANK.get(h.post, 99), h.member.number))


class CommitteeView(ScopedMixin, TemplateView):
    """常委会 and 执委会 as they stand today (the FIC's current term)."""

    model = PostHolding
    permission_required = "members.view_postholding"
    template_name = "members/committees.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        holdings = ranked(
            self.scoped_queryset()
            .current_on(today)
            .filter(term__chamber__isnull=True, post__in=EXECUTIVE_COMMITTEE_POSTS)
            .select_related("member", "member__enterprise", "member__chamber", "term")
        )
        context.update(
            today=today,
            standing=[h for h in holdings if h.post in STANDING_COMMITTEE_POSTS],
            executive=holdings,
            term=Term.objects.filter(chamber__isnull=True, start__lte=today)
            .order_by("-number")
            .first(),
        )
        return context


class TermListView(ScopedListView):
    model = Term
    permission_required = "members.view_term"
    template_name = "members/term_list.html"
    paginate_by = 100

    def get_queryset(self):
        return super().get_queryset().select_related("chamber").order_by("chamber__name", "-number")


class TermCreateView(PlainFormView):
    """A new term of the FIC or of a chamber."""

    model = Term
    permission_required = ("members.view_term", "members.add_term")
    form_class = TermForm

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["chamber"].queryset = form.fields["chamber"].queryset.filter(active=True)
        return form

    def get_initial(self):
        chamber = self.request.GET.get("chamber", "")
        return {"chamber": chamber} if chamber.isdigit() else {}

    title = property(lambda self: _("New term"))
    submit_label = property(lambda self: _("Save"))

    def act(self, form) -> str:
        data = form.cleaned_data
        self.object = services.term_create(
            actor=self.request.user,
            chamber=data["chamber"],
            number=data["number"],
            start=data["start"],
            end=data["end"],
        )
        return _("The term has been saved.")

    def get_success_url(self):
        return reverse("members:term_list")

    def get_cancel_url(self):
        return reverse("members:term_list")


class TermCloseView(ObjectFormView):
    model = Term
    permission_required = ("members.view_term", "members.change_term")
    form_class = PostEndForm

    @property
    def title(self):
        return _("End %(term)s of %(body)s") % {"term": self.object, "body": self.object.body_name}

    submit_label = property(lambda self: _("End the term"))

    def act(self, form) -> str:
        count = services.term_close(
            actor=self.request.user,
            term=self.object,
            end=form.cleaned_data["end"],
            reason=form.cleaned_data["reason"],
        )
        return _("The term has ended; %(count)d posts ended with it.") % {"count": count}

    def get_success_url(self):
        return reverse("members:term_list")


class PostAssignView(ObjectFormView):
    model = Member
    permission_required = ("members.view_member", "members.add_postholding")
    form_class = PostAssignForm

    def get_form_kwargs(self):
        terms = (
            Term.objects.in_scope(self.request.user)
            .exclude(end__lt=timezone.localdate())
            .select_related("chamber")
            .order_by("chamber__name", "-number")
        )
        return super().get_form_kwargs() | {"terms": terms}

    @property
    def title(self):
        return _("Give %(name)s a post") % {"name": self.object.display_name}

    submit_label = property(lambda self: _("Save"))

    def act(self, form) -> str:
        data = form.cleaned_data
        services.post_assign(
            actor=self.request.user,
            member=self.object,
            term=data["term"],
            post=data["post"],
            start=data["start"],
        )
        return _("The post has been recorded.")

    def get_success_url(self):
        return reverse("members:detail", args=[self.object.pk])


class PostEndView(ObjectFormView):
    model = PostHolding
    permission_required = ("members.view_postholding", "members.change_postholding")
    form_class = PostEndForm

    def get_queryset(self):
        return super().get_queryset().select_related("member", "term", "term__chamber")

    @property
    def title(self):
        return _("%(name)s leaves the post of %(post)s") % {
            "name": self.object.member.display_name,
            "post": self.object.get_post_display(),
        }

    submit_label = property(lambda self: _("End the post"))

    def act(self, form) -> str:
        services.post_end(
            actor=self.request.user,
            holding=self.object,
            end=form.cleaned_data["end"],
            reason=form.cleaned_data["reason"],
        )
        return _("The post has ended; it stays in the member's history.")

    def get_success_url(self):
        return reverse("members:detail", args=[self.object.member_id])
