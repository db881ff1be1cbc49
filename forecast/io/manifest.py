"""The manifest of input tables (``data_raw/manifest.csv``) and how each is located.

Columns of the manifest:

``key``
    the name the code uses (``gebieden_2023``, ``households_age_sex``);
``cbs_id``
    the CBS StatLine table id (empty for non-CBS sources such as HMD or geometry);
``title``, ``licence``, ``attribution``, ``notes``
    what a report must say about the source;
``path``
    a glob relative to a data directory (``usage/cbs37620_*.csv``);
``format``
    ``cbs_odata`` (``;``-separated CBS dump), ``csv`` (``,``-separated, derived), ``hmd``
    (HMD text) or ``geojson``;
``complete_required``
    ``yes`` if a truncated copy may not be used;
``fetchable``
    ``yes`` if ``zorgcap data fetch`` can download it with ``cbsodata``;
``expected_columns``
    ``|``-separated columns the loaders need.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataMissingError, InputError
from .cache import content_cache, note_input
from .datadir import DataRoot, data_raw_dir, data_roots

__all__ = ["Located", "Table", "locate", "manifest", "table"]


@dataclass(frozen=True)
class Table:
    """One input table as described in ``data_raw/manifest.csv``."""

    key: str
    cbs_id: str
    title: str
    path: str
    format: str
    complete_required: bool
    fetchable: bool
    licence: str
    attribution: str
    expected_columns: tuple[str, ...]
    notes: str


@dataclass(frozen=True)
class Located:
    """Where a table was found."""

    table: Table
    path: Path
    root: DataRoot


@content_cache(maxsize=1)
def manifest() -> dict[str, Table]:
    """All input tables by key, read from ``data_raw/manifest.csv`` (re-read if it changes)."""
    path = data_raw_dir() / "manifest.csv"
    note_input(path)
    out: dict[str, Table] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out[row["key"]] = Table(
                key=row["key"],
                cbs_id=row["cbs_id"],
                title=row["title"],
                path=row["path"],
                format=row["format"],
                complete_required=row["complete_required"] == "yes",
                fetchable=row["fetchable"] == "yes",
                licence=row["licence"],
                attribution=row["attribution"],
                expected_columns=tuple(c for c in row["expected_columns"].split("|") if c),
                notes=row["notes"],
            )
    return out


def table(key: str) -> Table:
    """The manifest entry ``key``; ``ValueError`` listing valid keys otherwise."""
    tables = manifest()
    if key not in tables:
        raise ValueError(f"`table` was {key!r} but is expected to be one of {sorted(tables)}")
    return tables[key]


def _candidates(root: Path, pattern: str) -> list[Path]:
    # A complete file is preferred over a truncated mirror copy of the same table.
    found = sorted(root.glob(pattern))
    return sorted(found, key=lambda p: ("FIRST10000ROWS" in p.name, p.name))


def locate(key: str, data=None) -> Located:
    """Find the file of table ``key`` in the data directories (see :mod:`.datadir`).

    The file found is an input of the :func:`~zorgcap.forecast.io.cache.content_cache` function
    running (if any): its result is reused only while ``locate`` finds the same, unchanged
    file.

    Raises
    ------
    DataMissingError
        If no data directory holds the table; the message lists where it looked.
    """
    entry = table(key)
    roots = data_roots(data)
    for root in roots:
        if root.origin == "snapshot":  # one Parquet file per key (zorgcap.forecast.io.snapshot)
            embedded = root.path / f"{key}.parquet"
            files = [embedded] if embedded.is_file() else []
        else:
            files = _candidates(root.path, entry.path)
        if files:
            note_input(files[0], what=("table", key, None if data is None else os.fspath(data)),
                       find=lambda: locate(key, data).path)
            return Located(entry, files[0], root)
    looked = "; ".join(f"{r.path} ({r.origin})" for r in roots)
    fix = (
        f"run 'zorgcap data fetch {key}' on a machine with internet, or point --data / "
        "ZORGCAP_DATA at a directory that holds it"
        if entry.fetchable
        else "point --data / ZORGCAP_DATA at a directory that holds it (this table is not "
        "downloadable by zorgcap; see data_raw/manifest.csv for its source)"
    )
    raise DataMissingError(
        f"input table '{key}' ({entry.cbs_id or entry.title}) not found as '{entry.path}'; "
        f"looked in: {looked}",
        fix=fix + ".",
    )


def check_complete(located: Located, n_rows: int) -> bool:
    """Whether the file is truncated; raise if the manifest requires a complete copy."""
    from .cbs import is_truncated

    if located.root.origin == "snapshot":  # the snapshot says whether its source was cut off
        from .snapshot import snapshot_manifest

        truncated = snapshot_manifest()[located.table.key].truncated
    else:
        truncated = is_truncated(located.path, n_rows)
    if truncated and located.table.complete_required:
        raise InputError(
            f"table '{located.table.key}' is truncated (a mirror stopped at 10,000 rows) but "
            "this analysis needs the complete table",
            file=str(located.path),
            fix=f"download the full table with 'zorgcap data fetch {located.table.key}' "
            f"(CBS {located.table.cbs_id}) or place a complete copy in your --data directory.",
        )
    return truncated
