"""Shared pieces of the member views."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.views.generic import FormView
from django.views.generic.detail import SingleObjectMixin

from apps.core.scoped_views import ScopedMixin
from apps.core.scoping import narrow_form_to_scope


def error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


class ActionFormMixin:
    """The service runs in a transaction; its ValidationError is shown on the form, any
    other exception (Http404 from a scope re-check) undoes everything."""

    template_name = "members/object_form.html"
    title = ""
    submit_label = ""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        narrow_form_to_scope(form, self.request.user)
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.title, submit_label=self.submit_label, cancel_url=self.get_cancel_url()
        )
        return context

    def get_cancel_url(self) -> str:
        return self.get_success_url()

    def act(self, form) -> str:  # pragma: no cover - subclasses implement
        """Call the service; return the success message."""
        raise NotImplementedError

    def form_valid(self, form):
        try:
            with transaction.atomic():
                text = self.act(form)
        except ValidationError as error:
            form.add_error(None, error_text(error))
            return self.form_invalid(form)
        if text:
            messages.success(self.request, text)
        return HttpResponseRedirect(self.get_success_url())


class ObjectFormView(ActionFormMixin, ScopedMixin, SingleObjectMixin, FormView):
    """A form about one in-scope object (status change, post, payment …): the object comes
    from the scoped queryset, so one out of scope is a 404."""

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)


class PlainFormView(ActionFormMixin, ScopedMixin, FormView):
    """A form that creates something (a term …); `model` names the scoped model."""
