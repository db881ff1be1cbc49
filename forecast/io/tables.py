"""Typed loaders: input tables -> tidy pandas frames with documented columns.

:func:`read_table` finds a table of the manifest, parses it by its format (cached as
Parquet) and checks its columns and completeness. The ``load_*`` functions turn the raw
tables into tidy frames whose columns are documented in :mod:`zorgcap.forecast.schema`.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, display_path, spreadsheet_row
from ..schema import OPEN_AGE, TREND_WINDOW
from .cache import cached
from .cbs import read_cbs_csv, require_columns
from .checks import check_age_sex_years, check_counts, check_gemeenten, check_needs, cut_mid_row
from .manifest import check_complete, locate
from .snapshot import read_snapshot

__all__ = ["AGE_BANDS", "load_gebieden", "load_households_age_sex", "load_population_gemeente",
           "load_zzp_2014",
           "read_table"]

# 5-year bands of CBS 83502NED: "0-4" ... "90-94", "95+" (OPEN_AGE: zorgcap.forecast.schema).
AGE_BANDS = [f"{a}-{a + 4}" for a in range(0, OPEN_AGE, 5)] + [f"{OPEN_AGE}+"]


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(
            f"cannot be read as a ','-separated CSV ({type(exc).__name__}: {exc})",
            file=display_path(path), fix="save the file as UTF-8 CSV with ',' as separator.",
        ) from None
    cut = cut_mid_row(path, sep=",")  # a cut last row reads as empty cells, named wrongly
    if cut:
        raise InputError(f"the table is damaged: {cut}", file=display_path(path),
                         fix="the copy stopped part-way: restore the file (see "
                             "data_raw/manifest.csv and the PROVENANCE.md beside it).")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _read_hmd(path: Path) -> pd.DataFrame:
    cut = cut_mid_row(path, sep=None, skip=2)
    if cut:
        raise InputError(f"the HMD death-rate file is damaged: {cut}", file=display_path(path),
                         fix="download the file again from mortality.org (Netherlands, "
                             "Death rates 1x1) or restore it.")
    frame = pd.read_csv(path, sep=r"\s+", skiprows=2, na_values=".", dtype={"Age": str})
    require_columns(frame, ["Year", "Age", "Female", "Male", "Total"], file=path,
                    what="HMD Mx_1x1 file")
    return frame


def _read_geojson(path: Path) -> pd.DataFrame:
    import geopandas as gpd

    try:
        return gpd.read_file(path)
    except Exception as exc:  # noqa: BLE001 - pyogrio/fiona raise their own error types
        empty = Path(path).stat().st_size == 0
        raise InputError(
            "the map file is empty (0 bytes)" if empty else
            f"the map file cannot be read as GeoJSON ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0][:120]})", file=display_path(path),
            fix="restore the GeoJSON file as published (see data_raw/manifest.csv for its "
                "source).") from None


_PARSERS = {"cbs_odata": read_cbs_csv, "csv": _read_csv, "hmd": _read_hmd,
            "geojson": _read_geojson}
_PARSER_VERSION = 4  # 2: cut-off rows refused (issue 18); 3: HMD rows and empty maps (30);
# 4: cut-off rows of the ','-separated tables refused (issue 30 audit)


def read_table(key: str, data=None, use_cache: bool = True) -> pd.DataFrame:
    """Parse input table ``key`` (see ``data_raw/manifest.csv``) from the data directories.

    Parameters
    ----------
    key : str
        Manifest key, e.g. ``"households_age_sex"`` (CBS 37620).
    data : str or Path, optional
        Data directory searched first (``--data``).
    use_cache : bool, default True
        Read/write the Parquet cache.

    Returns
    -------
    pandas.DataFrame
        The table as published (strings stripped, numbers typed); ``attrs`` carry
        ``source``, ``sha256``, ``cache`` (hit/miss, or ``snapshot`` for a table of the
        embedded snapshot, which is stored parsed) and ``truncated``.

    Raises
    ------
    DataMissingError
        No data directory holds the table.
    InputError
        The file lacks expected columns, or is truncated where the analysis needs it complete.
    """
    located = locate(key, data)
    if located.root.origin == "snapshot":  # already parsed (zorgcap.forecast.io.snapshot)
        frame = read_snapshot(located.path)
    else:
        parse = _PARSERS[located.table.format]
        frame = cached(located.path, key, parse, version=_PARSER_VERSION, use_cache=use_cache)
    fmt = located.table.format
    if fmt == "geojson":  # no shapes first: an empty map file has no columns either
        check_needs(key, frame, located.path, fmt)
    require_columns(frame, located.table.expected_columns, file=located.path,
                    what=f"table '{key}'")
    if located.table.format == "cbs_odata":  # no negative counts (balances excepted)
        check_counts(frame, [c for c in located.table.expected_columns
                             if re.search(r"_\d+$", c)], table=key, file=located.path)
    if fmt != "geojson":
        check_needs(key, frame, located.path, fmt)
    frame.attrs["truncated"] = check_complete(located, len(frame))
    frame.attrs["table"] = key
    return frame


# --- Gebieden in Nederland --------------------------------------------------------------

_CLASSIFICATIONS = {"zk": r"ZK\d{2}", "pv": r"PV\d{2}", "corop": r"CR\d{2}"}


def _column_by_prefix(frame: pd.DataFrame, pattern: str, file) -> str:
    """The ``Code_k`` column whose values are all codes matching ``pattern``."""
    regex = re.compile(rf"^{pattern}$")
    for col in frame.columns:
        if not col.startswith("Code_"):
            continue
        values = frame[col].dropna()
        if len(values) and values.map(lambda v: bool(regex.match(str(v)))).all():
            return col
    raise InputError(
        f"no column holds codes of the form {pattern} in this 'Gebieden in Nederland' table",
        file=display_path(file),
        fix="use the full CBS table 'Gebieden in Nederland' of that year (all classifications).",
    )


def load_gebieden(year: int, data=None) -> pd.DataFrame:
    """Gemeente -> zorgkantoorregio, provincie and COROP for the indeling of 1 January ``year``.

    Parameters
    ----------
    year : int
        Indeling year, 2019-2025 [year].

    Returns
    -------
    pandas.DataFrame
        Columns ``year, gm_code, gm_name, zk_code, zk_name, pv_code, pv_name, corop_code,
        corop_name, cbs_table``; one row per gemeente.

    References
    ----------
    CBS, "Gebieden in Nederland <year>" (84378NED ... 86059NED).
    """
    key = f"gebieden_{year}"
    from .manifest import manifest

    if key not in manifest():
        years = sorted(int(k[-4:]) for k in manifest() if k.startswith("gebieden_"))
        raise ValueError(f"`year` was {year} but is expected to be in {years}")
    raw = read_table(key, data)
    src = raw.attrs["source"]
    gm_col = _column_by_prefix(raw, r"GM\d{4}", src)
    out = pd.DataFrame({"year": year, "gm_code": raw[gm_col],
                        "gm_name": raw[_name_column(raw, gm_col)]})
    for short, pattern in _CLASSIFICATIONS.items():
        col = _column_by_prefix(raw, pattern, src)
        out[f"{short}_code"] = raw[col]
        out[f"{short}_name"] = raw[_name_column(raw, col)]
    check_gemeenten(out["gm_code"], year, table=key, file=src,
                    previous=lambda: load_gebieden(year - 1, data)["gm_code"])
    out["cbs_table"] = manifest()[key].cbs_id
    out = out.astype({c: "string" for c in out.columns if c != "year"})
    return out.sort_values("gm_code").reset_index(drop=True)


def _name_column(frame: pd.DataFrame, code_col: str) -> str:
    # Each Code_k is followed by Naam_{k+1} (or Omschrijving_{k+1}).
    k = int(code_col.split("_")[1])
    for prefix in ("Naam_", "Omschrijving_"):
        if f"{prefix}{k + 1}" in frame.columns:
            return f"{prefix}{k + 1}"
    raise KeyError(code_col)


# --- Intramural zzp supply 2014 (Deloitte State of the State; CIZ) -----------------------

def load_zzp_2014(level: str = "zorgkantoor", data=None) -> pd.DataFrame:
    """Intramural zzp 1-4 and zzp 5-10 in 2014 per zorgkantoor (32 of 2014) or gemeente.

    Parameters
    ----------
    level : {"zorgkantoor", "gemeente"}
        Which file (manifest keys ``zzp_zorgkantoor_2014``, ``zzp_gemeente_2014``).

    Returns
    -------
    pandas.DataFrame
        ``zk2014_code`` (5501-5532), ``zk2014_name`` (zorgkantoor level) or ``gm_code,
        gm_name, zk2014_code`` (gemeente level), ``inhabitants`` [persons, 2014],
        ``zzp1_4`` [clients with zzp 1-4, 2014], ``zzp5_10`` [clients with zzp 5-10, 2014]
        and ``zzp5_10_2020`` [projected clients, 2020] - supply by the provider's location.

    Notes
    -----
    ``zzp5_10`` of 2014 is derived: gemeente level ``ZZP5_10_2020 - ZZP5_10_Groei`` (exact);
    zorgkantoor level ``ZZP5_10_2020 / (1 + ZZP5_10_Perc_Groei)`` (the growth is rounded
    to 4 decimals, so the count is exact to about 1 client).

    References
    ----------
    Deloitte, "State of the State - Zorg" (2015), sources CIZ (2014) and Zorg op de Kaart
    (2014); see ../shared/data/regional/PROVENANCE.md.
    """
    keys = {"zorgkantoor": "zzp_zorgkantoor_2014", "gemeente": "zzp_gemeente_2014"}
    if level not in keys:
        raise ValueError(f"`level` was {level!r} but is expected to be in {list(keys)}")
    raw = read_table(keys[level], data).reset_index(drop=True)
    src = raw.attrs["source"]
    numeric = ["Zorgkantoorcode", "AANT_INW", "ZZP1_4", "ZZP5_10_2020",
               "ZZP5_10_Perc_Groei" if level == "zorgkantoor" else "ZZP5_10_Groei"]
    values = {}
    for col in numeric:
        v = pd.to_numeric(raw[col], errors="coerce")
        bad = v.isna() | ((v < 0) if col != "ZZP5_10_Groei" else False)
        if col == "ZZP5_10_Perc_Groei":
            bad |= v <= -1
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(f"{col} {raw[col][i]!r} is empty, not a number or negative",
                             file=display_path(src), row=spreadsheet_row(i), column=col,
                             fix="restore the file from ../shared/data/regional (see its "
                             "PROVENANCE.md).")
        values[col] = v.to_numpy(float)
    if level == "zorgkantoor":
        heavy = values["ZZP5_10_2020"] / (1 + values["ZZP5_10_Perc_Groei"])
        out = pd.DataFrame({"zk2014_code": values["Zorgkantoorcode"].astype(int),
                            "zk2014_name": raw["Zorgkantoor"].str.removeprefix("Zorgkantoor ")})
    else:
        heavy = values["ZZP5_10_2020"] - values["ZZP5_10_Groei"]
        out = pd.DataFrame({"gm_code": raw["GM_CODE"], "gm_name": raw["GM_NAAM"],
                            "zk2014_code": values["Zorgkantoorcode"].astype(int)})
    if (heavy < 0).any():
        i = int(np.flatnonzero(heavy < 0)[0])
        raise InputError("the derived 2014 zzp 5-10 count is negative",
                         file=display_path(src), row=spreadsheet_row(i),
                         fix="restore the file from ../shared/data/regional.")
    key = out.columns[0]
    dup = out[key].duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise InputError(f"{key} {out[key][i]} appears twice", file=display_path(src),
                         row=spreadsheet_row(i), fix="keep one row per region or gemeente.")
    out["inhabitants"] = values["AANT_INW"]
    out["zzp1_4"] = values["ZZP1_4"]
    out["zzp5_10"] = heavy
    out["zzp5_10_2020"] = values["ZZP5_10_2020"]
    return out.sort_values(key).reset_index(drop=True)


# --- Population ------------------------------------------------------------------------

def load_households_age_sex(data=None) -> pd.DataFrame:
    """National persons on 1 January by single age x sex, 1995-2024 (CBS 37620).

    Returns
    -------
    pandas.DataFrame
        ``year``, ``sex`` (male/female), ``age`` (0..95; 95 = 95+), ``persons`` (all
        persons in households: the population) and ``institutional`` (persons in
        institutional households) [persons], sorted by year, sex, age.
    """
    h = read_table("households_age_sex", data)
    sexes = {"Mannen": "male", "Vrouwen": "female"}
    age = h["Leeftijd"].str.extract(r"^(\d+) jaar")[0]
    keep = h["Geslacht"].isin(list(sexes)) & age.notna()
    h, age = h[keep], age[keep]
    out = pd.DataFrame({
        "year": h["Perioden"].astype(int).to_numpy(),
        "sex": h["Geslacht"].map(sexes).to_numpy(),
        "age": age.astype(int).to_numpy(),
        "persons": h["TotaalPersonenInHuishoudens_1"].to_numpy(dtype=float),
        "institutional": h["PersonenInInstitutioneleHuishoudens_12"].to_numpy(dtype=float),
    })
    for col, source in (("persons", "TotaalPersonenInHuishoudens_1"),
                        ("institutional", "PersonenInInstitutioneleHuishoudens_12")):
        empty = np.flatnonzero(out[col].isna().to_numpy())
        if len(empty):  # the rates need every age x sex x year: no unknown figure ('.')
            raise InputError(
                f"table 'households_age_sex' has an empty or unknown ('.') {source} for "
                f"{out['sex'].iloc[empty[0]]} aged {out['age'].iloc[empty[0]]} in "
                f"{out['year'].iloc[empty[0]]} ({len(empty)} such row(s))",
                file=display_path(h.attrs["source"]), row=spreadsheet_row(h.index[empty[0]]),
                column=source, fix="download the table again ('zorgcap data fetch "
                "households_age_sex') or restore the file.")
    check_age_sex_years(out, table="households_age_sex", file=h.attrs["source"],
                        ages=range(OPEN_AGE + 1), sexes=("male", "female"),
                        need_years=list(range(TREND_WINDOW[0], TREND_WINDOW[1] + 1)))
    return out.sort_values(["year", "sex", "age"]).reset_index(drop=True)


def load_population_gemeente(data=None) -> pd.DataFrame:
    """Population on 1-1-2021 by gemeente x 5-year age band x sex, as in the source file.

    Gemeente codes are those of the file (2021 indeling, except PC4 areas still labelled with
    the former gemeente Haaren, GM0788, a 2020 code): use
    :func:`zorgcap.regions.to_indeling` to bring them to one indeling.

    Returns
    -------
    pandas.DataFrame
        Columns ``year`` (2021, reference date 1 January), ``gm_code``, ``age_band``
        (``"0-4"`` ... ``"95+"``), ``age_lo`` [years], ``sex`` (``male``/``female``),
        ``persons`` [persons].

    References
    ----------
    CBS 83502NED "Bevolking en leeftijd per postcode", 1 January 2021, summed from PC4 to
    gemeente (see ../shared/data/population/PROVENANCE.md).
    """
    raw = read_table("population_gemeente_2021", data)
    tidy = tidy_population(raw, file=raw.attrs["source"], year=2021)
    counts = tidy.groupby("gm_code")["age_band"].nunique()
    short = counts[counts < len(AGE_BANDS)]
    if len(short):  # a band left out would count as nobody of that age
        code = short.index[0]
        lacking = sorted(set(AGE_BANDS) - set(tidy.loc[tidy["gm_code"] == code, "age_band"]),
                         key=AGE_BANDS.index)
        raise InputError(
            f"gemeente {code} lacks age band(s) {', '.join(lacking)}",
            file=display_path(raw.attrs["source"]),
            fix="give every gemeente all 20 age bands 0-4 ... 95+ (0 for an empty band).")
    # every gemeente of the 2021 indeling (CBS: 352) must be there, or its people vanish
    missing = sorted(set(load_gebieden(2021, data)["gm_code"]) - set(tidy["gm_code"]))
    if missing:
        raise InputError(
            f"table 'population_gemeente_2021' lacks {len(missing)} gemeente(n) of the 2021 "
            f"indeling: {', '.join(missing[:8])}{' ...' if len(missing) > 8 else ''}",
            file=display_path(raw.attrs["source"]),
            fix="restore the file from ../shared/data/population (see its PROVENANCE.md).")
    return tidy


def tidy_population(raw: pd.DataFrame, file, year: int) -> pd.DataFrame:
    """Validate a ``gm_code, leeftijd, inwoners_man, inwoners_vrouw`` table and make it tidy.

    Raises :class:`InputError` naming the row for unknown age bands, non-numeric or negative
    counts, and duplicated gemeente x age rows.
    """
    require_columns(raw, ["gm_code", "leeftijd", "inwoners_man", "inwoners_vrouw"], file=file,
                    what="population table")
    frame = raw.reset_index(drop=True)
    bands = frame["leeftijd"].astype(str).str.strip()
    bad = ~bands.isin(AGE_BANDS)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"unknown age band {bands[i]!r}", file=display_path(file), row=spreadsheet_row(i),
            column="leeftijd", fix=f"use one of {', '.join(AGE_BANDS)}.",
        )
    for col in ("inwoners_man", "inwoners_vrouw"):
        values = pd.to_numeric(frame[col], errors="coerce")
        for mask, problem in ((values.isna(), "is empty or not a number"),
                              (values < 0, "is negative")):
            if mask.any():
                i = int(np.flatnonzero(mask)[0])
                raise InputError(
                    f"count {frame[col][i]!r} {problem} (gemeente {frame['gm_code'][i]}, "
                    f"age {bands[i]})", file=display_path(file), row=spreadsheet_row(i),
                    column=col, fix="enter a count of persons >= 0 (0 for an empty cell).",
                )
        frame[col] = values
    dup = frame.assign(leeftijd=bands).duplicated(["gm_code", "leeftijd"])
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise InputError(
            f"gemeente {frame['gm_code'][i]} age {bands[i]} appears twice",
            file=display_path(file), row=spreadsheet_row(i),
            fix="keep one row per gemeente and age band.",
        )
    long = (
        frame.assign(age_band=bands, gm_code=frame["gm_code"].astype(str).str.strip())
        .melt(id_vars=["gm_code", "age_band"], value_vars=["inwoners_man", "inwoners_vrouw"],
              var_name="sex", value_name="persons")
    )
    long["sex"] = long["sex"].map({"inwoners_man": "male", "inwoners_vrouw": "female"})
    long["age_lo"] = long["age_band"].map(lambda b: int(b.split("-")[0].rstrip("+")))
    long.insert(0, "year", year)
    long["persons"] = long["persons"].astype("float64")
    cols = ["year", "gm_code", "age_band", "age_lo", "sex", "persons"]
    return long[cols].sort_values(["gm_code", "sex", "age_lo"]).reset_index(drop=True)
