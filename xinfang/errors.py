"""The one exception type users see. The CLI prints it as a single line and exits 1."""

from __future__ import annotations


class XinfangError(Exception):
    """A refusal: bad input, a missing ledger, a case in the wrong state.

    ``message`` names the field and the problem; ``fix`` tells the user what to do instead.
    """

    def __init__(self, message: str, fix: str | None = None):
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message}; {self.fix}" if self.fix else self.message


class Refusal(XinfangError):
    """A refusal worded from the message catalogue (``xinfang.messages``) in the user's language at
    the edge: the message ``code`` (led by ``field`` when given: ``--on``, ``CASE``) and, when the
    catalogue has it, the fix ``code.fix``; ``str()`` is the English wording, for logs and tests."""

    def __init__(self, code: str, field: object = None, **params):
        self.code = code
        self.field = field
        self.params = params
        super().__init__(*self.parts("en"))

    def parts(self, lang: str) -> tuple[str, str | None]:
        """(message, fix) in ``lang``; the fix None when the catalogue has none."""
        from xinfang.messages import MESSAGES, text, wording

        message = text(self.code, lang, **self.params)
        if self.field is not None:
            field = self.field
            if isinstance(field, str) and f"metavar.{field}" in MESSAGES:
                field = text(f"metavar.{field}", lang)  # an argument named as its help names it: 年份
            message = f"{wording(field, lang)}: {message}"
        fix = text(f"{self.code}.fix", lang, **self.params) if f"{self.code}.fix" in MESSAGES else None
        return message, fix

    def worded(self, lang: str) -> str:
        from xinfang.messages import text

        message, fix = self.parts(lang)
        return text("error.fix", lang, message=message, fix=fix) if fix else message


# errno name -> catalogue code of what the system said, in the user's language
OS_ERRORS = {"ENOENT": "os.not_found", "EACCES": "os.denied", "EPERM": "os.denied", "EISDIR": "os.is_folder",
             "ENOTDIR": "os.not_folder", "ENAMETOOLONG": "os.name_too_long", "ENOSPC": "os.no_space",
             "EDQUOT": "os.no_space", "EROFS": "os.read_only", "EEXIST": "os.exists", "EFBIG": "os.too_big",
             "EIO": "os.io", "EBUSY": "os.busy", "ELOOP": "os.loop"}

# SQLite's primary result code -> catalogue code (a damaged file has its own way out: db check)
SQLITE_ERRORS = {"SQLITE_BUSY": "sqlite.busy", "SQLITE_LOCKED": "sqlite.busy", "SQLITE_FULL": "sqlite.full",
                 "SQLITE_READONLY": "sqlite.read_only", "SQLITE_CANTOPEN": "sqlite.cant_open",
                 "SQLITE_PERM": "sqlite.denied", "SQLITE_AUTH": "sqlite.denied", "SQLITE_NOTADB": "sqlite.not_a_database",
                 "SQLITE_IOERR": "sqlite.io", "SQLITE_CORRUPT": "sqlite.damaged", "SQLITE_TOOBIG": "sqlite.too_big",
                 "SQLITE_NOLFS": "sqlite.too_big", "SQLITE_PROTOCOL": "sqlite.busy",
                 "SQLITE_IOERR_SHMSIZE": "sqlite.full"}  # the -shm file cannot grow: no room on the disk


def os_problem(exc: OSError):
    """What the system said about a file, as a catalogue ``Message`` (its own words only for an
    error the catalogue has none for)."""
    import errno

    from xinfang.model import Message

    code = OS_ERRORS.get(errno.errorcode.get(exc.errno or 0, ""))
    return Message.of(code) if code else Message.of("os.other", detail=exc.strerror or str(exc))


def sqlite_problem(exc: BaseException, path=None):
    """What SQLite said, as a catalogue ``Message`` by its result code; an OS error inside it
    (a SQLite error carrying no code) in its own words. A disk I/O error on the disk of ``path``
    (the ledger) with no room left is said to be the full disk it is (SQLite cannot tell)."""
    from xinfang.model import Message

    name = getattr(exc, "sqlite_errorname", None) or ""
    code = SQLITE_ERRORS.get(name) or SQLITE_ERRORS.get("_".join(name.split("_")[:2]))  # SQLITE_IOERR_WRITE: SQLITE_IOERR
    if code is None:
        words = str(exc).lower()
        code = next((c for key, c in _SQLITE_WORDS if key in words), None)
    if code == "sqlite.io" and path is not None and _no_room(path):
        code = "sqlite.full"
    return Message.of(code) if code else Message.of("os.other", detail=str(exc))


def _no_room(path) -> bool:
    import os
    import shutil

    try:
        return shutil.disk_usage(os.path.dirname(os.path.abspath(os.fspath(path)))).free < 1 << 20
    except OSError:
        return False


# SQLite's English for the common cases, when an error carries no result code (older Pythons)
_SQLITE_WORDS = (("locked", "sqlite.busy"), ("disk is full", "sqlite.full"), ("readonly", "sqlite.read_only"),
                 ("unable to open", "sqlite.cant_open"), ("not a database", "sqlite.not_a_database"),
                 ("disk i/o", "sqlite.io"), ("malformed", "sqlite.damaged"))


def system_refusal(exc: BaseException, name: object = None, path=None) -> Refusal:
    """An OS or SQLite error as a one-line refusal in the user's language: the file it is about
    (``name``, or the error's own file name) when known, what went wrong and what to do; ``path``
    the ledger a SQLite error is about."""
    problem = sqlite_problem(exc, path) if not isinstance(exc, OSError) else os_problem(exc)
    if name is None and isinstance(exc, OSError) and exc.filename is not None:
        name = str(exc.filename)
        name = name if len(name) <= 60 else name[:57] + "…"
    return Refusal(problem.code, name, **problem.args())


def toml_problem(exc: Exception):
    """Where a TOML file stops parsing, as a catalogue ``Message`` (line and column; tomllib's
    English explanation only when it names no place)."""
    import re

    from xinfang.model import Message

    text = str(exc)
    at = re.search(r"\(at line (\d+), column (\d+)\)", text)
    if at:
        return Message.of("toml.at", line=int(at.group(1)), column=int(at.group(2)))
    if "(at end of document)" in text:
        return Message.of("toml.at_end")
    return Message.of("os.other", detail=text)


# What Python's csv module says of a row it cannot read, by its words -> catalogue code
_CSV_WORDS = (("nul", "csv.nul"), ("field larger than field limit", "csv.too_long"),
              ("new-line character seen in unquoted field", "csv.newline"), ("unexpected end of data", "csv.unfinished"),
              ("expected after", "csv.quote"))


def csv_problem(exc: Exception):
    """Why a CSV row cannot be read, as a catalogue ``Message``."""
    from xinfang.model import Message

    words = str(exc).lower()
    code = next((c for key, c in _CSV_WORDS if key in words), None)
    return Message.of(code) if code else Message.of("os.other", detail=str(exc))


def damage_detail(detail: str):
    """How a damaged ledger's detail (SQLite's words, as the marker file keeps them) is shown: the
    catalogue's words for what SQLite says of a damaged file, its integrity report's own lines as
    they are (they name pages and tables)."""
    from xinfang.model import Message

    words = detail.lower()
    if "integrity_check:" in words:
        return Message.of("damage.integrity", line=detail.split("integrity_check:", 1)[1].strip())
    if "malformed" in words or "disk image" in words:
        return Message.of("damage.malformed")
    if words.strip() == "damaged pages":
        return Message.of("damage.pages")
    return detail
