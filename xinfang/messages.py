"""The message catalogue: every user-facing sentence by code, in Chinese (default) and English.

Rules never word anything: they return a ``xinfang.model.Message`` (a code and its parameters)
and the edge — the command line, the bulletin, JSON output — words it here::

    text("sanction.until", "en", end=dt.date(2026, 12, 31))   # ' to 2026-12-31'
    wording(finding.trigger, lang)                             # a Message, or a str as it is

A template is a ``str.format`` string over named parameters, with the usual format specs
(``{rate:.0%}``) and attribute access (``{kind.en}``, to print the other language's label on
purpose). A parameter is worded by its type:

- a ``Labeled`` member (``Level``, ``Clock``, ``SanctionKind``, …): its label in the language;
- a ``Message``: worded in the same language, recursively;
- a tuple or list: each item worded, joined by the language's list separator (、 or ", ");
- anything else (numbers, dates, strings): as ``format`` prints it.

The catalogue is one dict so that a test can check every entry: both languages present and
taking the same parameters. It grows until it holds every string a user reads; the codes are
stable names (``area.what``), never shown to the user. Importing this module costs the standard
library and ``xinfang.model`` only.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

from xinfang.model import Labeled, Message

LANGS = ("zh", "en")
LIST_SEPARATOR = {"zh": "、", "en": ", "}

# code → (zh template, en template)
MESSAGES: dict[str, tuple[str, str]] = {
    # -- notices a write gives after its commit (ledger.notice) --
    "notice.provisional": (
        "提醒：{case}{clock}到期日{due}为暂定：{years}年尚无官方节假日安排，暂按周一至周五计算工作日；"
        "用“xinfang calendar load 文件”载入后自动重算到期日",
        "Warning: {case}{clock} due {due} is provisional (暂定): {years} has no official holiday schedule, "
        "so it counts Monday to Friday only; load it with 'xinfang calendar load FILE' and the due date is recomputed",
    ),
    # -- 检举控告 protection (ledger/protection.py): whom --accused was matched to (a notice after the write),
    #    and what an output withholds --
    "notice.accused_unit": (
        "被检举控告对象：{name}（单位）；本件不交由{name}及其领导办理，也不向其展示",
        "Accused: {name} (a unit); the case is never handled by or shown to {name} or its leaders",
    ),
    "notice.accused_official": (
        "被检举控告对象：{name}（{homes}干部）；本件不交由{name}、{homes}及其领导办理，也不向其展示",
        "Accused: {name} (an official of {homes}); the case is never handled by or shown to {name}, "
        "{homes} or its leaders",
    ),
    "notice.accused_leader": (
        "被检举控告对象：{name}（{homes}包案领导）；本件不交由{name}、{homes}及其领导办理，也不向其展示",
        "Accused: {name} (a leader of {homes} cases); the case is never handled by or shown to {name}, "
        "{homes} or its leaders",
    ),
    "notice.accused_person": (
        "提醒：被检举控告对象{name}不是名册上的单位，也不在乡镇干部和包案领导之中，按个人姓名记录，仅对此姓名回避",
        "Note: the accused {name} is neither a unit on the roster nor an official or recorded leader; "
        "recorded as a person's name and protected against that name only",
    ),
    "protection.withheld": ("检举控告类 {n} 件", "{n} accusation(s) (检举控告类)"),
    # -- sanction triggers (rules/sanctions.py); the zh wording is the CLI contract, keep it exact --
    "sanction.veto": (
        "连续{n}个月信访排名后{bottom_size}位({months}),{month}排名于{published_on}公布;"
        "取消{year}年度评先评优资格并停止用地审批",
        "in the bottom {bottom_size} of the petition ranking for {n} consecutive months ({months}); "
        "the {month} ranking was published on {published_on}; no year-end awards for {year} "
        "and land-use approvals stopped",
    ),
    "sanction.key_management.ranking": (
        "连续{n}个月信访排名后{bottom_size}位({months}),{month}排名于{published_on}公布;"
        "列为重点管理乡镇,停止一切用地审批",
        "in the bottom {bottom_size} of the petition ranking for {n} consecutive months ({months}); "
        "the {month} ranking was published on {published_on}; under key management, "
        "all land-use approvals stopped",
    ),
    "sanction.key_management.incident": (
        "发生严重信访问题:{level}级以上集体访 {cases};停止一切用地审批",
        "serious petition incident: collective petition at {level} level or above {cases}; "
        "all land-use approvals stopped",
    ),
    "sanction.lifted": (
        "{ground};{months}连续{n}个月不在后{bottom_size}位,于{lifted_on}解除",
        "{ground}; out of the bottom {bottom_size} for {n} consecutive months ({months}), "
        "lifted on {lifted_on}",
    ),
    "sanction.chronic": (
        "{n}件信访事项超过办理期限未办结:{cases};建议停止经营性用地招拍挂",
        "{n} cases open past their handling deadline: {cases}; proposed: stop commercial land auctions",
    ),
    "sanction.summons": (
        "{month}信访事项{n}件,按期办结率{rate:.0%}({met}/{decided}),低于{target:.0%};"
        "建议召见主要负责人谈话、限期解决",
        "{n} cases in {month}, {rate:.0%} on time ({met}/{decided}), below {target:.0%}; "
        "proposed: summon the township's head and set a deadline",
    ),
    "sanction.admonishment": (
        "越级访 {number}({received},{level}级),{aggravating};建议对主要负责人诫勉谈话并全区通报批评",
        "skip-level petition {number} ({received}, {level} level), {aggravating}; "
        "proposed: admonish the township's head and name the township in a district notice",
    ),
    # the parts the triggers list
    "sanction.incident_case": ("{number}({received},{level}级,{people}人)",
                               "{number} ({received}, {level} level, {people} people)"),
    "sanction.overdue_case": ("{case}({clock}到期{due})", "{case} ({clock} due {due})"),
    "sanction.collective": ("集体访{people}人", "collective, {people} people"),
    "sanction.repeat": ("重复访(前案{previous})", "repeat of {previous}"),
    # -- why the land desk is refused (rules/sanctions.py check_action) --
    "sanction.blocks": (
        "{kind}({kind.en}) [{key}]: 自{start}起{until}{verb}{action}({action.en}) — {trigger}",
        "{kind} [{key}]: {action} {verb} from {start}{until} — {trigger}",
    ),
    "sanction.until": ("至{end}", " to {end}"),
    "sanction.withdrawn": ("取消", "withdrawn"),
    "sanction.stopped": ("停止", "stopped"),
    # -- how a ranking is computed (rules/ranking.py method), printed in both languages --
    "ranking.formula": (
        "得分 = Σ 层级权重({weights}) × 集体访(≥{collective_people}人)×{multiplier} + 重复访 +{repeat_extra}{per_10k};"
        " 后{bottom_size}位 = 名次1–{bottom_size}且得分>0",
        "score = Σ level weight ({weights}) × {multiplier} if collective (≥{collective_people} people)"
        " + {repeat_extra} if repeat{per_10k}; bottom group = positions 1–{bottom_size} with score > 0",
    ),
    "ranking.weight": ("{level}{weight}", "{level} {weight}"),
    "ranking.per_10k": (",按每万人口计", ", per 10,000 residents"),
    "ranking.cases_counted": (
        "当月登记、属地为该乡镇的全部信访事项(含已转送)",
        "every case received in the month and attributed to the township, whatever its status"
        " (transferred cases included)",
    ),
}


class _Formatter(string.Formatter):
    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def format_field(self, value, format_spec: str) -> str:
        return _word(value, self.lang, format_spec)


def _word(value: object, lang: str, spec: str = "") -> str:
    if isinstance(value, Labeled):
        return format(getattr(value, lang), spec)
    if isinstance(value, Message):
        return text(value.code, lang, **dict(value.params))
    if isinstance(value, (tuple, list)):
        return LIST_SEPARATOR[lang].join(_word(v, lang) for v in value)
    return format(value, spec)


def template(code: str, lang: str = "zh") -> str:
    """The raw template of ``code`` in ``lang``."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
    try:
        zh, en = MESSAGES[code]
    except KeyError:
        raise KeyError(f"no message {code!r} in the catalogue") from None
    return zh if lang == "zh" else en


def text(code: str, lang: str = "zh", **params: object) -> str:
    """The message ``code`` in ``lang`` ("zh" or "en"), its placeholders filled from ``params``."""
    return _Formatter(lang).vformat(template(code, lang), (), params)


def wording(value: object, lang: str = "zh") -> str:
    """A ``Message`` worded in ``lang``; a plain string (older data, already worded) as it is."""
    if isinstance(value, Message):
        return text(value.code, lang, **dict(value.params))
    return "" if value is None else str(value)


def bilingual(value: object) -> str:
    """Both languages, "zh / en": for a document read in either (the ranking's method)."""
    return f"{wording(value, 'zh')} / {wording(value, 'en')}"


def placeholders(code: str, lang: str = "zh") -> set[str]:
    """The parameter names the template of ``code`` in ``lang`` reads (for the catalogue's test)."""
    names = set()
    for _, field, _, _ in string.Formatter().parse(template(code, lang)):
        if field:
            names.add(field.split(".")[0].split("[")[0])
    return names


def catalogue() -> Mapping[str, tuple[str, str]]:
    """Every message: code → (zh, en)."""
    return MESSAGES
