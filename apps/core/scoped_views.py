"""The scoped base views every module builds on (rule 1 of ARCHITECTURE.md).

* querysets always come from ``Model.objects.in_scope(user)``: an id outside the
  user's scope is a 404, exactly like one that does not exist;
* a missing permission on an in-scope object is a 403;
* roles graded "aggregates only" cannot open record pages;
* model choices in forms are narrowed to the scope;
* writes are re-checked after saving, inside the transaction.
"""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from .exports import ExportMixin
from .scoping import Grade, narrow_form_to_scope


class ScopedMixin(LoginRequiredMixin, PermissionRequiredMixin):
    model = None
    required_grade: int = Grade.RECORDS
    raise_exception = False  # anonymous users go to the login page; see handle_no_permission

    def has_permission(self) -> bool:
        return super().has_permission() and self.request.user.grade >= self.required_grade

    def handle_no_permission(self):
        if not self.request.user.is_authenticated:
            return super().handle_no_permission()
        raise PermissionDenied

    def scoped_queryset(self):
        manager = self.model._default_manager
        if not hasattr(manager.all(), "in_scope"):
            raise ImproperlyConfigured(f"{self.model.__name__} has no in_scope() queryset")
        return manager.all().in_scope(self.request.user)

    def get_queryset(self):
        return self.scoped_queryset()

    def get_template_names(self):
        names = super().get_template_names()
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            # "_name.html" partials answer HTMX requests without the page around them.
            partials = []
            for name in names:
                folder, _sep, base = name.rpartition("/")
                partials.append(f"{folder}/_{base}" if folder else f"_{base}")
            return partials + names
        return names


class ScopedListView(ScopedMixin, ExportMixin, ListView):
    paginate_by = 50
    filterset_class = None

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(
                self.request.GET or None, queryset=queryset, request=self.request
            )
            narrow_form_to_scope(self.filterset.form, self.request.user)
            queryset = self.filterset.qs if self.filterset.is_bound else queryset
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = getattr(self, "filterset", None)
        return context


class ScopedDetailView(ScopedMixin, DetailView):
    pass


class ScopedFormMixin(ScopedMixin):
    """Create and update through a service, inside a transaction, re-checking scope."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        narrow_form_to_scope(form, self.request.user)
        return form

    def save(self, form):
        """Call the module's service and return the saved object. Subclasses implement."""
        raise ImproperlyConfigured(f"{type(self).__name__} must implement save(form)")

    def form_valid(self, form):
        with transaction.atomic():
            obj = self.save(form)
            # The saved row must still be visible to this user; if not, undo it all.
            if not self.scoped_queryset().filter(pk=obj.pk).exists():
                transaction.set_rollback(True)
                raise Http404
        self.object = obj
        return HttpResponseRedirect(self.get_success_url())


class ScopedCreateView(ScopedFormMixin, CreateView):
    pass


class ScopedUpdateView(ScopedFormMixin, UpdateView):
    pass
