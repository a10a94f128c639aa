"""How the report writes numbers: the same everywhere (document, appendix, big screen)."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

SUPPRESSED = "<3"
NOTHING = "—"
TEN_THOUSAND = Decimal(10000)  # 万元 per 亿元


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def money(value) -> str:
    """万元 with two decimals and thousands separators: 12,345.60."""
    value = _decimal(value)
    return NOTHING if value is None else f"{value.quantize(Decimal('0.01')):,.2f}"


def count(value) -> str:
    return NOTHING if value is None else f"{int(value):,}"


def percent(change) -> str:
    """A change as a signed percentage with one decimal: +5.3%, -12.0%."""
    change = _decimal(change)
    if change is None:
        return NOTHING
    value = (change * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value:+.1f}%"


def amount(value) -> str:
    """An amount in words for the text: 亿元 from 1 亿 up, 万元 below."""
    value = _decimal(value)
    if value is None:
        return NOTHING
    if abs(value) >= TEN_THOUSAND:
        return _("%(amount)s hundred million yuan") % {
            "amount": f"{(value / TEN_THOUSAND).quantize(Decimal('0.01')):,.2f}"
        }
    return _("%(amount)s ten thousand yuan") % {"amount": f"{value.quantize(Decimal('0.01')):,.2f}"}


def trend_words(change) -> str:
    """增长 5.3% / 下降 2.1% / 持平 / 无可比数据."""
    change = _decimal(change)
    if change is None:
        return _("not comparable with a year earlier")
    value = (abs(change) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if value == 0:
        return _("unchanged year on year")
    words = (
        _("up %(percent)s%% year on year") if change > 0 else _("down %(percent)s%% year on year")
    )
    return words % {"percent": value}
