"""Provenance of a run: input tables and planner files (path, SHA-256, rows), parameters,
seed, version, git commit, library versions, date, and which inputs are estimates in which
region.

Reproducible and portable: an input table is named by where it was found (``origin``:
``--data``, ``ZORGCAP_DATA``, ``cache``, ``shared`` or ``snapshot``) and its path inside
that directory, with its SHA-256; a planner file by its path relative to the working
directory (else its file name) and its SHA-256. No absolute path of the machine that ran it
is written, so two runs on different machines compare line by line.
"""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import datetime, timezone
from importlib import metadata

from . import __version__
from .errors import portable_path
from .io.cache import file_hash
from .io.status import data_status

__all__ = ["estimates_by_region", "git_commit", "library_versions", "planner_files",
           "portable_path", "provenance"]

#: Libraries whose version can change a result, recorded in every provenance.
LIBRARIES = ("numpy", "pandas", "scipy", "statsmodels", "geopandas", "shapely", "pyarrow")


def _portable(value):
    """``value`` with every absolute path in it made portable (:func:`portable_path`)."""
    if isinstance(value, dict):
        return {k: _portable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_portable(v) for v in value]
    if isinstance(value, os.PathLike) or (isinstance(value, str) and os.path.isabs(value)):
        return portable_path(value)
    return value


def git_commit() -> dict:
    """``{"commit": sha, "dirty": bool}`` of the checkout zorgcap runs from, or ``None``
    values for an installed wheel, a checkout without git, or no ``git`` on the PATH."""
    from .io.datadir import project_root

    none = {"commit": None, "dirty": None}
    root = project_root()
    if root is None:
        return none

    def git(*args) -> str | None:
        try:
            run = subprocess.run(["git", "-C", str(root), *args], capture_output=True,
                                 text=True, timeout=20)
        except (OSError, subprocess.SubprocessError):
            return None
        return run.stdout.strip() if run.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if not commit:
        return none
    changes = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": None if changes is None else bool(changes)}


def library_versions() -> dict:
    """Version of Python and of each library in :data:`LIBRARIES` (``None`` if absent)."""
    out = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out

def _rows(path, option) -> int:
    """Data rows read from a planner file (blank rows skipped; scenarios for a TOML)."""
    if option == "scenario_file":
        from .scenarios import load_scenarios

        return len(load_scenarios(path))
    from .io.planner import read_planner_csv

    return len(read_planner_csv(path, option, [], allow_empty=True))


def planner_files(config) -> list[dict]:
    """Every planner file of a run: ``option, what, path`` (:func:`portable_path`),
    ``sha256``, ``rows``.

    ``config``: a :class:`~zorgcap.forecast.modelchain.ChainConfig` (or any object with its
    options); the options declared with ``file=``
    (:func:`zorgcap.forecast.options.planner_files`). Options left out are listed with
    ``path: None`` and what replaced them (``default``), so a reader sees that no file was
    given.
    """
    out = []
    from .config import ChainConfig
    from .options import planner_files as declared

    for option, o in declared(ChainConfig).items():
        path = getattr(config, option, None)
        entry = {"option": option, "what": o.file, "path": portable_path(path)}
        if path is None:
            entry["default"] = o.without
        else:
            entry["sha256"] = file_hash(path)
            entry["rows"] = _rows(path, option)
        out.append(entry)
    return out


def estimates_by_region(gap) -> dict:
    """``zk_code -> [names of the estimates used there]`` from a gap frame's
    ``capacity_source`` and ``plans_source`` (``ESTIMATE <name>``); regions without an
    estimate are left out."""
    out: dict[str, list] = {}
    if gap is None:
        return out
    for col in ("capacity_source", "plans_source"):
        if col not in gap:
            continue
        firsts = gap.drop_duplicates("zk_code").set_index("zk_code")[col].astype(str)
        for code, source in firsts.items():
            if source.startswith("ESTIMATE"):
                out.setdefault(code, []).append(source.removeprefix("ESTIMATE").strip())
    return dict(sorted(out.items()))


def provenance(parameters: dict, assumptions: dict, data=None, config=None,
               gap=None) -> dict:
    """Everything a reader needs to reproduce or judge a run.

    Returns a JSON-serialisable dict: ``zorgcap_version``, ``git_commit`` and ``git_dirty``
    (:func:`git_commit`; ``None`` outside a checkout), ``versions`` (:func:`library_versions`),
    ``run_at`` (UTC, ISO 8601), ``python``, ``parameters``, ``assumptions``, ``inputs`` (one
    entry per manifest table: key, CBS id, state, ``origin`` (where it was found), ``path``
    inside that directory, ``sha256`` of the file read and ``source_sha256`` of the source
    file it holds: for a table of the embedded snapshot the CBS/HMD/... file it was made
    from, as ``data_raw/snapshot/manifest.csv`` says, else the file read itself),
    ``planner_files`` (:func:`planner_files` of ``config``) and ``estimates_by_region``
    (:func:`estimates_by_region` of the ``gap`` frame). Paths are portable
    (:func:`portable_path`): no absolute path of this machine.
    """
    from .io.snapshot import snapshot_manifest

    status = data_status(data)
    embedded = snapshot_manifest()
    inputs = []
    for row in status.itertuples():
        entry = {"key": row.key, "cbs_id": row.cbs_id, "state": row.state,
                 "origin": row.origin, "path": row.relpath, "title": row.title}
        if row.state != "missing":
            entry["sha256"] = file_hash(row.path)
            entry["source_sha256"] = (embedded[row.key].source_sha256
                                      if row.origin == "snapshot" else entry["sha256"])
        inputs.append(entry)
    git = git_commit()
    versions = library_versions()
    return {
        "zorgcap_version": __version__,
        "git_commit": git["commit"],
        "git_dirty": git["dirty"],
        "versions": versions,
        "run_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": versions["python"],
        "parameters": _portable(parameters),
        "assumptions": {k: str(_portable(v)) for k, v in assumptions.items()},
        "inputs": inputs,
        "planner_files": planner_files(config) if config is not None else [],
        "estimates_by_region": estimates_by_region(gap),
    }
