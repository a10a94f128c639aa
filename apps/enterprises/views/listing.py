"""The enterprise list, its Excel export and the ledger export of the same filter."""

import hashlib
import json
from functools import partial
from types import SimpleNamespace

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, IntegerField, Value, When
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from apps.core.scoped_views import ScopedListView
from apps.core.scoping import scope_of

from .. import exports, listcache
from ..filters import SORTS, EnterpriseFilter
from ..models import Enterprise, MemberStatus, SizeClass, Status
from .paging import SortKey, keyset_page

PAGE_SIZE = 50
# A count of a district-scale filter costs tens of milliseconds: keep it a minute.
COUNT_TTL_SECONDS = 60
# Query parameters that do not change which rows match.
NOT_FILTERS = {"sort", "after", "before", "export", "page", "year_from", "year_to"}

SIZE_RANK = Case(
    *(
        When(size_class=size, then=Value(rank))
        for rank, size in enumerate(
            [SizeClass.LARGE, SizeClass.MEDIUM, SizeClass.SMALL, SizeClass.MICRO]
        )
    ),
    default=Value(4),
    output_field=IntegerField(),
)


class EnterpriseFilteredMixin:
    """The list's scoped, filtered queryset, shared by the page and both exports."""

    model = Enterprise
    permission_required = "enterprises.view_enterprise"
    filterset_class = EnterpriseFilter

    def get_queryset(self):
        queryset = super().get_queryset()
        # An invalid filter must not widen the list (or an export) to every row
        # in scope: the form shows what to correct and the list stays empty.
        if self.filterset.is_bound and not self.filterset.is_valid():
            return queryset.none()
        return queryset

    def filter_params(self) -> dict[str, str]:
        return {
            key: value
            for key, value in self.request.GET.items()
            if key not in NOT_FILTERS and value and key in self.filterset.form.fields
        }

    def filter_summary(self) -> dict[str, str]:
        return self.filterset.clean_summary() if self.filterset.is_bound else {}


class EnterpriseListView(EnterpriseFilteredMixin, ScopedListView):
    template_name = "enterprises/list.html"
    paginate_by = None  # keyset pages, see get_context_data
    export_name = gettext_lazy("Enterprises")
    export_columns = [(header, "") for header in exports.ENTERPRISE_HEADERS]
    export_permission = "enterprises.export_enterprise"

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export_xlsx()
        htmx = bool(getattr(request, "htmx", False)) and not request.htmx.boosted
        version = listcache.data_version()
        self.versioned = version is not None
        parts = listcache.cached(
            version, self.cache_parts(htmx), lambda: self.render_parts(htmx), request=request
        )
        if htmx:
            return HttpResponse(parts["results"])
        return TemplateResponse(
            request,
            self.template_name,
            {"view": self, "filters_html": parts["filters"], "results_html": parts["results"]},
        )

    def cache_parts(self, htmx: bool) -> list:
        """Everything besides the data that changes the rendered filters and results."""
        user = self.request.user
        return [
            get_language(),
            *scope_of(user).cache_parts(),
            user.grade,
            user.has_perm(self.export_permission),
            sorted(self.request.GET.lists()),
            htmx,
            default_years(),
        ]

    def render_parts(self, htmx: bool) -> dict[str, str]:
        self.object_list = self.get_queryset()
        context = self.get_context_data()
        render = partial(render_to_string, context=context, request=self.request)
        return {
            "filters": "" if htmx else render("enterprises/_filters.html"),
            "results": render("enterprises/_list.html"),
        }

    def sort_key(self) -> SortKey:
        value = self.filterset.sort_value if self.filterset.is_bound else "name"
        field, nullable = SORTS[value.lstrip("-")]
        return SortKey(field=field, nullable=nullable, descending=value.startswith("-"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queryset = self.object_list
        key = self.sort_key()
        # Plain values, not model instances: the page needs eight columns, and building
        # 50 models with their street, industry and a tag manager each costs more than
        # every query of the page together.
        fields = ROW_FIELDS if key.field in (*ROW_FIELDS, "size_rank") else [*ROW_FIELDS, key.field]
        if key.field == "size_rank":
            queryset = queryset.annotate(size_rank=SIZE_RANK)
            fields = [*fields, "size_rank"]
        rows = queryset.values(
            *fields, street_name=F("street__short_name"), industry_name=F("industry__name")
        )
        page = keyset_page(
            rows,
            key,
            after=self.request.GET.get("after"),
            before=self.request.GET.get("before"),
            size=PAGE_SIZE,
        )
        page.rows = page_rows(page.rows)
        context.update(
            page=page,
            rows=page.rows,
            total=self.cached_count(queryset),
            has_filters=bool(self.filter_params()),
            can_export=self.request.user.has_perm(self.export_permission),
            default_years=default_years(),
            options=select_options(self.filterset.form),
        )
        return context

    def cached_count(self, queryset) -> int:
        """The number of matches, counted at most once a minute per scope and filter.

        Where the page itself is cached by data version (PostgreSQL), it is counted exactly,
        once per version."""
        if getattr(self, "versioned", False):
            return queryset.order_by().count()
        scope = scope_of(self.request.user)
        raw = json.dumps(
            [
                scope.kind,
                sorted(scope.street_ids),
                sorted(scope.chamber_ids),
                scope.uscc,
                sorted(self.filter_params().items()),
            ],
            ensure_ascii=False,
        )
        key = "enterprises:list-count:" + hashlib.sha256(raw.encode()).hexdigest()
        count = cache.get(key)
        if count is None:
            count = queryset.order_by().count()
            cache.set(key, count, COUNT_TTL_SECONDS)
        return count

    def export_xlsx(self):
        if not self.request.user.has_perm(self.export_permission):
            raise PermissionDenied
        queryset = self.get_queryset()
        title = _("Enterprises")
        return exports.export_response(
            request=self.request,
            log_name="enterprises.list",
            title=str(title),
            file_stem="enterprises",
            headers=exports.ENTERPRISE_HEADERS,
            rows=exports.enterprise_rows(queryset, self.request.user),
            filters=self.filter_summary(),
            params=self.filter_params(),
        )


SELECTS = [
    "street", "section", "division", "size_class", "status", "sort", "tag", "member_status",
    "registration_type", "non_public", "period", "filed",
]  # fmt: skip


def select_options(form) -> dict[str, list[tuple[str, str, bool]]]:
    """(value, label, selected) of every filter select, worked out once in Python: the list
    is the busiest page of the module, and comparing each option in the template costs more
    than the rest of the filter form together."""
    options = {}
    for name in SELECTS:
        field = form[name]
        current = field.value()
        current = "" if current is None else str(current)
        options[name] = [
            (str(value), str(label), str(value) == current) for value, label in field.field.choices
        ]
    return options


ROW_FIELDS = ["id", "uscc", "name", "size_class", "status", "member_status"]


def page_rows(values: list[dict]) -> list[SimpleNamespace]:
    """The page's rows with display labels, tag labels (one query) and the detail link."""
    sizes, statuses, members = (
        {k: str(v) for k, v in choices}
        for choices in (SizeClass.choices, Status.choices, MemberStatus.choices)
    )
    tags: dict[int, list[str]] = {}
    links = Enterprise.tags.through.objects.filter(enterprise_id__in=[v["id"] for v in values])
    for enterprise_id, label in links.order_by(
        "dictionaryitem__order", "dictionaryitem__code"
    ).values_list("enterprise_id", "dictionaryitem__label"):
        tags.setdefault(enterprise_id, []).append(label)
    link = reverse("enterprises:detail", args=[987654321]).replace("987654321", "{}")
    return [
        SimpleNamespace(
            **v,
            pk=v["id"],
            size_label=sizes.get(v["size_class"], v["size_class"]),
            status_label=statuses.get(v["status"], v["status"]),
            member_label=members.get(v["member_status"], v["member_status"]),
            tag_labels=tags.get(v["id"], []),
            detail_url=link.format(v["id"]),
        )
        for v in values
    ]


class EnterpriseExportView(EnterpriseListView):
    """/enterprises/export/?<filters>: the same as the list's ?export=xlsx."""

    def get(self, request, *args, **kwargs):
        return self.export_xlsx()


def default_years() -> tuple[int, int]:
    year = timezone.localdate().year
    return year - 2, year


def _year(value, default: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if 1990 <= year <= 2100 else default


class LedgerExportView(EnterpriseFilteredMixin, ScopedListView):
    """The ledger of the enterprises the list filter selects, for a range of years."""

    permission_required = ("enterprises.view_enterprise", "enterprises.export_enterprise")

    def get(self, request, *args, **kwargs):
        first, last = default_years()
        year_from = _year(request.GET.get("year_from"), first)
        year_to = _year(request.GET.get("year_to"), last)
        if year_from > year_to:
            year_from, year_to = year_to, year_from
        enterprises = self.get_queryset()
        entries = exports.ledger_entries(enterprises, request.user, year_from, year_to)
        back = reverse("enterprises:list") + "?" + request.GET.urlencode()
        if entries.order_by().count() > exports.MAX_XLSX_ROWS:
            messages.error(
                request,
                _(
                    "The ledger of these enterprises has more rows than one Excel sheet can hold. "
                    "Narrow the filter or the years and export again."
                ),
            )
            return redirect(back)
        filters = self.filter_summary()
        filters[_("Years")] = f"{year_from}–{year_to}"
        params = self.filter_params() | {"year_from": year_from, "year_to": year_to}
        return exports.export_response(
            request=request,
            log_name="enterprises.ledger",
            title=_("Economic ledger"),
            file_stem="ledger",
            headers=exports.LEDGER_HEADERS,
            rows=exports.ledger_rows(entries),
            filters=filters,
            params=params,
        )
