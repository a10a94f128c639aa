"""A person's arrangements, honours, training, evaluations and member records: add, remove
(and edit an arrangement, to set its end). Each is reached through its in-scope person."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from django.views.generic.detail import SingleObjectMixin

from apps.members.selectors import member_by_number, members_of_person

from .. import services
from ..forms import ArrangementForm, EvaluationForm, HonourForm, MemberLinkForm, TrainingForm
from ..models import Evaluation, Honour, Person, PoliticalArrangement, Training
from .base import PeopleMixin, PersonObjectFormView, error_text


class PartCreateView(PersonObjectFormView):
    """Add an arrangement, honour or training to the person (the URL's pk)."""

    part_model = None

    def act(self, form) -> str:
        services.part_save(
            actor=self.request.user, person=self.object, model=self.part_model, **form.cleaned_data
        )
        return _("%(what)s has been added.") % {"what": self.part_model._meta.verbose_name}

    def get_success_url(self):
        return reverse("people:detail", args=[self.object.pk])


class ArrangementCreateView(PartCreateView):
    part_model = PoliticalArrangement
    form_class = ArrangementForm
    title = gettext_lazy("New political arrangement")
    submit_label = gettext_lazy("Add")


class HonourCreateView(PartCreateView):
    part_model = Honour
    form_class = HonourForm
    title = gettext_lazy("New honour")
    submit_label = gettext_lazy("Add")


class TrainingCreateView(PartCreateView):
    part_model = Training
    form_class = TrainingForm
    title = gettext_lazy("New training")
    submit_label = gettext_lazy("Add")


class EvaluationCreateView(PersonObjectFormView):
    form_class = EvaluationForm
    title = gettext_lazy("New comprehensive evaluation")
    submit_label = gettext_lazy("Record")

    def act(self, form) -> str:
        services.evaluation_add(actor=self.request.user, person=self.object, **form.cleaned_data)
        return _("The evaluation has been recorded.")

    def get_success_url(self):
        return reverse("people:detail", args=[self.object.pk])


class PartObjectMixin:
    """The part (URL pk) through its person's scope: a part of a person out of scope is 404."""

    part_model = None

    def get_part(self):
        part = (
            self.part_model.objects.in_scope(self.request.user)
            .select_related("person")
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if (
            part is None
            or not Person.objects.in_scope(self.request.user).filter(pk=part.person_id).exists()
        ):
            raise Http404
        return part


class ArrangementUpdateView(PartObjectMixin, PersonObjectFormView):
    part_model = PoliticalArrangement
    form_class = ArrangementForm
    title = gettext_lazy("Edit political arrangement")
    submit_label = gettext_lazy("Save")

    def get_object(self, queryset=None):
        self.part = self.get_part()
        return self.part.person

    def get_initial(self):
        p = self.part
        return {
            "kind": p.kind,
            "level": p.level,
            "term_number": p.term_number,
            "start": p.start,
            "end": p.end,
            "note": p.note,
        }

    def act(self, form) -> str:
        services.part_save(
            actor=self.request.user,
            person=self.object,
            model=PoliticalArrangement,
            instance=self.part,
            **form.cleaned_data,
        )
        return _("The changes have been saved.")

    def get_success_url(self):
        return reverse("people:detail", args=[self.object.pk])


class PartDeleteView(PartObjectMixin, PeopleMixin, View):
    permission_required = ("people.view_person", "people.change_person")
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        part = self.get_part()
        services.part_delete(actor=request.user, person=part.person, instance=part)
        messages.success(
            request, _("%(what)s has been removed.") % {"what": part._meta.verbose_name}
        )
        return redirect("people:detail", part.person_id)


class ArrangementDeleteView(PartDeleteView):
    part_model = PoliticalArrangement


class HonourDeleteView(PartDeleteView):
    part_model = Honour


class TrainingDeleteView(PartDeleteView):
    part_model = Training


class EvaluationDeleteView(PartDeleteView):
    part_model = Evaluation


class MemberLinkView(PersonObjectFormView):
    """Name the member record (by member number) whose FIC and chamber posts are this
    person's; the posts stay in the member database."""

    permission_required = ("people.view_person", "people.change_person", "members.view_member")
    form_class = MemberLinkForm
    title = gettext_lazy("Link a member record")
    submit_label = gettext_lazy("Link")

    def act(self, form) -> str:
        member = member_by_number(self.request.user, form.cleaned_data["number"])
        if member is None:
            raise ValidationError({"number": _("No member with this number.")})
        services.person_member_link(actor=self.request.user, person=self.object, member=member)
        return _("The member record has been linked.")

    def get_success_url(self):
        return reverse("people:detail", args=[self.object.pk])


class MemberUnlinkView(PeopleMixin, SingleObjectMixin, View):
    permission_required = ("people.view_person", "people.change_person", "members.view_member")
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        person = self.get_object()
        wanted = request.POST.get("member", "")
        member = next(
            (m for m in members_of_person(request.user, person.pk) if str(m.pk) == wanted), None
        )
        if member is None:
            raise Http404
        try:
            services.person_member_unlink(actor=request.user, person=person, member=member)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The member record has been unlinked."))
        return redirect("people:detail", person.pk)
