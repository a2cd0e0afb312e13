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
from xinfang.model import Message
from xinfang.rules.calendar import WorkCalendar, YearSchedule

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


def _weekday(day: dt.date):
    from xinfang.messages import Words

    return Words("周" + "一二三四五六日"[day.weekday()], f"{day:%A}")


def _fail(source: str, problem: str, **params) -> XinfangError:
    """A year file's first problem, worded from the catalogue (``calendar_file.PROBLEM``) at the edge."""
    from xinfang.errors import Refusal

    return Refusal("calendar_file.bad", source, problem=Message.of(f"calendar_file.{problem}", **params))


def _date(value: object, year: int, where: str, source: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise _fail(source, "has_time", where=where, value=value, year=year)
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise _fail(source, "not_date", where=where, value=repr(value)) from None
    else:
        raise _fail(source, "not_date", where=where, value=repr(value))
    if day.year != year:
        raise _fail(source, "other_year", where=where, day=day, year=year)
    return day


def _dates(entry: dict, key: str, year: int, where: str, source: str) -> list[dt.date]:
    values = entry.get(key, [])
    if not isinstance(values, list):
        raise _fail(source, "not_list", where=where, key=key)
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
        from xinfang.errors import toml_problem

        raise _fail(source, "not_toml", detail=toml_problem(exc)) from None
    unknown = sorted(set(raw) - _YEAR_KEYS)
    if unknown:
        raise _fail(source, "unknown_key", key=repr(unknown[0]))
    year = raw.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2999:
        raise _fail(source, "bad_year", year=repr(year))
    if raw.get("example", False) is not False:
        raise _fail(source, "example")
    entries = raw.get("holidays")
    if not isinstance(entries, list) or not entries:
        raise _fail(source, "no_holidays", year=year)

    holidays: dict[dt.date, str] = {}
    workdays: dict[dt.date, str] = {}
    for i, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise _fail(source, "not_table", number=i)
        extra = sorted(set(entry) - _HOLIDAY_KEYS)
        if extra:
            raise _fail(source, "unknown_holiday_key", number=i, key=repr(extra[0]))
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _fail(source, "no_name", number=i)
        where = name.strip()
        days = _dates(entry, "days", year, where, source)
        if not days:
            raise _fail(source, "no_days", where=where)
        for day in days:
            if day in holidays:
                raise _fail(source, "twice", where=where, day=day, other=holidays[day])
            holidays[day] = name.strip()
        for day in _dates(entry, "workdays", year, where, source):
            if day in workdays:
                raise _fail(source, "workday_twice", where=where, day=day, other=workdays[day])
            if day.weekday() < 5:
                raise _fail(source, "workday_weekday", where=where, day=day, weekday=_weekday(day))
            workdays[day] = name.strip()
    both = sorted(set(holidays) & set(workdays))
    if both:
        raise _fail(source, "both", day=both[0], name=holidays[both[0]])
    return YearSchedule(year=year, holidays=frozenset(holidays), workdays=frozenset(workdays), source=source)
