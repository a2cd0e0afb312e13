"""Writing the files a clerk names with ``-o``: the one place every command writes a file.

A file is written whole or not at all: into a unique temporary file beside the target
(``tempfile.mkstemp``), removed on any failure, then moved into place. An existing file is
replaced only with ``--force``; anything that is not a regular file (a folder, a device, a FIFO,
a symbolic link to one of those) never is; the ledger itself and its ``-wal``/``-shm`` files never
are. A file holding revealed personal data is created 0600 whatever the umask; any other file
gets the permissions the umask gives.
"""

from __future__ import annotations

import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from xinfang.errors import XinfangError


def _refuse(code: str, lang: str, option: str, path, **params) -> XinfangError:
    from xinfang.messages import text

    return XinfangError(text(f"file.{code}", lang, option=option, path=path, **params),
                        fix=text(f"file.{code}.fix", lang, option=option, path=path, **params))


def _system(exc: OSError, code: str, lang: str, option: str, path) -> XinfangError:
    """What the system said about ``path`` (``file.unreadable`` or ``file.unwritable``), in ``lang``."""
    from xinfang.errors import os_problem
    from xinfang.messages import wording

    return _refuse(code, lang, option, path, problem=wording(os_problem(exc), lang))


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def check_target(path, *, force: bool, ledger_path=None, option: str = "-o", lang: str = "zh") -> Path:
    """The file ``path`` may be written: refused (one line naming ``option`` and the fix) when it
    exists and ``force`` is not given, when it is not a regular file, when its folder is missing,
    or when it is the ledger or one of the ledger's ``-wal``/``-shm`` files."""
    path = Path(path)
    if ledger_path is not None:
        ledger = Path(ledger_path)
        for companion in (ledger, Path(f"{ledger}-wal"), Path(f"{ledger}-shm"), Path(f"{ledger}-journal")):
            try:
                same = _same_file(os.stat(path), os.stat(companion))
            except OSError:
                same = path.resolve() == companion.resolve()
            if same:
                raise _refuse("ledger", lang, option, path)
    try:
        st = os.stat(path)  # follows a symbolic link: what would really be written
    except FileNotFoundError:
        if path.is_symlink():
            raise _refuse("special", lang, option, path) from None  # a dangling link: it would write elsewhere
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise _refuse("folder", lang, option, path, folder=folder) from None
        return path
    except OSError as exc:
        raise _system(exc, "unreadable", lang, option, path) from None
    if stat.S_ISDIR(st.st_mode):
        raise _refuse("directory", lang, option, path)
    if not stat.S_ISREG(st.st_mode) or path.is_symlink():
        raise _refuse("special", lang, option, path)
    if not force:
        raise _refuse("exists", lang, option, path)
    return path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def writing(path, *, force: bool, private: bool = False, ledger_path=None, option: str = "-o",
            lang: str = "zh") -> Iterator[Path]:
    """Write ``path`` through a temporary file: yields the temporary file's ``Path`` to write into
    (by name, as openpyxl does, or ``open``); on success it is moved onto ``path``, on any failure
    removed. Checks ``path`` first (``check_target``) and once more just before the move, so a file
    that appeared meanwhile is not replaced without ``force``."""
    target = check_target(path, force=force, ledger_path=ledger_path, option=option, lang=lang)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _system(exc, "unwritable", lang, option, target) from None
    os.close(fd)
    tmp = Path(name)
    try:
        # mkstemp makes the file 0600: kept for personal data, else what the umask gives a new file.
        if not private:
            os.chmod(tmp, 0o666 & ~_umask())
        yield tmp
        _place(tmp, target, force, ledger_path, option, lang)
    except OSError as exc:
        raise _system(exc, "unwritable", lang, option, target) from None
    finally:
        tmp.unlink(missing_ok=True)


def _place(tmp: Path, target: Path, force: bool, ledger_path, option: str, lang: str) -> None:
    """Move the finished temporary file onto the target; without ``force`` never over a file that
    appeared meanwhile (a hard link fails on an existing name)."""
    check_target(target, force=force, ledger_path=ledger_path, option=option, lang=lang)
    if not force:
        try:
            os.link(tmp, target)
            return
        except FileExistsError:
            raise _refuse("exists", lang, option, target) from None
        except OSError:  # no hard links on this filesystem: the check above has to do
            pass
    os.replace(tmp, target)


def write_file(path, data: bytes | str, *, force: bool, private: bool = False, ledger_path=None,
               option: str = "-o", lang: str = "zh") -> Path:
    """Write ``data`` (text is UTF-8) to ``path`` whole or not at all; see ``writing``."""
    with writing(path, force=force, private=private, ledger_path=ledger_path, option=option, lang=lang) as tmp:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(path)
