"""Column labels in Chinese and English: what listings, files and import headers call each field."""

from __future__ import annotations

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
    "joint": ("联合办理", "joint"), "leader": ("包案领导", "leader"), "accepted_on": ("受理日期", "accepted"), "told": ("告知方式", "told"),
    "decline_ground": ("不予受理理由", "decline ground"), "review_body": ("复查复核机关", "reviewing body"), "assigned_on": ("交办日期", "assigned"),
    "replied_on": ("答复日期", "replied"), "written_on": ("书面意见日期", "written opinion"),
    "opinion_received_on": ("书面意见签收日期", "opinion received"), "closed_on": ("办结日期", "closed"), "outcome": ("处理结果", "outcome"),
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
    "adjustments": ("结算后调整", "post-settlement adjustments"),
    "charged": ("扣款案件", "charged cases"), "share": ("奖励额", "share"), "entry": ("流水号", "entry"),
    "amount": ("金额", "amount"), "on": ("日期", "date"),
    "date": ("日期", "date"), "weekday": ("星期", "weekday"), "day_type": ("类型", "type"),
    "holiday": ("节日", "holiday"), "old_due": ("原到期日", "old due"),
    "prev_score": ("上月得分", "prev. month"), "change_prev": ("环比", "vs prev. month"),
    "prev_year_score": ("去年同月得分", "same month last year"), "change_last_year": ("同比", "vs last year"),
    "skip_level_cases": ("越级", "skip-level"), "collective_cases": ("集体访", "collective"),
    "published": ("已公布", "published"), "method": ("计分方法", "method"), "end": ("截止日", "end"),
    "months": ("涉及月份", "months"), "reason": ("理由", "reason"), "allowed": ("允许", "allowed"),
    "reasons": ("原因", "reasons"), "command": ("命令", "command"), "case_list": ("涉及事项", "cases"),
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
    "seal": ("封存", "sealed"), "reveal": ("查看个人信息", "personal data revealed"),
}
