"""``zorgcap data status``: what the forecast rests on, table by table."""

from __future__ import annotations

import pandas as pd

from ..errors import DataMissingError, InputError, display_path
from .cache import cache_path, file_hash
from .cbs import is_truncated
from .checks import cut_mid_row
from .manifest import locate, manifest
from .snapshot import snapshot_manifest

__all__ = ["data_status", "format_status", "require_usable"]


def _data_rows(path) -> int | None:
    if path.suffix.lower() not in (".csv", ".txt"):
        return None
    with open(path, "rb") as fh:
        return max(sum(1 for _ in fh) - 1, 0)


def data_status(data=None, deep: bool = False) -> pd.DataFrame:
    """One row per input table of the manifest.

    ``deep=True`` (``zorgcap data status``) also reads every table found as the run reads it
    (:func:`zorgcap.forecast.io.tables.read_table`: columns, counts, and what the run needs
    of it - years, ages, shapes; :func:`zorgcap.forecast.io.checks.check_needs`): a table
    that would stop the run is ``damaged`` and not usable, with the run's own message.
    Without it (the chain's first step, every run) only the cheap structural checks run.

    Columns: ``key, cbs_id, state`` (``found``, ``truncated``, ``damaged`` or ``missing``),
    ``usable`` (False where a truncated copy is found but the analysis needs it complete, or
    the file is damaged), ``problem`` (what is wrong and the fix, else empty), ``cached``
    (a parsed Parquet copy of this exact file exists), ``rows`` (data rows of a CSV),
    ``origin`` (which data directory: ``--data``, ``ZORGCAP_DATA``, ``cache``, ``shared`` or
    ``snapshot``), ``path``, ``relpath`` (the path inside that directory) and ``title``. A
    table of the embedded snapshot counts as cached (it is stored parsed); its rows and
    truncation come from the snapshot's manifest.
    """
    from .tables import _PARSER_VERSION as parser_version

    rows = []
    for key, entry in manifest().items():
        row = {"key": key, "cbs_id": entry.cbs_id or "-", "title": entry.title}
        try:
            found = locate(key, data)
        except DataMissingError:
            rows.append({**row, "state": "missing", "usable": False, "cached": False,
                         "rows": None, "origin": "-", "path": "-", "relpath": "-",
                         "problem": f"not found: run 'zorgcap data fetch {key}'"
                         if entry.fetchable else "not found: see data_raw/manifest.csv"})
            continue
        if found.root.origin == "snapshot":  # stored parsed; its manifest knows the rest
            embedded = snapshot_manifest()[key]
            n, truncated, cut, cached = embedded.rows, embedded.truncated, None, True
        else:
            n = _data_rows(found.path)
            truncated = is_truncated(found.path, n)
            cut = cut_mid_row(found.path, sep={"cbs_odata": ";", "csv": ","}[entry.format]) \
                if entry.format in ("cbs_odata", "csv") else None
            cached = cache_path(found.path, key, parser_version,
                                file_hash(found.path)).exists()
        problem = ""
        if cut:
            problem = f"{cut}: download it again ('zorgcap data fetch {key}') or restore it"
        elif truncated and entry.complete_required:
            problem = f"truncated mirror copy: run 'zorgcap data fetch {key}'"
        if deep and not cut:
            cut = _read_problem(key, data)
            if cut:
                problem = cut
        rows.append({
            **row,
            "state": "damaged" if cut else "truncated" if truncated else "found",
            "usable": not (cut or (truncated and entry.complete_required)),
            "problem": problem,
            "cached": cached,
            "rows": n,
            "origin": found.root.origin,
            "path": str(found.path),
            "relpath": found.path.relative_to(found.root.path).as_posix(),
        })
    cols = ["key", "cbs_id", "state", "usable", "cached", "rows", "origin", "path", "relpath",
            "title", "problem"]
    return pd.DataFrame(rows)[cols]


def _read_problem(key: str, data) -> str | None:
    """The run's own message if reading table ``key`` fails on its content, else None."""
    from .tables import read_table

    try:
        read_table(key, data)
    except InputError as err:
        return " - ".join(line.strip() for line in str(err).splitlines() if line.strip())
    return None


def format_status(frame: pd.DataFrame) -> str:
    """The status table as plain text for a terminal, with a one-line summary."""
    show = frame.assign(
        cached=frame["cached"].map({True: "yes", False: "no"}),
        usable=frame["usable"].map({True: "yes", False: "NO"}),
        rows=frame["rows"].map(lambda v: "-" if pd.isna(v) else f"{int(v):,}"),
    )[["key", "cbs_id", "state", "usable", "cached", "rows", "origin", "title"]]
    text = show.to_string(index=False, max_colwidth=60)
    bad = frame[frame["problem"].astype(bool) & (frame["state"] != "missing")]
    if len(bad):
        text += "\n\nProblems:\n" + "\n".join(f"  {r.key}: {r.problem}"
                                                for r in bad.itertuples())
    counts = frame["state"].value_counts()
    origins = frame.loc[frame["origin"] != "-", "origin"].value_counts()
    summary = (f"\n{len(frame)} input tables: {counts.get('found', 0)} found, "
               f"{counts.get('truncated', 0)} truncated, {counts.get('damaged', 0)} damaged, "
               f"{counts.get('missing', 0)} missing; "
               f"{int(frame['cached'].sum())} cached; "
               f"{int((~frame['usable']).sum())} not usable for the forecast.\n"
               "Taken from: " + (", ".join(f"{n} {_ORIGINS.get(o, o)}"
                                           for o, n in origins.items()) or "nowhere") + ".")
    return text + summary


#: What each origin of :func:`data_status` means, for the summary line.
_ORIGINS = {"--data": "--data", "ZORGCAP_DATA": "$ZORGCAP_DATA",
            "cache": "the cache ('zorgcap data fetch')", "shared": "../shared/data (checkout)",
            "snapshot": "the snapshot embedded in zorgcap"}


def require_usable(status: pd.DataFrame, data=None) -> None:
    """Raise :class:`InputError` if a table of ``status`` (:func:`data_status`) is not usable.

    The message names each table with its problem and, for missing tables, every directory
    zorgcap looked in (the search order of :mod:`.datadir`).
    """
    bad = status[~status["usable"]]
    if not len(bad):
        return
    from .datadir import data_roots

    missing = bad[bad["state"] == "missing"]
    parts = [f"{r.key} ({display_path(r.path)}: {r.problem})" for r in bad.itertuples()
             if r.state != "missing"]
    if len(missing):
        looked = "; ".join(f"{r.path} ({r.origin})" for r in data_roots(data))
        parts.append(f"missing {', '.join(missing['key'])} - looked in: {looked}")
    raise InputError(f"input tables not usable: {'; '.join(parts)}",
                     fix="run 'zorgcap data status'; 'zorgcap data fetch KEY' downloads a CBS "
                         "table into the cache, --data DIR points at your own copies.")
