"""The input tables embedded in the package: ``data_raw/snapshot``.

Every table of ``data_raw/manifest.csv`` is there as one Parquet file (zstd),
``<key>.parquet``, holding the table exactly as zorgcap's parser makes it from the source
file (a CBS OData CSV, a derived CSV, the HMD text file; gemeente boundaries as GeoParquet).
A loader therefore gets the same frame from the snapshot as from the source table, and the
snapshot is the last place searched (:mod:`.datadir`): ``--data``, ``ZORGCAP_DATA``, the cache
filled by ``zorgcap data fetch`` and ``../shared/data`` beside a checkout come first.

``data_raw/snapshot/manifest.csv`` describes each file (columns in :data:`COLUMNS`): what it
holds and where it comes from, its licence and attribution, the SHA-256 of the source file it
was made from, and whether that source was cut off by a mirror. ``scripts/build_snapshot.py``
makes it from ``../shared/data``; ``tests/test_snapshot.py`` checks that every file equals
the source table it was made from.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .cache import content_cache, file_hash, note_input
from .datadir import snapshot_dir

__all__ = ["COLUMNS", "SnapshotEntry", "read_snapshot", "snapshot_manifest"]

#: Columns of ``data_raw/snapshot/manifest.csv``.
COLUMNS = {
    "key": "manifest key (data_raw/manifest.csv)",
    "file": "the Parquet file in data_raw/snapshot",
    "cbs_id": "CBS StatLine table id (empty for other sources)",
    "source": "who published the table, and which table",
    "via": "the copy it was taken from (repository @ commit, path), and any derivation",
    "retrieved": "when the copy was taken from its publisher, as far as known [date]",
    "licence": "licence of the data",
    "attribution": "how to credit the source",
    "source_files": "the file in ../shared/data it was made from (relative path)",
    "source_sha256": "SHA-256 of that file",
    "truncated": "yes if the source was cut off by a mirror (10,000 rows)",
    "columns_kept": "'all', or which columns were kept and why",
    "rows": "data rows [rows]",
    "columns": "columns [columns]",
    "sha256": "SHA-256 of the Parquet file",
    "bytes": "size of the Parquet file [bytes]",
}


@dataclass(frozen=True)
class SnapshotEntry:
    """One row of ``data_raw/snapshot/manifest.csv`` (see :data:`COLUMNS`)."""

    key: str
    file: str
    cbs_id: str
    source: str
    via: str
    retrieved: str
    licence: str
    attribution: str
    source_files: str
    source_sha256: str
    truncated: bool
    columns_kept: str
    rows: int
    columns: int
    sha256: str
    bytes: int

    @property
    def path(self) -> Path:
        return snapshot_dir() / self.file


@content_cache(maxsize=1)
def snapshot_manifest() -> dict[str, SnapshotEntry]:
    """The embedded tables by key; empty if the package carries no snapshot."""
    path = snapshot_dir() / "manifest.csv"
    if not path.is_file():
        return {}
    note_input(path)
    out = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out[row["key"]] = SnapshotEntry(
                **{**row, "truncated": row["truncated"] == "yes", "rows": int(row["rows"]),
                   "columns": int(row["columns"]), "bytes": int(row["bytes"])})
    return out


def read_snapshot(path) -> pd.DataFrame:
    """An embedded table: a (Geo)DataFrame as the parser made it from the source file.

    ``attrs``: ``cache`` = ``"snapshot"`` (nothing to parse), ``source`` (the Parquet file)
    and ``sha256`` (of the Parquet file).
    """
    from .cache import _read

    path = Path(path)
    frame = _read(path)
    frame.attrs.update({"cache": "snapshot", "source": str(path), "sha256": file_hash(path)})
    return frame
