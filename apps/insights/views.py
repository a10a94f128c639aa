"""The economic overview (经济运行概览): the dashboard page, and the figures behind each of
its charts as JSON or xlsx (``api/<chart>.json`` / ``.xlsx``, README "Economic overview").

Every number comes from apps.insights.selectors, which read the user's scope and apply the
grade's suppression; the views only turn the query string into a Query and the results
into a page, JSON or a spreadsheet.
"""

from decimal import Decimal
from urllib.parse import urlencode

from django.apps import apps
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from apps.core import crypto
from apps.core.exports import build_xlsx, xlsx_response
from apps.core.scoping import Grade, ScopeKind, scope_of
from apps.enterprises import listcache
from apps.enterprises.models import MemberStatus, SizeClass
from apps.registry.models import Industry

from . import selectors
from .models import RefreshState
from .selectors import Query

# The charts with data behind them: name -> (kind, argument).
CHARTS = {
    "headline": ("headline", None),
    "by-street": ("breakdown", "street"),
    "by-section": ("breakdown", "section"),
    "by-division": ("breakdown", "division"),
    "by-size": ("breakdown", "size"),
    "trend": ("trend", None),
    "top-revenue": ("top", "revenue"),
    "top-tax": ("top", "tax"),
    "filings": ("filings", None),
}
MAX_TREND_QUARTERS = 40


class InsightsMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "insights.view_summary"

    def handle_no_permission(self):
        if not self.request.user.is_authenticated:
            return super().handle_no_permission()
        raise PermissionDenied

    def get_query(self) -> Query:
        """The query of the URL; a 街乡 outside the user's scope answers 404, like one that
        does not exist (rule 1 of ARCHITECTURE.md)."""
        query = Query.from_params(self.request.GET)
        if query.street_id:
            scope = scope_of(self.request.user)
            if scope.kind == ScopeKind.STREETS and query.street_id not in scope.street_ids:
                raise Http404
            if query.street_id not in selectors.street_names():
                raise Http404
        return query

    @property
    def sees_records(self) -> bool:
        return self.request.user.grade >= Grade.RECORDS


# --- Shared helpers -------------------------------------------------------------------


def dashboard_url(query: Query) -> str:
    return f"{reverse('insights:dashboard')}?{urlencode(query.to_params())}"


def data_url(chart: str, query: Query, fmt: str = "json", **extra) -> str:
    params = {**query.to_params(), **{k: str(v) for k, v in extra.items()}}
    return f"{reverse(f'insights:data_{fmt}', args=[chart])}?{urlencode(params)}"


def enterprise_list_url(query: Query) -> str:
    """The enterprise list filtered to the query's slice (for grades that see records)."""
    params = {}
    if query.street_id:
        params["street"] = query.street_id
    if query.section:
        params["section"] = query.section
    if query.division:
        params["division"] = query.division
    if query.size_class:
        params["size_class"] = query.size_class
    if query.members_only:
        params["member_status"] = MemberStatus.MEMBER.value
    return f"{reverse('enterprises:list')}?{urlencode(params)}"


def names_of(query: Query) -> dict[str, str]:
    """Display names of the query's 街乡, section and division."""
    names = {"street": "", "section": "", "division": ""}
    if query.street_id:
        names["street"] = selectors.street_names().get(query.street_id, str(query.street_id))
    found = selectors.industry_names()
    for key, code in (("section", query.section), ("division", query.division)):
        if code:
            names[key] = f"{code} {found.get(code, '')}".strip()
    return names


def breadcrumb(query: Query, names: dict[str, str]) -> list[tuple[str, str | None]]:
    """(label, url) from the district down to the query's level; the last has no url."""
    top = query.replace(street_id=None, section="", division="")
    crumbs = [(_("Whole district"), top)]
    if query.street_id:
        crumbs.append((names["street"], top.replace(street_id=query.street_id)))
    if query.section:
        crumbs.append((names["section"], crumbs[-1][1].replace(section=query.section)))
    if query.division:
        crumbs.append((names["division"], crumbs[-1][1].replace(division=query.division)))
    out = [(label, dashboard_url(q)) for label, q in crumbs]
    out[-1] = (out[-1][0], None)
    return out


def drill_level(query: Query) -> str:
    """What the dashboard splits the query by next: 街乡, section, division, or nothing
    (a division is the last level; its enterprises are in the enterprise list)."""
    if not query.street_id:
        return "street"
    if not query.section:
        return "section"
    if not query.division:
        return "division"
    return ""


def filter_text(query: Query, names: dict[str, str]) -> str:
    parts = [names["street"] or _("Whole district")]
    parts += [names[k] for k in ("section", "division") if names[k]]
    if query.size_class:
        parts.append(str(SizeClass(query.size_class).label))
    if query.members_only:
        parts.append(_("Members only"))
    return " / ".join(parts)


def _number(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


def cell_json(cell: selectors.Cell, url: str | None) -> dict:
    return {
        "key": cell.key,
        "label": cell.label,
        "suppressed": cell.suppressed,
        **{name: _number(getattr(cell, name)) for name in selectors.HEADLINE_FIGURES},
        "url": None if cell.suppressed else url,
    }


def headline_json(result: selectors.Headline) -> dict:
    return {
        "suppressed": result.suppressed,
        "previous_suppressed": result.previous_suppressed,
        "figures": {
            name: {
                "value": _number(figure.value),
                "previous": _number(figure.previous),
                "change": _number(figure.change),
            }
            for name, figure in result.figures()
        },
    }


def figure_labels() -> dict[str, str]:
    return {
        "enterprises": _("Enterprises"),
        "revenue": _("Revenue (10k yuan)"),
        "tax": _("Total tax (10k yuan)"),
        "employees": _("Employees"),
        "profit": _("Total profit (10k yuan)"),
        "rd": _("R&D expense (10k yuan)"),
    }


def filing_completion(user, query: Query) -> dict | None:
    """The quarter's filing campaign and how far it got, when the filings module is there
    and the user may see its progress."""
    if not apps.is_installed("apps.filings") or not user.has_perm("filings.view_campaign"):
        return None
    from apps.filings.models import Campaign, CampaignStatus
    from apps.filings.selectors import campaign_progress

    campaign = (
        Campaign.objects.filter(year=query.year, quarter=query.quarter)
        .exclude(status=CampaignStatus.DRAFT)
        .order_by("-id")
        .first()
    )
    if campaign is None:
        return {"campaign": None}
    total = campaign_progress(campaign, user).total
    return {
        "campaign": {
            "id": campaign.pk,
            "name": str(campaign),
            "url": reverse("filings:campaign", args=[campaign.pk]),
        },
        "targets": total.targets,
        "submitted": total.submitted,
        "approved": total.approved,
        "rate": total.rate,
    }


def member_count(user, query: Query) -> int | None:
    """Member enterprises in the slice, once the members module keeps member status."""
    if not apps.is_installed("apps.members"):
        return None
    result = selectors.headline(user, query.replace(members_only=True))
    return None if result.suppressed else result.enterprises.value


# --- The dashboard --------------------------------------------------------------------


class DashboardView(InsightsMixin, TemplateView):
    template_name = "insights/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        query = self.get_query()
        names = names_of(query)
        level = drill_level(query)
        head = selectors.headline(user, query)
        cards = [(name, label, getattr(head, name)) for name, label in figure_labels().items()]
        drill_cells = []
        if level:
            for cell in selectors.breakdown(user, query, level):
                drill_cells.append((cell, None if cell.suppressed else dashboard_url(cell.query)))
        charts = []
        if level:
            charts.append((f"by-{level}", _drill_title(level), "bar"))
        if level == "street":
            charts.append(("by-section", _("By industry section"), "bar"))
        charts.append(("by-size", _("By size class"), "bar"))
        charts.append(("trend", _("Last 12 quarters"), "line"))
        context.update(
            query=query,
            names=names,
            level=level,
            headline=head,
            cards=cards,
            crumbs=breadcrumb(query, names),
            drill_cells=drill_cells,
            charts=[
                {
                    "name": name,
                    "title": title,
                    "kind": kind,
                    "src": data_url(name, query),
                    "xlsx": data_url(name, query, "xlsx"),
                }
                for name, title, kind in charts
            ],
            headline_xlsx=data_url("headline", query, "xlsx"),
            filter_text=filter_text(query, names),
            sees_records=self.sees_records,
            enterprise_list_url=enterprise_list_url(query) if self.sees_records else None,
            filings=filing_completion(user, query),
            members=member_count(user, query),
            form=self.form_context(query),
        )
        if self.sees_records:
            context["tops"] = [
                (
                    _("Top 20 by revenue"),
                    selectors.top(user, query, "revenue"),
                    data_url("top-revenue", query, "xlsx"),
                ),
                (
                    _("Top 20 by tax"),
                    selectors.top(user, query, "tax"),
                    data_url("top-tax", query, "xlsx"),
                ),
            ]
        return context

    def form_context(self, query: Query) -> dict:
        latest = selectors.latest_period() or (query.year, query.quarter)
        years = sorted(
            {int(y) for y in selectors.years_available()} | {query.year, latest[0]},
            reverse=True,
        )
        return {
            "years": years,
            "quarters": [1, 2, 3, 4],
            "sections": list(
                Industry.objects.filter(level=Industry.Level.SECTION)
                .order_by("code")
                .values_list("code", "name")
            ),
            "sizes": [(v, str(label)) for v, label in SizeClass.choices],
        }


def _drill_title(level: str) -> str:
    return {
        "street": _("By street"),
        "section": _("By industry section"),
        "division": _("By industry division"),
    }[level]


# --- The data behind each chart --------------------------------------------------------


class ChartDataView(InsightsMixin, View):
    """GET api/<chart>.json or .xlsx with the dashboard's query string."""

    fmt = "json"

    def get(self, request, chart: str):
        if chart not in CHARTS:
            raise Http404
        kind, arg = CHARTS[chart]
        query = self.get_query()
        if kind == "top" and not self.sees_records:
            raise PermissionDenied
        if self.fmt == "xlsx":
            return self.xlsx(chart, kind, self.data(chart, kind, arg, query))
        if kind == "filings":  # read live from the filings module: not versioned here
            return self.json(self.data(chart, kind, arg, query))
        # The same figures for everyone with the same scope and grade until the ledger or
        # the summary changes: served from the cache (decision 0017).
        parts = listcache.cached(
            cache_version(),
            self.cache_parts(chart),
            lambda: {"json": self.json(self.data(chart, kind, arg, query)).content.decode()},
            prefix="insights:json",
        )
        return HttpResponse(parts["json"], content_type="application/json")

    def cache_parts(self, chart: str) -> list:
        """Everything besides the data that changes the answer."""
        user = self.request.user
        return [
            chart,
            get_language(),
            *scope_of(user).cache_parts(),
            user.grade,
            sorted(self.request.GET.lists()),
        ]

    @staticmethod
    def json(data: dict) -> JsonResponse:
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})

    def data(self, chart: str, kind: str, arg, query: Query) -> dict:
        request, user = self.request, self.request.user
        data: dict = {
            "chart": chart,
            "query": query.to_params(),
            "period": query.period_label,
            "filter": filter_text(query, names_of(query)),
            "units": {"money": _("10k yuan"), "employees": _("persons")},
            "labels": figure_labels(),
        }
        if kind == "headline":
            data.update(headline_json(selectors.headline(user, query)))
        elif kind == "breakdown":
            cells = selectors.breakdown(user, query, arg)
            data["cells"] = [cell_json(c, dashboard_url(c.query)) for c in cells]
        elif kind == "trend":
            quarters = min(max(_int(request.GET.get("quarters"), 12), 1), MAX_TREND_QUARTERS)
            cells = selectors.trend(user, query, quarters=quarters)
            data["cells"] = [cell_json(c, dashboard_url(c.query)) for c in cells]
        elif kind == "top":
            rows = selectors.top(user, query, arg, n=min(_int(request.GET.get("n"), 20), 100))
            data["rows"] = [
                {
                    "rank": row.rank,
                    "name": row.name,
                    "street": row.street,
                    "section": row.section,
                    "value": _number(row.value),
                    "revenue": _number(row.revenue),
                    "tax": _number(row.tax),
                    "url": reverse("enterprises:detail", args=[row.enterprise_id]),
                }
                for row in rows
            ]
        else:
            data["filings"] = filing_completion(user, query)
        return data

    def xlsx(self, chart: str, kind: str, data: dict):
        from apps.audit.services import export_log

        labels = data["labels"]
        names = list(selectors.HEADLINE_FIGURES)
        title = f"{_('Economic overview')} {data['period']} {data['filter']}"
        if kind == "headline":
            headers = [_("Indicator"), _("This period"), _("A year earlier"), _("Change (%)")]
            rows = [
                [
                    labels[name],
                    _shown(fig["value"], data["suppressed"]),
                    _shown(fig["previous"], data["previous_suppressed"] or data["suppressed"]),
                    None if fig["change"] is None else round(fig["change"] * 100, 2),
                ]
                for name, fig in data["figures"].items()
            ]
        elif kind in ("breakdown", "trend"):
            headers = [_("Item"), *[labels[n] for n in names]]
            rows = [
                [c["label"], *[_shown(c[n], c["suppressed"]) for n in names]] for c in data["cells"]
            ]
        elif kind == "top":
            headers = [_("Rank"), _("Enterprise"), _("Street"), _("Section"), labels["revenue"]]
            headers.append(labels["tax"])
            rows = [
                [r["rank"], r["name"], r["street"], r["section"], r["revenue"], r["tax"]]
                for r in data["rows"]
            ]
        else:
            info = data["filings"] or {}
            headers = [_("Campaign"), _("Targets"), _("Submitted"), _("Approved"), _("Rate (%)")]
            rows = []
            if info.get("campaign"):
                rows.append(
                    [
                        info["campaign"]["name"],
                        info["targets"],
                        info["submitted"],
                        info["approved"],
                        info["rate"],
                    ]
                )
        stamp = timezone.localtime()
        by = _("Exported by %(user)s at %(time)s") % {
            "user": self.request.user.get_username(),
            "time": stamp.strftime("%Y-%m-%d %H:%M"),
        }
        content, count = build_xlsx(
            [str(h) for h in headers], rows, str(_("Economic overview")), title_rows=[title, by]
        )
        export_log(
            actor=self.request.user,
            name=f"insights:{chart}",
            filters=data["query"],
            row_count=count,
            digest=crypto.provider().digest(content),
        )
        return xlsx_response(content, f"insights-{chart}-{stamp:%Y%m%d-%H%M}.xlsx")


class ChartXlsxView(ChartDataView):
    fmt = "xlsx"


def cache_version() -> str | None:
    """The ledger's data version and the summary's state, in one statement: a refresh or
    rebuild of the summary (which always writes the state) gives a new version as surely
    as a ledger change does. None (nothing cached) where the ledger keeps no version."""
    state = RefreshState._meta.db_table
    return listcache.data_version(
        f"SELECT concat_ws('|', rebuilt_at, refreshed_at, stale_patterns::text)"  # noqa: S608
        f" FROM {state} WHERE id = 1"
    )


def _shown(value, suppressed: bool):
    return "<3" if suppressed else value


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
