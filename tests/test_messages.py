"""The message catalogue: both languages for every code, the same parameters in each, and every
code the rules emit present."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

import xinfang
from xinfang import messages
from xinfang.messages import MESSAGES, placeholders, text, wording
from xinfang.model import Clock, Level, Message

PACKAGE = Path(xinfang.__file__).parent


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_message_has_both_languages_with_the_same_parameters(code):
    zh, en = MESSAGES[code]
    assert zh.strip() and en.strip(), code
    assert placeholders(code, "zh") == placeholders(code, "en"), code


def _codes_emitted(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "of"
                and getattr(node.func.value, "id", "") == "Message"):
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant):
                found.append((node.lineno, first.value))
            elif isinstance(first, ast.IfExp):  # Message.of("a" if … else "b")
                found += [(node.lineno, c.value) for c in (first.body, first.orelse) if isinstance(c, ast.Constant)]
    return found


def test_every_code_a_module_emits_is_in_the_catalogue():
    emitted = [(p, line, code) for p in PACKAGE.rglob("*.py") for line, code in _codes_emitted(p)]
    assert emitted, "no Message.of(...) found: the scan is broken"
    missing = [f"{p.relative_to(PACKAGE)}:{line} {code}" for p, line, code in emitted if code not in MESSAGES]
    assert missing == []


def test_every_document_text_the_renderers_name_is_in_the_catalogue():
    # t("key", lang) in the bulletin, forms and letters reads the catalogue's "doc.key"
    named = [(p, node.lineno, node.args[0].value) for p in (PACKAGE / "render").rglob("*.py")
             for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
             if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "t" and node.args
             and isinstance(node.args[0], ast.Constant)]
    assert len(named) > 50, "no t(...) found: the scan is broken"
    assert [f"{p.name}:{line} {key}" for p, line, key in named if f"doc.{key}" not in MESSAGES] == []


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    import subprocess
    import sys

    db = tmp_path_factory.mktemp("demo") / "demo.db"
    subprocess.run([sys.executable, "-m", "xinfang", "demo", "--db", str(db)], check=True, capture_output=True)
    return db


def test_every_action_the_demo_ledger_records_has_a_name_in_both_languages(demo_db):
    # what a listing, the history and a form's handling steps call each kind of history row
    import sqlite3

    recorded = {a for (a,) in sqlite3.connect(demo_db).execute("SELECT DISTINCT action FROM events")}
    assert len(recorded) > 10
    assert sorted(recorded - set(messages.action_names())) == []
    assert all(messages.action_name(a, "zh") != a and messages.action_name(a, "en") for a in recorded)


def test_every_field_and_deposit_entry_of_the_demo_ledger_is_named_by_the_catalogue(demo_db):
    # the column labels of listings, files and the history's fields; the tables a seal names; the
    # kinds of deposit entry
    import sqlite3

    conn = sqlite3.connect(demo_db)
    sealed = ("seal", "state-seal", "deposit-head")
    fields = {f for (f,) in conn.execute(
        f"SELECT DISTINCT field FROM events WHERE field IS NOT NULL AND action NOT IN {sealed}")}
    tables = {f for (f,) in conn.execute(f"SELECT DISTINCT field FROM events WHERE action IN {sealed}")}
    assert len(fields) > 15 and len(tables) > 5
    assert sorted(fields - set(messages.label_keys()) - {c.value for c in Clock}) == []
    assert sorted(t for t in tables if f"table.{t}" not in MESSAGES) == []
    # a case's columns, but its place in its year's numbering (seq), part of its number
    columns = {r[1] for r in conn.execute("PRAGMA table_info(cases)")} - {"seq"}
    assert sorted(c for c in columns if not messages.labelled(c)) == []
    assert (messages.label("received", "zh"), messages.label("received", "en")) == ("登记日期", "received")
    assert messages.label("no_such_field", "en") == "no_such_field"
    kinds = {k for (k,) in conn.execute("SELECT DISTINCT kind FROM deposit_entries")}
    assert {"pay", "deduct"} <= kinds
    assert sorted(k for k in kinds if f"deposit.kind.{k}" not in MESSAGES) == []


def test_text_fills_parameters_and_words_each_kind_of_value():
    assert text("sanction.until", "zh", end=dt.date(2026, 12, 31)) == "至2026-12-31"
    assert text("sanction.until", "en", end=dt.date(2026, 12, 31)) == " to 2026-12-31"
    case = Message.of("sanction.overdue_case", case="C-1", clock=Clock.handling, due=dt.date(2026, 6, 10))
    assert wording(case) == "C-1（办理期限到期2026-06-10）"
    assert wording(case, "en") == "C-1 (statutory handling due 2026-06-10)"
    two = Message.of("sanction.chronic", n=2, cases=(case, case._replace()))
    assert wording(two) == "2件信访事项超过办理期限未办结：C-1（办理期限到期2026-06-10）、C-1（办理期限到期2026-06-10）；建议停止经营性用地招拍挂"
    assert ", C-1 (statutory" in wording(two, "en")
    summons = Message.of("sanction.summons", month="2026-03", n=5, rate=3 / 5, met=3, decided=5, target=0.8)
    assert "按期办结率60%（3/5），低于80%" in wording(summons)
    incident = Message.of("sanction.incident_case", number="C-2", received=dt.date(2026, 3, 1), level=Level.city,
                          people=6)
    assert wording(incident) == "C-2（2026-03-01，市级，6人）"


def test_plain_strings_pass_through_and_unknowns_are_refused():
    assert wording("已写好的文字") == "已写好的文字"
    assert wording(None) == ""
    with pytest.raises(KeyError, match="no message"):
        text("no.such.code")
    with pytest.raises(ValueError, match="unknown language"):
        text("sanction.until", "fr", end="x")


def test_the_catalogue_imports_nothing_heavy():
    tree = ast.parse(Path(messages.__file__).read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    # datetime: loaded with xinfang.model already (the catalogue words a day without formatting it)
    assert imported <= {"__future__", "datetime", "string", "collections.abc", "xinfang.model"}


# -- the parsed templates word exactly as str.format does ------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PLAIN = st.one_of(st.text(max_size=8), st.integers(-5, 10**6), st.dates(), st.sampled_from(list(Level)),
                   st.sampled_from(list(Clock)), st.none())
_VALUE = st.recursive(_PLAIN, lambda inner: st.one_of(
    st.lists(inner, max_size=3).map(tuple),
    st.builds(lambda v: Message.of("sanction.overdue_case", case=v, clock=Clock.handling, due=dt.date(2026, 1, 2)),
              inner)), max_leaves=6)


@settings(max_examples=300, deadline=None)
@given(code=st.sampled_from(sorted(MESSAGES)), lang=st.sampled_from(messages.LANGS), data=st.data())
def test_a_message_is_worded_as_str_format_words_its_template(code, lang, data):
    """``text`` fills each template from its parsed parts (parsed once per code); the result must be
    what ``string.Formatter`` makes of the template itself, or the same refusal."""
    params = {}
    for _, name, spec, _ in __import__("string").Formatter().parse(messages.template(code, lang)):
        if name:
            base = name.split(".")[0].split("[")[0]
            params[base] = data.draw(st.floats(0, 2, allow_nan=False) if spec else _VALUE, label=base)
    try:
        expected = messages._Formatter(lang).vformat(messages.template(code, lang), (), params)
    except Exception as error:  # noqa: BLE001 — the same refusal, whatever it is
        with pytest.raises(type(error)):
            text(code, lang, **params)
    else:
        assert text(code, lang, **params) == expected


def test_no_code_is_in_the_catalogue_twice():
    """A code given twice in the catalogue's literal silently keeps the later text only."""
    import collections

    tree = ast.parse(Path(messages.__file__).read_text(encoding="utf-8"))
    catalogue = next(n.value for n in tree.body if isinstance(n, ast.AnnAssign) and getattr(n.target, "id", "") == "MESSAGES")
    counted = collections.Counter(k.value for k in catalogue.keys)
    assert [code for code, n in counted.items() if n > 1] == []


def test_the_documents_words_come_from_the_catalogue():
    """The renderers of the bulletin, the forms and the letters word nothing themselves: no Chinese in their
    code but the ideographic space that sets a heading's parts apart and the workbook's sheet
    names, which stay the same in every language for the scripts that read them."""
    import re

    from xinfang.render import bulletin, forms, letters, text

    wording = re.compile(r"[\u3001-\u303f\u4e00-\u9fff\uff00-\uffef]")
    found = []
    for module in (bulletin, forms, letters, text):
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        skipped = {id(n) for node in ast.walk(tree)
                   if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and ast.get_docstring(node)
                   for n in [node.body[0].value]}
        skipped |= {id(n) for node in tree.body if isinstance(node, ast.Assign)
                    and any(getattr(t, "id", "") == "SHEETS" for t in node.targets) for n in ast.walk(node)}
        found += [(module.__name__, n.lineno, n.value) for n in ast.walk(tree)
                  if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skipped
                  and wording.search(n.value)]
    assert found == []


def test_every_catalogue_key_is_written_once():
    """A key written twice in the catalogue's source silently keeps only the last wording (a new
    column's label once replaced the deadline table's): each key appears once."""
    import ast
    from pathlib import Path

    import xinfang.messages

    tree = ast.parse(Path(xinfang.messages.__file__).read_text(encoding="utf-8"))
    seen, twice = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key in node.keys:
                if isinstance(key, ast.Constant) and isinstance(key.value, str) and "." in key.value:
                    if key.value in seen:
                        twice.append(key.value)
                    seen.add(key.value)
    assert twice == []
