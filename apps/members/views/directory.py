"""The public member directory: members who agreed to be listed, no sign-in."""

from django.db.models import Prefetch
from django.views.generic import ListView

from apps.registry.models import Chamber

from ..filters import DirectoryFilterSet
from ..models import Member


class DirectoryView(ListView):
    """会员名录: name, kind, chambers and join year of current members who opted in.
    Nothing personal beyond the name the member agreed to show."""

    template_name = "members/directory.html"
    paginate_by = 50

    def get_queryset(self):
        members = (
            Member.objects.current()
            .filter(directory_opt_in=True)
            .select_related("enterprise", "chamber")
            .prefetch_related(
                Prefetch("chambers", queryset=Chamber.objects.filter(active=True).order_by("name"))
            )
            .order_by("number")
        )
        self.filterset = DirectoryFilterSet(self.request.GET or None, queryset=members)
        return self.filterset.qs if self.filterset.is_bound else members

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        return context
