"""What every page of the people database shares: scope, permission and the second factor."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.views.generic import FormView
from django.views.generic.detail import SingleObjectMixin

from apps.core.scoped_views import ScopedMixin

from ..models import Person


def error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


class PeopleMixin(ScopedMixin):
    """Whole-district scope (Person.objects.in_scope), the view's permissions, and a second
    factor: the accounts middleware already sends every holder of a people permission to
    TOTP (accounts.models.MFA_PERMISSIONS); this refuses again at the module's door, should
    that list ever lose the permission."""

    model = Person
    permission_required = "people.view_person"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not user.is_verified() and self.has_permission():
            from django_otp import devices_for_user

            has_device = any(True for _d in devices_for_user(user, confirmed=True))
            return redirect("accounts:otp_verify" if has_device else "accounts:otp_enrol")
        return super().dispatch(request, *args, **kwargs)


class PersonFormMixin:
    """A form about one person: the service runs in a transaction; its ValidationError is
    shown on the form (field errors on their fields)."""

    template_name = "people/object_form.html"
    title = ""
    submit_label = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.title,
            submit_label=self.submit_label,
            cancel_url=self.get_success_url(),
            person=getattr(self, "person", None),
        )
        return context

    def act(self, form) -> str:  # pragma: no cover - subclasses implement
        raise NotImplementedError

    def form_valid(self, form):
        try:
            with transaction.atomic():
                text = self.act(form)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    target = field if field in form.fields else None
                    for e in errors:
                        form.add_error(target, e)
            else:
                form.add_error(None, error_text(error))
            return self.form_invalid(form)
        if text:
            messages.success(self.request, text)
        return HttpResponseRedirect(self.get_success_url())


class PersonObjectFormView(PersonFormMixin, PeopleMixin, SingleObjectMixin, FormView):
    """A form about one in-scope person (404 outside the scope)."""

    permission_required = ("people.view_person", "people.change_person")

    def get(self, request, *args, **kwargs):
        self.object = self.person = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.person = self.get_object()
        return super().post(request, *args, **kwargs)
