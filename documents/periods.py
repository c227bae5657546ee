"""Calendar periods of the scheduled reports."""

import datetime


def quarter_of(day):
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = datetime.date(day.year, first_month, 1)
    next_start = datetime.date(day.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
    return start, next_start - datetime.timedelta(days=1)


def previous_quarter(today):
    """The quarter that ended before ``today``'s quarter began."""
    start, _end = quarter_of(today)
    return quarter_of(start - datetime.timedelta(days=1))


def previous_semester(today):
    if today.month <= 6:
        return datetime.date(today.year - 1, 7, 1), datetime.date(today.year - 1, 12, 31)
    return datetime.date(today.year, 1, 1), datetime.date(today.year, 6, 30)


def next_quarter_start(today):
    _start, end = quarter_of(today)
    return end + datetime.timedelta(days=1)


def next_month_start(today, months):
    """The next 1st of one of ``months`` strictly after ``today``."""
    for offset in range(0, 13):
        month = (today.month - 1 + offset) % 12 + 1
        year = today.year + (today.month - 1 + offset) // 12
        candidate = datetime.date(year, month, 1)
        if candidate > today and month in months:
            return candidate
    raise ValueError(months)
