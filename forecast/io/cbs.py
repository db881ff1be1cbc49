"""Reader for CBS StatLine OData tables as dumped to CSV.

Format (as written by the public mirror and by ``zorgcap data fetch``): ``;``-separated,
UTF-8 with a byte-order mark, fixed-width padded strings, ``.`` or empty for "no value",
dimension columns without a numeric suffix (``Geslacht``, ``Perioden``, ``RegioS``) and topic
columns with one (``PersonenInInstitutioneleHuishoudens_12``). Category codes have been
replaced by their labels (``"Mannen"``, ``"95 jaar of ouder"``).

A mirror stopped at 10,000 data rows: such a file is *truncated* (its name carries
``FIRST10000ROWS``); :func:`is_truncated` tells.

References
----------
CBS, "Handleiding CBS Open Data", OData v3 TypedDataSet (https://opendata.cbs.nl).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import InputError, display_path

__all__ = ["MIRROR_ROW_LIMIT", "is_truncated", "read_cbs_csv", "require_columns"]

MIRROR_ROW_LIMIT = 10_000
_TOPIC = re.compile(r"_\d+$")
_MISSING = {"", "."}


def read_cbs_csv(path) -> pd.DataFrame:
    """Read a CBS OData CSV dump into a frame with stripped strings and numeric topics.

    Parameters
    ----------
    path : str or Path
        The ``;``-separated file.

    Returns
    -------
    pandas.DataFrame
        One column per CBS column. Dimension columns and ``Perioden`` stay strings;
        topic columns whose every value is numeric become float; ``.`` and empty become NA.

    Raises
    ------
    InputError
        If the file is not a ``;``-separated CBS table.
    """
    path = Path(path)
    try:
        raw = pd.read_csv(
            path, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False,
            na_filter=False,
        )
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(
            f"cannot be read as a CBS OData table ({type(exc).__name__}: {exc})",
            file=display_path(path),
            fix="use the ';'-separated UTF-8 CSV as downloaded from CBS StatLine "
                "(or run 'zorgcap data fetch').",
        ) from None
    from .checks import cut_mid_row

    cut = cut_mid_row(path)
    if cut and raw.shape[1] >= 2:
        raise InputError(
            f"table {path.name}: {cut}", file=display_path(path),
            fix="the download or copy stopped part-way: download the table again ('zorgcap "
                "data fetch') or restore the file.")
    if raw.shape[1] < 2:
        raise InputError(
            "has only one column: it is not ';'-separated as CBS OData dumps are",
            file=display_path(path),
            fix="save the table with ';' as the separator, or run 'zorgcap data fetch'.",
        )
    out = {}
    for col in raw.columns:
        values = raw[col].str.strip()
        values = values.mask(values.isin(_MISSING))
        if _TOPIC.search(col) and col != "ID":
            numeric = pd.to_numeric(values, errors="coerce")
            if numeric.notna().sum() == values.notna().sum():
                out[col] = numeric.astype("float64")
                continue
        out[col.strip()] = values.astype("string")
    frame = pd.DataFrame(out)
    frame.attrs["source"] = str(path)
    return frame


def is_truncated(path, n_rows: int) -> bool:
    """True if the file was cut off by a mirror (name tag or exactly 10,000 data rows)."""
    return "FIRST10000ROWS" in Path(path).name or n_rows == MIRROR_ROW_LIMIT


def require_columns(frame: pd.DataFrame, columns, *, file, what: str = "table") -> None:
    """Raise :class:`InputError` naming every expected column that is missing."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"the {what} lacks column(s) {', '.join(repr(c) for c in missing)} "
            f"(found: {', '.join(map(str, frame.columns[:12]))}"
            f"{', ...' if len(frame.columns) > 12 else ''})",
            file=display_path(file),
            column=missing[0],
            fix=f"add the missing column(s) with these exact names: {', '.join(missing)}.",
        )
