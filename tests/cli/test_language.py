"""Chinese throughout: the language is chosen before the command line is built, and help, usage
mistakes and errors all follow it (``--lang``, then ``XINFANG_LANG``, then the locale).

Driven through the installed ``xinfang`` command, as a clerk's terminal runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from xinfang.cli import choose_lang

XINFANG = str(Path(sys.executable).with_name("xinfang"))


def xinfang(*argv: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The installed console script in a fresh process, with a plain locale unless ``env`` says."""
    base = {k: v for k, v in os.environ.items() if k not in ("XINFANG_LANG", "LC_ALL", "LC_MESSAGES", "LANG")}
    return subprocess.run([XINFANG, *argv], capture_output=True, text=True, timeout=60,
                          env={**base, "LANG": "C.UTF-8", "COLUMNS": "80", **(env or {})})


# --- the language is chosen first --------------------------------------------------------------


@pytest.mark.parametrize("argv, env, lang", [
    ([], {}, "zh"),
    (["--lang", "en", "cases"], {}, "en"),
    (["--lang=en", "cases"], {}, "en"),
    (["--db", "x.db", "--lang", "en", "cases"], {}, "en"),
    (["--lang", "zh", "cases"], {"XINFANG_LANG": "en"}, "zh"),
    (["cases"], {"XINFANG_LANG": "en"}, "en"),
    (["cases"], {"LANG": "en_US.UTF-8"}, "en"),
    (["cases"], {"LANG": "zh_CN.UTF-8"}, "zh"),
    (["cases"], {"LANG": "C.UTF-8"}, "zh"),
    (["cases"], {"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
    (["cases"], {"XINFANG_LANG": "zh", "LANG": "en_US.UTF-8"}, "zh"),
    (["cases", "--name", "--lang"], {}, "zh"),  # a command's own values are not global options
])
def test_the_language_comes_from_lang_then_xinfang_lang_then_the_locale(argv, env, lang):
    assert choose_lang(argv, env) == lang


def test_help_is_chinese_by_default_and_english_with_lang_en():
    zh = xinfang("--help")
    assert zh.returncode == 0 and zh.stdout.startswith("用法：xinfang [选项] 命令")
    assert "显示本帮助并退出" in zh.stdout and "Usage" not in zh.stdout and "Show this" not in zh.stdout
    en = xinfang("--lang", "en", "--help")
    assert en.returncode == 0 and en.stdout.startswith("Usage: xinfang [OPTIONS] COMMAND")
    assert "Show this message and exit." in en.stdout
    assert xinfang("--help", env={"XINFANG_LANG": "en"}).stdout.startswith("Usage:")
    assert xinfang("--help", env={"LANG": "en_US.UTF-8"}).stdout.startswith("Usage:")


def test_register_help_names_values_lists_choices_and_gives_an_example():
    out = xinfang("register", "--help").stdout
    assert out.startswith("用法：xinfang register [选项]")
    assert "--received 日期" in out and "--township 乡镇" in out and "--people 数" in out
    assert "<str>" not in out and "[必填]" in out and "[默认：1]" in out
    assert "visit 来访" in out and "accusation 检举控告类" in out  # the choices, with their labels
    example = out.split("例：", 1)[1]
    assert "xinfang register --received 2026-11-02" in example.replace("\\\n", " ")
    en = xinfang("--lang", "en", "register", "--help").stdout
    assert "--received DATE" in en and "[required]" in en and "Example:" in en


def test_a_number_options_range_is_in_words_not_in_notation():
    out = xinfang("cases", "--help").stdout
    assert "[至少 1]" in out and "<=x" not in out and "9223372036854775807" not in out
    assert "[at least 1]" in xinfang("--lang", "en", "report", "--help").stdout


def test_an_argument_is_named_by_what_it_is_not_braced():
    out = xinfang("show", "--help").stdout
    assert "xinfang show [选项] 案号" in out and "{case}" not in out
    assert "xinfang show [OPTIONS] CASE" in xinfang("--lang", "en", "show", "--help").stdout


def test_help_lines_fit_80_columns_and_break_between_words():
    out = xinfang("register", "--help").stdout
    from xinfang.fold import display_width

    assert max(display_width(line) for line in out.splitlines()) <= 80
    en = xinfang("--lang", "en", "register", "--help").stdout
    assert max(display_width(line) for line in en.splitlines()) <= 80
    words = set(" ".join(en.split()).split())
    assert "petition" in words and "collec-" not in en  # a word is never cut


# --- usage mistakes: one line in the user's language, naming the option and the fix --------------


USAGE = [
    (["register"], "错误：缺少选项 --received；加上 --received 日期，见 xinfang register -h",
     "Error: missing option --received; add --received DATE; see 'xinfang register -h'"),
    (["assign", "2026-00001", "--unit", "车桥镇"], "错误：缺少选项 --leader；加上 --leader 姓名，见 xinfang assign -h",
     "Error: missing option --leader; add --leader NAME; see 'xinfang assign -h'"),
    (["show"], "错误：缺少案号；在命令后给出案号，见 xinfang show -h",
     "Error: missing CASE; give the CASE after the command; see 'xinfang show -h'"),
    (["cases", "--bogus"], "错误：没有选项 --bogus；见 xinfang cases -h 列出的选项",
     "Error: no option --bogus; see the options 'xinfang cases -h' lists"),
    (["cases", "--limt", "3"], "错误：没有选项 --limt；是否要用 --limit？见 xinfang cases -h",
     "Error: no option --limt; did you mean --limit? see 'xinfang cases -h'"),
    (["cases", "--lang", "en"], "错误：--lang 是全局选项，应放在命令之前；改写为 xinfang --lang … cases",
     "Error: --lang is a global option: it goes before the command; write 'xinfang --lang … cases'"),
    (["cases", "--limit", "abc"], "错误：--limit: 'abc' 不是整数；给出一个整数，例如 --limit 3",
     "Error: --limit: 'abc' is not a whole number; give a whole number, e.g. --limit 3"),
    (["cases", "--limit", "0"], "错误：--limit: 0 超出允许范围（至少 1）；给出范围内的数，见 xinfang cases -h",
     "Error: --limit: 0 is out of range (at least 1); give a number in the range; see 'xinfang cases -h'"),
    (["cases", "--limit", "99999999999999999999"],
     "错误：--limit: 99999999999999999999 超出允许范围（至多 9223372036854775807）；给出范围内的数，见 xinfang cases -h",
     "Error: --limit: 99999999999999999999 is out of range (at most 9223372036854775807); give a number in the range;"
     " see 'xinfang cases -h'"),
    (["cases", "--month"], "错误：--month 后缺少取值；在 --month 后给出取值，见 xinfang cases -h",
     "Error: --month needs a value; give its value after --month; see 'xinfang cases -h'"),
    (["rnak"], "错误：没有命令 rnak；是否要用 rank？见 xinfang -h",
     "Error: no command rnak; did you mean rank? see 'xinfang -h'"),
    (["townships", "extra"], "错误：多余的参数 extra；含空格的取值请加引号，见 xinfang townships -h",
     "Error: unexpected extra argument(s) extra; put quotes around a value with spaces; see 'xinfang townships -h'"),
]


@pytest.mark.parametrize("argv, zh, en", USAGE, ids=[" ".join(a) for a, _, _ in USAGE])
def test_a_usage_mistake_is_one_line_in_the_users_language(tmp_path, argv, zh, en):
    db = str(tmp_path / "none.db")
    for lang, line in (("zh", zh), ("en", en)):
        proc = xinfang("--db", db, "--lang", lang, *argv)
        assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", line + "\n")
    assert not Path(db).exists()


def test_an_unknown_language_is_refused_in_chinese(tmp_path):
    proc = xinfang("--db", str(tmp_path / "none.db"), "--lang", "fr", "cases")
    assert proc.returncode == 1 and proc.stderr == "错误：--lang: 未知语言 'fr'；用 zh（中文）或 en（英文）\n"


# --- every help text is in the catalogue, in both languages, with an example that parses ---------


def _tree(lang: str):
    import typer.main

    from xinfang.cli import _register_commands, app
    from xinfang.cli.localize import localize

    _register_commands()
    root = typer.main.get_command(app)
    localize(root, lang)
    found = []

    def walk(cmd, path):
        found.append((path, cmd))
        for name, sub in (getattr(cmd, "commands", None) or {}).items():
            walk(sub, name if path == "app" else f"{path}.{name}")

    walk(root, "app")
    return found


def test_every_command_and_parameter_has_its_help_and_an_example_in_the_catalogue():
    from xinfang.messages import MESSAGES

    missing = []
    for path, cmd in _tree("zh"):
        missing += [c for c in (f"help.{path}", f"help.{path}.example") if c not in MESSAGES]
        for param in cmd.params:
            name = param.name.rstrip("_")
            if f"help.{path}.{name}" not in MESSAGES and f"help.option.{name}" not in MESSAGES:
                missing.append(f"help.{path}.{name}")
    assert missing == []


def test_every_example_is_a_command_line_its_command_accepts():
    import shlex

    from xinfang.messages import text

    for lang in ("zh", "en"):
        for path, cmd in _tree(lang):
            argv = shlex.split(text(f"help.{path}.example", lang))
            assert argv[0] == "xinfang", path
            words = [w for w in argv[1:] if not w.startswith("-")]
            names = path.split(".") if path != "app" else []
            assert all(n in words for n in names), (path, argv)
            start = max((argv.index(n) for n in names), default=0) + 1
            if path == "app":
                continue
            cmd.make_context(names[-1], argv[start:], resilient_parsing=False)  # a usage mistake raises


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_help_screen_shows_each_parameters_help_from_the_catalogue(lang, capsys):
    """'xinfang COMMAND --help' (and with --lang en) lists every option and argument with the help
    the catalogue gives it: the catalogue is the one source, and no screen comes out short."""
    from xinfang.cli import run
    from xinfang.messages import MESSAGES, text

    for path, cmd in _tree(lang):
        argv = (["--lang", lang] + ([] if path == "app" else path.split(".")) + ["--help"])
        capsys.readouterr()
        assert run(argv) == 0, path
        screen = " ".join(capsys.readouterr().out.split())
        assert _first_words(text(f"help.{path}", lang)) in screen, path
        for param in cmd.params:
            name = param.name.rstrip("_")
            code = next(c for c in (f"help.{path}.{name}", f"help.option.{name}") if c in MESSAGES)
            assert _first_words(text(code, lang)) in screen, (path, name)


def _first_words(help_text: str) -> str:
    """The start of a help text as a screen shows it folded: its first few words, spaces normalised."""
    return " ".join(help_text.split())[:12].strip()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_help_screen_cuts_a_bracket_from_its_words(lang, capsys, monkeypatch):
    """[默认：grievance] and [必填] stay on one line: a line never ends with the bracket that opens them."""
    from xinfang.cli import run

    monkeypatch.setenv("COLUMNS", "80")
    cut = []
    for path, _ in _tree(lang):
        argv = (["--lang", lang] + ([] if path == "app" else path.split(".")) + ["--help"])
        capsys.readouterr()
        assert run(argv) == 0, path
        cut += [(path, line) for line in capsys.readouterr().out.splitlines() if line.rstrip().endswith(("[", "（"))]
    assert cut == []
