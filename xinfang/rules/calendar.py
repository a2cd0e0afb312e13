"""The Chinese working calendar: weekends off, statutory holidays off, make-up workdays (调休上班) on.

A ``WorkCalendar`` is built from one ``YearSchedule`` per announced year. Years without a schedule
fall back to "Monday to Friday"; deadlines counted over such years are provisional (see
``xinfang.rules.deadlines``). Pure: the schedules are an argument, nothing is read from disk.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Mapping
from typing import NamedTuple

_ONE_DAY = dt.timedelta(days=1)


class YearSchedule(NamedTuple):
    """The announced holiday arrangement (放假安排) of one year."""

    year: int
    holidays: frozenset[dt.date]  # statutory days off (a day off falling on a weekend is allowed)
    workdays: frozenset[dt.date]  # make-up workdays (调休上班), each on a Saturday or Sunday
    source: str  # where it came from, e.g. "chinesecalendar 1.11.0" or "ledger: 2027.toml sha256:…"


def _weekdays_through(ordinal: int) -> int:
    """Monday-to-Friday days with ordinal 1..``ordinal`` (ordinal 1, 0001-01-01, is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


class WorkCalendar:
    """Working days over a set of yearly schedules; unscheduled years count Monday to Friday."""

    def __init__(self, schedules: Mapping[int, YearSchedule]):
        """Build from ``{year: YearSchedule}``. Raises ValueError when a schedule is inconsistent."""
        holidays: set[dt.date] = set()
        workdays: set[dt.date] = set()
        for year, schedule in schedules.items():
            if schedule.year != year:
                raise ValueError(f"schedule for {schedule.year} filed under {year}")
            for day in schedule.holidays | schedule.workdays:
                if day.year != year:
                    raise ValueError(f"{schedule.source}: {day} is not in {year}")
            both = schedule.holidays & schedule.workdays
            if both:
                raise ValueError(f"{schedule.source}: {min(both)} is both a holiday and a make-up workday")
            holidays |= schedule.holidays
            workdays |= schedule.workdays
        self._schedules = dict(sorted(schedules.items()))
        self._holidays = frozenset(holidays)
        self._workdays = frozenset(workdays)
        # For counting over long spans: the exceptions to "Monday to Friday", sorted for bisection.
        self._weekdays_off = sorted(d for d in holidays if d.weekday() < 5)
        self._weekends_on = sorted(d for d in workdays if d.weekday() >= 5)
        self._version: str | None = None

    def is_workday(self, day: dt.date) -> bool:
        """True when the office works on ``day``: make-up workday, or a weekday that is no holiday."""
        if day in self._workdays:
            return True
        if day in self._holidays:
            return False
        return day.weekday() < 5

    def is_official(self, year: int) -> bool:
        """True when ``year`` has an announced schedule (otherwise it counts weekends only)."""
        return year in self._schedules

    def source_of(self, year: int) -> str | None:
        """Where the schedule of ``year`` came from, or None when the year has none."""
        schedule = self._schedules.get(year)
        return schedule.source if schedule else None

    @property
    def years(self) -> list[int]:
        """The years with a schedule, ascending."""
        return list(self._schedules)

    def next_workday(self, day: dt.date) -> dt.date:
        """The first working day on or after ``day``."""
        while not self.is_workday(day):
            day += _ONE_DAY
        return day

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``start`` (the start day is not counted); ``start`` when n is 0."""
        if n < 0:
            raise ValueError(f"cannot add a negative number of working days ({n})")
        day = start
        is_workday = self.is_workday
        while n:
            day += _ONE_DAY
            if is_workday(day):
                n -= 1
        return day

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in (a, b]: after ``a``, up to and including ``b``; 0 when b is not after a."""
        if b <= a:
            return 0
        count = _weekdays_through(b.toordinal()) - _weekdays_through(a.toordinal())
        # Exceptions strictly after a and up to b: bisect_right on both ends gives (a, b].
        count -= bisect_right(self._weekdays_off, b) - bisect_right(self._weekdays_off, a)
        count += bisect_right(self._weekends_on, b) - bisect_right(self._weekends_on, a)
        return count

    @property
    def version(self) -> str:
        """12 hex digits identifying the schedules in use, stored beside each due date.

        It covers the years and their dates, not the source labels: the same dates loaded from a
        different place give the same version, and any changed date gives a new one.
        """
        if self._version is None:
            import hashlib  # only when a due date is stored or a calendar shown: 4 ms of start-up otherwise

            digest = hashlib.sha256()
            for year, schedule in self._schedules.items():
                digest.update(f"{year}|H".encode())
                for day in sorted(schedule.holidays):
                    digest.update(day.isoformat().encode())
                digest.update(b"|W")
                for day in sorted(schedule.workdays):
                    digest.update(day.isoformat().encode())
                digest.update(b";")
            self._version = digest.hexdigest()[:12]
        return self._version

    def __repr__(self) -> str:
        years = self.years
        span = f"{years[0]}-{years[-1]}" if years else "none"
        return f"WorkCalendar(years={span}, version={self.version})"
