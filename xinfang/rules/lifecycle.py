"""The case lifecycle (信访事项办理流程) as one table-driven state machine.

``step(case, action, policy, calendar, today)`` answers what one action does to one case: the new
status, and the ordered effects the ledger applies — the case fields that change, the deadline
clocks that start, are judged, stop, restart or are extended — or a ``Refusal`` with a code and its
parameters (the words, in zh and en, are the edge's). Every command that moves a case and every
row an import folds goes through it; nothing else decides which status allows which action or
which clock an action starts, judges or stops.

``TRANSITIONS`` is the table: per action, the statuses it may start from, the status it leads
to, and its effects in the order they are recorded. Which clocks an effect touches is data too:
``Start`` names the policy triggers whose clocks start (``data/rules.toml`` says which clock runs
from which trigger), ``Judge`` the clocks it judges (``DUTIES``: every duty clock still running;
the petitioner's own windows, ``model.WINDOWS``, are never judged against the office).
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from xinfang.model import WINDOWS, Clock, ClockRule, DeclineGround, Policy, Status, Told, reassign_note
from xinfang.rules.calendar import WorkCalendar
from xinfang.rules.deadlines import clocks_started_by, deadline_for, extension_allowed
from xinfang.rules.protection import handled_by_accused, protected_names


# --- the state ------------------------------------------------------------------------------------

class ClockState(NamedTuple):
    """One deadline clock of a case as stored: counted with its own days and counting, so a later
    edit of the policy never silently moves a running deadline."""

    clock: Clock
    start: dt.date
    days: int
    counting: str
    due: dt.date
    provisional: bool
    version: str
    extension_days: int = 0
    done_on: dt.date | None = None
    met: bool | None = None

    @property
    def running(self) -> bool:
        return self.done_on is None


class CaseState(NamedTuple):
    """What the lifecycle reads of a case. ``status`` is None before registration."""

    number: str
    status: Status | None
    received: dt.date
    major: bool = False
    accused: str | None = None
    unit: str | None = None
    leader: str | None = None
    joint: tuple[str, ...] = ()
    assigned_on: dt.date | None = None
    replied_on: dt.date | None = None
    closed_on: dt.date | None = None
    accepted_on: dt.date | None = None
    written_on: dt.date | None = None  # the written opinion (书面处理意见)
    opinion_received_on: dt.date | None = None  # the petitioner received it: the review window opens
    clocks: tuple[ClockState, ...] = ()
    # 检举控告: the normalised names that may never handle this case (``rules.protection``).
    protected: frozenset[str] = frozenset()
    review_body: str | None = None  # the body a review (复查/复核) went to
    reassigned_on: dt.date | None = None  # the day of its latest reassignment (改交办), if any

    def clock(self, clock: Clock) -> ClockState | None:
        for c in self.clocks:
            if c.clock == clock:
                return c
        return None


# --- actions --------------------------------------------------------------------------------------

class Register(NamedTuple):
    on: dt.date
    final_case: str | None = None  # the matter is final already (不再受理): that case's number


class Accept(NamedTuple):
    """受理: the petitioner is told the matter is accepted (``told``: how)."""

    on: dt.date
    told: str


class Decline(NamedTuple):
    """不予受理: the matter belongs to another statutory route (``ground``), the petitioner told in writing."""

    on: dt.date
    ground: str
    reason: str | None = None


class Object(NamedTuple):
    """The responsible unit's objection to a wrong assignment (异议, 条例 art. 23 §3)."""

    on: dt.date
    reason: str | None = None


class Assign(NamedTuple):
    on: dt.date
    unit: str
    leader: str
    joint: tuple[str, ...] = ()


class Reply(NamedTuple):
    """An interim reply, or (``written``) the written opinion (书面处理意见); ``received_on``: the day
    the petitioner received the written opinion, which opens the review window."""

    on: dt.date
    summary: str | None = None
    written: bool = False
    received_on: dt.date | None = None


class Receipt(NamedTuple):
    """The petitioner received the written opinion recorded before."""

    on: dt.date


class Resolve(NamedTuple):
    on: dt.date
    outcome: str | None
    summary: str | None = None
    signed: bool = False
    satisfaction: str | None = None
    cease_agreement: bool = False


class Transfer(NamedTuple):
    on: dt.date
    to: str
    reason: str | None = None


class RequestReview(NamedTuple):
    """The petitioner asks for review (复查), or for re-review (复核) after a review answer, of
    ``body`` (the body one level up; default: the policy's)."""

    on: dt.date
    reason: str | None = None
    body: str | None = None


class AnswerReview(NamedTuple):
    """The answer to a review (the case closes again) or a re-review (the matter becomes final)."""

    on: dt.date
    summary: str | None = None


class Extend(NamedTuple):
    """延期 (条例 art. 34): approved by ``approved_by``; the petitioner told on ``told_on``."""

    clock: Clock
    days: int
    on: dt.date
    reason: str | None = None
    approved_by: str | None = None
    told_on: dt.date | None = None


class Void(NamedTuple):
    """作废: the case was registered by mistake (a duplicate entry, a letter not for this office); it
    leaves every count and stays in the history. ``on``: the day it was voided."""

    on: dt.date
    reason: str


class Correct(NamedTuple):
    """A correction of registered facts, as merged (old values and the new ones): the accused, whom
    the corrected case protects against (``protected``), the received date, whether an accusation;
    and whether it corrects what the petitioner was told: the reply's text (``reply``), the result
    (``result``: outcome, satisfaction)."""

    accused: str | None
    received: dt.date
    accusation: bool
    protected: frozenset[str] = frozenset()
    reply: bool = False
    result: bool = False
    major: bool | None = None  # the corrected 重大事项 flag (None: as it was)


class Restate(NamedTuple):
    """An imported case whose file gives a status the dated facts alone do not reach (under review,
    final): the status is taken from the file, every duty clock still running is judged on ``on``,
    and the petitioner's window is not kept: the file does not say when it was used."""

    status: Status
    on: dt.date


# --- effects, in the order they are recorded ------------------------------------------------------

class SetFields(NamedTuple):
    """Case fields that change (values as stored), recorded under ``action`` with ``note``."""

    action: str
    fields: dict
    note: str | None = None


class StartClock(NamedTuple):
    state: ClockState
    body: str | None = None  # the body the clock is chased against, when not the case's unit


class RestartClock(NamedTuple):
    """A clock run again from a new start (the re-review request window after a review answer; an
    assignment's clocks after the unit's objection)."""

    state: ClockState
    old_due: dt.date | None
    why: str  # code: "rereview_window", "reassignment"


class RecountClock(NamedTuple):
    """A clock that ended, counted again from a corrected start (the received date of its
    registration): its new due date, and the judgement of the same end day against it."""

    state: ClockState
    old_due: dt.date
    old_met: bool | None


class JudgeClock(NamedTuple):
    clock: Clock
    on: dt.date
    met: bool
    due: dt.date


class CloseWindow(NamedTuple):
    """A window used in time: the petitioner's request came (``why``: the stage asked for), or the
    unit's objection (``why``: "objection")."""

    clock: Clock
    on: dt.date
    why: str


class StopClock(NamedTuple):
    """A clock stopped unjudged: the case left this office."""

    clock: Clock
    on: dt.date


class DropClock(NamedTuple):
    """A clock an imported case does not keep (a petitioner's window the file cannot date)."""

    clock: Clock


class ExtendClock(NamedTuple):
    state: ClockState  # the clock with its new due date
    old_due: dt.date
    on: dt.date
    reason: str | None
    approved_by: str | None = None
    told_on: dt.date | None = None


class Step(NamedTuple):
    """What an action does: the history ``action`` name, the new status, the effects in order."""

    action: str
    status: Status
    effects: tuple
    after: "CaseState | None" = None  # the case after the step, when the step worked it out itself

    @property
    def started(self) -> list[ClockState]:
        return [e.state for e in self.effects if isinstance(e, (StartClock, RestartClock, ExtendClock))]

    @property
    def judged(self) -> dict[Clock, bool]:
        return {e.clock: e.met for e in self.effects if isinstance(e, JudgeClock)}

    def apply(self, case: CaseState) -> CaseState:
        """The case as it is after this step (for folding several steps, as import does)."""
        if self.after is not None:
            return self.after
        clocks = list(case.clocks)
        index = {c.clock: i for i, c in enumerate(clocks)}
        fields: dict = {}
        for e in self.effects:
            if isinstance(e, SetFields):
                fields.update(e.fields)
            elif isinstance(e, StartClock):
                index[e.state.clock] = len(clocks)
                clocks.append(e.state)
            elif isinstance(e, (RestartClock, ExtendClock, RecountClock)):
                if e.state.clock in index:
                    clocks[index[e.state.clock]] = e.state
                else:
                    index[e.state.clock] = len(clocks)
                    clocks.append(e.state)
            elif isinstance(e, JudgeClock):
                i = index[e.clock]
                clocks[i] = clocks[i]._replace(done_on=e.on, met=e.met)
            elif isinstance(e, CloseWindow):
                i = index[e.clock]
                clocks[i] = clocks[i]._replace(done_on=e.on, met=True)
            elif isinstance(e, StopClock):
                i = index[e.clock]
                clocks[i] = clocks[i]._replace(done_on=e.on)
            elif isinstance(e, DropClock):
                clocks = [c for c in clocks if c.clock != e.clock]
                index = {c.clock: i for i, c in enumerate(clocks)}
        changes = {k: fields[k] for k in ("unit", "leader") if k in fields}
        if "joint" in fields:
            changes["joint"] = tuple(fields["joint"] or ())
        for k in ("assigned_on", "replied_on", "closed_on", "accepted_on", "written_on", "opinion_received_on"):
            if k in fields:
                changes[k] = fields[k]
        return case._replace(status=self.status, clocks=tuple(clocks), **changes)


class Refusal(NamedTuple):
    """Why an action cannot be taken: a code and its parameters (worded at the edge)."""

    code: str
    params: dict
    field: str = "CASE"


# --- the table ------------------------------------------------------------------------------------

DUTIES = None  # ``Judge(DUTIES)``: every duty clock still running


class Start(NamedTuple):
    """Start the clocks the policy runs from these triggers (those not started already; one stopped
    unjudged, as an assignment's clocks after an objection, runs again)."""

    triggers: tuple[str, ...]


class Judge(NamedTuple):
    """Judge these running clocks (``DUTIES``: every duty clock) on the action's date."""

    clocks: tuple[Clock, ...] | None
    at_opinion: bool = False  # a review asked before closing judges the duties on the written opinion's date


class Set(NamedTuple):
    """Record the action's case fields (and the new status)."""


class Stop(NamedTuple):
    """Stop running clocks unjudged: every one, or those ``triggers`` start (an objected assignment's)."""

    triggers: tuple[str, ...] | None = None


class UseWindow(NamedTuple):
    """A window (the petitioner's review request window, the unit's objection window): checked
    open, then closed as used."""

    clock: Clock


class OpenOpinionWindow(NamedTuple):
    """The review request window runs from the petitioner's receipt of the written opinion (条例 art.
    35): opened when the action records that receipt (a written opinion received, a conclusion the
    petitioner signs when no written opinion was received before)."""


class StartStage(NamedTuple):
    """Start the answer clock of the review stage (复查答复 / 复核答复), chased against the reviewing body."""


class JudgeStage(NamedTuple):
    """Judge the answer clock of the review stage."""


class ReopenWindow(NamedTuple):
    """After a review answer: the window for a re-review request runs from the answer."""


class Rule(NamedTuple):
    """One row of the table: from which statuses, to which status, with which effects in order."""

    allowed: frozenset[Status | None]
    to: Status | None  # None: decided by the action (the review stage, the answer's outcome)
    effects: tuple
    doing: str  # what the refusal says cannot be done


_NEW = frozenset({Status.registered, Status.accepted})
# 作废 undoes a registration made by mistake: possible while the office has told the petitioner no
# answer (registered, accepted, assigned) and for a 不再受理 entry typed twice. A case replied to,
# concluded, declined, transferred, under review or final is a real matter the petitioner was
# answered on: its facts are corrected ('correct'), never voided.
VOIDABLE = frozenset({Status.registered, Status.accepted, Status.assigned, Status.not_reaccepted})

TRANSITIONS: dict[str, Rule] = {
    "register": Rule(frozenset({None}), Status.registered, (Start(("registration",)),), "register"),
    # 不再受理 (条例 art. 36): the matter is final; recorded with a reference, no clock runs.
    "register-final": Rule(frozenset({None}), Status.not_reaccepted, (), "register"),
    # 受理: the petitioner told (arts. 22–23) meets the notice clock; handling runs from acceptance.
    "accept": Rule(frozenset({Status.registered, Status.assigned}), None,
                   (Set(), Judge((Clock.notice,)), Start(("acceptance",))), "accept"),
    # 不予受理 (art. 31): told which route the matter belongs to; meets the notice clock, ends the case.
    "decline": Rule(frozenset({Status.registered}), Status.declined, (Set(), Judge((Clock.notice,)), Stop()),
                    "decline"),
    # 交办: the local reply or conclusion clock and the unit's objection window.
    "assign": Rule(_NEW, Status.assigned, (Set(), Start(("assignment",))), "assign"),
    "reassign": Rule(frozenset({Status.assigned}), Status.assigned, (Set(),), "assign"),
    # 异议 (art. 23 §3): within its window the unit hands the case back; the assignment's clocks stop.
    "object": Rule(frozenset({Status.assigned}), None, (UseWindow(Clock.objection), Stop(("assignment",)), Set()),
                   "object to the assignment"),
    "reply": Rule(frozenset({Status.assigned, Status.replied}), Status.replied,
                  (Set(), Judge((Clock.reply,)), OpenOpinionWindow()), "record a reply"),
    "receipt": Rule(frozenset({Status.replied, Status.closed}), None, (Set(), OpenOpinionWindow()),
                    "record the receipt of the written opinion"),
    "resolve": Rule(frozenset({Status.assigned, Status.replied}), Status.closed,
                    (Set(), Judge(DUTIES), OpenOpinionWindow()), "resolve"),
    "transfer": Rule(frozenset({Status.registered, Status.accepted, Status.assigned}), Status.transferred,
                     (Set(), Stop()), "transfer"),
    "review": Rule(frozenset({Status.replied, Status.closed}), None,
                   (UseWindow(Clock.review_request), Judge(DUTIES, at_opinion=True), Set(), StartStage()),
                   "request a review"),
    "review-answer": Rule(frozenset({Status.review, Status.rereview}), None,
                          (JudgeStage(), Set(), ReopenWindow()), "answer a review"),
    # 作废: out of every count; every clock still running stops unjudged (no overdue, no on-time result).
    "void": Rule(VOIDABLE, Status.voided, (Set(), Stop()), "void"),
}

# How a case that arrives with a status (an import file's row) got there: the actions its dated
# facts record, in order, each required (True), optional (False), or one of a group (None) of
# which at least one is given. Statuses the dated facts alone do not reach end with ``Restate``.
PATHS: dict[Status, tuple[tuple[str, bool | None], ...]] = {
    Status.registered: (),
    Status.accepted: (("accept", True),),
    Status.declined: (("decline", True),),
    Status.assigned: (("accept", False), ("assign", True)),
    Status.replied: (("accept", False), ("assign", True), ("reply", True)),
    Status.closed: (("accept", False), ("assign", True), ("reply", False), ("resolve", True)),
    Status.review: (("accept", False), ("assign", True), ("reply", None), ("resolve", None)),
    Status.rereview: (("accept", False), ("assign", True), ("reply", False), ("resolve", True)),
    Status.final: (("accept", False), ("assign", True), ("reply", False), ("resolve", True)),
    Status.transferred: (("accept", False), ("assign", False), ("transfer", True)),
    Status.not_reaccepted: (),
    Status.voided: (("accept", False), ("assign", False), ("void", True)),
}
RESTATED = frozenset({Status.review, Status.rereview, Status.final})
IMPORTED_FINAL = "(import)"  # the final case of a 不再受理 row: its number in the source ledger is not ours
# The case fields each action records; the first is its date, which says the action happened.
# Fields in ``OPTIONAL_FIELDS`` may be left out even when the action happened.
ACTION_FIELDS = {"accept": ("accepted_on", "told"), "decline": ("closed_on", "decline_ground"), "assign": ("assigned_on", "unit"),
                 "reply": ("replied_on", "written_on", "opinion_received_on"),
                 "resolve": ("closed_on", "outcome", "satisfaction"),
                 "transfer": ("closed_on", "unit"), "void": ("closed_on",)}
OPTIONAL_FIELDS = frozenset({"outcome", "satisfaction", "written_on", "opinion_received_on", "told", "decline_ground"})


def path_fields(status: Status) -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
    """(fields a case in ``status`` needs, fields it may carry, fields of which at least one is needed)."""
    needed: set[str] = set()
    allowed: set[str] = set()
    group: list[str] = []
    for action, required in PATHS[status]:
        fields = ACTION_FIELDS[action]
        allowed.update(fields)
        if required:
            needed.update(f for f in fields if f not in OPTIONAL_FIELDS)
        elif required is None:
            group.append(fields[0])
    return frozenset(needed), frozenset(allowed), tuple(group)


def closes(status: Status) -> bool:
    """Whether a case in ``status`` was concluded (办结) on its way there: signed off, with an outcome."""
    return any(action == "resolve" for action, _ in PATHS[status])


def path_actions(status: Status, received: dt.date, assigned_on: dt.date | None, replied_on: dt.date | None,
                 closed_on: dt.date | None, unit: str | None, leader: str | None, joint: tuple[str, ...],
                 outcome: str | None, accepted_on: dt.date | None = None, legacy: bool = False,
                 written_on: dt.date | None = None, opinion_received_on: dt.date | None = None,
                 told: str | None = None, decline_ground: str | None = None,
                 objected_on: dt.date | None = None, extension: Extend | None = None) -> list:
    """The actions the dated facts of a case in ``status`` record, in order (``PATHS``). ``legacy``:
    a file without acceptance dates (written before 受理 was recorded) had acceptance at assignment.
    ``objected_on``: the unit objected to the assignment that day (a case awaiting assignment again,
    or declined since). ``extension``: a clock was extended (延期), taken in its place among the dated actions."""
    actions = _dated_path(status, received, assigned_on, replied_on, closed_on, unit, leader, joint, outcome,
                          accepted_on, legacy, written_on, opinion_received_on, told, decline_ground, objected_on)
    if extension is not None:
        # after the actions of earlier days and the same day's registration, acceptance and
        # assignment (which start the clocks); before the same day's reply, conclusion or end
        at = 1
        while at < len(actions) and (actions[at].on < extension.on or actions[at].on == extension.on
                                     and isinstance(actions[at], (Accept, Assign))):
            at += 1
        actions.insert(at, extension)
    return actions


def _dated_path(status: Status, received: dt.date, assigned_on: dt.date | None, replied_on: dt.date | None,
                closed_on: dt.date | None, unit: str | None, leader: str | None, joint: tuple[str, ...],
                outcome: str | None, accepted_on: dt.date | None, legacy: bool, written_on: dt.date | None,
                opinion_received_on: dt.date | None, told: str | None, decline_ground: str | None,
                objected_on: dt.date | None) -> list:
    if status == Status.not_reaccepted:  # recorded as not accepted again: no clock runs
        return [Register(received, final_case=IMPORTED_FINAL)]
    actions: list = [Register(received)]
    declined = Decline(closed_on, decline_ground or DeclineGround.other.value) if status == Status.declined else None
    if declined is not None and objected_on is None:
        return actions + [declined]
    if legacy:
        accepted_on = accepted_on or assigned_on
    if accepted_on and (not assigned_on or accepted_on <= assigned_on):
        actions.append(Accept(accepted_on, told or Told.written.value))
    if assigned_on:
        actions.append(Assign(assigned_on, unit or "", leader or "", joint))
    if accepted_on and assigned_on and accepted_on > assigned_on:
        actions.append(Accept(accepted_on, told or Told.written.value))
    if objected_on is not None:  # awaiting assignment again, or declined after the objection
        actions.append(Object(objected_on))
        return actions + [declined] if declined is not None else actions
    if status == Status.transferred:
        actions.append(Transfer(closed_on, unit or ""))
        return actions
    if status == Status.voided:
        actions.append(Void(closed_on, ""))
        return actions
    if replied_on and legacy:
        # A file from before the written opinion was recorded: its reply opened the review window.
        actions.append(Reply(replied_on, written=True, received_on=replied_on))
    elif replied_on:
        first_is_written = written_on == replied_on
        actions.append(Reply(replied_on, written=first_is_written,
                             received_on=opinion_received_on if first_is_written else None))
        if written_on and not first_is_written:
            actions.append(Reply(written_on, written=True, received_on=opinion_received_on))
    if closed_on and closes(status):
        actions.append(Resolve(closed_on, outcome))
    if status in RESTATED:
        actions.append(Restate(status, closed_on or replied_on))
    return actions


# --- a whole path at once -------------------------------------------------------------------------

class Folded(NamedTuple):
    """Where a path of actions (``path_actions``) leaves a case: its status, clocks and dated fields
    (``PATH_DATES`` after ``received``), the steps taken, and the clock history the path records
    (``clock_history``); or the action refused and why."""

    status: Status | None
    clocks: tuple[ClockState, ...]
    dates: tuple  # accepted_on, assigned_on, replied_on, written_on, opinion_received_on, closed_on
    steps: tuple[Step, ...] | None = None  # None: evaluated from the path's plan
    refused: object = None
    refusal: Refusal | None = None
    history: tuple | None = None  # the clock effects recorded, when asked for (``PathPlans.fold``)


# The clock effects a case's history records, one row each (``ledger.lifecycle.clock_events``).
HISTORY_EFFECTS = (StartClock, ExtendClock, JudgeClock, CloseWindow, StopClock)


def clock_history(steps) -> tuple:
    """The clock effects of ``steps`` a new case's history records, in order: every clock started,
    judged, closed in time or stopped, except the clocks the last step drops (an imported case does
    not keep them)."""
    if not steps:
        return ()
    dropped = {e.clock for e in steps[-1].effects if isinstance(e, DropClock)}
    return tuple(e for s in steps for e in s.effects
                 if isinstance(e, HISTORY_EFFECTS)
                 and (e.state.clock if isinstance(e, (StartClock, ExtendClock)) else e.clock)
                 not in dropped)


# The dated facts of a path, in the order ``PathPlans.fold`` takes them.
PATH_DATES = ("received", "accepted_on", "assigned_on", "replied_on", "written_on", "opinion_received_on", "closed_on")


def fold_path(case: CaseState, actions: list, policy: Policy, clocking: Clocking, today: dt.date) -> Folded:
    """``step`` after ``step`` along ``actions`` from ``case``: the case they leave, or the first refusal."""
    steps = []
    for action in actions:
        result = step(case, action, policy, clocking, today)
        if isinstance(result, Refusal):
            return Folded(None, (), (), tuple(steps), action, result)
        case = result.apply(case)
        steps.append(result)
    return Folded(case.status, case.clocks, tuple(getattr(case, k) for k in PATH_DATES[1:]), tuple(steps))


_REMEMBERED = 50_000  # clocks ``PathPlans`` keeps, as they ended, for the next case of the same dates


class PathPlans:
    """Paths evaluated in one pass instead of step by step. What ``fold_path`` does along the actions
    ``path_actions`` gives depends only on the path's shape: the status, whether the case is a major
    matter, whether the file is a legacy one, whether it is handled jointly, and how its dates (and
    today) order, ties included. For each shape met, the first case is folded step by step and
    remembered as a plan: each clock it leaves, the dates it starts and ends on, and how it ended
    (judged against its due date, a window used, stopped unjudged); the path's dated fields as
    which of its dates they are; and its clock history (``clock_history``) as which clock each
    entry starts or ends. Every later case of the shape takes its clocks and history from the plan,
    its due dates counted for its own dates (``Clocking``). An accusation protects the accused only
    from handling the case (``handled_by_accused``), so a protected case whose path names none of
    them as a handler takes the plan of its shape; one that names them is folded step by step, to
    its refusal. Held equal to ``fold_path`` by a property (tests/rules/test_lifecycle.py)."""

    def __init__(self, policy: Policy, clocking: Clocking, today: dt.date):
        self.policy, self.clocking, self.today = policy, clocking, today
        self._plans: dict[tuple, tuple | None] = {}  # shape -> plan (None: this shape is always folded)
        self._starts: dict[tuple, ClockState] = {}  # (clock, start) -> the clock as started that day
        self._ends: dict[tuple, ClockState] = {}  # (clock, start, end, how) -> the clock as it ended

    def fold(self, status: Status, dates: tuple, *, major: bool = False, accused: str | None = None,
             protected: frozenset[str] = frozenset(), legacy: bool = False, unit: str | None = None,
             leader: str | None = None, joint: tuple[str, ...] = (), outcome: str | None = None,
             told: str | None = None, decline_ground: str | None = None, history: bool = False,
             objected_on: dt.date | None = None, extension: Extend | None = None) -> Folded:
        """The case of ``status`` with the dated facts ``dates`` (``PATH_DATES``) folded along its
        path; ``history``: its clock history is wanted too (``Folded.history``). A case whose
        assignment was objected to (``objected_on``) or whose clock was extended (``extension``),
        both rare, is folded step by step."""
        days = (*dates, self.today)
        present = set(days)
        present.discard(None)
        order = {d: i for i, d in enumerate(sorted(present))}
        shape = (status, major, legacy, bool(joint), *map(order.get, days))
        # the accused named as a handler: the path is refused, step by step
        guarded = bool(protected) and handled_by_accused(protected, unit, leader, joint) is not None
        guarded = guarded or objected_on is not None or extension is not None
        plan = None if guarded else self._plans.get(shape)
        if plan is not None and (not history or plan[3] is not None):
            return self._apply(plan, days, history)
        received, accepted_on, assigned_on, replied_on, written_on, opinion_received_on, closed_on = dates
        case = CaseState(number="", status=None, received=received, major=major, accused=accused,
                         protected=protected)
        actions = path_actions(status, received, assigned_on, replied_on, closed_on, unit, leader, joint, outcome,
                               accepted_on, legacy, written_on, opinion_received_on, told, decline_ground, objected_on,
                               extension)
        folded = fold_path(case, actions, self.policy, self.clocking, self.today)
        if not guarded and shape not in self._plans:
            self._plans[shape] = self._plan(folded, days)
        if history and folded.refusal is None:
            folded = folded._replace(history=clock_history(folded.steps))
        return folded

    def _apply(self, plan: tuple, days: tuple, history: bool) -> Folded:
        status, clocks, dated, template = plan
        starts, ends = self._starts, self._ends
        out = []
        started = []
        for clock, name, start, end, how in clocks:  # keyed by the clock's name: a str's hash is kept
            day = days[start]
            c = starts.get((name, day))
            if c is None:
                c = starts[name, day] = self.clocking.state(clock, day)
            started.append(c)
            if end is not None:
                on = days[end]
                key = (name, day, on, how)
                ended = ends.get(key)
                if ended is None:
                    ended = _judged(c, on, on <= c.due if how is JudgeClock else True if how is CloseWindow else None)
                    if len(ends) < _REMEMBERED:
                        ends[key] = ended
                c = ended
            out.append(c)
        recorded = None
        if history:
            recorded = []
            for kind, i, why in template:
                c = out[i]
                recorded.append(StartClock(started[i]) if kind is StartClock
                                else JudgeClock(c.clock, c.done_on, c.met, c.due) if kind is JudgeClock
                                else CloseWindow(c.clock, c.done_on, why) if kind is CloseWindow
                                else StopClock(c.clock, c.done_on))
            recorded = tuple(recorded)
        return Folded(status, tuple(out), tuple(None if i is None else days[i] for i in dated), history=recorded)

    def _plan(self, folded: Folded, days: tuple) -> tuple | None:
        """The plan of a folded path (None: a refused path, or clocks its dates alone do not give)."""
        if folded.refusal is not None:
            return None
        ended: dict[Clock, type] = {}  # clock -> the effect that last ended it
        for s in folded.steps:
            for e in s.effects:
                if isinstance(e, (JudgeClock, CloseWindow, StopClock)):
                    ended[e.clock] = type(e)
                elif isinstance(e, (StartClock, RestartClock, ExtendClock)):
                    ended.pop(e.state.clock, None)
        clocks = []
        for c in folded.clocks:
            if c.start not in days or (c.done_on is not None and c.done_on not in days):
                return None
            if self.clocking.state(c.clock, c.start) != c._replace(done_on=None, met=None):
                return None
            how = ended.get(c.clock) if c.done_on is not None else None
            expected = (None if c.done_on is None else c.done_on <= c.due if how is JudgeClock
                        else True if how is CloseWindow else None)
            if expected != c.met or (c.done_on is not None and how is None):
                return None
            clocks.append((c.clock, c.clock.value, days.index(c.start),
                           None if c.done_on is None else days.index(c.done_on), how))
        if any(d is not None and d not in days for d in folded.dates):
            return None
        dated = tuple(None if d is None else days.index(d) for d in folded.dates)
        return folded.status, tuple(clocks), dated, self._template(folded)

    @staticmethod
    def _template(folded: Folded) -> tuple | None:
        """The clock history of a folded path as (effect type, which of its clocks, why): each entry
        the start of a clock as it stands at the end, or the end of a clock as it ended (None: a
        history that is not, a clock started again or extended, say; such a path is folded step by
        step whenever its history is wanted)."""
        final = {c.clock: (i, c) for i, c in enumerate(folded.clocks)}
        template = []
        for e in clock_history(folded.steps):
            kind = type(e)
            if kind is ExtendClock:
                return None
            clock = e.state.clock if kind is StartClock else e.clock
            if clock not in final:
                return None
            i, c = final[clock]
            if kind is StartClock:
                ok = e.body is None and e.state == c._replace(done_on=None, met=None)
            elif kind is JudgeClock:
                ok = (e.on, e.met, e.due) == (c.done_on, c.met, c.due)
            else:
                ok = e.on == c.done_on and (kind is StopClock or c.met is True)
            if not ok:
                return None
            template.append((kind, i, e.why if kind is CloseWindow else None))
        return tuple(template)


def is_final(case: CaseState, on: dt.date) -> bool:
    """Whether the matter of ``case`` is final on ``on`` (条例 art. 36): re-review has answered, or the
    review request window lapsed unused. A window whose end is provisional (its year has no official
    holiday schedule yet) has not surely lapsed: the matter is not final on its strength, so that a
    petitioner's new letter is never turned away on a deadline the calendar may still move."""
    if case.status == Status.final:
        return True
    if case.status not in (Status.replied, Status.closed):
        return False
    window = case.clock(Clock.review_request)
    return window is not None and window.running and window.due < on and not window.provisional


# What a refusal suggests, by the status the case is in (code of the hint).
HINTS = {
    Status.registered: "assign_first", Status.accepted: "assign_first", Status.assigned: "reply_first",
    Status.closed: "closed_review", Status.final: "final", Status.review: "under_review",
    Status.rereview: "under_rereview", Status.transferred: "transferred", Status.declined: "declined",
    Status.not_reaccepted: "not_reaccepted", Status.voided: "voided",
}


class Clocking:
    """Due dates for one policy and calendar, each (clock, start, extension) counted once: an import
    folds thousands of cases through the same few start dates."""

    def __init__(self, policy: Policy, calendar: WorkCalendar):
        self.policy, self.calendar = policy, calendar
        self._due: dict[tuple, tuple] = {}
        self._starts: dict[tuple, list[Clock]] = {}

    def started_by(self, triggers: tuple[str, ...], major: bool) -> list[Clock]:
        key = (triggers, major)
        hit = self._starts.get(key)
        if hit is None:
            hit = self._starts[key] = [c for t in triggers for c in clocks_started_by(t, major, self.policy)]
        return hit

    def rule(self, clock: Clock) -> ClockRule | None:
        return self.policy.clocks.get(clock)

    def state(self, clock: Clock, start: dt.date, rule: ClockRule | None = None, extension_days: int = 0) -> ClockState:
        """A clock started on ``start`` by ``rule`` (default: the policy's) with its due date."""
        rule = rule or self.policy.clocks[clock]
        key = (clock, start, rule.days, rule.counting, extension_days)
        hit = self._due.get(key)
        if hit is None:
            d = deadline_for(clock, start, rule, self.calendar, extension_days=extension_days)
            hit = self._due[key] = (d.due, d.provisional, d.calendar_version)
        due, provisional, version = hit
        return ClockState(clock, start, rule.days, rule.counting, due, provisional, version, extension_days)


def stored_rule(c: ClockState, policy: Policy) -> ClockRule:
    """The counting rule a stored clock was started with: its own days and counting."""
    rule = policy.clocks.get(c.clock)
    return ClockRule(days=c.days, start_from=rule.start_from if rule else "", counting=c.counting,
                     applies_to=rule.applies_to if rule else "all",
                     max_extension_days=rule.max_extension_days if rule else 0)


# --- step -----------------------------------------------------------------------------------------

def _not_after(on: dt.date, today: dt.date, field: str = "--on") -> Refusal | None:
    if on > today:
        return Refusal("after_today", {"on": on, "today": today}, field)
    return None


def _not_before(on: dt.date, earlier: dt.date | None, after: str, field: str = "--on") -> Refusal | None:
    """``after``: the case field ``on`` may not precede (received, assigned_on, replied_on)."""
    if earlier and on < earlier:
        return Refusal("before_field", {"on": on, "after": after, "earlier": earlier}, field)
    return None


def _wrong_status(case: CaseState, rule: Rule) -> Refusal:
    status = case.status
    return Refusal("wrong_status", {"case": case.number, "status": status, "doing": rule.doing,
                                    "hint": HINTS.get(status),
                                    "allowed": [s.value for s in Status if s in rule.allowed]})


def action_name(case: CaseState, action) -> str:
    """The table row an action takes for this case (a reply on a case under review is its answer;
    an assignment of an assigned case is a reassignment)."""
    if isinstance(action, Register):
        return "register-final" if action.final_case else "register"
    if isinstance(action, Assign):
        return "reassign" if case.status == Status.assigned else "assign"
    if isinstance(action, Reply):
        return "review-answer" if case.status in (Status.review, Status.rereview) else "reply"
    names = {Accept: "accept", Decline: "decline", Object: "object", Receipt: "receipt", Resolve: "resolve",
             Transfer: "transfer", RequestReview: "review", AnswerReview: "review-answer", Void: "void"}
    try:
        return names[type(action)]
    except KeyError:
        raise TypeError(f"not a lifecycle action: {action!r}") from None


def step(case: CaseState, action, policy: Policy, calendar: WorkCalendar | Clocking,
         today: dt.date) -> Step | Refusal:
    """What ``action`` does to ``case`` on ``today``: a ``Step`` to record, or a ``Refusal``."""
    clocking = calendar if isinstance(calendar, Clocking) else Clocking(policy, calendar)
    if isinstance(action, Extend):
        return _extend(case, action, clocking, today)
    if isinstance(action, Correct):
        return _correct(case, action, clocking, today)
    if isinstance(action, Restate):
        return _restate(case, action)
    name = action_name(case, action)
    rule = TRANSITIONS[name]
    if name == "review":
        refusal = _review_refusal(case)
        if refusal:
            return refusal
    if name == "review-answer" and case.status not in rule.allowed:
        return Refusal("not_under_review", {"case": case.number, "status": case.status}, "--answer")
    if name == "void" and case.status not in rule.allowed:
        return Refusal("not_voidable", {"case": case.number, "status": case.status})
    if case.status not in rule.allowed:
        return _wrong_status(case, rule)
    refusal = _guard(case, name, action, today)
    if refusal:
        return refusal
    to = _target(case, name, rule)
    on = action.on
    effects: list = []
    clocks = {c.clock: c for c in case.clocks}
    fields = _fields(case, name, action, to, policy)
    if name == "review" and handled_by_accused(case.protected, body=fields["review_body"]):
        # the body one level up reviews the handling: never the one an accusation names
        return Refusal("accused_reviews", {"case": case.number, "accused": case.accused,
                                           "body": fields["review_body"]}, "--body")

    def start(clock: Clock, day: dt.date, body: str | None = None) -> None:
        old = clocks.get(clock)
        if old is None:
            clocks[clock] = state = clocking.state(clock, day)
            effects.append(StartClock(state, body))
        elif old.done_on is not None and (old.met is None or old.clock == Clock.objection) \
                and old.clock != Clock.review_request:
            # Stopped unjudged, or the objection window a previous unit used: runs again.
            clocks[clock] = state = clocking.state(clock, day)
            effects.append(RestartClock(state, old.due, "reassignment"))

    for effect in rule.effects:
        if isinstance(effect, Set):
            effects.append(SetFields(_history_action(case, name, to), fields, _note(name, action)))
        elif isinstance(effect, Start):
            for clock in clocking.started_by(effect.triggers, case.major):
                start(clock, on)
        elif isinstance(effect, Judge):
            day = on
            if effect.at_opinion:
                if case.status != Status.replied:
                    continue
                day = case.written_on or case.replied_on
            for c in list(clocks.values()):
                if not c.running or c.clock in WINDOWS:
                    continue
                if effect.clocks is not None and c.clock not in effect.clocks:
                    continue
                met = day <= c.due
                clocks[c.clock] = _judged(c, day, met)
                effects.append(JudgeClock(c.clock, day, met, c.due))
        elif isinstance(effect, Stop):
            only = None if effect.triggers is None else set(clocking.started_by(effect.triggers, case.major))
            for c in list(clocks.values()):
                if c.running and (only is None or (c.clock in only and c.clock not in WINDOWS)):
                    clocks[c.clock] = _judged(c, on, None)
                    effects.append(StopClock(c.clock, on))
        elif isinstance(effect, UseWindow):
            window = clocks.get(effect.clock)
            if window is None and effect.clock == Clock.review_request and case.opinion_received_on is None \
                    and case.replied_on and not case.written_on:
                # Cases replied before the written opinion was recorded: the window ran from the reply.
                window = clocks[effect.clock] = clocking.state(effect.clock, case.replied_on or case.closed_on)
                effects.append(StartClock(window))
            refusal = _window_refusal(case, effect.clock, to, window, on, today)
            if refusal:
                return refusal
            if window.running:
                clocks[window.clock] = _judged(window, on, True)
                effects.append(CloseWindow(window.clock, on, "objection" if effect.clock == Clock.objection
                                           else to.value))
        elif isinstance(effect, OpenOpinionWindow):
            received = fields.get("opinion_received_on")
            if received and not case.opinion_received_on:
                for clock in clocking.started_by(("written_opinion",), case.major):
                    start(clock, received)
        elif isinstance(effect, StartStage):
            clock = Clock(to.value)
            if clock not in clocks and clocking.rule(clock):
                clocks[clock] = state = clocking.state(clock, on)
                effects.append(StartClock(state, fields.get("review_body")))
        elif isinstance(effect, JudgeStage):
            c = clocks.get(Clock(case.status.value))
            if c is not None and c.running:
                met = on <= c.due
                clocks[c.clock] = _judged(c, on, met)
                effects.append(JudgeClock(c.clock, on, met, c.due))
        elif isinstance(effect, ReopenWindow):
            if to != Status.final:
                old = clocks.get(Clock.review_request)
                clocks[Clock.review_request] = state = clocking.state(Clock.review_request, on)
                effects.append(RestartClock(state, old.due if old else None, "rereview_window"))
    return Step(name, to, tuple(effects), _after(case, to, fields, clocks))


_DATE_FIELDS = ("assigned_on", "replied_on", "closed_on", "accepted_on", "written_on", "opinion_received_on")


def _judged(c: ClockState, day: dt.date, met: bool | None, _new=tuple.__new__) -> ClockState:
    """``c`` ended on ``day`` (judged ``met``, or stopped unjudged with None)."""
    return _new(ClockState, (*c[:8], day, met))


def _after(case: CaseState, to: Status, fields: dict, clocks: dict) -> CaseState:
    """The case after a step: its new status, the fields the step records, its clocks."""
    changes = {k: fields[k] for k in _DATE_FIELDS if k in fields}
    for k in ("unit", "leader"):
        if k in fields:
            changes[k] = fields[k]
    if "joint" in fields:
        changes["joint"] = tuple(fields["joint"] or ())
    return case._replace(status=to, clocks=tuple(clocks.values()), **changes)


def _target(case: CaseState, name: str, rule: Rule) -> Status:
    if rule.to is not None:
        return rule.to
    if name == "review":
        review = case.clock(Clock.review)
        return Status.rereview if review is not None and review.done_on else Status.review
    if name == "accept":
        return Status.accepted if case.status == Status.registered else case.status
    if name == "object":
        return Status.accepted if case.accepted_on else Status.registered
    if name == "receipt":
        return case.status
    return Status.final if case.status == Status.rereview else Status.closed


def _guard(case: CaseState, name: str, action, today: dt.date) -> Refusal | None:
    """The date and party checks of an action."""
    on = action.on
    if name in ("register", "register-final"):
        return _not_after(on, today, "--received")
    if name in ("accept", "decline"):
        if name == "accept" and case.accepted_on:
            return Refusal("already_accepted", {"case": case.number, "on": case.accepted_on})
        return _not_after(on, today) or _not_before(on, case.received, "received")
    if name == "void":
        return _not_after(on, today) or _not_before(on, case.assigned_on or case.accepted_on or case.received,
                                                    "assigned_on" if case.assigned_on else
                                                    "accepted_on" if case.accepted_on else "received")
    if name == "transfer":
        refusal = (_not_after(on, today) or _not_before(on, case.assigned_on, "assigned_on") if case.assigned_on
                   else _not_after(on, today) or _not_before(on, case.received, "received"))
        field = handled_by_accused(case.protected, to=action.to)
        if refusal or not field:
            return refusal
        return Refusal("accused_handles", {"case": case.number, "accused": case.accused}, field)
    if name in ("assign", "reassign"):
        refusal = _not_after(on, today) or _not_before(on, case.received, "received") \
            or _not_before(on, case.accepted_on, "accepted_on") or _assigned_after(case, name, on)
        if refusal:
            return refusal
        if name == "reassign" and (action.unit, action.leader, frozenset(action.joint)) == (
                case.unit, case.leader, frozenset(case.joint)):  # the joint units in another order: the same
            return Refusal("reassign_same", {"case": case.number, "unit": case.unit, "leader": case.leader}, "--unit")
        field = handled_by_accused(case.protected, action.unit, action.leader, action.joint)
        if field:
            return Refusal("accused_handles", {"case": case.number, "accused": case.accused}, field)
        if action.joint and not case.major:
            return Refusal("joint_not_major", {}, "--joint")
        return None
    if name == "object":
        return None  # the window's own checks, with the window
    if name == "reply":
        refusal = _not_after(on, today) or _not_before(on, case.replied_on or case.assigned_on,
                                                          "replied_on" if case.replied_on else "assigned_on")
        if refusal:
            return refusal
        if action.received_on and not action.written:
            return Refusal("receipt_of_interim", {}, "--received-on")
        if action.written and case.written_on:
            return Refusal("already_written", {"case": case.number, "on": case.written_on}, "--written")
        if action.received_on:
            return _not_after(action.received_on, today, "--received-on") \
                or _not_before(action.received_on, on, "written_on", "--received-on")
        return None
    if name == "receipt":
        if not case.written_on:
            return Refusal("no_written_opinion", {"case": case.number}, "--received-on")
        if case.opinion_received_on:
            return Refusal("already_received", {"case": case.number, "on": case.opinion_received_on},
                           "--received-on")
        return _not_after(on, today, "--received-on") or _not_before(on, case.written_on, "written_on",
                                                                      "--received-on")
    if name == "resolve":
        if case.replied_on:
            return _not_after(on, today) or _not_before(on, case.replied_on, "replied_on")
        return _not_after(on, today) or _not_before(on, case.assigned_on, "assigned_on")
    if name == "review":
        return None  # the window's own checks, with the window
    if name == "review-answer":
        clock = case.clock(Clock(case.status.value))
        refusal = _not_after(on, today)
        if refusal:
            return refusal
        earlier = clock.start if clock else case.received
        if on < earlier:
            return Refusal("before", {"on": on, "what": "the request", "earlier": earlier}, "--on")
        return None
    return None


def _fields(case: CaseState, name: str, action, to: Status, policy: Policy) -> dict:
    """The case fields an action records, in the order their history rows are written."""
    if name in ("assign", "reassign"):
        return {"unit": action.unit, "joint": list(action.joint) or None, "leader": action.leader,
                "status": to.value, "assigned_on": case.assigned_on if name == "reassign" else action.on}
    if name == "accept":
        return {"status": to.value, "accepted_on": action.on, "told": action.told}
    if name == "decline":
        return {"status": to.value, "closed_on": action.on, "decline_ground": action.ground}
    if name == "object":
        return {"status": to.value}
    if name == "reply":
        out = {"status": to.value}
        if not case.replied_on:
            out["replied_on"] = action.on
        if action.written:
            out["written_on"] = action.on
            if action.received_on:
                out["opinion_received_on"] = action.received_on
        return out
    if name == "receipt":
        return {"opinion_received_on": action.on}
    if name == "resolve":
        out = {"status": to.value, "closed_on": action.on, "outcome": action.outcome, "signed": int(action.signed),
               "satisfaction": action.satisfaction, "cease_agreement": int(action.cease_agreement)}
        if not case.replied_on:
            out["replied_on"] = action.on
        if not case.opinion_received_on:
            # The conclusion the petitioner signs is the written opinion, unless one was received before.
            if not case.written_on:
                out["written_on"] = action.on
            out["opinion_received_on"] = action.on
        return out
    if name == "transfer":
        return {"status": to.value, "closed_on": action.on, "unit": action.to}
    if name == "void":
        return {"status": to.value, "closed_on": action.on}
    if name == "review":
        body = action.body or (policy.rereview_body if to == Status.rereview else policy.review_body)
        return {"status": to.value, "review_body": body}
    if name == "review-answer":
        out = {"status": to.value}
        if not case.closed_on:
            out["closed_on"] = action.on
        return out
    return {"status": to.value}


def _assigned_after(case: CaseState, name: str, on: dt.date) -> Refusal | None:
    """An assignment comes after the one it follows: a reassignment after the latest reassignment
    (else the first assignment), an assignment again after the objection its unit made."""
    if name == "reassign":
        if case.reassigned_on and on < case.reassigned_on:
            return Refusal("before", {"on": on, "what": "the latest reassignment", "earlier": case.reassigned_on},
                           "--on")
        return _not_before(on, case.assigned_on, "assigned_on")
    objected = case.clock(Clock.objection)
    return _not_before(on, objected.done_on, "objected_on") if objected is not None else None


def _history_action(case: CaseState, name: str, to: Status) -> str:
    """The action the history records: a review request under its stage, an answer under the stage
    it answers (review-answer, rereview-answer)."""
    if name == "review":
        return to.value
    if name == "review-answer":
        return f"{case.status.value}-answer"
    return name


def _note(name: str, action) -> str | None:
    if name == "reassign":
        return reassign_note(action.on)
    if name in ("review", "transfer", "decline", "object", "void"):
        return action.reason or None
    if name in ("reply", "resolve", "review-answer"):
        return action.summary
    return None


def _review_refusal(case: CaseState) -> Refusal | None:
    status = case.status
    if status == Status.final:
        rereview = case.clock(Clock.rereview)
        return Refusal("final", {"case": case.number, "answered": rereview.done_on if rereview else None})
    if status in (Status.review, Status.rereview):
        clock = case.clock(Clock(status.value))
        return Refusal("already_under_review", {"case": case.number, "status": status,
                                                "since": clock.start if clock else None})
    if status not in (Status.replied, Status.closed) or not (case.replied_on or case.closed_on):
        return Refusal("review_before_reply", {"case": case.number, "status": status,
                                               "assigned": status == Status.assigned})
    return None


def _window_refusal(case: CaseState, clock: Clock, stage: Status, window: ClockState | None, on: dt.date,
                    today: dt.date) -> Refusal | None:
    refusal = _not_after(on, today)
    if refusal:
        return refusal
    if clock == Clock.objection:
        if window is None:
            return Refusal("no_objection_window", {"case": case.number})
        if not window.running:
            return Refusal("objection_used", {"case": case.number, "on": window.done_on})
        if on < window.start:
            return Refusal("before", {"on": on, "what": "the assignment", "earlier": window.start}, "--on")
        if on > window.due:
            return Refusal("objection_late", {"due": window.due, "days": window.days, "start": window.start,
                                              "on": on}, "--on")
        return None
    if window is None:
        return Refusal("no_review_window", {"case": case.number, "written": case.written_on})
    contests = "the review answer" if stage == Status.rereview else "the written opinion"
    if on < window.start:
        return Refusal("before", {"on": on, "what": f"{contests} it contests", "earlier": window.start}, "--on")
    if on > window.due:
        return Refusal("window_ended", {"stage": stage, "due": window.due, "days": window.days,
                                        "contests": contests, "start": window.start, "on": on}, "--on")
    return None


def _extend(case: CaseState, action: Extend, clocking: Clocking, today: dt.date) -> Step | Refusal:
    clock, days, on = action.clock, action.days, action.on
    rule = clocking.rule(clock)
    if rule is None or rule.max_extension_days <= 0:
        extendable = [c.value for c, r in clocking.policy.clocks.items() if r.max_extension_days > 0]
        return Refusal("not_extendable", {"clock": clock, "extendable": extendable}, "--clock")
    c = case.clock(clock)
    if c is None:
        return Refusal("no_clock_yet", {"case": case.number, "clock": clock})
    if not c.running:
        return Refusal("clock_ended", {"case": case.number, "clock": clock, "done_on": c.done_on})
    why_not = extension_allowed(rule, c.extension_days, days)
    if why_not:
        if c.extension_days > 0:
            return Refusal("already_extended", {"case": case.number, "clock": clock,
                                                "extension_days": c.extension_days, "due": c.due}, "--days")
        return Refusal("bad_extension", {"why": why_not, "max": rule.max_extension_days}, "--days")
    if on > today:
        return Refusal("extension_after_today", {"on": on, "today": today}, "--on")
    if on < c.start:
        return Refusal("extension_before_start", {"on": on, "clock": clock, "start": c.start}, "--on")
    if on > c.due:
        return Refusal("extension_after_due", {"clock": clock, "due": c.due}, "--on")
    if action.told_on and (action.told_on < on or action.told_on > today):
        return Refusal("told_out_of_range", {"told_on": action.told_on, "on": on, "today": today}, "--told-on")
    new = clocking.state(clock, c.start, stored_rule(c, clocking.policy), extension_days=days)
    new = c._replace(extension_days=days, due=new.due, provisional=new.provisional, version=new.version)
    return Step("clock-extend", case.status,
                (ExtendClock(new, c.due, on, action.reason, action.approved_by, action.told_on),))


def _correct(case: CaseState, action: Correct, clocking: Clocking, today: dt.date) -> Step | Refusal:
    """A correction of registered facts; the clocks the registration started are counted again from
    a corrected received date, as registering on that date would have counted them, and a case
    assigned as a general matter and corrected to a major one (or back) runs the local clock of its
    corrected kind from the assignment (一般事项答复 ↔ 重大事项办结) while that clock still runs."""
    if case.status in (Status.transferred, Status.voided):
        return Refusal("correct_transferred" if case.status == Status.transferred else "correct_voided",
                       {"case": case.number})
    protected = action.protected or protected_names(action.accused)
    if action.accusation and handled_by_accused(protected, case.unit, case.leader, case.joint, body=case.review_body):
        return Refusal("accused_is_handler", {"case": case.number, "accused": action.accused}, "--accused")
    if action.received.year != case.received.year:
        return Refusal("correct_other_year", {}, "--received")
    if action.received != case.received and action.received > today:
        return _not_after(action.received, today, "--received")
    if action.reply and not case.replied_on:
        return Refusal("correct_no_reply", {"case": case.number, "status": case.status}, "--reply")
    if action.result and not closes(case.status):
        return Refusal("correct_no_result", {"case": case.number, "status": case.status}, "--outcome")
    first = min(filter(None, (case.accepted_on, case.assigned_on, case.replied_on, case.closed_on)), default=None)
    if first and action.received > first:
        return Refusal("received_after_action", {"received": action.received, "first": first}, "--received")
    effects: list = []
    if action.received != case.received:
        for clock in clocking.started_by(("registration",), case.major):
            c = case.clock(clock)
            if c is None or c.start != case.received:
                continue
            counted = clocking.state(clock, action.received, stored_rule(c, clocking.policy), c.extension_days)
            if c.running:
                effects.append(RestartClock(counted, c.due, "correction"))
            else:
                met = None if c.met is None else c.done_on <= counted.due
                effects.append(RecountClock(counted._replace(done_on=c.done_on, met=met), c.due, c.met))
    major = case.major if action.major is None else action.major
    if major != case.major:
        if case.joint and not major:
            return Refusal("joint_not_major", {}, "--general")
        if case.assigned_on:
            old = set(clocking.started_by(("assignment",), case.major))
            new = [c for c in clocking.started_by(("assignment",), major) if c not in old]
            ran = [case.clock(c) for c in old - set(clocking.started_by(("assignment",), major))]
            if any(c is not None and c.running for c in ran):
                for c in ran:
                    if c is not None and c.running:
                        effects.append(StopClock(c.clock, today))
                for clock in new:
                    state = clocking.state(clock, case.assigned_on)
                    before = case.clock(clock)
                    effects.append(StartClock(state) if before is None else
                                   RestartClock(state, before.due, "correction"))
    return Step("correct", case.status, tuple(effects))


def _restate(case: CaseState, action: Restate) -> Step:
    effects: list = []
    for c in case.clocks:
        if not c.running:
            continue
        if c.clock in WINDOWS:
            effects.append(DropClock(c.clock))
        else:
            effects.append(JudgeClock(c.clock, action.on, action.on <= c.due, c.due))
    return Step("restate", action.status, tuple(effects))
