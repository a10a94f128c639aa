"""The people list (filters, search, masked export), a person's page, new / edit, history,
the reveal of one full value, and the photo."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, View
from django.views.generic.detail import SingleObjectMixin

from apps.audit.models import AuditEvent
from apps.audit.services import export_log
from apps.core import crypto
from apps.core.exports import xlsx_response
from apps.core.masking import can_see_personal
from apps.core.scoped_views import ScopedDetailView, ScopedListView
from apps.core.scoping import Grade
from apps.members.selectors import current_posts_by_person, members_of_person, posts_of_person

from .. import exports, services
from ..filters import PersonFilterSet, safe_params
from ..forms import PersonForm, PhotoForm, RevealForm
from ..models import Person, PoliticalArrangement
from .base import PeopleMixin, PersonFormMixin, PersonObjectFormView, error_text


def birth_shown(person: Person, user) -> str:
    """The full birth date only with the personal-data grade: with the ID number masked it
    would give away exactly the hidden digits."""
    if can_see_personal(user):
        return person.birth_date.isoformat()
    return exports.masked_birth_date(person.birth_date)


class PersonListView(PeopleMixin, ScopedListView):
    """统战人士: everyone in the database (whole-district users only), filters and search."""

    filterset_class = PersonFilterSet
    template_name = "people/person_list.html"

    def scoped_queryset(self):
        return super().scoped_queryset().with_evaluation()

    def get_queryset(self):
        today = timezone.localdate()
        seats = PoliticalArrangement.objects.current_on(today).order_by("kind", "level")
        return (
            super()
            .get_queryset()
            .select_related("enterprise")
            .prefetch_related("tags", Prefetch("arrangements", seats, to_attr="current_seats"))
            .order_by("name_initials", "name", "id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        soon = today + timedelta(days=settings.PEOPLE_EVALUATION_WARN_DAYS)
        people = list(context["object_list"])
        posts = current_posts_by_person(user, [p.pk for p in people], today)
        for person in people:
            person.current_posts = posts.get(person.pk, [])
            person.birth_shown = birth_shown(person, user)
            person.eligible = bool(person.evaluation_until and person.evaluation_until >= today)
            person.expiring = bool(person.eligible and person.evaluation_until < soon)
        context.update(
            people=people,
            personal=can_see_personal(user),
            today=today,
            can_export=user.has_perm("people.export_person"),
            can_request_unmasked=services.may_request_unmasked(user),
            has_filters=any(v for k, v in self.request.GET.items() if k != "page"),
            query=self.request.GET.urlencode(),
        )
        return context


class PersonExportView(PersonListView):
    """The filtered list as xlsx, masked for everyone; logged with its SM3 digest."""

    permission_required = ("people.view_person", "people.export_person")

    def get(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        content, count = exports.masked_workbook(
            user=request.user, queryset=queryset, filter_text=exports.filter_labels(self.filterset)
        )
        export_log(
            actor=request.user,
            name="people.person_list",
            filters=safe_params(request.GET),
            row_count=count,
            digest=crypto.provider().digest(content),
            personal_data=False,
        )
        return xlsx_response(content, exports.filename(_("Notable people")))


class PersonDetailView(PeopleMixin, ScopedDetailView):
    template_name = "people/person_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise", "enterprise__street")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        person = self.object
        today = timezone.localdate()
        evaluations = list(person.evaluations.select_related("created_by"))
        latest = evaluations[0] if evaluations else None
        context.update(
            today=today,
            birth=birth_shown(person, user),
            personal=can_see_personal(user),
            can_reveal=services.may_reveal(user),
            can_edit=user.has_perm("people.change_person"),
            arrangements=person.arrangements.all(),
            honours=person.honours.all(),
            trainings=person.trainings.all(),
            evaluations=evaluations,
            latest_evaluation=latest,
            eligible=bool(latest and latest.valid_until >= today),
            expiring=bool(
                latest
                and today
                <= latest.valid_until
                < today + timedelta(days=settings.PEOPLE_EVALUATION_WARN_DAYS)
            ),
            posts=posts_of_person(user, person.pk),
            members=members_of_person(user, person.pk),
            tags=person.tags.all(),
        )
        return context


class PersonCreateView(PersonFormMixin, PeopleMixin, FormView):
    permission_required = ("people.view_person", "people.add_person")
    required_grade = Grade.PERSONAL  # the ID number is typed in full
    form_class = PersonForm
    template_name = "people/person_form.html"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def act(self, form) -> str:
        fields = form.service_fields()
        self.object = services.person_create(actor=self.request.user, **fields)
        return _("%(name)s has been added.") % {"name": self.object.name}

    def get_success_url(self):
        if getattr(self, "object", None) is not None:
            return reverse("people:detail", args=[self.object.pk])
        return reverse("people:list")


class PersonUpdateView(PersonObjectFormView):
    form_class = PersonForm
    template_name = "people/person_form.html"

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {
            "user": self.request.user,
            "person": self.object,
            "personal": can_see_personal(self.request.user),
        }

    def get_initial(self):
        p = self.object
        return {
            "version": p.version,
            "name": p.name,
            "gender": p.gender,
            "ethnicity": p.ethnicity,
            # Without the grade the full birth date is not shown, so not pre-filled either.
            "birth_date": p.birth_date if can_see_personal(self.request.user) else None,
            "affiliation": p.affiliation,
            "education": p.education,
            "title": p.title,
            "enterprise_uscc": p.enterprise.uscc if p.enterprise_id else "",
            "position": p.position,
            "tags": "、".join(p.tags.values_list("name", flat=True)),
            "notes": p.notes,
        }

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not can_see_personal(self.request.user):
            form.fields["birth_date"].required = False
        return form

    def act(self, form) -> str:
        fields = form.service_fields()
        if fields.get("birth_date") is None:
            fields.pop("birth_date", None)
        self.object = services.person_update(
            actor=self.request.user,
            person=self.object,
            version=form.cleaned_data.get("version") or 0,
            **fields,
        )
        return _("The changes have been saved.")

    def get_success_url(self):
        return reverse("people:detail", args=[self.object.pk])


class PersonHistoryView(PeopleMixin, ScopedDetailView):
    """Change history of one person, from the audit trail (ID number and mobile changes show
    as ***; the birth date as a year without the personal-data grade)."""

    template_name = "people/history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = AuditEvent.objects.filter(
            object_type=Person._meta.label_lower, object_id=str(self.object.pk)
        ).order_by("-at", "-id")
        page = Paginator(events, 50).get_page(self.request.GET.get("page"))
        personal = can_see_personal(self.request.user)
        labels = {
            f.name: str(f.verbose_name)
            for f in Person._meta.get_fields()
            if hasattr(f, "verbose_name")
        }
        history = []
        for event in page:
            changes = []
            for name, pair in sorted((event.changes or {}).items()):
                old, new = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
                if name == "birth_date" and not personal:
                    old = f"{old}"[:4] + "-**-**" if old else old
                    new = f"{new}"[:4] + "-**-**" if new else new
                changes.append(
                    {"label": labels.get(name, name), "old": _shown(old), "new": _shown(new)}
                )
            history.append(
                {"event": event, "action": action_label(event.action), "changes": changes}
            )
        context.update(page_obj=page, history=history)
        return context


def _shown(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    return str(value)


def action_label(action: str) -> str:
    labels = {
        "person.create": _("Added"),
        "person.update": _("Edited"),
        "person.photo": _("Photo changed"),
        "person.reveal": _("Full value read"),
        "person.member_link": _("Linked to a member record"),
        "person.member_unlink": _("Unlinked from a member record"),
        "person.evaluation.add": _("Evaluation recorded"),
        "person.evaluation.delete": _("Evaluation removed"),
    }
    if action in labels:
        return labels[action]
    if action.endswith(".add"):
        return _("Added")
    if action.endswith(".update"):
        return _("Edited")
    if action.endswith(".delete"):
        return _("Removed")
    return action


@method_decorator(never_cache, name="dispatch")
class PersonRevealView(PeopleMixin, SingleObjectMixin, FormView):
    """One full value, for this response only, after a reason: logged in the personal-data
    read log. Anyone else asking — also by calling the URL directly — gets 403, logged."""

    permission_required = ("people.view_person", "people.reveal_person")
    required_grade = Grade.PERSONAL
    form_class = RevealForm
    template_name = "people/reveal.html"

    def handle_no_permission(self):
        user = self.request.user
        if user.is_authenticated:
            field = (self.request.POST.get("field") or self.request.GET.get("field") or "")[:20]
            services.person_reveal_denied(
                actor=user, object_id=str(self.kwargs.get("pk", ""))[:20], field=field
            )
        return super().handle_no_permission()

    def get_initial(self):
        field = self.request.GET.get("field")
        return {"field": field if field in services.REVEALABLE else "id_number"}

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        field = (
            form["field"].value() if form["field"].value() in services.REVEALABLE else "id_number"
        )
        context.update(
            person=self.object,
            field=field,
            field_label=dict(form.fields["field"].choices)[field],
            masked=getattr(self.object, f"{field}_masked"),
        )
        return context

    def form_valid(self, form):
        field = form.cleaned_data["field"]
        try:
            value = services.person_reveal(
                actor=self.request.user,
                person=self.object,
                field=field,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error("reason", error_text(error))
            return self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=form, revealed=value))


class PersonPhotoView(PeopleMixin, SingleObjectMixin, View):
    """The photo, for those who may see the person (never a public URL)."""

    def get(self, request, *args, **kwargs):
        person = self.get_object()
        path = services.photo_path(person)
        if path is None or not path.is_file():
            raise Http404
        content_type = "image/png" if path.suffix == ".png" else "image/jpeg"
        response = FileResponse(path.open("rb"), content_type=content_type)
        response["Content-Disposition"] = f'inline; filename="photo{path.suffix}"'
        return response


class PersonPhotoEditView(PersonObjectFormView):
    form_class = PhotoForm
    template_name = "people/photo_form.html"

    def post(self, request, *args, **kwargs):
        self.object = self.person = self.get_object()
        if request.POST.get("remove"):
            services.person_photo_remove(actor=request.user, person=self.object)
            messages.success(request, _("The photo has been removed."))
            return redirect(self.get_success_url())
        return super().post(request, *args, **kwargs)

    def act(self, form) -> str:
        services.person_photo_set(
            actor=self.request.user, person=self.object, upload=form.cleaned_data["photo"]
        )
        return _("The photo has been saved.")

    def get_success_url(self):
        return reverse("people:detail", args=[self.object.pk])
