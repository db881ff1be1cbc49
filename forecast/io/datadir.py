"""Where input tables are found and where parsed tables are cached.

Search order for an input table (first directory that holds the file wins):

1. the directory passed as ``data=`` / ``--data DIR``, else the ``ZORGCAP_DATA`` variable;
2. the project's own cache (``<cache>/data``, filled by ``zorgcap data fetch``);
3. ``../shared/data`` beside the project root (and beside the working directory).

The cache root is ``ZORGCAP_CACHE`` or ``<project root>/.cache/zorgcap``; parsed tables are
kept there as Parquet (``<cache>/parquet``), downloads in ``<cache>/data``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DataRoot", "cache_dir", "data_raw_dir", "data_roots", "project_root"]

ENV_DATA = "ZORGCAP_DATA"
ENV_CACHE = "ZORGCAP_CACHE"


def project_root() -> Path:
    """The repository root: the folder that holds ``forecast/`` and ``data_raw/``."""
    return Path(__file__).resolve().parents[2]


def data_raw_dir() -> Path:
    """``data_raw/``: the manifest, transcribed public figures and planner templates."""
    return project_root() / "data_raw"


def cache_dir() -> Path:
    """Root of the project's cache (``ZORGCAP_CACHE`` or ``<project root>/.cache/zorgcap``)."""
    env = os.environ.get(ENV_CACHE)
    return Path(env) if env else project_root() / ".cache" / "zorgcap"


@dataclass(frozen=True)
class DataRoot:
    """A directory searched for input tables, and why it is on the list."""

    path: Path
    origin: str  # "--data", "ZORGCAP_DATA", "cache" or "shared"


def data_roots(data=None, fallback: bool = True) -> list[DataRoot]:
    """The data directories to search, in order.

    Parameters
    ----------
    data : str or Path, optional
        A directory given by the user (``--data``). Overrides ``ZORGCAP_DATA``.
    fallback : bool, default True
        Also search the project cache and ``../shared/data``. With ``False`` only the
        user's directory is searched (useful to check that a directory is complete).
    """
    roots: list[DataRoot] = []
    if data is not None:
        roots.append(DataRoot(Path(data), "--data"))
    elif os.environ.get(ENV_DATA):
        roots.append(DataRoot(Path(os.environ[ENV_DATA]), ENV_DATA))
    if fallback or not roots:
        roots.append(DataRoot(cache_dir() / "data", "cache"))
        seen = {r.path.resolve() for r in roots}
        for base in (project_root(), Path.cwd()):
            shared = (base / ".." / "shared" / "data").resolve()
            if shared.is_dir() and shared not in seen:
                roots.append(DataRoot(shared, "shared"))
                seen.add(shared)
    return roots
