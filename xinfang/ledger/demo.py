"""A realistic sample ledger: two years of land petitions over the bundled roster.

Deterministic (seeded): seasonal variation, collective and skip-level cases, repeat petitioners,
officials with a mid-year change, deposits, published months, and one settled year. Used by
``xinfang demo`` and by tests that want a full ledger.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Callable

from xinfang.model import Channel, Kind, Level, Outcome, Satisfaction, Stage, Told, Via
from xinfang.parse import id_check_digit

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "建国国华秀英桂兰志强永红海燕德胜玉兰春梅立新小明文杰学军凤英明亮金山长林冬生兴旺福民宝珍"
# Seasonal weight of each month: the spring land works and the autumn acquisitions bring more petitions.
SEASON = [0.7, 0.6, 1.2, 1.3, 1.1, 1.0, 0.9, 0.8, 1.1, 1.3, 1.0, 0.8]
# Townships with more land conflict than the rest (urban growth, lake-area homesteads, a known repeat petitioner).
HOT = {"淮城镇": 5.0, "马甸镇": 4.0, "流均镇": 3.0, "河下街道": 2.5, "平桥镇": 2.0}
# Townships with no land petition at all: they share the reward pool and get priority land supply.
QUIET = {"溪河镇", "建淮镇", "宋集镇", "漕运镇"}
SUMMARIES = {
    "compensation": ["征地补偿款未足额发放", "补偿标准低于公示标准", "青苗补偿未到位"],
    "homestead": ["宅基地安排困难，要求解决", "宅基地审批久拖未办", "宅基地界址纠纷"],
    "ownership": ["集体土地权属争议", "承包地被他人占用", "林地确权有争议"],
    "illegal_use": ["反映村组违法占用耕地", "企业未批先建", "私自改变土地用途"],
    "demolition": ["拆迁安置房未交付", "拆迁补偿分配不公", "强制拆除程序不当"],
    "other": ["要求公开征地批文", "土地出让收益分配", "失地农民社保未落实"],
}
DEMO_TODAY = dt.date(2026, 11, 26)


class DemoPlan:
    """What the demo builds; small enough to read, large enough to show every mechanism."""

    years = (2025, 2026)
    last_month = (2026, 10)
    per_month = {2025: 52, 2026: 42}  # letters and visits a month on average: down year on year


def _id_number(rng: random.Random) -> str:
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 60))
    first17 = f"320803{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return first17 + id_check_digit(first17)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3589") + "".join(str(rng.randrange(10)) for _ in range(9))


def build_cases(ledger, rng: random.Random, today: dt.date, progress: Callable[[int], None]) -> int:
    """Register and handle two years of cases through the same ledger functions the commands use."""
    towns = ledger.ref.township_names
    weights = [0.0 if t in QUIET else HOT.get(t, 1.0) for t in towns]
    petitioners: list[tuple[str, str, str, str]] = []  # (name, id, township, category) who may come again
    # The petitioners' own evaluations draw from a stream of their own: the cases stay as they were.
    asked = random.Random(f"{today}:evaluations")
    count = 0
    # The tallies are counted once from the built cases, as a bulk import counts them: their
    # triggers would recount a case's contribution on every write of the sample. Whether or not
    # the build completes, the tallies end exact and their triggers in place.
    from xinfang.ledger import schema

    with ledger.write():
        schema.suspend_tally(ledger.conn)
    try:
        for year in DemoPlan.years:
            for month in range(1, 13):
                if (year, month) > DemoPlan.last_month:
                    break
                n = max(5, round(rng.gauss(DemoPlan.per_month[year] * SEASON[month - 1], 4)))
                days = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
                # One transaction a month: the sample is built, not recorded command by command.
                with ledger.write():
                    count += _month_cases(ledger, rng, today, year, month, n, days, towns, weights, petitioners,
                                          asked)
                progress(n)
    finally:
        with ledger.write():
            schema.restore_tally(ledger.conn)
    return count


def _month_cases(ledger, rng: random.Random, today: dt.date, year: int, month: int, n: int, days: int,
                 towns: list[str], weights: list[float], petitioners: list[tuple[str, str, str, str]],
                 asked: random.Random) -> int:
    """Register and handle one month's ``n`` cases (inside the caller's write); ``asked`` draws the
    petitioners' evaluations."""
    from xinfang.ledger.cases import accept_case, assign_case, register_case, reply_case, resolve_case
    from xinfang.ledger.indicators import evaluate_case

    def evaluation(number: str, stage: Stage, since: dt.date, share: float) -> None:
        on = since + dt.timedelta(days=asked.choice((0, 1, 3, 7, 15, 29, 45)))
        if asked.random() < share and on <= today:
            evaluate_case(ledger, number, stage, asked.choices(list(Satisfaction), [62, 26, 12])[0], on,
                          asked.choice(list(Via)), today)

    for _ in range(n):
        received = dt.date(year, month, rng.randint(1, days))
        if petitioners and rng.random() < 0.12:
            name, idn, township, category = rng.choice(petitioners)
        else:
            township = rng.choices(towns, weights)[0]
            category = rng.choices(list(SUMMARIES), [30, 22, 14, 12, 14, 8])[0]
            name, idn = _name(rng), _id_number(rng)
            petitioners.append((name, idn, township, category))
        hot = HOT.get(township, 1.0)
        level = rng.choices(list(Level), [80, 12 + 3 * hot, 4 + hot, 0.6])[0]
        people = rng.choice((1, 1, 1, 2, 3)) if rng.random() > 0.08 * hot else rng.randint(5, 40)
        channel = rng.choices(list(Channel), [35, 30, 15, 10, 10])[0]
        point = None
        if channel == Channel.outreach:
            points = list(ledger.ref.points)
            point = rng.choice(points)
        kind = Kind.accusation if category == "illegal_use" and rng.random() < 0.4 else Kind.grievance
        fields = {
            "received": received, "channel": channel, "point": point, "township": township, "name": name,
            "id_number": idn, "phone": _phone(rng), "address": f"{township}{rng.choice('东南西北中')}{rng.randint(1, 12)}组",
            "people": people, "level": level, "kind": kind, "category": category,
            "major": people >= 20 or level == Level.national,
            "summary": rng.choice(SUMMARIES[category]),
            "accused": township if kind == Kind.accusation and rng.random() < 0.5 else None,
        }
        registered = register_case(ledger, fields, today)
        number = registered["case"]
        unit = "区国土局" if fields["accused"] else township
        on = received + dt.timedelta(days=rng.choice((0, 1, 1, 2, 3)))
        if on <= today and not registered["final_case"]:  # 不再受理: nothing to handle
            accept_case(ledger, number, on, Told.written, today)
            evaluation(number, Stage.acceptance, on, 0.5)
            assign_case(ledger, number, unit, _name(rng), [], on, today)
            reply_on = on + dt.timedelta(days=rng.choice((2, 3, 4, 5, 6, 9, 14)))
            if reply_on < today - dt.timedelta(days=10) or rng.random() < 0.5 and reply_on <= today:
                reply_case(ledger, number, reply_on, "已答复信访人", today, written=True, received_on=reply_on)
                close_on = reply_on + dt.timedelta(days=rng.choice((1, 5, 10, 20, 40)))
                if close_on <= today and rng.random() < 0.9:
                    resolve_case(ledger, number, close_on, rng.choice(list(Outcome)), "已办结，信访人签字",
                                 rng.random() < 0.85,
                                 rng.choices(list(Satisfaction), [60, 30, 10])[0], rng.random() < 0.3, today)
                    evaluation(number, Stage.handling, close_on, 0.8)
    return n


def officials_plan(towns: list[str], rng: random.Random) -> list[tuple[str, str, str, str, str | None]]:
    """(township, role, name, from, to): a secretary and a head per township, one head replaced on 1 July 2025."""
    plan, used = [], set()

    def unique() -> str:
        while True:
            n = _name(rng)
            if n not in used and len(n) == 3:
                used.add(n)
                return n

    for t in towns:
        plan.append((t, "secretary", unique(), "2025-01-01", None))
        if t == "马甸镇":
            plan.append((t, "head", unique(), "2025-01-01", "2025-06-30"))
            plan.append((t, "head", unique(), "2025-07-01", None))
        else:
            plan.append((t, "head", unique(), "2025-01-01", None))
    return plan
