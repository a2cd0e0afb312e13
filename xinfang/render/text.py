"""The words of the bulletin and the forms, in Chinese (default) and English."""

from __future__ import annotations

import datetime as dt

TEXT: dict[str, tuple[str, str]] = {
    # the bulletin
    "title": ("土地信访工作通报", "Land Petition Bulletin"),
    "issuer": ("区国土资源局信访室", "District Land Resources Bureau, Petition Office"),
    "published": ("正式", "published"),
    "as_of": ("数据截至{day}", "data as of {day}"),
    "issued": ("{day}印发", "issued {day}"),
    "generated": ("本通报由土地信访台账自动生成。", "Generated from the land petition ledger."),
    "page_of": ("第 {n} 页 共 {m} 页", "page {n} of {m}"),
    "provisional": ("暂定", "provisional"),
    "s_totals": ("一、信访总量", "1. Letters and visits"),
    "s_trend": ("月度走势", "Cases per month"),
    "s_ranking": ("二、乡镇信访排名", "2. Township ranking"),
    "s_bottom": ("三、排名后十位", "3. Bottom group"),
    "s_sanctions": ("四、制裁与责任追究", "4. Sanctions"),
    "s_indicators": ("五、考核指标", "5. Indicators"),
    "s_overdue": ("六、超期未办结事项", "6. Overdue cases by responsible unit"),
    "s_deposits": ("七、信访保证金扣缴", "7. Deposit deductions"),
    "s_method": ("八、说明", "8. Method"),
    "item": ("项目", "item"),
    "this_month": ("本月", "this month"),
    "same_month": ("去年同月", "same month last year"),
    "yoy": ("同比", "year on year"),
    "ytd": ("本年累计", "year to date"),
    "ytd_last": ("去年同期", "same period last year"),
    "ch_letter": ("来信", "letters"),
    "ch_visit": ("来访（含下乡接访）", "visits (incl. outreach)"),
    "ch_outreach": ("其中：下乡接访", "of which outreach"),
    "ch_online": ("网上信访", "online"),
    "ch_phone": ("电话", "phone"),
    "ch_total": ("合计", "total"),
    "in_skip_level": ("越级访", "skip-level"),
    "in_collective": ("集体访", "collective"),
    "in_repeat": ("重复访", "repeat"),
    "in_major": ("重大事项", "major matters"),
    "position": ("名次", "position"),
    "township": ("乡镇", "township"),
    "score": ("得分", "score"),
    "cases": ("件数", "cases"),
    "skip_level": ("越级", "skip-level"),
    "collective": ("集体访", "collective"),
    "repeat": ("重复访", "repeat"),
    "bottom": ("后十位", "bottom group"),
    "prev_score": ("上月得分", "last month"),
    "prev_year_score": ("去年同月得分", "same month last year"),
    "streak": ("连续月数", "months running"),
    "sanction": ("措施", "sanction"),
    "status": ("状态", "status"),
    "trigger": ("触发原因", "trigger"),
    "effects": ("影响", "effects"),
    "start": ("起始", "from"),
    "end": ("截止", "until"),
    "unit": ("责任单位", "responsible unit"),
    "overdue": ("超期件数", "overdue cases"),
    "seriously_overdue": ("其中严重超期", "seriously overdue"),
    "worst_days_late": ("最长超期天数", "most days late"),
    "case_numbers": ("案号", "cases"),
    "role": ("职务", "post"),
    "official": ("姓名", "official"),
    "deducted": ("本月扣缴（元）", "deducted this month (yuan)"),
    "balance": ("年度余额（元）", "balance of the year (yuan)"),
    "month_label": ("月份", "month"),
    "this_year": ("今年", "this year"),
    "last_year": ("去年", "last year"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "none": ("（无）", "(none)"),
    "no_module": ("本版本未提供该部分数据。", "This installation does not provide this section."),
    "not_assigned": ("未交办", "not assigned"),
    "open_ended": ("—", "—"),
    "unit_yuan": ("元", "yuan"),
    "top_note": ("仅列前{n}名（并列者一并列出）。", "Only the first {n} positions are listed (ties included)."),
    # forms
    "f_assignment": ("土地矛盾人民来信呈阅交办单", "Land Petition Review and Assignment Form"),
    "f_handling": ("土地信访矛盾化解包案处理表", "Land Petition Handling Sheet"),
    "f_number": ("编号", "case no."),
    "f_received": ("收件日期", "received"),
    "f_channel": ("信访形式", "channel"),
    "f_point": ("接待点", "reception point"),
    "f_name": ("信访人", "petitioner"),
    "f_id": ("身份证号", "ID number"),
    "f_phone": ("联系电话", "phone"),
    "f_address": ("住址", "address"),
    "f_people": ("人数", "people"),
    "f_township": ("属地", "township"),
    "f_level": ("信访层级", "level"),
    "f_kind": ("类别", "kind"),
    "f_category": ("内容分类", "category"),
    "f_nature": ("事项性质", "nature"),
    "f_flags": ("标记", "flags"),
    "f_summary": ("内容摘要", "summary"),
    "f_accused": ("被检举控告单位", "accused unit"),
    "f_leader_note": ("领导阅示", "leader's instructions"),
    "f_unit": ("交办单位", "assigned to"),
    "f_joint": ("联合办理", "joint units"),
    "f_leader": ("包案领导", "responsible leader"),
    "f_assigned_on": ("交办日期", "assigned on"),
    "f_deadlines": ("办理时限", "deadlines"),
    "f_clock": ("时限", "clock"),
    "f_due": ("到期日", "due"),
    "f_done": ("完成日期", "done"),
    "f_met": ("按期", "on time"),
    "f_recipients": ("送：", "To: "),
    "f_registrar": ("登记人", "registered by"),
    "f_reviewer": ("呈阅人", "submitted by"),
    "f_leader_sign": ("领导签字", "leader's signature"),
    "f_handler_sign": ("承办单位签收", "received by the unit"),
    "f_date": ("日期", "date"),
    "f_steps": ("办理经过", "handling steps"),
    "f_step_on": ("日期", "date"),
    "f_step_action": ("环节", "step"),
    "f_step_detail": ("情况", "details"),
    "f_step_who": ("经办", "recorded by"),
    "f_reply": ("答复意见", "reply"),
    "f_result": ("处理结果", "result"),
    "f_outcome": ("结论", "outcome"),
    "f_satisfaction": ("信访人满意度", "satisfaction"),
    "f_signed": ("签字认可", "signed by the petitioner"),
    "f_cease": ("停访协议", "cease-petition agreement"),
    "f_status": ("办理状态", "status"),
    "f_petitioner_sign": ("信访人签字", "petitioner's signature"),
    "f_leader_sign2": ("包案领导签字", "responsible leader's signature"),
    "f_unit_seal": ("责任单位（盖章）", "responsible unit (seal)"),
    "f_masked": ("身份证号、电话已隐去部分数字。", "ID and phone numbers are partly masked."),
    "f_for": ("本件送", "copy for"),
    "f_generated": ("打印日期", "printed"),
    "f_none": ("（无）", "(none)"),
    # supervision letters (督办单), one per responsible unit
    "l_title": ("土地信访事项督办单", "Petition Supervision Letter"),
    "l_number": ("督办编号", "letter no."),
    "l_to": ("{unit}：", "To {unit}:"),
    "l_body": ("截至{day}，贵单位承办的下列土地信访事项已超过或即将超过办理时限（已超期{overdue}项，即将到期{soon}项）。"
               "根据《信访工作条例》第四十条关于督查督办的规定，请抓紧办理，按时限答复信访人，并将办理情况填写回执报送{issuer}。",
               "As of {day}, the petitions your unit handles listed below are past or close to their deadlines ({overdue} "
               "overdue, {soon} due soon). Under article 40 of the Regulations on Petition Work (supervision), please "
               "conclude them, answer the petitioners in time and return the reply slip below to {issuer}."),
    "l_case": ("案号", "case"),
    "l_township": ("属地", "township"),
    "l_clock": ("时限", "deadline"),
    "l_due": ("到期日", "due"),
    "l_days_late": ("超期天数", "days late"),
    "l_tier": ("状态", "status"),
    "l_leader": ("包案领导", "leader"),
    "l_limits": ("办理时限", "Time limits"),
    "l_limit": ("{clock}：自{start}起{days}{unit}", "{clock}: {days} {unit} from {start}"),
    "l_calendar_days": ("日", "days"),
    "l_working_days": ("个工作日", "working days"),
    "l_from_assignment": ("交办之日", "assignment"),
    "l_from_registration": ("登记之日", "registration"),
    "l_from_acceptance": ("受理之日", "acceptance"),
    "l_from_reply": ("答复送达之日", "the reply's receipt"),
    "l_from_request": ("申请之日", "the request"),
    "l_counting": ("期限按日历日计算，起算日不计入；到期日为节假日的，顺延至节假日后第一个工作日。",
                   "Calendar days, the first day not counted; a last day off work moves to the next working day."),
    "l_slip": ("督办回执", "Reply slip"),
    "l_slip_note": ("（请沿此线剪下，填写后加盖公章报送{issuer}）", "(cut along this line, fill in, seal and return to {issuer})"),
    "l_slip_unit": ("承办单位", "unit"),
    "l_slip_cases": ("督办事项", "cases"),
    "l_slip_progress": ("办理情况", "progress"),
    "l_slip_person": ("经办人", "handled by"),
    "l_slip_phone": ("联系电话", "phone"),
    "l_slip_leader": ("单位负责人", "head of unit"),
    "l_slip_seal": ("（盖章）", "(seal)"),
    "l_signed": ("{issuer}\n{day}", "{issuer}\n{day}"),
    "l_none": ("（无即将到期或超期事项，无需督办）", "(nothing due soon or overdue: no letter)"),
}

ACTIONS: dict[str, tuple[str, str]] = {
    "register": ("登记", "registered"), "assign": ("交办", "assigned"), "reassign": ("改交办", "reassigned"),
    "reply": ("答复", "replied"), "resolve": ("办结", "concluded"), "transfer": ("转送", "transferred"),
    "correct": ("更正", "corrected"), "void": ("作废", "voided"), "extend": ("延期", "extended"), "review": ("申请复查", "review requested"),
    "review-answer": ("复查答复", "review answered"), "rereview": ("申请复核", "re-review requested"),
    "rereview-answer": ("复核答复", "re-review answered"),
}


def t(key: str, lang: str, **values) -> str:
    zh, en = TEXT[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def month_title(month: str, lang: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    if lang == "zh":
        return f"{year}年{mon}月"
    return dt.date(year, mon, 1).strftime("%B %Y")


def day_text(value, lang: str) -> str:
    """2026年10月31日 / 2026-10-31."""
    if value is None or value == "":
        return ""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.isoformat()


def yes_no(value, lang: str) -> str:
    if value is None:
        return ""
    return t("yes" if value else "no", lang)


def yuan_text(amount_fen: int) -> str:
    """Integer fen as yuan with two decimals and thousands separators: 1,500.00."""
    sign = "-" if amount_fen < 0 else ""
    whole, cents = divmod(abs(int(amount_fen)), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def number_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return str(value)


def display_width(text: str) -> int:
    """Columns a string takes in a fixed-width view: CJK and full-width characters count 2."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in str(text))


def change_text(ch: dict, lang: str = "zh") -> str:
    """下降15.8% / 上升4.0% / 持平 / 无可比 — the wording of the bureau's report, for a table cell."""
    zh = lang == "zh"
    if ch["trend"] == "none":
        return "无可比" if zh else "no comparison"
    if ch["trend"] == "flat":
        return "持平" if zh else "unchanged"
    pct = f"{abs(ch['pct']):.1f}%"
    if ch["trend"] == "down":
        return f"下降{pct}" if zh else f"down {pct}"
    return f"上升{pct}" if zh else f"up {pct}"


def change_phrase(ch: dict, lang: str = "zh") -> str:
    """The change for a sentence: 同比下降15.8% / 与去年同期持平 / 去年同期为0."""
    zh = lang == "zh"
    if ch["trend"] == "none":
        return "去年同期为0" if zh else "none in the same period last year"
    if ch["trend"] == "flat":
        return "与去年同期持平" if zh else "the same as a year earlier"
    return ("同比" if zh else "") + change_text(ch, lang) + ("" if zh else " on a year earlier")
