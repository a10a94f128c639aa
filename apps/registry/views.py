from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.scoped_views import (
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedUpdateView,
)

from . import services
from .filters import ChamberFilter, DictionaryFilter
from .forms import ChamberForm, DictionaryItemForm
from .models import Chamber, DictionaryItem, Street


class StreetListView(ScopedListView):
    model = Street
    permission_required = "registry.view_street"
    template_name = "registry/street_list.html"
    export_name = gettext_lazy("Streets")
    export_columns = [
        (gettext_lazy("Statistical division code"), "code"),
        (gettext_lazy("Short name"), "short_name"),
        (gettext_lazy("Full name"), "office_name"),
        (gettext_lazy("Kind"), "get_kind_display"),
    ]


class StreetDetailView(ScopedDetailView):
    model = Street
    permission_required = "registry.view_street"
    template_name = "registry/street_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["chambers"] = Chamber.objects.in_scope(self.request.user).filter(street=self.object)
        return context


class ChamberListView(ScopedListView):
    model = Chamber
    permission_required = "registry.view_chamber"
    template_name = "registry/chamber_list.html"
    filterset_class = ChamberFilter
    export_name = gettext_lazy("Chambers")
    export_columns = [
        (gettext_lazy("Name"), "name"),
        (gettext_lazy("Kind"), "get_kind_display"),
        (gettext_lazy("Street"), "street.short_name"),
        (gettext_lazy("Founded"), "founded"),
        (gettext_lazy("Active"), "active"),
    ]

    def get_queryset(self):
        return super().get_queryset().select_related("street")


class ChamberDetailView(ScopedDetailView):
    model = Chamber
    permission_required = "registry.view_chamber"
    template_name = "registry/chamber_detail.html"


class ChamberSaveMixin:
    model = Chamber
    form_class = ChamberForm
    template_name = "registry/chamber_form.html"

    def get_success_url(self):
        return reverse("registry:chamber_detail", args=[self.object.pk])

    def save(self, form):
        data = {name: form.cleaned_data[name] for name in services.CHAMBER_FIELDS}
        instance = self.object if getattr(self, "object", None) else None
        return services.chamber_save(
            actor=self.request.user,
            chamber=instance,
            version=form.cleaned_data.get("version"),
            **data,
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except services.EditConflict as conflict:
            form.add_error(None, conflict)
            return self.form_invalid(form)


class ChamberCreateView(ChamberSaveMixin, ScopedCreateView):
    permission_required = "registry.add_chamber"


class ChamberUpdateView(ChamberSaveMixin, ScopedUpdateView):
    permission_required = "registry.change_chamber"


@login_required
@permission_required("registry.view_dictionaryitem", raise_exception=True)
def dictionary_list(request):
    filterset = DictionaryFilter(request.GET or None, queryset=DictionaryItem.objects.all())
    items = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    return render(
        request, "registry/dictionary_list.html", {"filterset": filterset, "items": items}
    )


@login_required
def dictionary_edit(request, pk=None):
    # Creating needs the add permission, editing the change permission.
    needed = "registry.change_dictionaryitem" if pk else "registry.add_dictionaryitem"
    if not request.user.has_perm(needed):
        raise PermissionDenied
    item = get_object_or_404(DictionaryItem, pk=pk) if pk else None
    initial = {}
    if item is None and request.GET.get("kind") in DictionaryItem.Kind.values:
        initial["kind"] = request.GET["kind"]
    form = DictionaryItemForm(request.POST or None, instance=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.dictionary_item_save(actor=request.user, item=item, **form.cleaned_data)
        messages.success(request, _("The dictionary item has been saved."))
        return redirect(reverse("registry:dictionary_list") + f"?kind={form.cleaned_data['kind']}")
    return render(request, "registry/dictionary_form.html", {"form": form, "item": item})
