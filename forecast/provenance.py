"""Provenance of a run: input tables and planner files (path, SHA-256, rows), parameters,
seed, version, date, and which inputs are estimates in which region."""

from __future__ import annotations

import platform
from datetime import datetime, timezone

from . import __version__
from .io.cache import file_hash
from .io.status import data_status

__all__ = ["provenance", "planner_files", "estimates_by_region"]

#: ChainConfig options that name a planner's file, with what the file is.
PLANNER_OPTIONS = {"capacity": "capacity", "plans": "build plans",
                   "status_file": "plan status", "waiting_file": "regional waiting list",
                   "workforce_file": "fte per region", "staff_ratios": "fte per place by zzp",
                   "calibrate": "calibration (clients)",
                   "rates": "usage rates", "scenario_file": "scenarios (TOML)"}


def _rows(path, option) -> int:
    """Data rows read from a planner file (blank rows skipped; scenarios for a TOML)."""
    if option == "scenario_file":
        from .scenarios import load_scenarios

        return len(load_scenarios(path))
    from .io.planner import read_planner_csv

    return len(read_planner_csv(path, option, [], allow_empty=True))


def planner_files(config) -> list[dict]:
    """Every planner file of a run: ``option, what, path`` (as given), ``sha256``, ``rows``.

    ``config``: a :class:`~zorgcap.forecast.modelchain.ChainConfig` (or any object with the options
    of :data:`PLANNER_OPTIONS`). Options left out are listed with ``path: None`` and what
    replaced them (``default``), so a reader sees that no file was given.
    """
    out = []
    for option, what in PLANNER_OPTIONS.items():
        path = getattr(config, option, None)
        entry = {"option": option, "what": what,
                 "path": None if path is None else str(path)}
        if path is None:
            entry["default"] = ("data_raw/plan_status.csv" if option == "status_file" else
                                "data_raw/staff_ratios.csv" if option == "staff_ratios" else
                                "estimate (see assumptions)"
                                if option in ("capacity", "plans", "waiting_file",
                                              "workforce_file")
                                else "built-in scenarios" if option == "scenario_file"
                                else "model (CBS tables)")
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

    Returns a JSON-serialisable dict: ``zorgcap_version``, ``run_at`` (UTC, ISO 8601),
    ``python``, ``parameters``, ``assumptions``, ``inputs`` (one entry per manifest table:
    key, CBS id, state, origin, path, sha256 of the file used), ``planner_files``
    (:func:`planner_files` of ``config``: path as given, sha256, rows used) and
    ``estimates_by_region`` (:func:`estimates_by_region` of the ``gap`` frame).
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
        "planner_files": planner_files(config) if config is not None else [],
        "estimates_by_region": estimates_by_region(gap),
    }
