"""The 31 zorgkantoorregio's: codes and names.

A zorgkantoorregio (care-office region) is the area in which one zorgkantoor purchases Wlz care
on behalf of all insurers. Codes ZK01...ZK33 (ZK05 and ZK15 do not exist); names as in
CBS "Gebieden in Nederland" 2019-2025, identical in every year (checked by the tests
against each year's table).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from zorgcap.forecast.errors import InputError, spreadsheet_row

__all__ = ["YEARS", "ZORGKANTOORREGIOS", "check_region_codes", "check_year",
           "normalise_region_codes"]

#: Indeling years covered by the CBS mapping tables in the data [year].
YEARS = range(2019, 2026)

#: Code -> name of the 31 zorgkantoorregio's (CBS "Gebieden in Nederland" 2019-2025).
ZORGKANTOORREGIOS: dict[str, str] = {
    "ZK01": "Amstelland en De Meerlanden",
    "ZK02": "Amsterdam",
    "ZK03": "Apeldoorn/Zutphen",
    "ZK04": "Arnhem",
    "ZK06": "Drenthe",
    "ZK07": "Flevoland",
    "ZK08": "Friesland",
    "ZK09": "Groningen",
    "ZK10": "Haaglanden",
    "ZK11": "Kennemerland",
    "ZK12": "Midden-Brabant",
    "ZK13": "Midden-Holland",
    "ZK14": "Midden-IJssel",
    "ZK16": "Nijmegen",
    "ZK17": "Noord- en Midden-Limburg",
    "ZK18": "Noord-Holland Noord",
    "ZK19": "Noordoost-Brabant",
    "ZK20": "Rotterdam",
    "ZK21": "'t Gooi",
    "ZK22": "Twente",
    "ZK23": "Utrecht",
    "ZK24": "Waardenland",
    "ZK25": "West-Brabant",
    "ZK26": "Zaanstreek/Waterland",
    "ZK27": "Zeeland",
    "ZK28": "Zuid-Holland Noord",
    "ZK29": "Zuid-Hollandse Eilanden",
    "ZK30": "Zuidoost-Brabant",
    "ZK31": "Zuid-Limburg",
    "ZK32": "Zwolle",
    "ZK33": "Westland Schieland Delfland",
}


def check_year(year, *, what: str = "year", years: Iterable[int] = YEARS) -> int:
    """Return ``year`` as int or raise ``ValueError`` naming the valid range."""
    years = list(years)
    try:
        value = int(year)
    except (TypeError, ValueError):
        value = None
    if value is None or value not in years or value != year:
        raise ValueError(
            f"`{what}` was {year!r} but is expected to be a year in {years[0]}-{years[-1]} "
            "(the indelingen of CBS 'Gebieden in Nederland' in the data)"
        )
    return value


def normalise_region_codes(codes) -> list:
    """Region codes as zorgkantoorregio codes are written: stripped, upper case (``" zk01"``
    -> ``"ZK01"``).

    The one rule for region codes in every planner file and argument (capacity, plans,
    calibration, waiting list, workforce, ``--regions``): lower case is accepted and read as
    upper case; anything else that is not one of the 31 codes is refused by
    :func:`check_region_codes`, with a hint. Values that are not text are left as they are
    (and refused there).
    """
    return [c.strip().upper() if isinstance(c, str) else c for c in codes]


def _hint(code) -> str:
    """What a code that is not a zorgkantoorregio code probably meant, or ''."""
    import re

    if not isinstance(code, str):
        return ""
    text = code.strip()
    by_name = {v.lower(): k for k, v in ZORGKANTOORREGIOS.items()}
    if text.lower() in by_name:
        return f" ('{code}' is a name: its code is {by_name[text.lower()]})"
    if text.upper() in ZORGKANTOORREGIOS:
        return f" (did you mean {text.upper()}?)"
    digits = re.fullmatch(r"(?i)(?:zk)?[\s_-]*0*(\d{1,2})", text)
    if digits:
        guess = f"ZK{int(digits[1]):02d}"
        if guess in ZORGKANTOORREGIOS:
            return f" (did you mean {guess}?)"
        if guess in ("ZK05", "ZK15"):
            return f" ({guess} does not exist)"
    return ""


def check_region_codes(codes, *, file=None, column: str = "zk_code") -> None:
    """Raise :class:`InputError` for the first code that is not a zorgkantoorregio.

    Codes are compared as given: normalise them first (:func:`normalise_region_codes`). The
    message names the code, the row of the file and, where it can tell, the code meant
    ("did you mean ZK01?" for ``ZK1`` or ``1``; the code of a region's name).

    Parameters
    ----------
    codes : sequence of str
        Region codes as read (row order as in the file).
    file : str, optional
        File the codes come from, for the message.
    """
    codes = pd.Series(list(codes), dtype="object")
    bad = ~codes.isin(list(ZORGKANTOORREGIOS))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        code = codes.iloc[i]
        raise InputError(
            f"unknown zorgkantoorregio code {code!r}{_hint(code)}",
            file=file, row=spreadsheet_row(i) if file else None, column=column,
            fix="use one of the 31 codes ZK01...ZK33 (not ZK05, ZK15); "
            "see zorgcap.regions.ZORGKANTOORREGIOS.",
        )
