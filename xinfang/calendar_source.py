"""Where working-calendar schedules come from: the ``chinesecalendar`` package, and year files.

The package carries every year the State Council has announced (2004-2026 in version 1.11). Later
years come from a TOML year file a clerk fills in from the announcement (format in
``data/holidays/README.md``). This module is outside ``xinfang.rules`` because it imports the
package; the rules only ever see the resulting ``WorkCalendar``.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from functools import cache

from xinfang.errors import XinfangError
from xinfang.rules.calendar import WorkCalendar, YearSchedule

_FIX_FILE = "correct the year file (see data/holidays/README.md)"
_YEAR_KEYS = {"year", "example", "holidays"}
_HOLIDAY_KEYS = {"name", "days", "workdays"}


@cache
def _official() -> tuple[YearSchedule, ...]:
    import chinese_calendar
    from chinese_calendar import constants

    source = f"chinesecalendar {getattr(chinese_calendar, '__version__', '?')}"
    years = sorted({d.year for d in constants.holidays} | {d.year for d in constants.workdays})
    return tuple(
        YearSchedule(
            year=year,
            holidays=frozenset(d for d in constants.holidays if d.year == year),
            workdays=frozenset(d for d in constants.workdays if d.year == year),
            source=source,
        )
        for year in years
    )


def official_schedules() -> dict[int, YearSchedule]:
    """Every year the installed ``chinesecalendar`` package knows, as ``{year: YearSchedule}``."""
    return {schedule.year: schedule for schedule in _official()}


def build_calendar(extra: dict[int, YearSchedule]) -> WorkCalendar:
    """The working calendar: the package's years, plus ``extra`` (year files), which win on overlap."""
    return WorkCalendar({**official_schedules(), **extra})


def _fail(source: str, problem: str) -> XinfangError:
    return XinfangError(f"{source}: {problem}", fix=_FIX_FILE)


def _date(value: object, year: int, where: str, source: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise _fail(source, f"{where}: {value} has a time; give a date like {year}-01-01")
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise _fail(source, f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None
    else:
        raise _fail(source, f"{where}: {value!r} is not a date (YYYY-MM-DD)")
    if day.year != year:
        raise _fail(source, f"{where}: {day} is not in {year}")
    return day


def _dates(entry: dict, key: str, year: int, where: str, source: str) -> list[dt.date]:
    values = entry.get(key, [])
    if not isinstance(values, list):
        raise _fail(source, f"{where}: {key} must be a list of dates")
    return [_date(v, year, where, source) for v in values]


def parse_year_file(text: str, source: str) -> YearSchedule:
    """Parse and validate one year file (TOML) into a ``YearSchedule``.

    Raises ``XinfangError`` naming the first problem: not TOML, an unknown key, a missing or bad
    year, an example file, no holidays, a date outside the year, a date listed twice, a date both
    off and a make-up workday, or a make-up workday that is not a Saturday or Sunday.
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(source, f"not valid TOML ({exc})") from None
    unknown = sorted(set(raw) - _YEAR_KEYS)
    if unknown:
        raise _fail(source, f"unknown key {unknown[0]!r}; expected year, holidays")
    year = raw.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2999:
        raise _fail(source, f"year must be a whole number like 2027, not {year!r}")
    if raw.get("example", False) is not False:
        raise _fail(source, "this is an example file, not an announced schedule")
    entries = raw.get("holidays")
    if not isinstance(entries, list) or not entries:
        raise _fail(source, f"holidays must not be empty; list the {year} holidays as [[holidays]] entries")

    holidays: dict[dt.date, str] = {}
    workdays: dict[dt.date, str] = {}
    for i, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise _fail(source, f"holiday {i} must be a table with name, days and workdays")
        extra = sorted(set(entry) - _HOLIDAY_KEYS)
        if extra:
            raise _fail(source, f"holiday {i}: unknown key {extra[0]!r}; expected name, days, workdays")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _fail(source, f"holiday {i} needs a name")
        where = f"holiday {name.strip()}"
        days = _dates(entry, "days", year, where, source)
        if not days:
            raise _fail(source, f"{where}: days must not be empty")
        for day in days:
            if day in holidays:
                raise _fail(source, f"{where}: {day} is listed twice (also under {holidays[day]})")
            holidays[day] = name.strip()
        for day in _dates(entry, "workdays", year, where, source):
            if day in workdays:
                raise _fail(source, f"{where}: make-up workday {day} is listed twice (also under {workdays[day]})")
            if day.weekday() < 5:
                raise _fail(source, f"{where}: make-up workday {day} is a {day:%A}, not a Saturday or Sunday")
            workdays[day] = name.strip()
    both = sorted(set(holidays) & set(workdays))
    if both:
        raise _fail(source, f"{both[0]} is both a holiday ({holidays[both[0]]}) and a make-up workday")
    return YearSchedule(year=year, holidays=frozenset(holidays), workdays=frozenset(workdays), source=source)
