"""The written summary of a report: the key numbers and their changes, in sentences."""

from datetime import datetime
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .figures import number
from .numbers import amount, count, trend_words

LEADING = 3  # 街乡 / sections named in the text


def _when(iso: str) -> str:
    return formats.date_format(timezone.localtime(datetime.fromisoformat(iso)), "Y年n月j日 H:i")


def _named(rows: list[dict]) -> list[dict]:
    return [row for row in rows if not row["suppressed"] and row["revenue"] is not None]


def _share(part, whole) -> str:
    whole = number(whole)
    if not whole:
        return "—"
    return f"{(Decimal(part) * 100 / whole).quantize(Decimal('0.1'))}%"


def paragraphs(figures: dict, *, scope: str, ytd_label: str, quarter_label: str, since=None):
    """The summary's paragraphs, in order."""
    out = []
    ytd = figures["ytd_headline"]
    if ytd["suppressed"] or ytd["figures"]["enterprises"]["value"] in (None, 0):
        out.append(
            _(
                "Fewer than 3 enterprises of %(scope)s have figures for %(period)s, or none: "
                "the figures are not shown."
            )
            % {"scope": scope, "period": ytd_label}
        )
        out.append(_data_note(figures, since))
        return out

    f = ytd["figures"]
    out.append(
        _(
            "In %(period)s, %(enterprises)s enterprises of %(scope)s reported figures "
            "(%(enterprises_trend)s). Their revenue was %(revenue)s (%(revenue_trend)s), "
            "tax %(tax)s (%(tax_trend)s), profit %(profit)s (%(profit_trend)s) and R&D "
            "expense %(rd)s (%(rd_trend)s); they employed %(employees)s people at the end "
            "of the period (%(employees_trend)s)."
        )
        % {
            "period": ytd_label,
            "scope": scope,
            "enterprises": count(f["enterprises"]["value"]),
            "enterprises_trend": trend_words(f["enterprises"]["change"]),
            "revenue": amount(f["revenue"]["value"]),
            "revenue_trend": trend_words(f["revenue"]["change"]),
            "tax": amount(f["tax"]["value"]),
            "tax_trend": trend_words(f["tax"]["change"]),
            "profit": amount(f["profit"]["value"]),
            "profit_trend": trend_words(f["profit"]["change"]),
            "rd": amount(f["rd"]["value"]),
            "rd_trend": trend_words(f["rd"]["change"]),
            "employees": count(f["employees"]["value"]),
            "employees_trend": trend_words(f["employees"]["change"]),
        }
    )
    single = figures["quarter_headline"]
    if figures["quarter"] > 1 and not single["suppressed"]:
        q = single["figures"]
        out.append(
            _(
                "In %(period)s alone, revenue was %(revenue)s (%(revenue_trend)s) and tax "
                "%(tax)s (%(tax_trend)s)."
            )
            % {
                "period": quarter_label,
                "revenue": amount(q["revenue"]["value"]),
                "revenue_trend": trend_words(q["revenue"]["change"]),
                "tax": amount(q["tax"]["value"]),
                "tax_trend": trend_words(q["tax"]["change"]),
            }
        )
    streets = _named(figures["by_street"])
    if streets:
        leaders = sorted(streets, key=lambda r: -number(r["revenue"]))[:LEADING]
        out.append(
            _("By street, the largest revenues were those of %(streets)s.")
            % {
                "streets": _(", ").join(
                    f"{row['label']}（{amount(row['revenue'])}）" for row in leaders
                )
            }
        )
        growing = [r for r in streets if r["revenue_change"] is not None]
        if growing:
            fastest = max(growing, key=lambda r: Decimal(r["revenue_change"]))
            out.append(
                _("Revenue changed most in %(street)s: %(trend)s.")
                % {"street": fastest["label"], "trend": trend_words(fastest["revenue_change"])}
            )
    sections = _named(figures["by_section"])
    if sections:
        leaders = sorted(sections, key=lambda r: -number(r["revenue"]))[:LEADING]
        out.append(
            _("By industry, %(sections)s earned the most revenue.")
            % {
                "sections": _(", ").join(
                    _("%(section)s (%(share)s of the total)")
                    % {
                        "section": row["label"],
                        "share": _share(row["revenue"], f["revenue"]["value"]),
                    }
                    for row in leaders
                )
            }
        )
    sizes = _named(figures["by_size"])
    if sizes:
        out.append(
            _("By size: %(sizes)s.")
            % {
                "sizes": _(", ").join(
                    _("%(size)s %(enterprises)s enterprises, %(share)s of revenue")
                    % {
                        "size": row["label"],
                        "enterprises": count(row["enterprises"]),
                        "share": _share(row["revenue"], f["revenue"]["value"]),
                    }
                    for row in sizes
                )
            }
        )
    out.append(_data_note(figures, since))
    return out


def _data_note(figures: dict, since) -> str:
    note = _(
        "The figures were taken on %(taken)s; filings and imports that arrive later are in "
        "the next reports of the same quarter."
    ) % {"taken": _when(figures["taken_at"])}
    if since:
        note += _(
            " Since the report of %(previous)s, %(enterprises)s more enterprises have figures "
            "for the period and revenue has changed by %(revenue)s."
        ) % {
            "previous": _when(since["taken_at"]),
            "enterprises": count(since["enterprises"]),
            "revenue": amount(since["revenue"]),
        }
    return note
