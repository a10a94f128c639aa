"""数据大屏: the big screen for the meeting room, and its display tokens.

Two ways in:
- signed in (`insights.view_summary`, the dashboard's permission): /insights/screen/, read
  as the user (their scope and grade), with the session's limits;
- a display token: /insights/screen/t/<token>/ — no account and no session, so no
  session expiry; read as an aggregates-grade viewer of the token's scope. The token
  opens the screen and its data and nothing else (no other view knows it); each use is in
  the audit log; an administrator revokes it on the token page and the screen stops at
  its next refresh.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from apps.core.scoping import Grade, ScopeKind, scope_of
from apps.insights import selectors
from apps.insights.models_report import DisplayToken
from apps.insights.selectors import Query

from . import services
from .forms import DisplayTokenForm
from .numbers import NOTHING, percent
from .period import month_start, report_period
from .viewer import Viewer

HEADLINE = ("enterprises", "revenue", "tax", "employees")
TEN_THOUSAND = 10000
TOP_SECTIONS = 10


def _money_yi(value) -> float | None:
    """万元 -> 亿元, for the screen's big numbers and charts."""
    return None if value is None else round(float(value) / TEN_THOUSAND, 2)


def _shown(cells):
    return [c for c in cells if not c.suppressed and c.revenue is not None]


def payload(viewer, *, scope_name: str, district: bool) -> dict:
    """Everything the screen shows, as JSON: the latest quarter, year to date."""
    year, quarter = selectors.latest_period() or report_period(month_start(timezone.localdate()))
    query = Query(year=year, quarter=quarter, cumulative=True)
    head = selectors.headline(viewer, query)
    labels = {
        "enterprises": (_("Enterprises"), _("enterprises")),
        "revenue": (_("Revenue"), _("100 million yuan")),
        "tax": (_("Total tax"), _("100 million yuan")),
        "employees": (_("Employees"), _("persons")),
    }
    headline = []
    for name in HEADLINE:
        figure = getattr(head, name)
        money = name in ("revenue", "tax")
        value = _money_yi(figure.value) if money else figure.value
        if head.suppressed or value is None:
            text = "<3" if head.suppressed else NOTHING
        else:
            text = f"{value:,.2f}" if money else f"{value:,}"
        headline.append(
            {
                "key": name,
                "label": labels[name][0],
                "unit": labels[name][1],
                "text": text,
                "change": None if figure.change is None else percent(figure.change),
                "up": None if figure.change is None else figure.change >= 0,
            }
        )
    by_street = (
        [
            {"name": c.label, "value": _money_yi(c.revenue)}
            for c in _shown(selectors.breakdown(viewer, query, "street"))
        ]
        if district
        else []
    )
    sections = sorted(
        _shown(selectors.breakdown(viewer, query, "section")), key=lambda c: -(c.revenue or 0)
    )[:TOP_SECTIONS]
    sizes = _shown(selectors.breakdown(viewer, query, "size"))
    trend = selectors.trend(viewer, query.replace(cumulative=False), quarters=12)
    return {
        "title": _("%(scope)s private economy") % {"scope": scope_name},
        "period": query.period_label,
        "updated": timezone.localtime().strftime("%H:%M"),
        "refresh": settings.INSIGHTS_SCREEN_REFRESH_SECONDS,
        "headline": headline,
        "by_street": by_street,
        "by_section": [{"name": c.label, "value": _money_yi(c.revenue)} for c in sections],
        "by_size": [{"name": c.label, "value": c.enterprises} for c in sizes],
        "trend": {
            "labels": [c.label for c in trend],
            "revenue": [None if c.suppressed else _money_yi(c.revenue) for c in trend],
            "tax": [None if c.suppressed else _money_yi(c.tax) for c in trend],
        },
        "names": {
            "by_street": _("Revenue by street (100 million yuan)"),
            "by_section": _("Revenue by industry section (100 million yuan)"),
            "by_size": _("Enterprises by size"),
            "trend": _("Revenue and tax by quarter (100 million yuan)"),
            "revenue": _("Revenue"),
            "tax": _("Total tax"),
        },
    }


def _render(request, *, data_url: str, scope_name: str):
    response = render(
        request,
        "insights/screen/screen.html",
        {"data_url": data_url, "scope_name": scope_name},
    )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _json(data: dict) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


def _user_scope(user) -> tuple[str, bool]:
    scope = scope_of(user)
    if scope.kind == ScopeKind.DISTRICT:
        return settings.DISTRICT_NAME, True
    from apps.registry.models import Street

    names = Street.objects.in_scope(user).values_list("short_name", flat=True)
    return "、".join(names), False


# --- signed in ----------------------------------------------------------------------------


@login_required
@permission_required("insights.view_summary", raise_exception=True)
@require_GET
def screen(request):
    scope_name, _district = _user_scope(request.user)
    return _render(request, data_url=reverse("screen:data"), scope_name=scope_name)


@login_required
@permission_required("insights.view_summary", raise_exception=True)
@require_GET
def screen_data(request):
    scope_name, district = _user_scope(request.user)
    return _json(payload(request.user, scope_name=scope_name, district=district))


# --- by display token -----------------------------------------------------------------------


def _token(raw: str) -> DisplayToken:
    token = services.display_token_resolve(raw)
    if token is None:
        raise Http404
    return token


def _token_viewer(token: DisplayToken) -> Viewer:
    return Viewer(street_id=token.street_id, grade=Grade.AGGREGATE)


@never_cache
@require_GET
def token_screen(request, token: str):
    display = _token(token)
    services.display_token_use(token=display, what="page")
    return _render(
        request,
        data_url=reverse("screen:token_data", args=[token]),
        scope_name=display.scope_name,
    )


@never_cache
@require_GET
def token_screen_data(request, token: str):
    display = _token(token)
    services.display_token_use(token=display, what="data")
    return _json(
        payload(
            _token_viewer(display),
            scope_name=display.scope_name,
            district=display.street_id is None,
        )
    )


# --- managing tokens (administrators) --------------------------------------------------------


def _tokens_in_scope(user):
    tokens = DisplayToken.objects.select_related("street", "created_by", "revoked_by")
    scope = scope_of(user)
    if scope.kind == ScopeKind.DISTRICT:
        return tokens
    if scope.kind == ScopeKind.STREETS:
        return tokens.filter(street_id__in=scope.street_ids)
    return tokens.none()


@login_required
@permission_required("insights.view_displaytoken", raise_exception=True)
def tokens(request):
    form = DisplayTokenForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not request.user.has_perm("insights.add_displaytoken"):
            raise PermissionDenied
        if form.is_valid():
            token, raw = services.display_token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                street=form.cleaned_data["street"],
            )
            response = render(
                request,
                "insights/screen/token_created.html",
                {
                    "token": token,
                    "url": request.build_absolute_uri(reverse("screen:token", args=[raw])),
                },
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "insights/screen/tokens.html",
        {"form": form, "tokens": _tokens_in_scope(request.user).order_by("-created_at")[:100]},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@permission_required("insights.change_displaytoken", raise_exception=True)
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(_tokens_in_scope(request.user), pk=pk)
    services.display_token_revoke(actor=request.user, token=token)
    messages.success(
        request, _("The display token is revoked; the screen stops at its next refresh.")
    )
    return redirect("screen:tokens")
