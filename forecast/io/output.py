"""Output folders: the one routine every command that writes a folder uses.

``zorgcap report``, ``gap``, ``forecast``, ``population`` and ``backtest`` (and
:func:`zorgcap.reports.render`) write through :class:`OutputFolder`. It keeps four promises:

**Never replace what zorgcap did not write.** Every folder zorgcap writes holds a marker,
``.zorgcap-output`` (JSON), listing each file it wrote there with its SHA-256. Before any
work, the target is checked: a file zorgcap would replace must be listed in the marker with
the same content. A file it did not write (a planner's own ``targets.csv``, a note in a
report folder) is never replaced or removed: the run stops and names it. A file zorgcap
wrote that was changed since (edited in Excel) is the user's now: the run stops and names
it, and ``--force`` (``force=True``) replaces it; ``--force`` never touches a file zorgcap
did not write. A report folder is replaced as a whole (``whole=True``), so every file in it
must be zorgcap's; the other commands write their named files into a folder that may hold
anything else, which is left alone.

**All or nothing.** Files are written into a private temporary folder beside the target
(``.<name>.zorgcap-tmp-<pid>-<random>``), then moved into place (renames on the same
drive). A failure while writing - a full disk, no permission - leaves the target exactly
as it was and ends in one line naming the folder (:class:`~zorgcap.forecast.errors.InputError`),
or the file elsewhere that could not be written; an :class:`InputError` raised inside the
block keeps its own message.

**One run at a time.** A lock file beside the target (``.<name>.zorgcap-lock``, with the
process id and host) is taken before any work; a second run into the same folder stops at
once and says which run holds it. A lock of a process that is gone is taken over.

**Clean up only our own.** Temporary folders left by a killed run are removed by the next
run into the same target, but only folders that carry zorgcap's own marker
(``.zorgcap-tmp``) with the id of a process that no longer runs on this host. Anything else
beside the target - a user's ``.rap.2025.backup`` - is never touched.

Files are created with the user's umask (0644 under the default umask 022), folders
likewise (0755), so colleagues on a shared drive can read a report.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import socket
import tempfile
import time
from pathlib import Path

from ..errors import InputError

__all__ = ["MARKER", "OutputFolder", "disk_error", "umask_mode"]

#: The marker file of a folder zorgcap wrote: which files, with which content.
MARKER = ".zorgcap-output"
#: The marker of a report folder written before the marker listed its files (zorgcap <= 0.x
#: of issue 18); its known report files count as zorgcap's (:data:`_LEGACY_REPORT`).
LEGACY_MARKER = ".zorgcap-report"
_LEGACY_REPORT = ("report.html", "zorgcap_report.xlsx", "provenance.json", LEGACY_MARKER)
_LEGACY_DIRS = ("maps", "charts")
#: The marker inside a temporary folder: process id, host and start of the run that owns it.
TMP_MARKER = ".zorgcap-tmp"
_TMP = "zorgcap-tmp"
_OLD = "zorgcap-old"
_LOCK = "zorgcap-lock"
#: errno values that are the environment's, not a bug: the drive is full or read-only, the
#: user may not write there, the file is too large for the drive.
DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM,
               errno.EFBIG, errno.EIO, errno.ENAMETOOLONG}


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # read once at import (os.umask is process-wide, not thread-safe)


def umask_mode(directory: bool = False) -> int:
    """The mode a new file (0666) or folder (0777) gets under the user's umask [octal]."""
    return (0o777 if directory else 0o666) & ~_UMASK


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _alive(pid: int) -> bool | None:
    """Whether process ``pid`` runs on this host (None where that cannot be checked)."""
    if os.name != "posix":
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OverflowError:
        return False
    return True


def _owner(path: Path) -> dict | None:
    """The JSON of a lock or temporary-folder marker, None if it is not zorgcap's."""
    try:
        owner = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(owner, dict) or owner.get("written_by") != "zorgcap" \
            or not isinstance(owner.get("pid"), int):
        return None
    return owner


def _gone(owner: dict) -> bool:
    """Whether the process of a lock or marker has certainly ended (same host, not alive)."""
    return owner.get("host") == socket.gethostname() and _alive(owner["pid"]) is False


def disk_error(exc: BaseException) -> OSError | None:
    """The :class:`OSError` of the environment behind ``exc`` (a full or read-only drive,
    no permission), following ``__cause__``/``__context__`` and wrapped arguments (as
    xlsxwriter's ``FileCreateError(OSError)``); None if there is none.

    An :class:`InputError` already says what is wrong in the user's words: it is never
    looked behind (issue 30 audit: an unreadable capacity file, named by the planner-file
    reader, was reported as "could not write --out DIR: Permission denied"), and neither is
    a context its raiser suppressed (``raise ... from None``)."""
    seen = set()
    todo = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen or isinstance(e, InputError):
            continue
        seen.add(id(e))
        if isinstance(e, OSError) and e.errno in DISK_ERRNOS:
            return e
        todo += [e.__cause__, None if e.__suppress_context__ else e.__context__,
                 *[a for a in getattr(e, "args", ()) if isinstance(a, BaseException)]]
    return None


class OutputFolder:
    """A folder of zorgcap output, written all at once or not at all.

    Parameters
    ----------
    out : str or Path
        The target folder (``--out``).
    command : str
        The command writing it (recorded in the marker, e.g. ``"gap"``).
    files : list of str, optional
        The file names this run may write (``whole=False``): each is checked before any
        work. Names written that are not declared are checked when they are moved.
    whole : bool, default False
        The folder is one piece of output (a report): it must be new, empty, or hold only
        zorgcap's files, and it is replaced as a whole. Else the named files are put into
        the folder and everything else in it is left alone.
    force : bool, default False
        Replace files zorgcap wrote even if they were changed since. Never replaces a file
        zorgcap did not write.
    protect : list of path, optional
        Input files of the run (planner files), never to be replaced even if zorgcap once
        wrote them.
    option : str, default "--out"
        How the user named the target, for messages.

    Examples
    --------
    >>> with OutputFolder("reports/out", command="gap", files=["gap.csv"]) as out:  # doctest: +SKIP
    ...     frame.to_csv(out.path("gap.csv"), index=False)
    >>> out.written  # doctest: +SKIP
    [PosixPath('reports/out/gap.csv')]
    """

    def __init__(self, out, *, command: str, files=(), whole: bool = False,
                 force: bool = False, protect=(), option: str = "--out"):
        self.out = Path(out)
        self.command = command
        self.files = list(files)
        self.whole = whole
        self.force = force
        self.protect = [Path(p) for p in protect if p is not None]
        self.option = option
        self.work: Path | None = None
        self.written: list[Path] = []
        self._lock: Path | None = None
        self._open = False

    # --- before any work --------------------------------------------------------------

    def __enter__(self) -> OutputFolder:
        self.check()
        parent = self.out.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self._take_lock()
            try:
                self._sweep()
                self.work = Path(tempfile.mkdtemp(
                    prefix=f".{self.out.name}.{_TMP}-{os.getpid()}-", dir=parent))
                os.chmod(self.work, umask_mode(directory=True))
                (self.work / TMP_MARKER).write_text(self._owner_json(), encoding="utf-8")
            except BaseException:
                self._release()
                raise
        except OSError as exc:
            raise self._disk_input_error(exc) from None
        self._open = True
        return self

    def _where(self) -> str:
        return f"{self.option} {self.out}"

    def check(self) -> None:
        """Refuse a target that this run must not write (raises :class:`InputError`);
        called before any work. Reads only; can be called again before the move."""
        out = self.out
        if out.exists() and not out.is_dir():
            raise InputError(f"{self._where()} is a file, not a folder; it is left untouched",
                             file=str(out), fix="give the path of a new folder, or of a "
                             "folder zorgcap wrote earlier.")
        for name in self.files:
            self._check_input(out / name)
        if not out.is_dir():
            return
        known = self._marker()
        if self.whole:
            present = sorted(p for p in out.rglob("*") if p.is_file() or p.is_symlink())
            foreign = [p for p in present if self._state(p, known) == "foreign"]
            if foreign:
                shown = ", ".join(str(p.relative_to(out)) for p in foreign[:3])
                more = f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
                raise InputError(
                    f"{self._where()} holds files zorgcap did not write ({shown}{more}); the "
                    "folder is left untouched", file=str(foreign[0]),
                    fix="give a new or empty folder, or move those files out of it "
                        "(--force replaces only zorgcap's own output).")
            changed = [p for p in present if self._state(p, known) == "changed"]
        else:
            changed = []
            for name in self.files:
                path = out / name
                state = self._state(path, known)
                if state == "foreign":
                    raise InputError(
                        f"zorgcap did not write this file and would replace it "
                        f"({self._where()}); it is left untouched", file=str(path),
                        fix=f"rename or move {path}, or give another {self.option} folder "
                            "(--force replaces only zorgcap's own output).")
                if state == "changed":
                    changed.append(path)
        if changed and not self.force:
            shown = ", ".join(str(p.relative_to(out)) for p in changed[:3])
            raise InputError(
                f"{self._where()}: {shown} {'was' if len(changed) == 1 else 'were'} written by "
                "zorgcap but changed since; it is left untouched", file=str(changed[0]),
                fix="move the file away to keep your changes, or pass --force to replace it "
                    "with the new output.")

    def _check_input(self, dest: Path) -> None:
        for given in self.protect:
            try:
                same = dest.exists() and given.exists() and os.path.samefile(dest, given)
            except OSError:
                same = False
            if same:
                raise InputError(
                    f"{self._where()} would overwrite the input file {given}: zorgcap writes "
                    f"its own {dest.name} there", file=str(given),
                    fix=f"give another {self.option} folder, or rename or move the input "
                        "file; zorgcap never replaces an input.")

    def _marker(self) -> dict:
        """The files the marker of ``out`` lists (relative path -> sha256 or None)."""
        path = self.out / MARKER
        if path.is_file():
            try:
                files = json.loads(path.read_text(encoding="utf-8")).get("files", {})
                return {str(k): (v or {}).get("sha256") for k, v in files.items()}
            except (OSError, ValueError, AttributeError):
                return {}
        if (self.out / LEGACY_MARKER).is_file():  # a report of before the listing marker
            found = {}
            for p in self.out.rglob("*"):
                rel = p.relative_to(self.out)
                if p.is_file() and (str(rel) in _LEGACY_REPORT or rel.parts[0] in _LEGACY_DIRS):
                    found[rel.as_posix()] = None
            return found
        return {}

    def _state(self, path: Path, known: dict) -> str:
        """``absent``, ``own`` (zorgcap wrote it as it is), ``changed`` or ``foreign``."""
        if not path.exists() and not path.is_symlink():
            return "absent"
        rel = path.relative_to(self.out).as_posix()
        if rel in (MARKER, LEGACY_MARKER):
            return "own"
        if path.is_symlink() or not path.is_file() or rel not in known:
            return "foreign"
        digest = known[rel]
        if digest is None:  # listed by a legacy marker: no hash to compare
            return "own"
        return "own" if _sha256(path) == digest else "changed"

    def _owner_json(self) -> str:
        return json.dumps({"written_by": "zorgcap", "command": self.command,
                           "pid": os.getpid(), "host": socket.gethostname(),
                           "started": time.strftime("%Y-%m-%d %H:%M:%S"),
                           "target": str(self.out)}, indent=1)

    def _take_lock(self) -> None:
        lock = self.out.parent / f".{self.out.name}.{_LOCK}"
        for _ in range(3):
            try:
                fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, umask_mode())
            except FileExistsError:
                owner = _owner(lock)
                if owner is not None and _gone(owner):
                    stale = lock.with_name(f"{lock.name}.stale-{os.getpid()}")
                    try:  # only one of several runs wins the rename
                        os.replace(lock, stale)
                        stale.unlink()
                    except FileNotFoundError:
                        pass
                    continue
                who = (f"zorgcap {owner.get('command', '')} (process {owner['pid']} on "
                       f"{owner.get('host')}, since {owner.get('started')})"
                       if owner else "another program")
                raise InputError(
                    f"{self._where()} is being written by {who}", file=str(lock),
                    fix="wait until that run has finished, or give another folder; if no "
                        f"run is active (e.g. after a crash on another computer), remove {lock}."
                ) from None
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(self._owner_json())
            self._lock = lock
            return
        raise InputError(f"{self._where()}: could not take the lock {lock}", file=str(lock),
                         fix="try again; if it persists, remove the lock file.")

    def _sweep(self) -> None:
        """Remove what killed runs into this target left: only folders named as zorgcap
        names them, holding zorgcap's marker, of a process that has ended on this host. A
        report a kill left in the swap folder is put back first."""
        for path in self.out.parent.glob(f".{self.out.name}.zorgcap-*"):
            kind = path.name[len(self.out.name) + 2:].split("-")
            if not path.is_dir() or kind[:2] not in (_TMP.split("-"), _OLD.split("-")):
                continue
            owner = _owner(path / TMP_MARKER)
            if owner is None or not _gone(owner):
                continue
            if kind[:2] == _OLD.split("-") and (path / self.out.name).is_dir() \
                    and not self.out.exists():
                (path / self.out.name).rename(self.out)
            shutil.rmtree(path, ignore_errors=True)

    # --- writing ------------------------------------------------------------------------

    def path(self, name) -> Path:
        """Where to write the file ``name`` (relative to the target) during the run."""
        if not self._open:
            raise RuntimeError("OutputFolder.path() outside its with-block")
        dest = self.work / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        return dest

    def write_text(self, name, text: str) -> Path:
        self.path(name).write_text(text, encoding="utf-8")
        return self.out / name

    def write_table(self, frame, name: str) -> list[Path]:
        """``frame`` as ``<name>.csv`` and ``<name>.parquet``; the final paths."""
        frame.to_csv(self.path(f"{name}.csv"), index=False)
        frame.to_parquet(self.path(f"{name}.parquet"))
        return [self.out / f"{name}.csv", self.out / f"{name}.parquet"]

    # --- moving into place --------------------------------------------------------------

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc is None:
                try:
                    self._commit()
                except OSError as err:
                    raise self._disk_input_error(err) from None
            elif (err := disk_error(exc)) is not None:
                raise self._disk_input_error(err) from None
        finally:
            self._open = False
            if self.work is not None:
                shutil.rmtree(self.work, ignore_errors=True)
            self._release()
        return False

    def _ours(self, path) -> bool:
        """Whether ``path`` is the target, inside it, a folder above it, or one of this run's
        files beside it (the temporary folder, the lock)."""
        p = os.path.abspath(path)
        out = os.path.abspath(self.out)
        return p == out or p.startswith(out + os.sep) or out.startswith(p + os.sep) or (
            os.path.dirname(p) == os.path.dirname(out)
            and os.path.basename(p).startswith(f".{self.out.name}.zorgcap-")) or (
            self.work is not None and p.startswith(os.path.abspath(self.work) + os.sep))

    def _disk_input_error(self, err: OSError) -> InputError:
        what = os.strerror(err.errno) if err.errno else str(err)
        name = errno.errorcode.get(err.errno, "")
        if err.filename is not None and not self._ours(err.filename):
            # the run failed on a file elsewhere (issue 30: a full cache drive was blamed on
            # --out): name that file; the output folder is left as it was all the same
            return InputError(
                f"{what}{f' ({name})' if name else ''}; nothing was changed in "
                f"{self._where()}", file=str(err.filename),
                fix=("free space on that drive" if err.errno in (errno.ENOSPC, errno.EDQUOT,
                                                                 errno.EFBIG)
                     else "check that you may read and write it") + ", then run again.")
        return InputError(
            f"could not write {self._where()}: {what}{f' ({name})' if name else ''}; nothing "
            "was changed there", file=str(self.out),
            fix=("free space on that drive or give a folder on another drive"
                 if err.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) else
                 "give a folder you may write to"))

    def _files_in_work(self) -> list[str]:
        return sorted(p.relative_to(self.work).as_posix() for p in self.work.rglob("*")
                      if p.is_file() and p.name != TMP_MARKER)

    def _commit(self) -> None:
        names = self._files_in_work()
        self.files = sorted(set(self.files) | set(names))
        self.check()  # the target may have changed while the model ran
        (self.work / TMP_MARKER).unlink()
        new = {n: {"sha256": _sha256(self.work / n), "command": self.command} for n in names}
        for p in self.work.rglob("*"):
            os.chmod(p, umask_mode(directory=p.is_dir()))
        if self.whole or not self.out.exists():
            self._write_marker(self.work / MARKER, new)
            self._swap()
        else:
            old = {}
            path = self.out / MARKER
            if path.is_file():
                try:
                    old = json.loads(path.read_text(encoding="utf-8")).get("files", {})
                except (OSError, ValueError):
                    old = {}
            marker_tmp = self.work / MARKER
            self._write_marker(marker_tmp, {**old, **new})
            for name in names:
                dest = self.out / name
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(self.work / name, dest)
            os.replace(marker_tmp, self.out / MARKER)
        self.written = [self.out / n for n in names]

    def _write_marker(self, path: Path, files: dict) -> None:
        text = json.dumps({"written_by": "zorgcap",
                           "note": "zorgcap replaces only the files listed here, and only if "
                                   "they are unchanged; see forecast/io/output.py",
                           "files": dict(sorted(files.items()))}, indent=1)
        path.write_text(text + "\n", encoding="utf-8")
        os.chmod(path, umask_mode())

    def _swap(self) -> None:
        """Put the work folder in the place of the target (renames on the same drive)."""
        out = self.out
        if not out.exists():
            self.work.rename(out)
            self.work = None
            return
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.{_OLD}-{os.getpid()}-",
                                    dir=out.parent))
        (old / TMP_MARKER).write_text(self._owner_json(), encoding="utf-8")
        out.rename(old / out.name)
        try:
            self.work.rename(out)
        except OSError:
            (old / out.name).rename(out)  # put the earlier output back
            shutil.rmtree(old, ignore_errors=True)
            raise
        self.work = None
        shutil.rmtree(old, ignore_errors=True)

    def _release(self) -> None:
        if self._lock is not None:
            owner = _owner(self._lock)
            if owner is not None and owner["pid"] == os.getpid():
                try:
                    self._lock.unlink()
                except FileNotFoundError:
                    pass
            self._lock = None
