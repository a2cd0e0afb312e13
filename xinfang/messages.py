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
    # -- lifecycle commands --
    "reply.done": ("{case} 已答复", "{case} replied"),
    "reply.written": ("{case} 已出具书面处理意见", "{case}: written opinion recorded"),
    "reply.receipt": ("{case} 已记录信访人收到书面处理意见", "{case}: receipt of the written opinion recorded"),
    "reply.window": ("；申请复查期限 {opens} 至 {closes}", "; review may be asked from {opens} to {closes}"),
    "accept.done": ("{case} 已受理（{told}告知信访人）", "{case} accepted (the petitioner told {told})"),
    "decline.done": ("{case} 不予受理（应通过{ground}途径解决），已书面告知", "{case} declined ({ground}); the petitioner told in writing"),
    "object.done": ("{case} 责任单位{unit}提出交办异议，待重新交办", "{case}: {unit} objected to the assignment; assign it again"),
    "register.final": ("{case} 不再受理：同一信访人同一事项已于 {final} 办理终结（《信访工作条例》第三十六条），不启动时限、不计排名、不扣保证金",
                       "{case} not accepted again: the same petitioner's same matter is final in {final} (条例 art. 36);"
                       " no deadlines, no ranking points, no deductions"),
    # -- notices a write gives after its commit (ledger.notice) --
    "notice.provisional": (
        "提醒：{case}{clock}到期日{due}为暂定：{years}年尚无官方节假日安排，暂按周一至周五计算工作日；"
        "用“xinfang calendar load 文件”载入后自动重算到期日",
        "Warning: {case}{clock} due {due} is provisional (暂定): {years} has no official holiday schedule, "
        "so it counts Monday to Friday only; load it with 'xinfang calendar load FILE' and the due date is recomputed",
    ),
    "notice.deposits_adjusted": (
        "提醒：{year} 年保证金已结算；{case} 应扣 {official} {amount} 元，记为结算后调整，不再从已结算年度扣缴；"
        "见 'xinfang deposits statement --year {year}'",
        "Note: the {year} deposits are settled; the {amount} yuan {case} would cost {official} is recorded as a "
        "post-settlement adjustment, not deducted from the settled year; see 'xinfang deposits statement --year {year}'",
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
    # -- lifting a measure (ledger/sanctions.py lift) and the listing of a measure's triggers --
    "sanction.lift.reason": ("--reason：解除制裁须说明理由（记入档案）；请运行 'xinfang sanctions lift {key} --reason \"…\"'",
                             "--reason: lifting a sanction needs a reason (it is kept in the record);"
                             " run 'xinfang sanctions lift {key} --reason \"…\"'"),
    "sanction.lift.already": ("ID：{key} 已于 {on} 由 {who} 解除；无需再解除，'xinfang sanctions' 可查看其状态",
                              "ID: {key} was already lifted on {on} by {who}; nothing to lift, 'xinfang sanctions'"
                              " shows its status"),
    "sanction.lift.not_binding": ("ID：{key} 的状态为{status}，只有生效或已确认的制裁可以解除；建议中的制裁请用"
                                  " 'xinfang sanctions dismiss ID --reason …' 驳回",
                                  "ID: {key} is {status}: only a measure that binds (in force or confirmed) can be"
                                  " lifted; a proposed one is dismissed: 'xinfang sanctions dismiss ID --reason …'"),
    "sanction.lift.ended": ("ID：{key} 已于 {end} 到期，无需解除", "ID: {key} ended on {end}; nothing to lift"),
    "sanction.lift.done": ("{key}：已解除（{reason}）", "{key}: lifted ({reason})"),
    "sanction.triggers.separator": ("；", "; "),
    "sanction.lifted_by": ("（{on}解除：{reason}）", " (lifted on {on}: {reason})"),
    "sanction.until": ("至{end}", " to {end}"),
    "sanction.withdrawn": ("取消", "withdrawn"),
    "sanction.stopped": ("停止", "stopped"),
    # -- how a ranking is computed (rules/ranking.py method), printed in both languages --
    "ranking.formula": (
        "得分 = Σ 层级权重({weights}) × 集体访(≥{collective_people}人)×{multiplier} + 重复访 +{repeat_extra}{per_10k}{composite};"
        " 后{bottom_size}位 = 名次1–{bottom_size}且得分>0{min_score}",
        "score = Σ level weight ({weights}) × {multiplier} if collective (≥{collective_people} people)"
        " + {repeat_extra} if repeat{per_10k}{composite}; bottom group = positions 1–{bottom_size} with score > 0"
        "{min_score}",
    ),
    "ranking.weight": ("{level}{weight}", "{level} {weight}"),
    "ranking.per_10k": (",按每万人口计", ", per 10,000 residents"),
    "ranking.min_score": ("、≥{score}", " and ≥ {score}"),
    "ranking.composite": (";综合得分 = 以上得分 × 权重 + Σ 指标权重 × 差距(1−比率;重复信访率取其本身):{weights}",
                          "; composite score = the score above × its weight + Σ indicator weight × shortfall"
                          " (1 − rate; the repeat rate itself): {weights}"),
    "ranking.composite_weight": ("{key}{weight}", "{key} {weight}"),
    "ranking.cases_counted": (
        "当月登记、属地为该乡镇的信访事项(不计:{left_out}、作废)",
        "every case received in the month and attributed to the township, except: {left_out}, voided",
    ),
    # -- indicators (rules/indicators.py): names, and how each is computed --
    "stats.title": ("{period} 考核指标（截至 {as_of}）", "Indicators {period} (as of {as_of})"),
    "stats.caption": ("比率（分子/分母）；“—”：无可计数的事项；环比、同比为百分点变化；定义见 docs/indicators.md",
                      "rate (numerator/denominator); '—': nothing to count; changes in percentage points;"
                      " definitions in docs/indicators.md"),
    "stats.district": ("全区", "district"),
    "stats.change_prev": ("环比{points}", "vs prev. {points}"),
    "stats.change_last_year": ("同比{points}", "vs last year {points}"),
    "evaluate.done": ("{case} 已记录信访人对{stage}的评价：{result}", "{case}: the petitioner's evaluation of {stage} recorded: {result}"),
    "evaluate.future": ("--on：{case} 的评价日期 {on} 晚于今天（{today}）；请给出评价当天的日期",
                        "--on: {case}: {on} is after today ({today}); give the day the petitioner evaluated"),
    "evaluate.excluded": ("CASE：{case} 的状态为 {status}，不计入任何考核指标，不能评价",
                          "CASE: {case} is {status}: counted in no indicator, it takes no evaluation"),
    "evaluate.twice": ("--stage：{case} 的{stage}评价已于 {on} 记录；信访人对每个环节只评价一次",
                       "--stage: {case}: {stage} was already evaluated on {on}; the petitioner evaluates each stage once"),
    "evaluate.not_yet": ("--stage：{case} 尚未{stage}，还不能评价；受理（或不予受理）后评价受理，答复或办结后评价办理",
                         "--stage: {case} has had no {stage} yet; acceptance is evaluated once accepted (or declined),"
                         " handling once replied or closed"),
    "evaluate.before": ("--on：{case} 的{stage}评价日期 {on} 早于{stage}日期 {since}；请给出评价当天的日期",
                        "--on: {case}: {on} is before the {stage} on {since}; give the day the petitioner evaluated"),
    "indicator.volume": ("信访量得分", "volume score"),
    "indicator.timely_acceptance_rate": ("及时受理率", "timely acceptance rate"),
    "indicator.on_time_rate": ("按期办结率", "on-time rate"),
    "indicator.satisfaction_rate": ("群众满意率", "satisfaction rate"),
    "indicator.evaluation_rate": ("参评率", "evaluation rate"),
    "indicator.repeat_rate": ("重复信访率", "repeat rate"),
    "indicator.first_contact_rate": ("初信初访化解率", "first-contact resolution rate"),
    # -- files written with -o (xinfang/files.py) --
    "file.exists": ("{option}: {path} 已存在", "{option}: {path} already exists"),
    "file.exists.fix": ("加 --force 覆盖，或换一个文件名", "add --force to replace it, or choose another name"),
    "file.directory": ("{option}: {path} 是文件夹", "{option}: {path} is a folder"),
    "file.directory.fix": ("给出文件名，例如 {option} 通报.html", "give a file name, e.g. {option} bulletin.html"),
    "file.special": ("{option}: {path} 不是普通文件（设备、管道或符号链接）",
                     "{option}: {path} is not a regular file (a device, a pipe or a symbolic link)"),
    "file.special.fix": ("换一个普通文件的路径；--force 也不会写入它", "choose the path of a regular file; not even --force writes there"),
    "file.folder": ("{option}: 文件夹 {folder} 不存在", "{option}: folder {folder} does not exist"),
    "file.folder.fix": ("先建立该文件夹，或换一个路径", "create it first or choose another path"),
    "file.ledger": ("{option}: {path} 是台账文件本身", "{option}: {path} is the ledger itself"),
    "file.ledger.fix": ("换一个文件名；台账决不会被覆盖", "choose another file name; the ledger is never overwritten"),
    "file.unwritable.fix": ("检查文件夹、权限和剩余空间", "check the folder, its permissions and free space"),
    "file.unreadable.fix": ("检查文件名和权限", "check the file name and the permissions"),
    "file.written": ("已写入 {path}", "Wrote {path}"),
    # -- who is recording (--user, XINFANG_USER) --
    "user.invalid": ("--user: {user} 不能作为记录人（{why}）", "--user: {user} cannot be recorded as who did it ({why})"),
    "user.invalid.fix": ("用不超过 {limit} 个可打印字符的名字（--user 或 XINFANG_USER）",
                         "use a name of at most {limit} printable characters (--user or XINFANG_USER)"),
    "user.too_long": ("{length} 个字符，超过 {limit} 个", "{length} characters, more than {limit}"),
    "user.control": ("含控制字符或不可打印字符", "it holds control or unprintable characters"),
    "user.empty": ("为空", "it is empty"),
    # -- personal data revealed (--reveal), recorded in the history --
    "reveal.none": ("（无查看个人信息的记录）", "(no record of personal data revealed)"),
    # -- the audit's findings (ledger/audit.py); worded in English in every report: they are data --
    "audit.counter_missing": ("{year} 年有案件但没有编号计数器", "cases of {year} exist but its counter is missing"),
    "audit.counter_without_cases": ("计数器为 {last}，但 {year} 年没有任何案件",
                                    "last is {last} but no case of {year} exists"),
    "audit.counter_raised": ("计数器为 {last}，但最后一件是 {case}：被擅自调高",
                             "last is {last} but the last case is {case}: raised behind the ledger's back"),
    "audit.schema_added": ("{kind} {name} 不属于台账结构：被擅自添加",
                           "{kind} {name} is not part of the ledger's schema: added behind the ledger's back"),
    "audit.schema_altered": ("{kind} {name} 与迁移建立的结构不同：被擅自修改",
                             "{kind} {name} differs from the schema the migrations make: altered"),
    "audit.schema_missing": ("{kind} {name} 缺失：被擅自删除", "{kind} {name} is missing: dropped"),
    "audit.clock_forged": ("期限不在历史记录中：被擅自插入",
                           "not in the clock history: inserted behind the ledger's back"),
    "audit.clock_differs": ("{column} 为 {value}，但历史记录为 {recorded}",
                            "{column} is {value} but its history says {recorded}"),
    "audit.clock_deleted": ("历史记录中有此期限，但期限已不存在：被删除", "in the clock history but missing: deleted"),
    "audit.clocks_unsealed": ("期限与导入记录封存的不一致：被改动或删除",
                              "clocks differ from those its import record seals: changed or deleted"),
    "audit.tally_differs": ("计数为 {n} 件（重复 {repeats}），但案件计得 {cases} 件（重复 {case_repeats}）",
                            "holds n {n}, repeats {repeats} but the cases count {cases}, repeats {case_repeats}"),
    "audit.state_unsealed": ("内容未在历史记录中封存：被擅自写入",
                             "its content is not sealed in the history: written behind the ledger's back"),
    "audit.state_changed": ("内容与历史记录中最后一次封存不同：被擅自修改",
                            "differs from its last seal in the history: changed behind the ledger's back"),
    "audit.head_unrecorded": ("保证金链的链头未记入历史记录", "the chain's head is not recorded in the history"),
    "audit.head_cut": ("历史记录的链头已不存在（现最后一行 id {last}）：链尾被删除",
                       "the head the history recorded is missing (the chain now ends at id {last}): "
                       "entries cut off the end"),
    "audit.head_passed": ("在历史记录的链头 id {head} 之后到 id {last}：被擅自追加",
                          "after the head the history recorded (id {head}), up to id {last}: "
                          "appended behind the ledger's back"),
    "audit.head_differs": ("与历史记录的链头不同：被改写", "differs from the head the history recorded: rewritten"),
    "audit.head_not_found": ("打印的链头 {head} 不在历史记录中：打印后历史被改写（或链头抄错）",
                             "the printed chain head {head} is not in the history: rewritten since it was "
                             "printed (or the digest is mistyped)"),
    # -- audit verify / db check output --
    "audit.head": ("链头：{head}（印在月度通报上；日后用 xinfang audit verify --head 核对）",
                   "Chain head: {head} (print it on the monthly bulletin; check it later with "
                   "'xinfang audit verify --head')"),
    "audit.head_found": ("打印的链头 {head} 在历史记录中：此后的历史是它的延续",
                         "The printed chain head {head} is in the history: everything since continues it"),
    # -- the ledger file itself (ledger/db.py) --
    "db.foreign": (
        "--db: {db} 不是 xinfang 台账（application_id {app_id}）；未作任何改动。请检查路径，或用 'xinfang init' 在新路径建立台账",
        "--db: {db} is not an xinfang ledger (application_id {app_id}); nothing was changed. Check the path, "
        "or create a ledger with 'xinfang init' on a new path",
    ),
    "db.damaged": (
        "台账文件 {db} 已损坏（{detail}），在修复前拒绝写入。处理办法：1. 'xinfang db backup 副本.db' 抢救可读的内容；"
        "2. 用最近一次完好的备份替换该文件；3. 运行 'xinfang db check'，通过后恢复写入",
        "the ledger file {db} is damaged ({detail}); writes are refused until it is repaired. The way out: "
        "1. 'xinfang db backup COPY.db' saves what is readable; 2. put the latest good backup in its place; "
        "3. run 'xinfang db check': when it passes, writes are allowed again",
    ),
    "roster.encoding": ("--roster: {path} 既不是 UTF-8 也不是 GBK/GB18030 文本；请另存为“CSV UTF-8”",
                        "--roster: {path} is neither UTF-8 nor GBK/GB18030 text; save it as 'CSV UTF-8'"),
    "roster.unreadable": ("--roster: {path} 不能按 CSV 读取（{detail}）；请检查该文件",
                          "--roster: {path} cannot be read as CSV ({detail}); check the file"),
    "roster.duplicate": ("--roster: 第 {row} 行的乡镇 {township} 与第 {first} 行重复；每个乡镇只列一行",
                         "--roster: row {row} repeats township {township} (first on row {first}); list each township once"),
    "roster.population": ("--roster: 第 {row} 行 {township} 的人口 {population} 不合常理（最多 {most}）；请改正该行",
                          "--roster: row {row} gives {township} a population of {population}, beyond any township "
                          "({most} at most); correct that row"),
    "db.unsalvageable": ("台账文件 {db} 已损坏到连结构都无法读取（{detail}），无可抢救；请用最近一次完好的备份替换该文件，"
                         "再运行 'xinfang db check'",
                         "the ledger file {db} is damaged beyond reading even its schema ({detail}): nothing can be "
                         "saved; put the latest good backup in its place, then run 'xinfang db check'"),
    "db.damaged_lifted": ("台账 {db} 已通过检查，恢复写入", "The ledger {db} passes its checks: writes are allowed again"),
    "db.salvaged": (
        "台账已损坏：已将可读内容抢救到 {target}（{kept} 行；无法读取：{lost}）；请用最近一次完好的备份恢复",
        "the ledger is damaged: what was readable is saved to {target} ({kept} rows; unreadable: {lost}); "
        "restore the latest good backup",
    ),
    # -- the bulletin's sanctions table (render/bulletin.py): one cell per township and measure --
    "bulletin.sanctions.lead": (
        "{towns}个乡镇有生效制裁{in_force}项，另有待确认的建议{proposed}项（按本通报印发时已公布的排名和已作出的决定）。"
        "每个乡镇一行、每项措施一栏；同一措施多次触发的合并为一格并注明次数，触发原因所涉案件见“超期未办结事项”和制裁清单。",
        "{in_force} sanction(s) in force on {towns} township(s), {proposed} proposed and awaiting a decision (by the "
        "rankings published and decisions taken when this bulletin was issued). One row per township, one column per "
        "measure; a measure triggered more than once is one cell with the count.",
    ),
    "bulletin.sanctions.effects": ("影响：{effects}。", "Effects: {effects}."),
    "bulletin.sanction.effect": ("{kind}停止{actions}", "{kind} stops {actions}"),
    "bulletin.sanction.since": ("自{start}", "from {start}"),
    "bulletin.sanction.times": ("（触发{n}次）", " (triggered {n} times)"),
    "bulletin.sanction.ranking": ("连续{n}个月后{bottom_size}位（{first}至{last}）",
                                  "bottom {bottom_size} for {n} months running ({first} to {last})"),
    "bulletin.sanction.incident": ("{level}级集体访{n}件", "{n} collective petition(s) at {level} level"),
    "bulletin.sanction.chronic": ("{n}件超过办理期限未办结", "{n} case(s) open past the handling deadline"),
    "bulletin.sanction.summons": ("本月{n}件，按期办结率{rate:.0%}", "{n} cases in the month, {rate:.0%} on time"),
    "bulletin.sanction.admonishment": ("{level}级越级访且为集体访或重复访", "skip-level at {level} level, collective or repeat"),
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
