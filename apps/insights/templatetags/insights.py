"""Figures as the dashboard shows them: thousands separators, "<3" for suppressed cells,
year-on-year change with its sign."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def figure(value, suppressed=False):
    """1234567.8 → "1,234,567.80"; whole numbers without decimals; None → "—"."""
    if suppressed:
        return "<3"
    if value is None:
        return "—"
    if isinstance(value, Decimal | float):
        return f"{value:,.2f}"
    return f"{value:,}"


@register.filter
def change(value):
    """0.0534 → "+5.3%"; None → "—"."""
    if value is None:
        return "—"
    return f"{Decimal(value) * 100:+.1f}%"


@register.filter
def change_class(value):
    if value is None or value == 0:
        return "text-body-secondary"
    return "text-success" if value > 0 else "text-danger"
