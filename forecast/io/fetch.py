"""``zorgcap data fetch``: download CBS tables with ``cbsodata`` into the data layout.

The files are written exactly as the mirror in ``../shared/data`` has them (``;``-separated,
UTF-8 with BOM, category labels instead of codes) under the project cache
(``<cache>/data/<folder>/``), which is searched before ``../shared/data``. Needs internet and
the ``cbsodata`` package (``pip install zorgcap[fetch]``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .cache import atomic_write
from .datadir import cache_dir
from .manifest import Table, manifest, table

__all__ = ["fetch_tables", "fetch_target"]


def fetch_target(entry: Table, dest=None) -> Path:
    """Where table ``entry`` is written: its manifest glob with ``*`` -> ``cbsodata``."""
    root = Path(dest) if dest is not None else cache_dir() / "data"
    return root / entry.path.replace("*", "cbsodata")


def fetch_tables(keys=None, dest=None, client=None) -> list[Path]:
    """Download the fetchable tables ``keys`` (default: all) and return the written paths.

    Parameters
    ----------
    keys : list of str, optional
        Manifest keys; default every table with ``fetchable = yes``.
    dest : str or Path, optional
        Data directory to write into (default: the project cache).
    client : module, optional
        Object with ``get_data(table_id)`` (default: the ``cbsodata`` package).
    """
    if client is None:
        try:
            import cbsodata as client
        except ImportError:
            raise RuntimeError(
                "downloading needs the 'cbsodata' package: pip install 'zorgcap[fetch]'"
            ) from None
    entries = [table(k) for k in keys] if keys else [
        t for t in manifest().values() if t.fetchable]
    written = []
    for entry in entries:
        if not entry.fetchable:
            raise ValueError(f"table '{entry.key}' cannot be downloaded by zorgcap "
                             f"(source: {entry.attribution}); see data_raw/manifest.csv")
        records = client.get_data(entry.cbs_id)
        frame = pd.DataFrame.from_records(records)
        if frame.empty:
            raise RuntimeError(f"CBS returned no rows for table {entry.cbs_id}")
        target = fetch_target(entry, dest)
        atomic_write(target, lambda tmp, f=frame: f.to_csv(
            tmp, sep=";", index=False, encoding="utf-8-sig"))
        written.append(target)
    return written
