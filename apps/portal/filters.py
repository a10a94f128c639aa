import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.registry.models import Street

from .models import EnterpriseLink, LinkStatus


class EnterpriseLinkFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=LinkStatus.choices, label=_("Status"), empty_label=_("All statuses")
    )
    street = django_filters.ModelChoiceFilter(queryset=Street.objects.all(), label=_("Street"))
    q = django_filters.CharFilter(method="search", label=_("Credit code or name"))

    class Meta:
        model = EnterpriseLink
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(uscc__startswith=value.upper())
            | Q(name__contains=value)
            | Q(registry_name__contains=value)
        )
