"""Read-only SQL views with Chinese names and columns, for people who open the ledger in a
browser (Datasette) or a spreadsheet's database connection: labels instead of codes, yuan instead
of fen, local dates and times, 是/否 instead of 1/0, and resident ID and phone numbers masked as
every listing masks them (``xinfang.personal``: 320803********123X, 138****5678), and the digits
of a free text that holds such a number starred.

The views are created by one migration (``0005_chinese_views`` in ``schema.py``) from
``VIEW_SQL``; ``DESCRIPTIONS`` gives each view and column a title and a description for the
Datasette metadata file (``xinfang db metadata``).
"""

from __future__ import annotations

from xinfang import model
from xinfang.messages import action_name, action_names, label, label_keys

STARS = "*" * 20
# Deposit ledger entry kinds (deposit_entries.kind) in words.
DEPOSIT_KINDS = {"pay": "缴纳", "deduct": "扣缴", "reverse": "冲回", "refund": "退还", "reward": "奖励"}


def _labels(column: str, enum) -> str:
    """CASE expression: a code column as its Chinese label (unknown codes as they are)."""
    whens = " ".join(f"WHEN '{m.value}' THEN '{m.zh}'" for m in enum)
    return f"CASE {column} {whens} ELSE {column} END"


def _words(column: str, words: dict[str, str]) -> str:
    whens = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in words.items())
    return f"CASE {column} {whens} ELSE {column} END"


def _yes_no(column: str) -> str:
    return f"CASE {column} WHEN 1 THEN '是' WHEN 0 THEN '否' END"


def _masked(column: str, keep_head: int) -> str:
    """The SQL twin of ``personal.mask_id`` (keep_head 6) and ``mask_phone`` (keep_head 3)."""
    keep = keep_head + 4
    return (f"CASE WHEN {column} IS NULL OR {column} = '' THEN {column} "
            f"WHEN length({column}) > {keep} THEN substr({column}, 1, {keep_head}) || "
            f"substr('{STARS}', 1, length({column}) - {keep}) || substr({column}, -4) "
            f"ELSE substr('{STARS}', 1, length({column})) END")


# A number as ``personal.mask_text`` finds it in free text, once spaces are dropped, full-width
# digits and dashes read as ASCII: a run of seven digits (an ID number's seventeen, a telephone's
# eleven, a landline's seven or eight after its area code, a mobile with one group joined) or a
# mobile written 3-4-4 with dashes. A date (2026-10-14) is neither: it stays readable.
_SEVEN_DIGITS = "*" + "[0-9]" * 7 + "*"
_DASHED_MOBILE = "*" + "[0-9]" * 3 + "-" + "[0-9]" * 4 + "-" + "[0-9]" * 4 + "*"
_FULL_WIDTH_DIGITS = "０１２３４５６７８９"


def _masked_text(column: str) -> str:
    """The SQL twin of ``personal.mask_text`` for free text (a name, a summary, an address, a note):
    SQLite has no pattern matching to find the numbers themselves, so a text holding one (read as
    ``_SEVEN_DIGITS`` and ``_DASHED_MOBILE`` say) has every digit starred; any other text is shown
    as it is. It hides at least what ``mask_text`` hides (a property test holds it)."""
    plain, starred = column, column
    for gap in (" ", "\u3000"):
        plain = f"replace({plain}, '{gap}', '')"
    plain = f"replace({plain}, '－', '-')"
    for digit, wide in zip("0123456789", _FULL_WIDTH_DIGITS):
        plain = f"replace({plain}, '{wide}', '{digit}')"
        starred = f"replace(replace({starred}, '{digit}', '*'), '{wide}', '＊')"
    return (f"CASE WHEN {plain} GLOB '{_SEVEN_DIGITS}' OR {plain} GLOB '{_DASHED_MOBILE}' THEN {starred}"
            f" ELSE {column} END")


def _local(column: str) -> str:
    return f"strftime('%Y-%m-%d %H:%M:%S', {column}, 'localtime')"


VIEW_SQL = [
    f"""CREATE VIEW "案件" AS SELECT
    c.number AS "案号", c.received AS "登记日期", c.month AS "月份",
    {_labels("c.channel", model.Channel)} AS "信访形式", c.point AS "接待点", c.township AS "属地",
    {_masked_text("c.name")} AS "信访人", {_masked("c.id_number", 6)} AS "身份证号", {_masked("c.phone", 3)} AS "联系电话",
    {_masked_text("c.address")} AS "住址", c.people AS "人数", {_labels("c.level", model.Level)} AS "信访层级",
    {_labels("c.kind", model.Kind)} AS "类别", coalesce(k.zh, c.category) AS "内容分类",
    CASE c.major WHEN 1 THEN '重大事项' ELSE '一般事项' END AS "事项性质",
    {_yes_no("c.collective")} AS "集体访", {_yes_no("c.skip_level")} AS "越级访",
    c.repeat_of AS "重复访前案", {_yes_no("c.initial")} AS "初信初访", {_masked_text("c.summary")} AS "内容摘要",
    {_labels("c.status", model.Status)} AS "办理状态", {_masked_text("c.unit")} AS "承办单位", {_masked_text("c.leader")} AS "包案领导",
    c.assigned_on AS "交办日期", c.replied_on AS "答复日期", c.closed_on AS "办结日期",
    {_labels("c.outcome", model.Outcome)} AS "处理结论", {_labels("c.satisfaction", model.Satisfaction)} AS "满意度",
    {_yes_no("c.signed")} AS "签字认可", {_yes_no("c.cease_agreement")} AS "停访协议"
    FROM cases c LEFT JOIN categories k ON k.key = c.category""",
    f"""CREATE VIEW "时限" AS SELECT
    k.case_number AS "案号", c.township AS "属地", c.unit AS "承办单位",
    {_labels("k.clock", model.Clock)} AS "时限", k.start AS "起算日", k.days AS "天数",
    k.extension_days AS "延期天数", CASE k.counting WHEN 'working_days' THEN '工作日' ELSE '日历日' END AS "计算方式",
    k.due AS "到期日", {_yes_no("k.provisional")} AS "暂定", k.done_on AS "完成日期", {_yes_no("k.met")} AS "按期"
    FROM clocks k JOIN cases c ON c.number = k.case_number""",
    f"""CREATE VIEW "排名" AS SELECT
    p.month AS "月份", p.published_on AS "公布日期", json_extract(r.value, '$.position') AS "名次",
    json_extract(r.value, '$.township') AS "乡镇", json_extract(r.value, '$.score') AS "得分",
    json_extract(r.value, '$.cases') AS "件数", json_extract(r.value, '$.skip_level') AS "越级",
    json_extract(r.value, '$.collective') AS "集体访", json_extract(r.value, '$.repeat') AS "重复访",
    {_yes_no("json_extract(r.value, '$.bottom')")} AS "后十位"
    FROM published_months p, json_each(p.rows) r""",
    f"""CREATE VIEW "保证金" AS SELECT
    e.seq AS "序号", e.official AS "姓名", o.township AS "乡镇", {_labels("o.role", model.Role)} AS "职务",
    {_words("e.kind", DEPOSIT_KINDS)} AS "类型", round(e.amount_fen / 100.0, 2) AS "金额（元）",
    e.on_date AS "日期", e.case_number AS "案号", e.year AS "年度", {_masked_text("e.note")} AS "说明", {_local("e.at")} AS "记录时间"
    FROM deposit_entries e LEFT JOIN (SELECT name, township, role FROM officials GROUP BY name) o ON o.name = e.official""",
    f"""CREATE VIEW "官员" AS SELECT
    name AS "姓名", township AS "乡镇", {_labels("role", model.Role)} AS "职务", start AS "任职起", "end" AS "任职止"
    FROM officials""",
    f"""CREATE VIEW "办理记录" AS SELECT
    e.id AS "序号", {_local("e.at")} AS "记录时间", e.who AS "经办人", e.case_number AS "案号",
    {_words("e.action", {k: action_name(k) for k in action_names()})} AS "环节",
    {_words("e.field", {**{k: label(k) for k in label_keys()}, **{c.value: c.zh for c in model.Clock}})} AS "字段",
    CASE WHEN e.action = 'register' THEN NULL WHEN e.field = 'id_number' THEN {_masked("e.old", 6)}
         WHEN e.field = 'phone' THEN {_masked("e.old", 3)} ELSE {_masked_text("e.old")} END AS "原值",
    CASE WHEN e.action = 'register' THEN NULL WHEN e.field = 'id_number' THEN {_masked("e.new", 6)}
         WHEN e.field = 'phone' THEN {_masked("e.new", 3)} ELSE {_masked_text("e.new")} END AS "新值",
    {_masked_text("e.note")} AS "说明"
    FROM events e WHERE e.action NOT IN ('seal')""",
]

VIEWS = ("案件", "时限", "排名", "保证金", "官员", "办理记录")

DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "案件": ("信访事项", "每件登记的土地信访事项：登记、交办、答复、办结。身份证号、联系电话已隐去部分数字；代码已换成中文。"),
    "时限": ("办理时限", "每件事项的各项时限（受理告知、答复、办理、复查等）：起算日、到期日、完成日期、是否按期。"),
    "排名": ("信访排名（已公布）", "已公布月份的乡镇信访排名，名次1为得分最高；暂定排名不在此列。"),
    "保证金": ("信访保证金台账", "乡镇党委书记、乡镇长个人缴纳的信访保证金及扣缴、退还、奖励，金额以元计。"),
    "官员": ("乡镇主要负责人", "各乡镇党委书记、乡镇长及任职起止日期。"),
    "办理记录": ("办理记录", "只增不改的办理历史：谁在何时做了什么（原值 → 新值）；时间为本地时间，登记内容不重复显示。"),
}


def metadata(database: str, conn) -> str:
    """A Datasette metadata file (YAML) for the ledger file named ``database`` (its file name
    without .db), open as ``conn``: a title and description for every view and its columns. The
    English tables and views the software works on hold codes, fen and unmasked numbers: every one
    of them is hidden and closed to every visitor (``allow: false``), and so is SQL of the
    visitor's own (``allow_sql: false``), which would read them all the same; only the masked
    views can be read."""
    import json

    def q(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar

    lines = [f"title: {q('土地信访台账')}",
             f"description: {q('区信访室土地信访台账的只读视图：中文表名和列名，代码换成中文，金额以元计，身份证号和电话已隐去部分数字。')}",
             "databases:", f"  {q(database)}:", "    allow_sql: false", "    tables:"]
    for view in VIEWS:
        title, description = DESCRIPTIONS[view]
        lines += [f"      {q(view)}:", f"        title: {q(title)}", f"        description: {q(description)}"]
    tables = {name for name, in conn.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'")}
    for table in sorted(tables - set(VIEWS)):
        lines += [f"      {q(table)}:", "        hidden: true", "        allow: false"]
    return "\n".join(lines) + "\n"

