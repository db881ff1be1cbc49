"""Provenance of a run: input tables (path, SHA-256), parameters, seed, version, date."""

from __future__ import annotations

import platform
from datetime import datetime, timezone

from . import __version__
from .io.cache import file_hash
from .io.status import data_status

__all__ = ["provenance"]


def provenance(parameters: dict, assumptions: dict, data=None) -> dict:
    """Everything a reader needs to reproduce or judge a run.

    Returns a JSON-serialisable dict: ``zorgcap_version``, ``run_at`` (UTC, ISO 8601),
    ``python``, ``parameters``, ``assumptions`` and ``inputs`` (one entry per manifest table:
    key, CBS id, state, origin, path, sha256 of the file used).
    """
    status = data_status(data)
    inputs = []
    for row in status.itertuples():
        entry = {"key": row.key, "cbs_id": row.cbs_id, "state": row.state,
                 "origin": row.origin, "path": row.path, "title": row.title}
        if row.state != "missing":
            entry["sha256"] = file_hash(row.path)
        inputs.append(entry)
    return {
        "zorgcap_version": __version__,
        "run_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "parameters": parameters,
        "assumptions": {k: str(v) for k, v in assumptions.items()},
        "inputs": inputs,
    }
