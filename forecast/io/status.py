"""``zorgcap data status``: what the forecast rests on, table by table."""

from __future__ import annotations

import pandas as pd

from ..errors import DataMissingError
from .cache import cache_path, file_hash
from .cbs import is_truncated
from .manifest import locate, manifest

__all__ = ["data_status", "format_status"]


def _data_rows(path) -> int | None:
    if path.suffix.lower() not in (".csv", ".txt"):
        return None
    with open(path, "rb") as fh:
        return max(sum(1 for _ in fh) - 1, 0)


def data_status(data=None) -> pd.DataFrame:
    """One row per input table of the manifest.

    Columns: ``key, cbs_id, state`` (``found``, ``truncated`` or ``missing``), ``usable``
    (False where a truncated copy is found but the analysis needs it complete), ``cached``
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
                         "rows": None, "origin": "-", "path": "-"})
            continue
        n = _data_rows(found.path)
        truncated = is_truncated(found.path, n)
        cached = cache_path(found.path, key, parser_version, file_hash(found.path)).exists()
        rows.append({
            **row,
            "state": "truncated" if truncated else "found",
            "usable": not (truncated and entry.complete_required),
            "cached": cached,
            "rows": n,
            "origin": found.root.origin,
            "path": str(found.path),
        })
    cols = ["key", "cbs_id", "state", "usable", "cached", "rows", "origin", "path", "title"]
    return pd.DataFrame(rows)[cols]


def format_status(frame: pd.DataFrame) -> str:
    """The status table as plain text for a terminal, with a one-line summary."""
    show = frame.assign(
        cached=frame["cached"].map({True: "yes", False: "no"}),
        usable=frame["usable"].map({True: "yes", False: "NO"}),
        rows=frame["rows"].map(lambda v: "-" if pd.isna(v) else f"{int(v):,}"),
    )[["key", "cbs_id", "state", "usable", "cached", "rows", "origin", "title"]]
    text = show.to_string(index=False, max_colwidth=60)
    counts = frame["state"].value_counts()
    summary = (f"\n{len(frame)} input tables: {counts.get('found', 0)} found, "
               f"{counts.get('truncated', 0)} truncated, {counts.get('missing', 0)} missing; "
               f"{int(frame['cached'].sum())} cached; "
               f"{int((~frame['usable']).sum())} not usable for the forecast.")
    return text + summary
