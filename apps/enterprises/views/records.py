"""One enterprise: its page, its change history, its journal and manual ledger entry."""

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.audit.models import AuditEvent
from apps.core.masking import can_see_personal, mask_phone, phone_for
from apps.core.scoped_views import ScopedDetailView

from .. import services
from ..forms import LedgerEntryForm, NoteForm
from ..models import Enterprise, EnterpriseNote, LedgerEntry, LedgerFlag, LedgerSource

FIGURES = ["revenue", "profit", "tax", "rd_expense", "employees", "total_assets"]
YOY_FIGURES = ["revenue", "profit", "tax", "employees"]


class EnterpriseObjectMixin:
    model = Enterprise
    permission_required = "enterprises.view_enterprise"

    def get_queryset(self):
        return super().get_queryset().select_related("street", "industry")


def ledger_table(entries: list[LedgerEntry]) -> list[dict]:
    """Rows oldest first with year-to-date revenue and tax (None if a quarter is missing)."""
    table, year, ytd = [], None, {}
    for entry in entries:
        if entry.year != year:
            year, ytd = entry.year, {"revenue": Decimal(0), "tax": Decimal(0), "quarters": set()}
        ytd["quarters"].add(entry.quarter)
        complete = ytd["quarters"] == set(range(1, entry.quarter + 1))
        row = {"entry": entry}
        for name in ("revenue", "tax"):
            value = getattr(entry, name)
            ytd[name] = None if value is None or ytd[name] is None else ytd[name] + value
            row[f"{name}_ytd"] = ytd[name] if complete else None
        table.append(row)
    return table


def _number(value):
    return None if value is None else float(value)


def trend_chart(entries: list[LedgerEntry]) -> dict:
    """ECharts option: quarterly revenue and tax as bars, employees as a line."""
    periods = [f"{e.year}Q{e.quarter}" for e in entries]
    money = str(_("10k yuan"))
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 48, "right": 48, "top": 40, "bottom": 32, "containLabel": True},
        "xAxis": {"type": "category", "data": periods},
        "yAxis": [
            {"type": "value", "name": money},
            {"type": "value", "name": str(_("persons")), "splitLine": {"show": False}},
        ],
        "series": [
            {
                "name": str(_("Revenue")),
                "type": "bar",
                "data": [_number(e.revenue) for e in entries],
            },
            {"name": str(_("Total tax")), "type": "bar", "data": [_number(e.tax) for e in entries]},
            {
                "name": str(_("Employees")),
                "type": "line",
                "yAxisIndex": 1,
                "data": [e.employees for e in entries],
            },
        ],
    }


def year_on_year(entries: list[LedgerEntry]) -> dict | None:
    """The latest quarter against the same quarter a year earlier."""
    if not entries:
        return None
    latest = entries[-1]
    earlier = next(
        (e for e in entries if e.year == latest.year - 1 and e.quarter == latest.quarter), None
    )
    labels = {
        "revenue": _("Revenue"),
        "profit": _("Total profit"),
        "tax": _("Total tax"),
        "employees": _("Employees"),
    }
    changes = []
    for name in YOY_FIGURES:
        now = getattr(latest, name)
        before = getattr(earlier, name) if earlier else None
        pct = None
        if now is not None and before not in (None, 0):
            pct = (Decimal(now) - Decimal(before)) / abs(Decimal(before)) * 100
        changes.append({"label": labels[name], "now": now, "before": before, "pct": pct})
    return {"latest": latest, "earlier": earlier, "changes": changes}


class EnterpriseDetailView(EnterpriseObjectMixin, ScopedDetailView):
    template_name = "enterprises/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        enterprise, user = self.object, self.request.user
        entries = list(
            LedgerEntry.objects.in_scope(user)
            .filter(enterprise=enterprise)
            .order_by("year", "quarter")
        )
        open_flags: dict[int, list[str]] = {}
        flags = LedgerFlag.objects.in_scope(user).filter(
            entry__enterprise=enterprise, confirmed=False
        )
        for flag in flags.order_by("rule"):
            open_flags.setdefault(flag.entry_id, []).append(flag.get_rule_display())
        table = ledger_table(entries)
        for row in table:
            row["flags"] = open_flags.get(row["entry"].pk, [])
        context.update(
            phone=phone_for(user, enterprise.contact_phone),
            tags=list(enterprise.tags.order_by("order", "code")),
            ledger=table[::-1],
            chart=trend_chart(entries) if entries else None,
            yoy=year_on_year(entries),
            flag_count=sum(len(v) for v in open_flags.values()),
            notes=EnterpriseNote.objects.in_scope(user)
            .filter(enterprise=enterprise)
            .select_related("author")[:100],
            note_form=NoteForm(),
            can_edit=user.has_perm("enterprises.change_enterprise"),
            can_edit_ledger=user.has_perm("enterprises.change_ledgerentry")
            and user.has_perm("enterprises.add_ledgerentry"),
        )
        return context


# Labels for the fields that appear in an enterprise's audit diffs.
HISTORY_LABELS = {
    "tags": gettext_lazy("Tags"),
    "note": gettext_lazy("Journal note"),
    **{f.name: f.verbose_name for f in LedgerEntry._meta.concrete_fields if f.name in FIGURES},
}
HISTORY_ACTIONS = {
    "enterprise.create": gettext_lazy("Record created"),
    "enterprise.update": gettext_lazy("Edited"),
    "enterprise.note_add": gettext_lazy("Journal note added"),
    "ledger.save": gettext_lazy("Ledger saved"),
}
MASKED_FIELDS = {"contact_phone"}


def field_label(name: str) -> str:
    if name in HISTORY_LABELS:
        return str(HISTORY_LABELS[name])
    try:
        return str(Enterprise._meta.get_field(name).verbose_name)
    except Exception:
        return name


def readable(value, *, masked: bool) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        value = "、".join(str(v) for v in value)
    return mask_phone(str(value)) if masked else str(value)


class EnterpriseHistoryView(EnterpriseObjectMixin, ScopedDetailView):
    """Change history of one enterprise, read from the audit trail, newest first."""

    template_name = "enterprises/history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = AuditEvent.objects.filter(
            object_type=Enterprise._meta.label_lower, object_id=str(self.object.pk)
        ).order_by("-at", "-id")
        page = Paginator(events, 50).get_page(self.request.GET.get("page"))
        personal = can_see_personal(self.request.user)
        history = []
        for event in page:
            changes = []
            for name, pair in sorted((event.changes or {}).items()):
                old, new = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
                masked = name in MASKED_FIELDS and not personal
                changes.append(
                    {
                        "label": field_label(name),
                        "old": readable(old, masked=masked),
                        "new": readable(new, masked=masked),
                    }
                )
            history.append(
                {
                    "event": event,
                    "action": str(HISTORY_ACTIONS.get(event.action, event.action)),
                    "changes": changes,
                }
            )
        context.update(page_obj=page, history=history)
        return context


class EnterpriseNoteAddView(EnterpriseObjectMixin, ScopedDetailView):
    """Add a dated note to the journal (GET shows the form alone, for phones)."""

    permission_required = ("enterprises.view_enterprise", "enterprises.change_enterprise")
    template_name = "enterprises/note_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", NoteForm())
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = NoteForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        services.enterprise_note_add(
            actor=request.user,
            enterprise=self.object,
            text=form.cleaned_data["text"],
            on=form.cleaned_data["date"],
        )
        messages.success(request, _("The note has been added to the journal."))
        return redirect(reverse("enterprises:detail", args=[self.object.pk]) + "#notes")


class LedgerEditView(EnterpriseObjectMixin, ScopedDetailView):
    """Enter or correct one quarter's figures by hand (through services.ledger_save)."""

    permission_required = (
        "enterprises.view_enterprise",
        "enterprises.add_ledgerentry",
        "enterprises.change_ledgerentry",
    )
    template_name = "enterprises/ledger_form.html"

    def existing(self, year, quarter):
        return LedgerEntry.objects.filter(
            enterprise=self.object, year=year, quarter=quarter
        ).first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "form" not in context:
            year, quarter = self.request.GET.get("year"), self.request.GET.get("quarter")
            entry = None
            if year and quarter and year.isdigit() and quarter.isdigit():
                entry = self.existing(int(year), int(quarter))
            context["form"] = LedgerEntryForm(instance=entry) if entry else LedgerEntryForm()
            context["entry"] = entry
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = LedgerEntryForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        services.ledger_save(
            actor=request.user,
            enterprise=self.object,
            year=data["year"],
            quarter=data["quarter"],
            source=LedgerSource.MANUAL,
            **{name: data[name] for name in FIGURES},
        )
        messages.success(
            request,
            _("The figures for %(year)s Q%(quarter)s have been saved.")
            % {"year": data["year"], "quarter": data["quarter"]},
        )
        return redirect(reverse("enterprises:detail", args=[self.object.pk]) + "#ledger")
