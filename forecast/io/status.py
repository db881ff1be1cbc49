"""``zorgcap data status``: what the forecast rests on, table by table."""

from __future__ import annotations

import pandas as pd

from ..errors import DataMissingError, InputError
from .cache import cache_path, file_hash
from .cbs import is_truncated
from .checks import cut_mid_row
from .manifest import locate, manifest

__all__ = ["data_status", "format_status"]


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
    ``origin`` (which data directory), ``path`` and ``title``.
    """
    from .tables import _PARSER_VERSION as parser_version

    rows = []
    for key, entry in manifest().items():
        row = {"key": key, "cbs_id": entry.cbs_id or "-", "title": entry.title}
        try:
            found = locate(key, data)
        except DataMissingError:
            rows.append({**row, "state": "missing", "usable": False, "cached": False,
                         "rows": None, "origin": "-", "path": "-",
                         "problem": f"not found: run 'zorgcap data fetch {key}'"
                         if entry.fetchable else "not found: see data_raw/manifest.csv"})
            continue
        n = _data_rows(found.path)
        truncated = is_truncated(found.path, n)
        cut = cut_mid_row(found.path) if entry.format in ("cbs_odata", "csv") else None
        problem = ""
        if cut:
            problem = f"{cut}: download it again ('zorgcap data fetch {key}') or restore it"
        elif truncated and entry.complete_required:
            problem = f"truncated mirror copy: run 'zorgcap data fetch {key}'"
        if deep and not cut:
            cut = _read_problem(key, data)
            if cut:
                problem = cut
        cached = cache_path(found.path, key, parser_version, file_hash(found.path)).exists()
        rows.append({
            **row,
            "state": "damaged" if cut else "truncated" if truncated else "found",
            "usable": not (cut or (truncated and entry.complete_required)),
            "problem": problem,
            "cached": cached,
            "rows": n,
            "origin": found.root.origin,
            "path": str(found.path),
        })
    cols = ["key", "cbs_id", "state", "usable", "cached", "rows", "origin", "path", "title",
            "problem"]
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
    summary = (f"\n{len(frame)} input tables: {counts.get('found', 0)} found, "
               f"{counts.get('truncated', 0)} truncated, {counts.get('damaged', 0)} damaged, "
               f"{counts.get('missing', 0)} missing; "
               f"{int(frame['cached'].sum())} cached; "
               f"{int((~frame['usable']).sum())} not usable for the forecast.")
    return text + summary
