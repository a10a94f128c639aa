"""The reviewers' side: the list of applications, one application with its documents and
history, the decisions (初审通过, 退回, 驳回, 审批通过) and document downloads.

Who sees what: FIC staff (the membership department) and the leader in charge see every
application; street officers those of their 街乡, read-only. The leader's role is graded
"aggregates only", so these pages admit that grade and mask the mobile below the
personal-data grade; documents open only for the records grade (an identity card scan for
the personal-data grade), and every opening is audited.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from apps.core.masking import phone_for
from apps.core.scoped_views import ScopedDetailView, ScopedListView
from apps.core.scoping import Grade, narrow_form_to_scope
from apps.members.models_applications import (
    OPEN_STATUSES,
    Application,
    ApplicationAttachment,
    ApplicationStatus,
)

from . import selectors, services
from .forms import ApplicationFilterForm, ApproveForm, ReasonForm, ReviewForm

VIEW = "members.view_application"


class ApplicationMixin:
    model = Application
    permission_required = VIEW
    required_grade = Grade.AGGREGATE  # the leader in charge approves (see the docstring)


class ApplicationListView(ApplicationMixin, ScopedListView):
    template_name = "members/applications/list.html"
    paginate_by = 50

    def get_queryset(self):
        queryset = super().get_queryset().select_related("street").order_by("-submitted_at", "-id")
        self.filter_form = ApplicationFilterForm(self.request.GET or None)
        narrow_form_to_scope(self.filter_form, self.request.user)
        if self.filter_form.is_bound and not self.filter_form.is_valid():
            return queryset.none()
        data = self.filter_form.cleaned_data if self.filter_form.is_bound else {}
        status = data.get("status", "")
        if status == "":
            queryset = queryset.filter(status__in=OPEN_STATUSES)
        elif status != "all":
            queryset = queryset.filter(status=status)
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("street"):
            queryset = queryset.filter(street=data["street"])
        q = (data.get("q") or "").strip()
        if q:
            queryset = queryset.filter(
                Q(reference__iexact=q)
                | Q(org_name__contains=q)
                | Q(person_name__contains=q)
                | Q(uscc__startswith=q.upper())
            )
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["counts"] = selectors.queue_counts(self.request.user)
        return context


class ApplicationDetailView(ApplicationMixin, ScopedDetailView):
    template_name = "members/applications/detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "street",
                "industry",
                "chamber",
                "enterprise",
                "member",
                "reviewed_by",
                "decided_by",
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application, user = self.object, self.request.user
        initial = {"version": application.version}
        can_review = user.has_perm(services.REVIEW)
        can_approve = user.has_perm(services.APPROVE)
        at_review = application.status == ApplicationStatus.SUBMITTED and can_review
        at_approval = application.status == ApplicationStatus.REVIEWED and can_approve
        context.update(
            mobile=phone_for(user, application.mobile),
            duplicates=selectors.duplicates(application) if application.is_open else [],
            attachments=list(application.attachments.all()),
            steps=list(application.steps.select_related("actor")),
            can_open_documents=(can_review or can_approve) and user.grade >= Grade.RECORDS,
            can_open_personal=(can_review or can_approve) and user.grade >= Grade.PERSONAL,
            review_form=kwargs.get("review_form")
            or (ReviewForm(initial=initial) if at_review else None),
            approve_form=kwargs.get("approve_form")
            or (ApproveForm(initial=initial) if at_approval else None),
            reason_form=kwargs.get("reason_form")
            or (ReasonForm(initial=initial) if at_review or at_approval else None),
        )
        return context


class ApplicationDecideView(ApplicationMixin, ScopedDetailView):
    """POST only: one of the decisions, on the version the reviewer saw."""

    http_method_names = ["post"]
    template_name = "members/applications/detail.html"
    decision = ""  # review | return | reject | approve

    # Which decision needs which permission (checked again by the service).
    NEEDS = {
        "review": (services.REVIEW,),
        "return": (services.REVIEW, services.APPROVE),
        "reject": (services.REVIEW, services.APPROVE),
        "approve": (services.APPROVE,),
    }

    def has_permission(self) -> bool:
        user = self.request.user
        return super().has_permission() and any(
            user.has_perm(perm) for perm in self.NEEDS[self.decision]
        )

    FORMS = {
        "review": ReviewForm,
        "return": ReasonForm,
        "reject": ReasonForm,
        "approve": ApproveForm,
    }

    def post(self, request, *args, **kwargs):
        self.object = application = self.get_object()
        form = self.FORMS[self.decision](request.POST)
        if not form.is_valid():
            return self._redisplay(form)
        data = form.cleaned_data
        user = request.user
        try:
            if self.decision == "review":
                services.application_review(
                    actor=user, application=application, version=data["version"], note=data["note"]
                )
                messages.success(request, _("The application passed preliminary review."))
            elif self.decision == "return":
                services.application_return(
                    actor=user,
                    application=application,
                    version=data["version"],
                    reason=data["reason"],
                )
                messages.success(request, _("The application was returned to the applicant."))
            elif self.decision == "reject":
                services.application_reject(
                    actor=user,
                    application=application,
                    version=data["version"],
                    reason=data["reason"],
                )
                messages.success(request, _("The application was rejected."))
            else:
                admitted = services.application_approve(
                    actor=user,
                    application=application,
                    version=data["version"],
                    join_date=data["join_date"],
                    meeting_name=data["meeting_name"],
                    meeting_date=data["meeting_date"],
                    note=data["note"],
                )
                messages.success(
                    request,
                    _("Approved: the applicant is now member %(number)s.")
                    % {"number": admitted.member.number},
                )
        except Application.DoesNotExist as missing:
            raise Http404 from missing
        except services.ApplicationConflict as conflict:
            # Show what is stored now, with the reason nothing was done.
            for text in conflict.messages:
                messages.error(request, text)
            self.object = self.get_object()
            view = ApplicationDetailView(request=request, kwargs=self.kwargs, object=self.object)
            context = view.get_context_data(object=self.object)
            return render(request, self.template_name, context, status=409)
        except ValidationError as error:
            for text in error.messages:
                form.add_error(None, text)
            return self._redisplay(form)
        return redirect("members:application_detail", pk=application.pk)

    def _redisplay(self, form):
        key = {"review": "review_form", "approve": "approve_form"}.get(self.decision, "reason_form")
        view = ApplicationDetailView(request=self.request, kwargs=self.kwargs, object=self.object)
        context = view.get_context_data(object=self.object, **{key: form})
        return render(self.request, self.template_name, context, status=400)


@never_cache
def attachment_download(request, pk: int):
    """A document of an application, to reviewers only, as a download (never shown inline),
    each opening audited."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    attachment = (
        ApplicationAttachment.objects.in_scope(request.user)
        .select_related("application")
        .filter(pk=pk)
        .first()
    )
    if attachment is None:
        raise Http404
    if not request.user.has_perm(VIEW):
        raise PermissionDenied
    services.attachment_read(actor=request.user, attachment=attachment)  # 403 if not allowed
    extension = attachment.file.name.rsplit(".", 1)[-1]
    name = f"{attachment.application.reference}-{attachment.slot}.{extension}"
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
