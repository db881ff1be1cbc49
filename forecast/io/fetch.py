"""``zorgcap data fetch``: refresh CBS tables with ``cbsodata`` into the user's cache.

A table is named by its manifest key (``households_age_sex``) or its CBS id (``37620``,
``84529NED``; case-insensitive). Each download is written in the layout of
``../shared/data`` (``;``-separated, UTF-8 with BOM, category labels instead of codes) as
``<cache>/data/<folder>/<name>``, which is searched before ``../shared/data`` and the
embedded snapshot (:mod:`.datadir`). A download is checked before it is saved: it must parse
as a CBS table and hold the columns zorgcap reads; it then replaces the previous copy
atomically (a temporary file renamed into place), so an interrupted or refused download
leaves the previous copy, or the snapshot, in use.

Needs internet and the ``cbsodata`` package (``pip install 'zorgcap[fetch]'``). Without
either, or when CBS refuses, :class:`FetchError` says so in one line with the fix. Tables that
are not on CBS open data (gemeente boundaries, HMD death rates, the 2014 zzp figures, tables
derived in ``../shared``) cannot be downloaded: :func:`not_downloadable` says where each comes
from; the embedded snapshot has them.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from ..errors import InputError, display_path
from .cache import atomic_write
from .datadir import cache_dir
from .manifest import Table, manifest

__all__ = ["FetchError", "LineProgress", "fetch_tables", "fetch_target", "not_downloadable",
           "resolve"]

#: Seconds to wait for CBS to answer: to connect, and between two parts of an answer.
TIMEOUT = (15, 120)


class FetchError(InputError):
    """A download that could not be done for a reason the user can act on (no ``cbsodata``,
    no network, CBS refused or answered something else); the command line prints it as one
    line with the fix and exits with status 2."""

    label = "cannot fetch"


def resolve(names) -> list[Table]:
    """Manifest entries named by key or CBS id (case-insensitive), in the order given.

    A CBS id names the downloadable tables with that id (``85745NED`` is the KVS 2023
    projection, not the table derived from it in ``../shared``); one that only tables
    derived from it carry names those.

    Raises
    ------
    InputError
        For a name that is neither a key nor a CBS id of the manifest.
    """
    tables = manifest()
    out: list[Table] = []
    for name in names:
        wanted = str(name).strip().lower()
        hits = [t for k, t in tables.items() if k.lower() == wanted]
        if not hits:
            by_id = [t for t in tables.values() if t.cbs_id and t.cbs_id.lower() == wanted]
            hits = [t for t in by_id if t.fetchable] or by_id
        if not hits:
            ids = sorted({t.cbs_id for t in tables.values() if t.fetchable})
            raise InputError(
                f"'{name}' is neither the key nor the CBS id of one of zorgcap's input tables",
                fix=f"give a key or CBS id that 'zorgcap data status' lists (CBS ids: "
                    f"{', '.join(ids)}).")
        out += [t for t in hits if t not in out]
    return out


def fetch_target(entry: Table, dest=None) -> Path:
    """Where table ``entry`` is written: its manifest glob with ``*`` -> ``cbsodata``."""
    root = Path(dest) if dest is not None else cache_dir() / "data"
    return root / entry.path.replace("*", "cbsodata")


def not_downloadable(entry: Table) -> str:
    """Where a table zorgcap cannot download comes from, and where zorgcap gets it."""
    return f"{entry.key}: {_elsewhere(entry)}"


def _elsewhere(entry: Table) -> str:
    from .snapshot import snapshot_manifest

    embedded = snapshot_manifest().get(entry.key)
    source = f"{embedded.source} (via {embedded.via})" if embedded else entry.attribution
    have = (f"The snapshot embedded in zorgcap has it (data_raw/snapshot/{embedded.file})"
            if embedded else "zorgcap's snapshot lacks it: reinstall zorgcap")
    return (f"not on CBS open data, so zorgcap cannot download it; it comes from {source}. "
            f"{have}; to use another copy, place it as {cache_dir() / 'data' / entry.path} "
            "or pass --data.")


def _client():
    try:
        import cbsodata
    except ImportError:
        raise FetchError("downloading CBS tables needs the 'cbsodata' package, which is not "
                         "installed",
                         fix="pip install 'zorgcap[fetch]' (or pip install cbsodata); "
                             "meanwhile zorgcap uses the tables it has ('zorgcap data "
                             "status').") from None
    return cbsodata


def _short(exc: BaseException, limit: int = 120) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:limit]}{'...' if len(text) > limit else ''}"


def _cause(exc: BaseException) -> str:
    """The innermost reason of a failed connection, e.g. ``NameResolutionError`` (requests
    wraps it in a ``MaxRetryError`` in its first argument)."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return type(reason or exc).__name__


def _download_error(entry: Table, exc: Exception, saved: int) -> FetchError:
    """The one-line reason a download failed: no network, or CBS refused or misanswered."""
    try:
        import requests
    except ImportError:  # a client without requests: sorted by the built-in types only
        requests = None
    before = f" ({saved} table(s) were saved before it)" if saved else ""
    keep = "meanwhile zorgcap uses the tables it has ('zorgcap data status')"
    network = (ConnectionError, TimeoutError)
    if requests is not None:
        network += (requests.ConnectionError, requests.Timeout)
    if isinstance(exc, network):
        return FetchError(f"cannot reach CBS open data to download {entry.cbs_id} "
                          f"(no connection: {_cause(exc)}){before}",
                          fix=f"connect to the internet (or set HTTPS_PROXY) and run 'zorgcap "
                              f"data fetch {entry.cbs_id}' again; {keep}.")
    if requests is not None and isinstance(exc, requests.HTTPError):
        return FetchError(f"CBS open data refused table {entry.cbs_id} ({_short(exc)}){before}",
                          fix=f"check on StatLine that table {entry.cbs_id} is still "
                              f"published, and try again later; {keep}.")
    return FetchError(f"CBS open data answered something zorgcap cannot read for table "
                      f"{entry.cbs_id} ({_short(exc)}){before}",
                      fix=f"try again later, or update cbsodata (pip install -U cbsodata); "
                          f"{keep}.")


def _write_checked(entry: Table, frame: pd.DataFrame, target: Path) -> None:
    """Save ``frame`` as ``target`` if it parses as the CBS table zorgcap reads."""
    from .cbs import read_cbs_csv, require_columns

    def write(tmp: Path) -> None:
        frame.to_csv(tmp, sep=";", index=False, encoding="utf-8-sig")
        try:
            require_columns(read_cbs_csv(tmp), entry.expected_columns, file=target,
                            what=f"table {entry.cbs_id} as CBS gives it now")
        except InputError as err:
            raise FetchError(f"{err.problem}; it was not saved",
                             fix=f"zorgcap keeps using its other copy of '{entry.key}' ('zorgcap "
                                 "data status'); the table may have changed on CBS: please "
                                 "report it.") from None

    atomic_write(target, write)


class LineProgress:
    """Progress of a command as lines on ``stream`` (default ``sys.stderr``).

    On a terminal the running step stands on one line that is rewritten when it ends (and
    wiped if it fails, so that an error stays the only line); elsewhere (a log file, a pipe)
    only the finished steps are written.
    """

    def __init__(self, stream=None):
        import sys

        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._open = False

    def start(self, text: str) -> None:
        if self.tty:
            self.clear()
            self.stream.write(text)
            self.stream.flush()
            self._open = True

    def done(self, text: str) -> None:
        self.clear()
        self.stream.write(text + "\n")
        self.stream.flush()

    def clear(self) -> None:
        if self._open:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._open = False


def fetch_tables(keys=None, dest=None, client=None, progress=None) -> list[Path]:
    """Download the CBS tables ``keys`` (default: all downloadable) and return the paths.

    Parameters
    ----------
    keys : list of str, optional
        Manifest keys or CBS ids (:func:`resolve`); default every table with
        ``fetchable = yes``.
    dest : str or Path, optional
        Data directory to write into (default: ``<cache>/data``).
    client : module, optional
        Object with ``get_data(table_id, **requests_options)`` (default: the ``cbsodata``
        package).
    progress : LineProgress, optional
        Told when each table starts (``start(text)``) and ends (``done(text)``); a failed
        step is wiped (``clear()``) before the error is raised.

    Raises
    ------
    FetchError
        ``cbsodata`` missing, no network, CBS refused or answered what zorgcap cannot read,
        or a table that is not on CBS open data was asked for (:func:`not_downloadable`).
    """
    entries = resolve(keys) if keys else [t for t in manifest().values() if t.fetchable]
    for entry in entries:
        if not entry.fetchable:
            raise FetchError(f"table '{entry.key}' cannot be downloaded by zorgcap",
                             fix=_elsewhere(entry))
    if client is None:
        client = _client()
    written: list[Path] = []
    try:
        for i, entry in enumerate(entries, start=1):
            step = f"[{i}/{len(entries)}] {entry.cbs_id}"
            if progress:
                progress.start(f"{step} {entry.title}: downloading ...")
            t0 = time.perf_counter()
            try:
                records = client.get_data(entry.cbs_id, timeout=TIMEOUT)
            except Exception as exc:  # noqa: BLE001 - every failure is said in one line
                raise _download_error(entry, exc, len(written)) from None
            frame = pd.DataFrame.from_records(records)
            if frame.empty:
                raise FetchError(f"CBS open data returned no rows for table {entry.cbs_id}",
                                 fix="try again later; meanwhile zorgcap uses the tables it "
                                     "has.")
            target = fetch_target(entry, dest)
            _write_checked(entry, frame, target)
            written.append(target)
            if progress:
                progress.done(f"{step}: {len(frame):,} rows -> {display_path(target)} "
                              f"({time.perf_counter() - t0:.1f} s)")
    finally:
        if progress:
            progress.clear()
    return written
