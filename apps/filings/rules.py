"""What a filed figure must be (errors) and what makes it suspicious (warnings).

Errors stop a save: text that is not a number, a negative count, too many decimals.
Warnings are the data-quality rules of the ledger (apps.enterprises.quality), applied
to the figures being filed against the enterprise's earlier quarters; the enterprise
may submit despite a warning once it explains the figure in a comment.

The form view, the as-you-type check (htmx) and the services all call these, so the
browser, the server and a script calling the service agree.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.enterprises import quality
from apps.enterprises.models import QualityRule

from .models import COUNT_INDICATORS

MAX_INTEGER_DIGITS = 14  # the ledger's DecimalField(max_digits=16, decimal_places=2)
MAX_EMPLOYEES = 10_000_000
COMMENT_MAX_LENGTH = 200
# Money that is never negative; revenue may be (a 红冲 reversal: a warning) and profit
# may be a loss.
NON_NEGATIVE = frozenset({"tax", "rd_expense", "total_assets"})
_SPACES = re.compile(r"[\s,，_']")

# The ledger rules a filing is checked against, with the indicator each belongs to.
RULE_FIELD = {
    QualityRule.TAX_ABOVE_REVENUE.value: "tax",
    QualityRule.QOQ_JUMP.value: "revenue",
    QualityRule.YOY_JUMP.value: "revenue",
    QualityRule.NO_EMPLOYEES.value: "employees",
    QualityRule.NEGATIVE_REVENUE.value: "revenue",
}
# A changed figure can raise or clear a warning shown under another field.
DEPENDENT_FIELDS = {"revenue": ("tax", "employees"), "tax": (), "employees": ()}

WARNING_TEXT = {
    QualityRule.TAX_ABOVE_REVENUE.value: gettext_lazy(
        "Total tax is above revenue. Please check both figures."
    ),
    QualityRule.QOQ_JUMP.value: gettext_lazy(
        "Revenue changed by more than %(factor)s times against the previous quarter (%(base)s)."
    ),
    QualityRule.YOY_JUMP.value: gettext_lazy(
        "Revenue changed by more than %(factor)s times against the same quarter last year "
        "(%(base)s)."
    ),
    QualityRule.NO_EMPLOYEES.value: gettext_lazy("Revenue is reported with 0 employees."),
    QualityRule.NEGATIVE_REVENUE.value: gettext_lazy(
        "Revenue is negative. Is this a reversal (红冲)?"
    ),
}


def normalise(raw) -> str:
    """Full-width digits and signs to half-width; spaces and thousands separators out."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    text = text.replace("−", "-").replace("－", "-")
    return _SPACES.sub("", text)


def parse_value(name: str, raw) -> tuple[Decimal | int | None, str]:
    """(value, "") or (None, error message). An empty entry is (None, "")."""
    text = normalise(raw)
    if not text:
        return None, ""
    if name in COUNT_INDICATORS:
        if not re.fullmatch(r"[+-]?\d+", text):
            if re.fullmatch(r"[+-]?\d*\.\d+", text):
                return None, _("Enter a whole number of persons.")
            return None, _("Enter a number, using digits only.")
        value = int(text)
        if value < 0:
            return None, _("A count of persons cannot be negative.")
        if value > MAX_EMPLOYEES:
            return None, _("This number is too large.")
        return value, ""
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        return None, _("Enter a number, using digits only.")
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None, _("Enter a number, using digits only.")
    if value.as_tuple().exponent < -2 and value != value.quantize(Decimal("0.01")):
        return None, _("Use at most 2 decimal places (10k yuan).")
    value = value.quantize(Decimal("0.01"))
    if len(str(abs(value).to_integral_value())) > MAX_INTEGER_DIGITS:
        return None, _("This number is too large.")
    if value < 0 and name in NON_NEGATIVE:
        return None, _("This figure cannot be negative.")
    return value, ""


def parse_values(indicators, raw: dict) -> tuple[dict, dict[str, str]]:
    """({indicator: value or None}, {indicator: error}) for the indicators asked."""
    values, errors = {}, {}
    for name in indicators:
        value, error = parse_value(name, raw.get(name, ""))
        values[name] = value
        if error:
            errors[name] = error
    return values, errors


def to_json(values: dict) -> dict[str, str]:
    """Stored form: text, so a decimal survives JSON exactly; empty entries left out."""
    return {name: str(value) for name, value in values.items() if value is not None}


def from_json(stored: dict) -> dict:
    values = {}
    for name, text in (stored or {}).items():
        values[name] = int(text) if name in COUNT_INDICATORS else Decimal(text)
    return values


@dataclass(frozen=True)
class QualityWarning:
    rule: str
    field: str
    message: str


@dataclass(frozen=True)
class Period:
    """The figures of an earlier quarter, for comparison (any may be None)."""

    year: int
    quarter: int
    revenue: Decimal | None = None
    tax: Decimal | None = None
    employees: int | None = None


def _row(period: Period, values: dict, *, ident: int = 0) -> quality.Row:
    return quality.Row(
        id=ident,
        enterprise_id=0,
        year=period.year,
        quarter=period.quarter,
        revenue=values.get("revenue"),
        tax=values.get("tax"),
        employees=values.get("employees"),
    )


def warnings_for(
    values: dict,
    *,
    year: int,
    quarter: int,
    previous: Period | None,
    last_year: Period | None,
) -> list[QualityWarning]:
    """The ledger's data-quality rules applied to the figures being filed.

    Figures not asked or left empty raise nothing. ``previous``/``last_year`` are the
    ledger's figures of the quarter before and of the same quarter a year earlier.
    """
    row = _row(Period(year, quarter), values)
    factor, floor = quality.change_factor(), quality.min_base()
    found: dict[str, str | None] = {
        QualityRule.TAX_ABOVE_REVENUE.value: quality.tax_above_revenue(row),
        QualityRule.NEGATIVE_REVENUE.value: quality.negative_revenue(row),
        QualityRule.NO_EMPLOYEES.value: quality.no_employees(row),
    }
    for rule, base in (
        (QualityRule.QOQ_JUMP.value, previous),
        (QualityRule.YOY_JUMP.value, last_year),
    ):
        base_row = _row(base, vars(base)) if base is not None else None
        found[rule] = quality.revenue_jump(row, base_row, factor, floor)
    warnings = []
    for rule, detail in found.items():
        if detail is None:
            continue
        base = previous if rule == QualityRule.QOQ_JUMP.value else last_year
        params = {
            "factor": f"{factor.normalize():f}",
            "base": f"{base.year} Q{base.quarter}: {base.revenue}" if base else "",
        }
        text = WARNING_TEXT[rule]
        message = str(text) % params if "%(" in str(text) else str(text)
        warnings.append(QualityWarning(rule=rule, field=RULE_FIELD[rule], message=message))
    return warnings


def clean_confirmations(raw: dict, warnings: list[QualityWarning]) -> tuple[dict, dict[str, str]]:
    """({rule: comment} for the warnings raised, {field: error}) where a comment is missing.

    Comments typed for warnings that no longer hold are dropped.
    """
    kept, errors = {}, {}
    for warning in warnings:
        comment = str(raw.get(warning.rule) or "").strip()[:COMMENT_MAX_LENGTH]
        if comment:
            kept[warning.rule] = comment
        else:
            errors.setdefault(
                warning.field,
                _("Explain this figure in the comment box before submitting."),
            )
    return kept, errors
