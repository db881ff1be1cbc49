"""Caches keyed by the content of the input files: Parquet on disk, and results in memory.

**On disk.** A parsed table is stored as
``<cache>/parquet/<key>-<parser>-v<version>-<sha256[:16]>.parquet``. Any change to the source
file changes the hash, so a stale cache is never read; a change to a parser is announced by
bumping its ``version``. Files are written to a temporary name and then renamed, so an
interrupted run never leaves a half-written cache file (:func:`cached`).

**In memory.** :func:`content_cache` memoises a function in this process, like
:func:`functools.lru_cache`, but a result is only reused while every input file it was
computed from is unchanged. The input files are not declared: they are recorded while the
function runs, at the one place every input is found (:func:`zorgcap.forecast.io.manifest.locate`
and the readers of ``data_raw/``, which call :func:`note_input`), including the inputs of
the cached functions it calls. Before a result is reused, each input table is located again
through the same search order (``--data``, ``ZORGCAP_DATA``, the cache, ``../shared/data``)
and each file's stamp is compared (:func:`file_stamp`: size, modification time and inode;
for a file modified in the two seconds before it was read, whose modification time may not
yet tell two versions apart, also its SHA-256). A changed, moved, newly shadowing or
vanished file therefore means the function runs again. Checking costs a ``stat`` and a
directory lookup per input: a fraction of a millisecond, against the seconds an expensive
result such as the population point run takes.

Callers cannot change a cached result: frames (and series) are returned as copies (cheap
under pandas' copy-on-write), arrays are made read-only, tuples, lists and dicts are rebuilt
around the protected values.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import os
import tempfile
import threading
import time
from collections import OrderedDict, namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .datadir import cache_dir
from .output import umask_mode

__all__ = ["atomic_write", "cache_path", "cache_store", "cached", "cached_result",
           "clear_content_caches",
           "content_cache", "file_hash", "file_stamp", "note_input"]


def file_hash(path) -> str:
    """SHA-256 of the file's bytes (hex)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def cache_path(source, name: str, version: int, digest: str | None = None) -> Path:
    """Where the parsed form of ``source`` under parser ``name`` is cached."""
    digest = digest or file_hash(source)
    return cache_dir() / "parquet" / f"{name}-v{version}-{digest[:16]}.parquet"


def atomic_write(target: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``target``, then rename it into place."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, umask_mode())  # mkstemp makes 0600; others may read, as the umask says
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


_CACHE_WARNED: set[str] = set()


def cache_store(target: Path, write: Callable[[Path], None]) -> bool:
    """:func:`atomic_write` into the cache; False where the cache cannot be written.

    The cache only saves time, so a cache on a full or read-only drive, or one the user may
    not write to, never stops a run (issue 30: a full cache drive ended a ``gap`` run with a
    message naming its ``--out`` folder, which had room). The run goes on with the same
    numbers, and says once per cache folder what it costs and how to fix it
    (:class:`~zorgcap.forecast.errors.InputWarning`).
    """
    try:
        atomic_write(target, write)
        return True
    except OSError as err:
        folder = str(cache_dir())
        if folder not in _CACHE_WARNED:
            from ..errors import warn_input

            _CACHE_WARNED.add(folder)
            why = os.strerror(err.errno) if err.errno else str(err)
            warn_input(f"the cache could not be written ({why}); tables are parsed anew on "
                       "every run (slower, the same numbers)", file=folder,
                       fix="free space on that drive, or set ZORGCAP_CACHE to a folder you "
                           "may write to.")
        return False


def cached(source, name: str, parse: Callable[[Path], pd.DataFrame], version: int = 1,
           use_cache: bool = True) -> pd.DataFrame:
    """Parse ``source`` with ``parse``, or read the cached result of an earlier parse.

    The returned frame has ``attrs["cache"]`` set to ``"hit"`` or ``"miss"`` and
    ``attrs["source"]`` / ``attrs["sha256"]`` describing the input file.
    """
    source = Path(source)
    digest = file_hash(source)
    target = cache_path(source, name, version, digest)
    frame = None
    if use_cache and target.exists():
        try:
            frame = _read(target)
            status = "hit"
        except Exception:  # noqa: BLE001 - a corrupt cache file is rebuilt, never trusted
            frame = None
    if frame is None:
        frame = parse(source)
        status = "miss"
        if use_cache:
            cache_store(target, lambda tmp: frame.to_parquet(tmp))
    frame.attrs.update({"cache": status, "source": str(source), "sha256": digest})
    return frame


def _digest(parts) -> str:
    """SHA-256 of ``parts``: pandas objects by their values and index, everything else by
    ``repr`` (numbers, strings, tuples, frozen dataclasses)."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, (pd.Series, pd.DataFrame)):
            h.update(pd.util.hash_pandas_object(part, index=True).to_numpy().tobytes())
            h.update(repr(getattr(part, "name", None)).encode())
        else:
            h.update(repr(part).encode())
        h.update(b"\x00")
    return h.hexdigest()


def cached_result(name: str, parts: tuple, compute: Callable[[], pd.DataFrame],
                  use_cache: bool = True) -> pd.DataFrame:
    """``compute()``, or the frame an earlier call with the same ``parts`` stored on disk.

    For pure computations that are slow and whose inputs are small (the statsmodels fits of
    the trend and top-down forecasts): ``parts`` must hold every input, including what
    identifies the code (e.g. the SHA-256 of the module that computes, and the version of
    the library that fits), so that a changed input or code is never served stale. Stored as
    ``<cache>/results/<name>-<sha256(parts)[:20]>.parquet``, written atomically.
    """
    target = cache_dir() / "results" / f"{name}-{_digest(parts)[:20]}.parquet"
    if use_cache and target.exists():
        try:
            return _read(target)
        except Exception:  # noqa: BLE001 - a corrupt cache file is rebuilt, never trusted
            pass
    frame = compute()
    if use_cache:  # a read-only or full cache only costs the time of the next fit
        cache_store(target, lambda tmp: frame.to_parquet(tmp))
    return frame


def _read(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq

    meta = pq.read_schema(path).metadata or {}
    if b"geo" in meta:
        import geopandas as gpd

        return gpd.read_parquet(path)
    return pd.read_parquet(path)


# --- in-process results keyed by the content of their input files ----------------------

#: A file modified less than this long before it is read is also identified by its SHA-256:
#: file systems keep modification times in ticks of up to a few milliseconds (seconds on
#: some), so a second write of the same size within that tick would leave the stamp as it
#: was. A file older than this gets a new modification time from any later write [ns].
_RECENT_NS = 2_000_000_000

CacheInfo = namedtuple("CacheInfo", ["hits", "misses", "maxsize", "currsize"])


def file_stamp(path) -> tuple:
    """``(size, mtime_ns, inode)`` of a file: changes when the file is written or replaced.

    Raises ``OSError`` if the file is gone.
    """
    st = os.stat(path)
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _recent(stamp: tuple) -> bool:
    return time.time_ns() - stamp[1] < _RECENT_NS


@dataclass(eq=False)
class _Input:
    """One input file a cached result was computed from."""

    what: tuple  # ("table", key, data) or ("file", path): one entry per input
    path: str  # the file that was read
    stamp: tuple  # file_stamp(path) when it was found
    digest: str | None  # its SHA-256 if it had just been modified (see _RECENT_NS)
    find: Callable[[], object] | None  # where `what` is found now; None: always `path`

    def unchanged(self) -> bool:
        try:
            path = os.fspath(self.find()) if self.find is not None else self.path
            if path != self.path or file_stamp(path) != self.stamp:
                return False
            if self.digest is not None:
                if file_hash(path) != self.digest:
                    return False
                if not _recent(self.stamp):
                    # Verified after its tick had passed: from now on a write changes mtime.
                    self.digest = None
            return True
        except Exception:  # noqa: BLE001 - not found now: recompute (and fail there)
            return False


_local = threading.local()  # .recorders: inputs of the cached calls running in this thread


def _recorders() -> list[dict]:
    if not hasattr(_local, "recorders"):
        _local.recorders = []
    return _local.recorders


def _pass_up(inputs) -> None:
    """Make ``inputs`` inputs of the cached call that is running (if any)."""
    stack = _recorders()
    if stack:
        for item in inputs:
            stack[-1].setdefault(item.what, item)


def note_input(path, what: tuple | None = None, find: Callable[[], object] | None = None):
    """Record that the running cached function (if any) reads file ``path``.

    Parameters
    ----------
    path : str or Path
        The file read.
    what : tuple, optional
        What was looked for, e.g. ``("table", key, data)``; default ``("file", path)``.
    find : callable, optional
        Looks ``what`` up again and returns the file it resolves to now; without it the
        input is the fixed file ``path``.
    """
    if not _recorders():
        return
    path = os.fspath(path)
    try:
        stamp = file_stamp(path)
        digest = file_hash(path) if _recent(stamp) else None
    except OSError:
        return  # unreadable: the reader raises its own error, nothing is cached
    _pass_up([_Input(what or ("file", path), path, stamp, digest, find)])


def _key_value(value):
    return os.fspath(value) if isinstance(value, os.PathLike) else value


def _freeze(value):
    """Make arrays in a result read-only before the result is kept."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, (tuple, list)):
        for item in value:
            _freeze(item)
    elif isinstance(value, dict):
        for item in value.values():
            _freeze(item)
    return value


def _protect(value):
    """What a caller gets of a kept result: copies of frames, the rest rebuilt around them."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy()
    if isinstance(value, tuple):
        items = [_protect(v) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, list):
        return [_protect(v) for v in value]
    if isinstance(value, dict):
        return {k: _protect(v) for k, v in value.items()}
    return value  # read-only arrays, numbers, strings, frozen dataclasses


_ALL: list = []  # every content-cached function, for clear_content_caches


def content_cache(maxsize: int = 8):
    """Memoise a function in this process while the files it read are unchanged.

    Like ``functools.lru_cache(maxsize)``, with three differences (module docstring):
    a result is reused only if every input file it was computed from is unchanged and still
    the one the search order finds; results are protected (frames copied, arrays read-only);
    ``Path`` and ``str`` arguments naming the same directory share an entry. Arguments must
    be hashable. ``f.cache_clear()`` and ``f.cache_info()`` work as for ``lru_cache``;
    ``f.cache_inputs()`` lists the input files of each kept result.

    Every file the function reads must be found with :func:`~zorgcap.forecast.io.manifest.locate`
    (as :func:`~zorgcap.forecast.io.tables.read_table` does) or announced with :func:`note_input`;
    a file read otherwise is not watched.

    Examples
    --------
    >>> from zorgcap.forecast.io.cache import content_cache
    >>> from zorgcap.forecast.io.tables import read_table
    >>> @content_cache(maxsize=4)
    ... def wlz_total(data=None):
    ...     return read_table("wlz_indications", data)["PersonenMetIndicatieOpPeildatum_1"].sum()
    """

    def decorate(func):
        signature = inspect.signature(func)
        entries: OrderedDict = OrderedDict()  # key -> (inputs, value)
        lock = threading.Lock()
        counts = {"hits": 0, "misses": 0}

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            key = tuple((name, _key_value(v)) for name, v in bound.arguments.items())
            with lock:
                entry = entries.get(key)
            if entry is not None and all(item.unchanged() for item in entry[0]):
                with lock:
                    counts["hits"] += 1
                    if key in entries:
                        entries.move_to_end(key)
                _pass_up(entry[0])
                return _protect(entry[1])
            with lock:
                counts["misses"] += 1
            recorded: dict = {}
            _recorders().append(recorded)
            try:
                value = _freeze(func(*args, **kwargs))
            finally:
                _recorders().pop()
            inputs = tuple(recorded.values())
            with lock:
                entries[key] = (inputs, value)
                entries.move_to_end(key)
                while len(entries) > maxsize:
                    entries.popitem(last=False)
            _pass_up(inputs)
            return _protect(value)

        def cache_clear():
            with lock:
                entries.clear()
                counts.update(hits=0, misses=0)

        def cache_info():
            with lock:
                return CacheInfo(counts["hits"], counts["misses"], maxsize, len(entries))

        def cache_inputs():
            """The input files of each kept result: ``{arguments: [path, ...]}``."""
            with lock:
                return {k: [i.path for i in v[0]] for k, v in entries.items()}

        wrapper.cache_clear = cache_clear
        wrapper.cache_info = cache_info
        wrapper.cache_inputs = cache_inputs
        _ALL.append(wrapper)
        return wrapper

    return decorate


def clear_content_caches() -> None:
    """Forget every in-memory result of :func:`content_cache` functions in this process."""
    for func in _ALL:
        func.cache_clear()
