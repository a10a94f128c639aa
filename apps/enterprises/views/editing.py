"""Create and edit an enterprise through the services, with optimistic locking."""

from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.scoped_views import ScopedCreateView, ScopedUpdateView
from apps.core.scoping import ScopeKind, scope_of

from .. import services
from ..forms import EnterpriseForm
from ..models import Enterprise


class EnterpriseSaveMixin:
    model = Enterprise
    form_class = EnterpriseForm
    template_name = "enterprises/form.html"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def get_success_url(self):
        return reverse("enterprises:detail", args=[self.object.pk])

    def form_valid(self, form):
        try:
            response = super().form_valid(form)
        except services.EditConflict as conflict:
            # The service raised inside the view's transaction, which has been rolled back.
            form.add_error(None, conflict)
            return self.form_invalid(form)
        messages.success(self.request, _("The enterprise has been saved."))
        return response


class EnterpriseCreateView(EnterpriseSaveMixin, ScopedCreateView):
    permission_required = ("enterprises.view_enterprise", "enterprises.add_enterprise")

    def get_initial(self):
        initial = super().get_initial()
        scope = scope_of(self.request.user)
        if scope.kind == ScopeKind.STREETS and len(scope.street_ids) == 1:
            initial["street"] = next(iter(scope.street_ids))
        return initial

    def save(self, form):
        return services.enterprise_create(
            actor=self.request.user, tags=form.cleaned_data["tags"], **form.service_fields()
        )


class EnterpriseUpdateView(EnterpriseSaveMixin, ScopedUpdateView):
    permission_required = ("enterprises.view_enterprise", "enterprises.change_enterprise")

    def get_queryset(self):
        return super().get_queryset().select_related("street", "industry")

    def save(self, form):
        version = form.cleaned_data.get("version")
        return services.enterprise_update(
            actor=self.request.user,
            enterprise=self.object,
            # A form without a version cannot prove it saw the latest one.
            version=version if version is not None else -1,
            tags=form.cleaned_data["tags"],
            **form.service_fields(),
        )
