"""Which quarter the report of a month covers (decision 0012).

Enterprises file a quarter during the month after it ends, so the report of a month covers
the latest quarter that ended at least one whole month before the month's first day:
February, March and April report the fourth quarter of the year before; May, June, July
the first; August, September, October the second; November, December, January the third.
"""

from datetime import date


def month_start(day: date) -> date:
    return day.replace(day=1)


def report_period(month: date) -> tuple[int, int]:
    """(year, quarter) covered by the report of `month`."""
    # Quarters ending by the last day of the month before last count as complete.
    index = month.year * 12 + month.month - 1 - 2  # the month before last, 0-based
    year, month0 = divmod(index, 12)
    quarter = (month0 + 1) // 3  # completed quarters of that year by its end
    if quarter == 0:
        return year - 1, 4
    return year, quarter


def previous_month(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)
