"""Wording of the lifecycle's refusals (``xinfang.rules.lifecycle.Refusal`` codes): message and fix.

Templates are ``str.format`` strings over the refusal's parameters; the field the refusal names
(``CASE``, ``--on``, or an import file's column) is put in front by ``refusal_text``.
"""

from __future__ import annotations

from xinfang.model import Status

# code -> (message, fix)
TEXT: dict[str, tuple[str, str]] = {
    "wrong_status": ("{case} is {status.value} ({status.zh}); cannot {doing}", "{hint}"),
    "after_today": ("{on} is after today ({today})", "give the date it actually happened"),
    "before_field": ("{on} is before the case's {after_words} ({earlier})", "give a date on or after it"),
    "before": ("{on} is before {what} ({earlier})", "give a date on or after it"),
    "accused_handles": ("{case} is an accusation against {accused}; it can never be handled by the accused",
                        "assign it to another unit or leader"),
    "joint_not_major": ("joint handling (联合办访) is for major matters",
                        "mark the case major with 'xinfang correct --major' or drop --joint"),
    "not_voidable": ("{case} is {status.value} ({status.zh}); only a registration made by mistake, not yet"
                     " answered (registered, accepted, assigned) or not accepted again, is voided (作废)",
                     "correct its facts instead with 'xinfang correct {case} --reason …'"),
    "correct_voided": ("{case} was voided (已作废)", "a voided case is not corrected; register the letter or visit again"),
    "correct_no_reply": ("{case} is {status.value} ({status.zh}); no reply is recorded to correct",
                         "record it with 'xinfang reply {case}'"),
    "correct_no_result": ("{case} is {status.value} ({status.zh}); it has no result (outcome, satisfaction) to correct",
                          "record the result with 'xinfang resolve {case}'"),
    "correct_transferred": ("{case} was transferred", "corrections apply to cases of this office"),
    "accused_is_handler": ("{case} is handled by {accused}",
                           "reassign the case before naming that unit or person as accused"),
    "correct_other_year": ("a correction cannot move a case into another year",
                           "transfer this case and register it again in the right year"),
    "final": ("{case} was re-reviewed (复核){answered_words}; the same matter is not accepted again (不再受理)",
              "no further review is possible; only a new matter with new facts is registered as a new case"),
    "already_under_review": ("{case} is already {status.en} ({status.zh}) since {since}",
                             "record the answer first with 'xinfang review {case} --answer --on D --summary …'"),
    "review_before_reply": ("{case} is {status.value} ({status.zh}); a review is asked after the reply", "{hint}"),
    "window_ended": ("the {stage.en} request window ({window_zh}期限) ended on {due} ({days} days from {contests} on"
                     " {start}); a request on {on} is too late",
                     "a late request is not accepted; check the date the petitioner asked"),
    "not_under_review": ("{case} is {status.value} ({status.zh}), not under review",
                         "record a request first with 'xinfang review {case} --on D'"),
    "not_extendable": ("the {clock.value} deadline ({clock.zh}) cannot be extended", "only {extendable} can be extended"),
    "no_clock_yet": ("{case} has no {clock.value} deadline ({clock.zh}) yet", "assign the case first with 'xinfang assign'"),
    "clock_ended": ("the {clock.value} deadline of {case} ended on {done_on}", "only a running deadline can be extended"),
    "already_extended": ("{case} {clock.value} was already extended by {extension_days} days (due {due});"
                         " only one extension is allowed",
                         "no further extension is possible; conclude the case by {due}"),
    "bad_extension": ("{why}", "give --days from 1 to {max}"),
    "extension_after_today": ("{on} is after today ({today})", "give the date the extension was approved"),
    "extension_before_start": ("{on} is before the {clock.value} deadline started ({start})",
                               "give the date the extension was approved"),
    "already_accepted": ("{case} was accepted on {on}", "acceptance is recorded once"),
    "receipt_of_interim": ("an interim reply opens no review window",
                           "give --written for the written opinion (书面处理意见), or drop --received-on"),
    "already_written": ("{case} has its written opinion of {on} already",
                        "record a further reply without --written, or its receipt with --received-on"),
    "no_written_opinion": ("{case} has no written opinion (书面处理意见) yet",
                           "record it first with 'xinfang reply {case} --written'"),
    "already_received": ("{case}: the petitioner received the written opinion on {on}", "its receipt is recorded once"),
    "no_review_window": ("{case}: the review window opens when the petitioner receives the written opinion"
                         " (书面处理意见), and {written_words}",
                         "record its receipt with 'xinfang reply {case} --received-on D'"),
    "no_objection_window": ("{case} has no objection window (交办异议期) in this ledger's policy",
                            "the unit's objection is recorded in the case's history with 'xinfang correct' instead"),
    "objection_used": ("{case}: the unit objected on {on} already", "assign the case again with 'xinfang assign'"),
    "objection_late": ("the objection window (交办异议期) ended on {due} ({days} working days from the assignment"
                       " on {start}); an objection on {on} is too late",
                       "a late objection is not accepted; the unit handles the case"),
    "told_out_of_range": ("{told_on} is before the approval ({on}) or after today ({today})",
                          "give the day the petitioner was told of the extension"),
    "extension_after_due": ("the {clock.value} deadline already ran out on {due}",
                            "an extension is approved within the deadline; give --on {due} or earlier"),
}

HINT_TEXT = {
    "assign_first": "assign it first with 'xinfang assign'",
    "reply_first": "record the reply first with 'xinfang reply'",
    "closed_review": "it is closed; a dissatisfied petitioner may ask for review ('xinfang review')",
    "final": "the matter was re-reviewed and is not accepted again",
    "under_review": "it is under review (复查); record the answer with 'xinfang review CASE --answer'",
    "under_rereview": "it is under re-review (复核); record the answer with 'xinfang review CASE --answer'",
    "transferred": "it was transferred to another body",
    "declined": "it was declined (不予受理); the petitioner was told the statutory route",
    "not_reaccepted": "the matter is final (不再受理); this registration starts nothing",
    "voided": "it was voided (已作废); it counts nowhere and stays in the history",
}

# Extension refusals of ``rules.deadlines.extension_allowed``.
EXTENSION_TEXT = {
    "not_extendable": "this deadline cannot be extended",
    "already_extended": "this deadline has already been extended; only one extension is allowed",
    "too_short": "an extension must be at least 1 day, not {days}",
    "too_long": "an extension can be at most {max} days, not {days}",
}


def _words(code: str, params: dict) -> dict:
    """Parameters the templates need that are words, not values."""
    p = dict(params)
    if code == "wrong_status":
        p["hint"] = HINT_TEXT[p["hint"]] if p.get("hint") else "allowed from: " + ", ".join(p["allowed"])
    elif code == "review_before_reply":
        p["hint"] = (HINT_TEXT["reply_first"] if p["assigned"] else "only a replied or closed case can be taken to review")
    elif code == "before_field":
        p["after_words"] = p["after"].replace("_", " ")
    elif code == "no_review_window":
        p["written_words"] = (f"the written opinion of {p['written']} has no receipt recorded" if p.get("written")
                              else "no written opinion is recorded")
    elif code == "final":
        p["answered_words"] = f" on {p['answered']}" if p.get("answered") else ""
    elif code == "already_under_review":
        p["since"] = p["since"] or "?"
    elif code == "window_ended":
        p["window_zh"] = "申请复核" if p["stage"] == Status.rereview else "申请复查"
    elif code == "not_extendable":
        p["extendable"] = ", ".join(p["extendable"]) or "no clock"
    elif code == "bad_extension":
        why, args = p["why"]
        p["why"] = EXTENSION_TEXT[why].format(**args)
    return p


def refusal_text(code: str, params: dict, field: str | None = None) -> tuple[str, str]:
    """(message, fix) of a refusal; ``field`` (``CASE``, ``--on``, a column name) leads the message."""
    message, fix = TEXT[code]
    p = _words(code, params)
    message = message.format(**p)
    return (f"{field}: {message}" if field else message), fix.format(**p)
