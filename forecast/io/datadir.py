"""Where input tables are found and where parsed tables are cached.

Search order for an input table (first directory that holds the file wins):

1. the directory passed as ``data=`` / ``--data DIR``, else the ``ZORGCAP_DATA`` variable;
2. the user's cache (``<cache>/data``, filled by ``zorgcap data fetch``);
3. ``../shared/data`` beside the source checkout, when zorgcap runs from one (development);
4. the snapshot embedded in the package (``data_raw/snapshot``: every input table as
   Parquet, made from ``../shared/data`` by ``scripts/build_snapshot.py``), so an installed
   wheel runs with no data anywhere.

A ``../shared`` beside the working directory is not searched: an installed zorgcap reads the
same tables wherever it is started, unless told otherwise (``--data``).

The cache root is ``ZORGCAP_CACHE`` or the user's cache directory for ``zorgcap``
(``platformdirs.user_cache_dir``: ``~/.cache/zorgcap`` on Linux,
``~/Library/Caches/zorgcap`` on macOS, ``%LOCALAPPDATA%\\zorgcap\\Cache`` on Windows), never a
folder beside the code; parsed tables are kept there as Parquet (``<cache>/parquet``),
downloads in ``<cache>/data``.

``data_raw/`` (the manifest, transcribed public figures, planner templates) ships inside the
package as the import package ``data_raw`` and is found with :mod:`importlib.resources`, so it
is the same folder in a source checkout, an editable install and an installed wheel.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import platformdirs

__all__ = ["DataRoot", "cache_dir", "data_raw_dir", "data_roots", "project_root",
           "snapshot_dir"]

ENV_DATA = "ZORGCAP_DATA"
ENV_CACHE = "ZORGCAP_CACHE"


def data_raw_dir() -> Path:
    """``data_raw/``: the manifest, transcribed public figures and planner templates.

    Found through the import system (``importlib.resources.files("zorgcap.data_raw")``), so it works
    from a source checkout, an editable install and an installed wheel alike.
    """
    root = resources.files("zorgcap.data_raw")
    if not isinstance(root, Path):  # e.g. a zipped install: not a directory on disk
        raise RuntimeError(f"data_raw is not a directory on disk ({root!r}); "
                           "install zorgcap with pip, not as a zip file")
    return root


def project_root() -> Path | None:
    """The root of the source checkout zorgcap runs from, or ``None`` for an installed wheel.

    A checkout is recognised by ``pyproject.toml`` beside ``data_raw/``; an installed wheel
    has ``data_raw/`` in ``site-packages`` and no project root.
    """
    root = data_raw_dir().parent
    return root if (root / "pyproject.toml").is_file() else None


def cache_dir() -> Path:
    """Root of the cache: ``ZORGCAP_CACHE``, else the user's cache directory for zorgcap."""
    env = os.environ.get(ENV_CACHE)
    if env:
        return Path(env)
    return Path(platformdirs.user_cache_dir("zorgcap", appauthor=False))


def snapshot_dir() -> Path:
    """``data_raw/snapshot``: the input tables embedded in the package (Parquet, one file per
    manifest key, described by its ``manifest.csv``)."""
    return data_raw_dir() / "snapshot"


@dataclass(frozen=True)
class DataRoot:
    """A directory searched for input tables, and why it is on the list."""

    path: Path
    origin: str  # "--data", "ZORGCAP_DATA", "cache", "shared" or "snapshot"


def data_roots(data=None, fallback: bool = True) -> list[DataRoot]:
    """The data directories to search, in order.

    Parameters
    ----------
    data : str or Path, optional
        A directory given by the user (``--data``). Overrides ``ZORGCAP_DATA``.
    fallback : bool, default True
        Also search the cache, ``../shared/data`` beside the source checkout (if zorgcap runs
        from one) and the embedded snapshot. With ``False`` only the user's directory is
        searched (useful to check that a directory is complete).

    Raises
    ------
    InputError
        If ``data`` (or ``ZORGCAP_DATA``) is given but is not an existing directory.
    """
    roots: list[DataRoot] = []
    if data is not None:
        roots.append(DataRoot(Path(data), "--data"))
    elif os.environ.get(ENV_DATA):
        roots.append(DataRoot(Path(os.environ[ENV_DATA]), ENV_DATA))
    if roots and not roots[0].path.is_dir():  # a mistyped folder must not be skipped quietly
        from ..errors import InputError

        raise InputError(f"{roots[0].origin} {roots[0].path} is not a directory",
                         fix="give the folder that holds the CBS tables (or leave --data out "
                             "to use the cache and the embedded snapshot).")
    if fallback or not roots:
        roots.append(DataRoot(cache_dir() / "data", "cache"))
        checkout = project_root()
        if checkout is not None:
            shared = (checkout / ".." / "shared" / "data").resolve()
            if shared.is_dir() and shared not in {r.path.resolve() for r in roots}:
                roots.append(DataRoot(shared, "shared"))
        roots.append(DataRoot(snapshot_dir(), "snapshot"))
    return roots
