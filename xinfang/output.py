"""One renderer for every command: a Rich table on a terminal, ``--json`` or ``--csv``.

Labels default to Chinese; ``--lang en`` gives English. JSON and CSV keys/values stay the stable
English keys of CLI.md, so scripts do not depend on the display language. Resident ID numbers and
phone numbers are masked unless the clerk asks for them (``--reveal``).
"""

from __future__ import annotations

import json
import sys
from enum import Enum

from xinfang import model

# column key -> (Chinese, English)
LABELS: dict[str, tuple[str, str]] = {
    "case": ("案号", "case"), "number": ("案号", "case"), "received": ("登记日期", "received"),
    "month": ("月份", "month"), "channel": ("形式", "channel"), "point": ("接待点", "point"),
    "township": ("属地", "township"), "name": ("信访人", "petitioner"), "id_number": ("身份证号", "ID number"),
    "phone": ("电话", "phone"), "address": ("住址", "address"), "people": ("人数", "people"),
    "level": ("层级", "level"), "kind": ("类别", "kind"), "category": ("内容分类", "category"),
    "major": ("重大", "major"), "summary": ("摘要", "summary"), "accused": ("被控告单位", "accused"),
    "collective": ("集体访", "collective"), "skip_level": ("越级", "skip-level"), "repeat_of": ("重复访(前案)", "repeat of"),
    "initial": ("初信初访", "initial"), "status": ("状态", "status"), "unit": ("责任单位", "unit"),
    "joint": ("联合办理", "joint"), "leader": ("包案领导", "leader"), "assigned_on": ("交办日期", "assigned"),
    "replied_on": ("答复日期", "replied"), "closed_on": ("办结日期", "closed"), "outcome": ("处理结果", "outcome"),
    "satisfaction": ("满意度", "satisfaction"), "signed": ("签字认可", "signed"), "cease_agreement": ("停访协议", "cease agreement"),
    "clock": ("时限", "clock"), "due": ("到期日", "due"), "provisional": ("暂定", "provisional"),
    "days_late": ("超期天数", "days late"), "tier": ("督办等级", "tier"), "start": ("起算日", "start"),
    "done_on": ("完成日期", "done"), "met": ("按期", "met"), "area": ("片区", "area"),
    "population": ("人口", "population"), "at": ("时间", "at"), "who": ("操作人", "by"), "action": ("操作", "action"),
    "field": ("字段", "field"), "old": ("原值", "old"), "new": ("新值", "new"), "note": ("备注", "note"),
    "score": ("得分", "score"), "cases": ("件数", "cases"), "position": ("名次", "position"),
    "bottom": ("后十位", "bottom group"), "sanction": ("制裁", "sanction"), "trigger": ("触发原因", "trigger"),
    "effects": ("影响", "effects"), "id": ("编号", "id"), "official": ("姓名", "official"), "role": ("职务", "role"),
    "paid": ("已缴", "paid"), "deducted": ("已扣", "deducted"), "balance": ("余额", "balance"),
    "refund": ("退还", "refund"), "reward": ("奖励", "reward"), "exhausted": ("扣完", "exhausted"),
    "extension_days": ("延期天数", "extension"), "value": ("内容", "value"), "repeat": ("重复访", "repeat"), "year": ("年度", "year"),
    "from": ("任职起", "from"), "to": ("任职止", "to"), "in_post": ("在任", "in post"),
    "refunded": ("已退还", "refunded"), "rewarded": ("已奖励", "rewarded"), "shortfall": ("未扣足", "shortfall"),
    "charged": ("扣款案件", "charged cases"), "share": ("奖励额", "share"), "entry": ("流水号", "entry"),
    "amount": ("金额", "amount"), "on": ("日期", "date"),
    "date": ("日期", "date"), "weekday": ("星期", "weekday"), "day_type": ("类型", "type"),
    "holiday": ("节日", "holiday"), "old_due": ("原到期日", "old due"),
    "prev_score": ("上月得分", "prev. month"), "change_prev": ("环比", "vs prev. month"),
    "prev_year_score": ("去年同月得分", "same month last year"), "change_last_year": ("同比", "vs last year"),
    "skip_level_cases": ("越级", "skip-level"), "collective_cases": ("集体访", "collective"),
    "published": ("已公布", "published"), "method": ("计分方法", "method"), "end": ("截止日", "end"),
    "months": ("涉及月份", "months"), "reason": ("理由", "reason"), "allowed": ("允许", "allowed"),
    "reasons": ("原因", "reasons"),
}

# History actions (events.action) as a person reads them.
ACTIONS: dict[str, tuple[str, str]] = {
    "init": ("建账", "ledger created"), "register": ("登记", "registered"), "import": ("导入", "imported"),
    "import-file": ("导入文件", "file imported"),
    "assign": ("交办", "assigned"), "reassign": ("改办", "reassigned"), "reply": ("答复", "replied"),
    "resolve": ("办结", "resolved"), "transfer": ("转送", "transferred"), "correct": ("更正", "corrected"),
    "review": ("复查", "review"), "rereview": ("复核", "re-review"), "review-answer": ("复查答复", "review answered"),
    "clock": ("时限起算", "clock started"), "clock-done": ("时限完成", "clock done"),
    "clock-stop": ("时限停止", "clock stopped"), "clock-extend": ("延期", "extended"),
    "clock-recompute": ("时限重算", "clock recomputed"), "publish": ("公布排名", "ranking published"),
    "official-add": ("任职登记", "official added"), "official-end": ("离任", "term ended"),
    "deposits-settle": ("保证金结算", "deposits settled"), "calendar-load": ("载入节假日", "calendar loaded"),
    "seal": ("封存", "sealed"),
}

ENUMS: dict[str, type[Enum]] = {
    "channel": model.Channel, "level": model.Level, "kind": model.Kind, "status": model.Status,
    "clock": model.Clock, "tier": model.Tier, "sanction": model.SanctionKind, "role": model.Role,
    "outcome": model.Outcome, "satisfaction": model.Satisfaction,
}
BOOLEANS = {"major", "collective", "skip_level", "initial", "signed", "cease_agreement", "provisional", "met",
            "bottom", "exhausted", "published", "allowed"}


def label(key: str, lang: str) -> str:
    zh, en = LABELS.get(key, (key, key))
    return zh if lang == "zh" else en


def history_rows(events: list[dict], lang: str) -> list[dict]:
    """History rows for a table: field names and coded old/new values in the reader's language."""
    out = []
    for e in events:
        field = e.get("field")
        row = dict(e)
        if field and str(e.get("action", "")).startswith("clock"):
            row["field"] = display("clock", field, lang)  # a clock event's field is the clock's name
        elif field:
            row["field"] = label(field, lang)
            if field in ENUMS or field in BOOLEANS:
                for side in ("old", "new"):
                    value = e.get(side)
                    if value in ("0", "1") and field in BOOLEANS:
                        value = value == "1"
                    row[side] = display(field, value, lang)
        out.append(row)
    return out


def mask_id(value: str | None) -> str | None:
    """320803********123X: region and last four stay, birth date and sequence hidden."""
    if not value:
        return value
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def mask_phone(value: str | None) -> str | None:
    if not value:
        return value
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


def mask(row: dict, reveal: bool) -> dict:
    """Personal data masked unless the clerk asked for it."""
    if reveal:
        return row
    out = dict(row)
    if out.get("id_number"):
        out["id_number"] = mask_id(out["id_number"])
    if out.get("phone"):
        out["phone"] = mask_phone(out["phone"])
    return out


def display(key: str, value, lang: str) -> str:
    """A value as a person reads it, in the chosen language."""
    if value is None or value == "":
        return ""
    if key in BOOLEANS or isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if key == "action" and value in ACTIONS:
        return ACTIONS[value][0 if lang == "zh" else 1]
    enum = ENUMS.get(key)
    if enum is not None:
        try:
            member = enum(value)
            return member.zh if lang == "zh" else member.en
        except ValueError:
            return str(value)
    if isinstance(value, (list, tuple)):
        return "、".join(display(key, v, lang) for v in value) if lang == "zh" else ", ".join(
            display(key, v, lang) for v in value)
    return str(value)


def to_json(data, indent: int | None = 2) -> str:
    return json.dumps(data, ensure_ascii=False, indent=indent, default=_json_default)


def _json_default(value):
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def write_csv(rows: list[dict], columns: list[str], lang: str, out=None) -> None:
    import csv

    out = out or sys.stdout
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else _csv_value(row.get(c)) for c in columns])


def _csv_value(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    if isinstance(value, Enum):
        return value.value
    return value


def console(stderr: bool = False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # Piped into a file or another program: do not fold tables to 80 columns.
    width = None if stream.isatty() else 200
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width, file=stream)


def table(rows: list[dict], columns: list[str], lang: str, title: str | None = None, caption: str | None = None):
    from rich.table import Table

    t = Table(title=title, caption=caption, show_lines=False, header_style="bold")
    for c in columns:
        t.add_column(label(c, lang), overflow="fold", justify="right" if c in {"score", "cases", "people", "position",
                     "days_late", "paid", "deducted", "balance", "refund", "reward", "population"} else "left")
    for row in rows:
        t.add_row(*[_escape(display(c, row.get(c), lang)) for c in columns])
    return t


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def emit(data, fmt: str, lang: str, columns: list[str] | None = None, rows: list[dict] | None = None,
         title: str | None = None, message: str | None = None, caption: str | None = None) -> None:
    """Print a command's result. ``data`` is the JSON document; ``rows``/``columns`` the listing
    (defaults: ``data`` itself when it is a list)."""
    if fmt == "json":
        # Indented for a person at a terminal; compact (and several times faster to encode) for programs.
        sys.stdout.write(to_json(data, 2 if sys.stdout.isatty() else None) + "\n")
        return
    listing = rows if rows is not None else (data if isinstance(data, list) else None)
    if fmt == "csv":
        if listing is None:
            listing = [data] if isinstance(data, dict) else []
        columns = columns or (list(listing[0]) if listing else [])
        write_csv(listing, columns, lang)
        return
    con = console()
    if message:
        con.print(_escape(message))
    if listing is not None and columns:
        if listing:
            con.print(table(listing, columns, lang, title=title, caption=caption))
        else:
            con.print(("（无记录）" if lang == "zh" else "(nothing to show)") + (f" {title}" if title else ""))
