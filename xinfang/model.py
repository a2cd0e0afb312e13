"""Domain records and enumerations shared by the ledger and the rules.

Records are immutable ``NamedTuple``s; enumerations carry their Chinese and English labels so
that every listing can speak either language and every option accepts either spelling.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import NamedTuple


class Labeled(str, Enum):
    """A string enumeration whose members carry a Chinese and an English label."""

    def __new__(cls, key: str, zh: str, en: str):
        obj = str.__new__(cls, key)
        obj._value_ = key
        obj.zh = zh
        obj.en = en
        return obj

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    def __str__(self) -> str:  # JSON and CSV carry the stable English key
        return self.value


class Channel(Labeled):
    """信访形式 — how the petition reached the office."""

    letter = ("letter", "来信", "letter")
    visit = ("visit", "来访", "visit")
    online = ("online", "网上", "online")
    phone = ("phone", "电话", "phone")
    outreach = ("outreach", "下乡接访", "outreach")


class Level(Labeled):
    """信访层级 — where the petition was lodged. City and above is skip-level (越级)."""

    district = ("district", "区", "district")
    city = ("city", "市", "city")
    province = ("province", "省", "province")
    national = ("national", "国家", "national")

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]


_LEVEL_RANK = {member: i for i, member in enumerate(Level)}


class Kind(Labeled):
    """类别 — the statutory kind of petition."""

    suggestion = ("suggestion", "建议意见类", "suggestion")
    accusation = ("accusation", "检举控告类", "accusation")
    grievance = ("grievance", "申诉求决类", "grievance")


class Status(Labeled):
    """Lifecycle state of a case."""

    registered = ("registered", "登记", "registered")
    accepted = ("accepted", "受理", "accepted")
    declined = ("declined", "不予受理", "declined")
    assigned = ("assigned", "交办", "assigned")
    replied = ("replied", "答复", "replied")
    closed = ("closed", "办结", "closed")
    review = ("review", "复查", "under review")
    rereview = ("rereview", "复核", "under re-review")
    final = ("final", "已终结", "final")
    transferred = ("transferred", "转送", "transferred")
    # A new letter or visit on a matter already final (条例 art. 36): recorded, no clocks, counted nowhere.
    not_reaccepted = ("not_reaccepted", "不再受理", "not accepted again")
    # 作废: registered by mistake (a duplicate entry, not this office's letter): kept in the history,
    # counted nowhere (the policy's uncounted and uncharged statuses; sanctions and reports skip it).
    voided = ("voided", "已作废", "voided")


OPEN_STATUSES = frozenset({Status.registered, Status.accepted, Status.assigned, Status.replied, Status.review,
                           Status.rereview})


class DeclineGround(Labeled):
    """不予受理: why the matter belongs to another statutory route (条例 art. 31 (一)–(五))."""

    litigation = ("litigation", "诉讼", "litigation")
    arbitration = ("arbitration", "仲裁", "arbitration")
    reconsideration = ("reconsideration", "行政复议", "administrative reconsideration")
    other = ("other", "其他法定途径", "another statutory route")


class Told(Labeled):
    """How the petitioner was told (受理告知, 延期告知)."""

    written = ("written", "书面", "in writing")
    in_person = ("in_person", "当面", "in person")
    sms = ("sms", "短信", "by SMS")
    phone = ("phone", "电话", "by phone")


class Outcome(Labeled):
    """Result of handling told to the petitioner."""

    support = ("support", "支持", "support")
    explain = ("explain", "解释说明", "explain")
    reject = ("reject", "不支持", "reject")


class Satisfaction(Labeled):
    satisfied = ("satisfied", "满意", "satisfied")
    basic = ("basic", "基本满意", "basically satisfied")
    unsatisfied = ("unsatisfied", "不满意", "unsatisfied")


class Stage(Labeled):
    """What the petitioner evaluates (满意度评价): the acceptance, or the handling."""

    acceptance = ("acceptance", "受理", "acceptance")
    handling = ("handling", "办理", "handling")


class Via(Labeled):
    """How the petitioner's evaluation was collected."""

    phone = ("phone", "电话", "phone")
    sms = ("sms", "短信", "SMS")
    in_person = ("in_person", "当面", "in person")
    online = ("online", "网上", "online")


class Role(Labeled):
    """Township posts that pay a personal petition deposit."""

    secretary = ("secretary", "党委书记", "party secretary")
    head = ("head", "乡镇长", "township head")


class Action(Labeled):
    """Requests the land desk asks `sanctions check` about."""

    land_approval = ("land-approval", "用地审批", "land-use approval")
    auction = ("auction", "经营性用地招拍挂", "commercial land auction")
    award = ("award", "年终评先评优", "year-end award")


class SanctionKind(Labeled):
    veto = ("veto", "一票否决", "one-vote veto")
    key_management = ("key_management", "重点管理乡镇", "key management")
    chronic = ("chronic", "信访老大难", "chronic township")
    summons = ("summons", "召见谈话", "summons")
    admonishment = ("admonishment", "诫勉谈话并通报批评", "admonishment and notice")


class SanctionStatus(Labeled):
    in_force = ("in_force", "生效", "in force")
    proposed = ("proposed", "建议", "proposed")
    confirmed = ("confirmed", "已确认", "confirmed")
    dismissed = ("dismissed", "已驳回", "dismissed")
    lifted = ("lifted", "已解除", "lifted")


class Clock(Labeled):
    """The deadline clocks that run on a case (限时办结 and the statutory clocks)."""

    reply = ("reply", "一般事项答复", "local reply (general)")
    conclude = ("conclude", "重大事项办结", "local conclusion (major)")
    notice = ("notice", "受理告知", "statutory notice")
    handling = ("handling", "办理期限", "statutory handling")
    review_request = ("review_request", "申请复查期限", "review request window")
    review = ("review", "复查答复", "review answer")
    rereview = ("rereview", "复核答复", "re-review answer")
    objection = ("objection", "交办异议期", "objection window")


# Windows, not duties of the office: the petitioner's to ask for review, the unit's to object to an
# assignment. They never appear on the supervision list and are never judged when a case closes.
# (``ledger.schema.NOT_A_WINDOW`` is this set's SQL twin, the open-duty index's condition.)
WINDOWS = frozenset({Clock.review_request, Clock.objection})


# The history note of an extension (延期, 条例 art. 34), as the ledger writes it: the days, the day it
# was approved, who approved it, the day the petitioner was told, the reason. One format, written by
# ``extension_note`` and read back by ``EXTENSION_NOTE`` (the history's wording, an export's columns).
EXTENSION_NOTE = re.compile(r"^\+(\d+) days approved (\d{4}-\d{2}-\d{2})(?: by (.+?))?"
                            r"(?:, petitioner told (\d{4}-\d{2}-\d{2}))?: (.*)\Z", re.S)

# The history note of a reassignment (改交办): the day it was made (the case's assigned_on stays the
# first assignment's, from which its clocks count). Written by ``reassign_note``, read by
# ``REASSIGN_NOTE`` (the history's wording, the day of a form's step).
REASSIGN_NOTE = re.compile(r"^reassigned (\d{4}-\d{2}-\d{2})\Z")


def reassign_note(on) -> str:
    return f"reassigned {on.isoformat()}"


def extension_note(days: int, on: dt.date, approved_by: str | None, told_on: dt.date | None,
                   reason: str | None) -> str:
    """The history note of an extension of ``days`` approved ``on`` (``EXTENSION_NOTE`` reads it)."""
    who = f" by {approved_by}" if approved_by else ""
    told = f", petitioner told {told_on}" if told_on else ""
    return f"+{days} days approved {on}{who}{told}: {reason}"


class Tier(Labeled):
    due_soon = ("due_soon", "即将到期", "due soon")
    overdue = ("overdue", "已超期", "overdue")
    seriously_overdue = ("seriously_overdue", "严重超期", "seriously overdue")


class Message(NamedTuple):
    """What a rule says, as a code and its parameters; ``xinfang.messages`` words it in zh or en.

    A parameter is plain data (a number, a date, a string, a ``Labeled`` member), another
    ``Message``, or a tuple of those (worded as a list). Make one with ``Message.of``.
    """

    code: str
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, code: str, **params: object) -> Message:
        return cls(code, tuple(params.items()))

    def args(self) -> dict[str, object]:
        """The parameters by name."""
        return dict(self.params)


class Case(NamedTuple):
    """A petition matter (信访事项) as the rules see it."""

    number: str
    received: dt.date
    township: str
    level: Level
    people: int = 1
    kind: Kind = Kind.grievance
    category: str = "other"
    major: bool = False
    status: Status = Status.registered
    repeat_of: str | None = None
    id_number: str | None = None
    channel: Channel = Channel.letter
    assigned_on: dt.date | None = None
    closed_on: dt.date | None = None


class Township(NamedTuple):
    name: str
    area: str
    population: int


class Official(NamedTuple):
    """A post holder: who was party secretary or township head of a township, from when to when."""

    name: str
    township: str
    role: Role
    start: dt.date
    end: dt.date | None = None  # inclusive last day in post; None = still in post

    def in_post(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


class Deadline(NamedTuple):
    """A computed due date. Provisional when it was counted over a year with no official schedule."""

    clock: Clock
    start: dt.date
    due: dt.date
    provisional: bool
    calendar_version: str


# The indicators a composite ranking may weigh (``rules.indicators.RATES`` holds their definitions).
COMPOSITE_KEYS = ("volume", "timely_acceptance_rate", "on_time_rate", "satisfaction_rate", "evaluation_rate",
                  "repeat_rate", "first_contact_rate")


def _number(value) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"not a number: {value!r}")
    return value


def _composite(raw: dict) -> dict:
    """``[ranking.composite]``: ``enabled`` and the weights; {} when not enabled."""
    if not raw.get("enabled", False):
        return {}
    weights = {k: _number(v) for k, v in raw.items() if k != "enabled"}
    unknown = sorted(set(weights) - set(COMPOSITE_KEYS))
    if unknown:
        raise ValueError(f"[ranking.composite] knows no {', '.join(unknown)} (use {', '.join(COMPOSITE_KEYS)})")
    return {k: weights.get(k, 0) for k in COMPOSITE_KEYS}


def fen(yuan: float | int | str) -> int:
    """Convert a yuan amount (as given by a user or the policy file) to integer fen, exactly."""
    if type(yuan) is int:  # whole yuan, as the policy file has them: no need to load decimal
        return yuan * 100
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(str(yuan))
    except InvalidOperation:
        raise ValueError(f"not an amount: {yuan!r}") from None
    scaled = value * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"amount has more than two decimals: {yuan!r}")
    return int(scaled)


def yuan(amount_fen: int) -> float | int:
    """Integer fen to a yuan number for JSON: whole yuan stay integers, else two decimals."""
    if amount_fen % 100 == 0:
        return amount_fen // 100
    return round(amount_fen / 100, 2)


class ClockRule(NamedTuple):
    """How one deadline clock is counted (from data/rules.toml)."""

    days: int
    start_from: str  # assignment | registration | acceptance | reply | request
    counting: str  # calendar | working_days
    applies_to: str = "all"  # all | general | major
    max_extension_days: int = 0


class Policy(NamedTuple):
    """Every policy number, as loaded from data/rules.toml. Rules take it as an argument."""

    collective_people: int
    skip_levels: frozenset[Level]
    repeat_window_days: int
    clocks: dict[Clock, ClockRule]
    due_soon_working_days: int
    seriously_overdue_days: int
    level_weights: dict[Level, int]
    collective_multiplier: int
    repeat_extra: int
    per_10k_residents: bool
    bottom_size: int
    veto_consecutive_months: int
    key_management_release_months: int
    serious_incident_level: Level
    chronic_overdue_cases: int
    summons_min_cases: int
    summons_on_time_rate: float
    deposit_fen: int
    deduction_fen: int
    deduction_min_level: Level
    reward_fen: int
    no_petition_pool_fen: int
    review_body: str | None = None  # 复查 by the body one level up (条例 art. 35)
    rereview_body: str | None = None
    uncounted_statuses: frozenset = frozenset()  # statuses the ranking leaves out
    uncharged_statuses: frozenset = frozenset()  # statuses no deposit is deducted for
    issuer: str = ""  # the office printed on the bulletin, forms and letters ([office] issuer); "" = default wording
    accusation_deducts: bool = True  # an accusation (检举控告) at the deduction level costs the deposits too
    uncounted_kinds: frozenset = frozenset()  # kinds the ranking leaves out (建议意见类 by default)
    bottom_min_score: float = 0  # 后十位 needs at least this score besides its position (0: above zero)
    evaluation_window_days: int = 30  # 参评率: a closed case evaluated within this many days counts as evaluated
    # The optional composite ranking: score = volume × the volume score + Σ weight × shortfall of
    # each indicator (1 − rate; the repeat rate itself), an indicator without a rate adding nothing.
    composite: dict = {}  # indicator key → weight, and "volume"; empty = the volume ranking
    duplicate_window_days: int = 30  # 疑似重复登记: same name, township and category within this many days

    def is_collective(self, people: int) -> bool:
        return people >= self.collective_people

    def is_skip_level(self, level: Level) -> bool:
        return level in self.skip_levels

    @classmethod
    def from_dict(cls, raw: dict) -> "Policy":
        """Build a policy from the parsed TOML document; raises KeyError/ValueError on a bad file."""
        case, dl, rk, sc, dp = raw["case"], raw["deadlines"], raw["ranking"], raw["sanctions"], raw["deposits"]
        clocks = {
            Clock(name): ClockRule(
                days=int(c["days"]),
                # Rules files written before the written opinion was recorded say the review window
                # runs "from the reply": they meant its reaching the petitioner, the written opinion.
                start_from="written_opinion" if c["from"] == "reply" else c["from"],
                counting=c.get("counting", "calendar"),
                applies_to=c.get("applies_to", "all"),
                max_extension_days=int(c.get("max_extension_days", 0)),
            )
            for name, c in dl["clocks"].items()
        }
        for rule in clocks.values():
            if rule.counting not in ("calendar", "working_days"):
                raise ValueError(f"counting must be 'calendar' or 'working_days', not {rule.counting!r}")
        return cls(
            collective_people=int(case["collective_people"]),
            skip_levels=frozenset(Level(x) for x in case["skip_levels"]),
            repeat_window_days=int(case["repeat_window_days"]),
            clocks=clocks,
            due_soon_working_days=int(dl["due_soon_working_days"]),
            seriously_overdue_days=int(dl["seriously_overdue_days"]),
            level_weights={Level(k): int(v) for k, v in rk["level_weights"].items()},
            collective_multiplier=int(rk["collective_multiplier"]),
            repeat_extra=int(rk["repeat_extra"]),
            per_10k_residents=bool(rk["per_10k_residents"]),
            bottom_size=int(rk["bottom_size"]),
            veto_consecutive_months=int(sc["veto_consecutive_months"]),
            key_management_release_months=int(sc["key_management_release_months"]),
            serious_incident_level=Level(sc["serious_incident_level"]),
            chronic_overdue_cases=int(sc["chronic_overdue_cases"]),
            summons_min_cases=int(sc["summons_min_cases"]),
            summons_on_time_rate=float(sc["summons_on_time_rate"]),
            deposit_fen=fen(dp["amount_yuan"]),
            deduction_fen=fen(dp["deduction_yuan"]),
            deduction_min_level=Level(dp["deduction_min_level"]),
            reward_fen=fen(dp["reward_yuan"]),
            no_petition_pool_fen=fen(raw["rewards"]["no_petition_pool_yuan"]),
            review_body=case.get("review_body"),
            rereview_body=case.get("rereview_body"),
            # Rules files written before 不予受理 and 不再受理 were recorded: those statuses count nowhere.
            # A voided case (作废, registered by mistake) counts nowhere whatever a file written before
            # voiding existed lists.
            uncounted_statuses=frozenset(Status(x) for x in rk.get("uncounted_statuses", ["declined", "not_reaccepted"]))
            | {Status.voided},
            uncharged_statuses=frozenset(Status(x) for x in dp.get("uncharged_statuses",
                                                                   ["transferred", "declined", "not_reaccepted"]))
            | {Status.voided},
            duplicate_window_days=int(case.get("duplicate_window_days", 30)),
            issuer=str(raw.get("office", {}).get("issuer", "")).strip(),
            accusation_deducts=bool(dp.get("accusation_deducts", True)),
            # Rules files written before the ranking policy named kinds: every kind counts there.
            uncounted_kinds=frozenset(Kind(x) for x in rk.get("uncounted_kinds", [])),
            bottom_min_score=_number(rk.get("bottom_min_score", 0)),
            evaluation_window_days=int(raw.get("indicators", {}).get("evaluation_window_days", 30)),
            composite=_composite(rk.get("composite", {})),
        )
