"""Parquet cache of parsed tables, keyed by the source file's content hash.

A parsed table is stored as ``<cache>/parquet/<key>-<parser>-v<version>-<sha256[:16]>.parquet``.
Any change to the source file changes the hash, so a stale cache is never read; a change to a
parser is announced by bumping its ``version``. Files are written to a temporary name and then
renamed, so an interrupted run never leaves a half-written cache file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .datadir import cache_dir

__all__ = ["atomic_write", "cache_path", "cached", "file_hash"]


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
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


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
            atomic_write(target, lambda tmp: frame.to_parquet(tmp))
    frame.attrs.update({"cache": status, "source": str(source), "sha256": digest})
    return frame


def _read(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq

    meta = pq.read_schema(path).metadata or {}
    if b"geo" in meta:
        import geopandas as gpd

        return gpd.read_parquet(path)
    return pd.read_parquet(path)
