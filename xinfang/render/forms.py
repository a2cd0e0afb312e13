"""Printable case forms (A4 HTML): the review-and-assignment form (人民来信呈阅交办单) and the
handling sheet (信访矛盾化解包案处理表), as the townships of the bureau's report print them.

The data comes from ``xinfang.ledger.report.gather_form``: ID and phone numbers arrive masked
unless the clerk revealed them, and the recipients never include the unit an accusation accuses.
"""

from __future__ import annotations

import datetime as dt
import functools
from html import escape

from xinfang.messages import listed, text
from xinfang.render.bulletin import FONT_STACK, sheet_media
from xinfang.render.text import day_text, step_action, t, yes_no

CSS = """
@page { size: A4; margin: 15mm 16mm 15mm 16mm; }
* { box-sizing: border-box; }
html { font-family: %(fonts)s; color: #000; }
body { margin: 0; font-size: 10pt; line-height: 1.4; }
.sheet { max-width: 178mm; margin: 0 auto; }
.issuer { text-align: center; font-size: 12pt; letter-spacing: .1em; margin: 0 0 1mm; }
h1 { text-align: center; font-size: 18pt; letter-spacing: .12em; margin: 0 0 3mm; }
.meta { display: flex; justify-content: space-between; font-size: 10pt; margin-bottom: 2mm; }
table { border-collapse: collapse; width: 100%%; table-layout: fixed; }
th, td { border: .8pt solid #000; padding: 1.1mm 2mm; vertical-align: top; overflow-wrap: anywhere; }
th { width: 25mm; font-weight: 700; text-align: center; vertical-align: middle; background: #f2f2f2; }
td.box { height: 42mm; }
td.tall { height: 15mm; }
td.result { height: 11mm; }
table.list { margin-top: 2.5mm; table-layout: auto; font-size: 9.5pt; }
table.list th { width: auto; }
table.list caption { caption-side: top; text-align: left; font-weight: 700; padding: 1mm 0; }
table.signatures { margin-top: 2.5mm; }
table.closing { margin-top: 2.5mm; }
table.signatures td { height: 13mm; vertical-align: bottom; font-size: 9.5pt; }
table.signatures .who { display: block; margin-bottom: 3.5mm; font-weight: 700; }
.check { font-size: 12pt; }
.recipients { margin-top: 3mm; font-size: 10.5pt; }
.note { margin-top: 2mm; font-size: 8.5pt; color: #333; }
%(sheet)s
  tr, table.signatures { break-inside: avoid; page-break-inside: avoid; }
}
""" % {"fonts": FONT_STACK, "sheet": sheet_media("14mm 16mm")}


def _e(value) -> str:
    return escape("" if value is None else str(value))


def _enum(name: str, value, lang: str) -> str:
    from xinfang import model

    if value in (None, ""):
        return ""
    try:
        member = getattr(model, name)(value)
    except ValueError:
        return str(value)
    return member.zh if lang == "zh" else member.en


def _flags(c: dict, lang: str) -> str:
    parts = [t("flag.major" if c.get("major") else "flag.general", lang)]
    if c.get("collective"):
        parts.append(t("flag.collective", lang))
    if c.get("skip_level"):
        parts.append(t("flag.skip_level", lang))
    if c.get("repeat_of"):  # an earlier case withheld from the recipients is left out (report.gather_form)
        parts.append(t("flag.repeat", lang, earlier=c["repeat_of"]))
    if c.get("initial"):
        parts.append(t("flag.initial", lang))
    return listed(parts, lang)


def _row(*cells) -> str:
    """A form row from (label, value[, colspan]) pairs; values are already escaped HTML."""
    out = []
    for cell in cells:
        label, value, *rest = cell
        span = f' colspan="{rest[0]}"' if rest and rest[0] > 1 else ""
        cls = f' class="{rest[1]}"' if len(rest) > 1 and rest[1] else ""
        out.append(f"<th>{escape(label)}</th><td{span}{cls}>{value}</td>")
    return "<tr>" + "".join(out) + "</tr>"


def _channel(c: dict, lang: str) -> str:
    text = _enum("Channel", c["channel"], lang)
    if c.get("point"):
        text = t("point_of", lang, channel=text, point=c["point"])
    return _e(text)


def _facts(c: dict, lang: str) -> list[str]:
    rows = [
        _row((t("f_name", lang), _e(c["name"])), (t("f_people", lang), _e(c["people"]))),
        _row((t("f_id", lang), _e(c.get("id_number") or "")), (t("f_phone", lang), _e(c.get("phone") or ""))),
        _row((t("f_address", lang), _e(c.get("address") or ""), 3)),
        _row((t("f_channel", lang), _channel(c, lang)), (t("f_level", lang), _e(_enum("Level", c["level"], lang)))),
        _row((t("f_township", lang), _e(c["township"])), (t("f_kind", lang), _e(_enum("Kind", c["kind"], lang)))),
        _row((t("f_category", lang), _e(c["category_label"][lang])), (t("f_nature", lang), _e(_flags(c, lang)))),
    ]
    if c.get("accused"):
        rows.append(_row((t("f_accused", lang), _e(c["accused"]), 3)))
    rows.append(_row((t("f_summary", lang), _e(c["summary"]), 3, "tall")))
    return rows


def _deadline_text(clocks: list[dict], lang: str) -> str:
    parts = []
    for k in clocks:
        if k.get("petitioner_window"):
            continue
        due = day_text(k["due"], lang)
        text = t("labelled", lang, label=_enum("Clock", k["clock"], lang),
                 value=t("provisional_mark", lang, due=due) if k.get("provisional") else due)
        parts.append(_e(text))
    return "<br>".join(parts) or _e(t("f_none", lang))


def _signatures(labels: list[str], lang: str) -> str:
    date = t("f_date", lang)
    blank = escape(t("f_date_blank", lang, date=date))
    cells = "".join(f'<td><span class="who">{escape(label)}</span>{blank}</td>' for label in labels)
    return f'<table class="signatures"><tr>{cells}</tr></table>'


def _step_detail(step: dict, lang: str) -> str:
    from xinfang.output import display, label, note_words

    ch, note = step["changes"], note_words(step["note"], lang)  # the program's own notes worded, a person's as typed
    action = step["action"]
    noted = t("detail.note", lang, note=note) if note else ""
    if action in ("assign", "reassign"):
        unit = ch.get("unit", [None, None])[1]
        leader = ch.get("leader", [None, None])[1]
        words = t("detail.assign", lang, unit=unit or "") + (t("detail.leader", lang, leader=leader) if leader else "")
        joint = ch.get("joint", [None, None])[1]
        if joint:
            import json

            words += t("detail.joint", lang, names=listed(json.loads(joint), lang))
        return words + noted
    if action == "resolve":
        outcome = _enum("Outcome", ch.get("outcome", [None, None])[1], lang)
        if outcome and note:
            return outcome + t("detail.then", lang, note=note)
        return outcome or note or ""
    if action == "transfer":
        to = ch.get("unit", [None, None])[1]
        return t("detail.transfer", lang, to=to) + (t("detail.then", lang, note=note) if note else "")
    if action == "correct":
        parts = [f"{label(f, lang)} {display(f, old, lang) or '—'} → {display(f, new, lang) or '—'}"
                 for f, (old, new) in ch.items() if f not in ("month", "collective", "skip_level", "repeat_of", "initial")]
        return t("detail.sep", lang).join(parts) + noted
    if action == "register":
        return t("detail.register", lang)
    return note or ""


def _list_table(kind: str, caption: str, headings: list[str], rows: list[str], lang: str) -> str:
    """A listing under the form (steps taken, deadlines): a caption, a head row, and a "none" row
    when there is nothing to list."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headings)
    body = "".join(rows) or f'<tr><td colspan="{len(headings)}">{_e(t("f_none", lang))}</td></tr>'
    return (f'<table class="list {kind}"><caption>{escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def _steps_table(steps: list[dict], lang: str) -> str:
    rows = []
    for s in steps:
        action = step_action(s["action"], lang)
        rows.append(f"<tr><td>{_e(s['on'])}</td><td>{_e(action)}</td><td>{_e(_step_detail(s, lang))}</td>"
                    f"<td>{_e(s['who'])}</td></tr>")
    headings = [t(k, lang) for k in ("f_step_on", "f_step_action", "f_step_detail", "f_step_who")]
    return _list_table("steps", t("f_steps", lang), headings, rows, lang)


def _clocks_table(clocks: list[dict], lang: str) -> str:
    rows = []
    for k in clocks:
        due = t("provisional_mark", lang, due=k["due"]) if k.get("provisional") else k["due"]
        met = yes_no(k["met"], lang) if k.get("met") is not None else "—"
        rows.append(f"<tr><td>{_e(_enum('Clock', k['clock'], lang))}</td><td>{_e(k.get('start'))}</td>"
                    f"<td>{_e(due)}</td><td>{_e(k.get('done_on') or '')}</td><td>{_e(met)}</td></tr>")
    headings = [t("f_clock", lang), t("f_from", lang), t("f_due", lang), t("f_done", lang),
                t("f_met", lang)]
    return _list_table("clocks", t("f_deadlines", lang), headings, rows, lang)


def _check(value: bool | None, lang: str) -> str:
    """Two boxes, ☐是 ☐否: the recorded answer ticked, both empty (to tick by hand) when none is."""
    def box(ticked: bool, word: str) -> str:
        return f'<span class="check">{"☑" if ticked else "☐"}</span>{escape(word)}'

    return f'{box(value is True, t("yes", lang))}　{box(value is False, t("no", lang))}'


def _assignment(data: dict, lang: str) -> list[str]:
    c = data["case"]
    unit = _e(c.get("unit") or "")
    if c.get("joint"):
        unit += "<br>" + _e(t("labelled", lang, label=t("f_joint", lang), value=listed(c["joint"], lang)))
    rows = _facts(c, lang)
    rows.append(_row((t("f_leader_note", lang), "", 3, "box")))
    rows.append(_row((t("f_unit", lang), unit), (t("f_leader", lang), _e(c.get("leader") or ""))))
    rows.append(_row((t("f_assigned_on", lang), _e(day_text(c.get("assigned_on"), lang))),
                     (t("f_deadlines", lang), _deadline_text(data["clocks"], lang))))
    out = [f'<table class="form">{"".join(rows)}</table>',
           _signatures([t("f_registrar", lang), t("f_reviewer", lang), t("f_leader_sign", lang),
                        t("f_handler_sign", lang)], lang)]
    if data["recipients"]:
        out.append(f'<p class="recipients">{escape(t("f_recipients", lang))}{_e(listed(data["recipients"], lang))}</p>')
    return out


def _handling(data: dict, lang: str) -> list[str]:
    c = data["case"]
    rows = _facts(c, lang)
    rows.append(_row((t("f_leader", lang), _e(c.get("leader") or "")), (t("f_unit", lang), _e(c.get("unit") or ""))))
    rows.append(_row((t("f_joint", lang), _e(listed(c.get("joint") or [], lang) or t("f_none", lang))),
                     (t("f_assigned_on", lang), _e(day_text(c.get("assigned_on"), lang)))))
    facts = f'<table class="form">{"".join(rows)}</table>'
    outcome = _enum("Outcome", c.get("outcome"), lang)
    result = t("separator.colon", lang).join(p for p in (outcome, data["result"] or "") if p)
    closing = [
        _row((t("f_reply", lang), _e(data["reply"] or ""), 3, "result")),
        _row((t("f_result", lang), _e(result), 3, "result")),
        _row((t("f_status", lang), _e(_enum("Status", c["status"], lang))),
             (t("f_satisfaction", lang), _e(_enum("Satisfaction", c.get("satisfaction"), lang)))),
        _row((t("f_signed", lang), _check(c.get("signed"), lang)), (t("f_cease", lang), _check(c.get("cease_agreement"), lang))),
    ]
    return [facts, _clocks_table(data["clocks"], lang), _steps_table(data["steps"], lang),
            f'<table class="form closing">{"".join(closing)}</table>',
            _signatures([t("f_petitioner_sign", lang), t("f_leader_sign2", lang), t("f_unit_seal", lang)], lang)]


def masked(data: dict) -> dict:
    """The form's facts with ID and phone numbers masked — in the case, in its handling steps' changes
    and notes, in the reply and the result, wherever a number was written — unless the clerk asked
    to see them (``revealed``)."""
    from xinfang.output import mask
    from xinfang.personal import mask_note, mask_text, masked as hide

    if data.get("revealed"):
        return data
    steps = [{**s, "note": mask_note(s.get("note")),
              "changes": {f: [hide(f, v) for v in ch] for f, ch in s["changes"].items()}}
             for s in data["steps"]]
    return {**data, "case": mask(data["case"], False), "steps": steps, "reply": mask_text(data.get("reply")),
            "result": mask_text(data.get("result"))}


def to_html(data: dict, lang: str, today: dt.date) -> str:
    """One case's form as a self-contained A4 HTML page; personal data masked unless revealed."""
    data = masked(data)
    c = data["case"]
    title = t("f_assignment" if data["kind"] == "assignment" else "f_handling", lang)
    colon = t("separator.colon", lang)
    meta_left = f"{t('f_number', lang)}{colon}{c['number']}"
    meta_right = f"{t('f_received', lang)}{colon}{day_text(c['received'], lang)}"
    issuer = data.get("issuer") or t("issuer", lang)
    body = [f'<p class="issuer">{escape(issuer)}</p>', f"<h1>{escape(title)}</h1>",
            f'<div class="meta"><span>{escape(meta_left)}</span><span>{escape(meta_right)}</span></div>']
    body += _assignment(data, lang) if data["kind"] == "assignment" else _handling(data, lang)
    notes = []
    if data.get("for_unit"):
        notes.append(f"{t('f_for', lang)}{colon}{data['for_unit']}")
    notes.append(f"{t('f_generated', lang)}{colon}{day_text(today, lang)}")
    if not data["revealed"]:
        notes.append(t("f_masked", lang))
    line = functools.reduce(lambda so_far, note: t("notes_then", lang, notes=so_far, then=note), notes)
    body.append(f'<p class="note">{escape(line)}</p>')
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(title)} {escape(c['number'])}</title>\n<style>{CSS}</style>\n</head>\n"
            f'<body>\n<main class="sheet form-{data["kind"]}">\n' + "\n".join(body) + "\n</main>\n</body>\n</html>\n")
