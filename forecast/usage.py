"""Usage rates: the share of people, by age and sex, who receive Wlz V&V care with stay.

Steps (each with its source)
----------------------------
1. **Institutional rate** ``r(a, s, t)``: persons in institutional households / all persons,
   by single age (0 ... 95+) and sex, 1 January 1995-2024 (CBS 37620, columns
   ``PersonenInInstitutioneleHuishoudens_12`` / ``TotaalPersonenInHuishoudens_1``).
2. **Nursing-home share** ``h(a, s)``: residents of verzorgings- en verpleeghuizen / all
   residents of institutions, by single age and sex, mean of 2011-2013, the last years
   published (CBS 70791ned, ``VerzorgingsEnVerpleeghuis_9 / TotaalPersonenWonendInInstellingen_6``).
   Above 75 it is over 0.88; at younger ages institutions are mostly GHZ/GGZ.
   (``assumption nursing_share_2013``: the age profile of the share stays as in 2011-2013.)
3. **Level**: ``u(a, s) = kappa r(a, s, T) h(a, s)`` with ``kappa`` such that the national
   sum over the population of 1 January T equals the Wlz clients with a zzp VV4-VV10 and care
   in kind with stay ("Zin verblijf") in year T (CBS 84529NED, ``Totaal personen``). For T =
   2023: 126,105 clients. ``kappa`` absorbs the difference between "living in a care home"
   (BRP) and "Wlz V&V with stay" (including the reference-date difference: 84529NED counts on
   a peildatum in the year, the population is of 1 January).

References
----------
CBS StatLine 37620, 70791ned, 84529NED; see ``data_raw/manifest.csv``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import InputError, display_path
from .io.cache import content_cache
from .io.tables import load_households_age_sex, read_table
from .schema import AGES, DEMAND_BASE_YEAR, OPEN_AGE, SEXES

__all__ = ["institutional_rates", "nursing_share", "wlz_vv", "usage_rates", "read_rates_file",
           "VV_WITH_STAY", "NURSING_SHARE_YEARS"]

VV_WITH_STAY = tuple(f"zzp {n} VV" for n in ("4", "5", "6", "7", "8", "9", "9b", "10"))
NURSING_SHARE_YEARS = (2011, 2013)
_SEX = {"Mannen": "male", "Vrouwen": "female"}


def _age_of(label: pd.Series) -> pd.Series:
    return label.str.extract(r"^(\d+) jaar")[0].astype(float)


@content_cache(maxsize=2)
def institutional_rates(data=None) -> pd.DataFrame:
    """``year, sex, age, persons, institutional, rate`` by single age 0..95 (95 = 95+).

    Source: CBS 37620, 1 January 1995-2024. ``rate`` [persons in institutions per person].
    """
    out = load_households_age_sex(data)
    out["rate"] = out["institutional"] / out["persons"].where(out["persons"] > 0)
    return out


@content_cache(maxsize=2)
def nursing_share(data=None, years=NURSING_SHARE_YEARS) -> pd.DataFrame:
    """``sex, age, share``: share of institutional residents living in a care/nursing home.

    Mean over ``years`` of CBS 70791ned (verzorgings- en verpleeghuis / all institutions), by
    single age 0..95+ and sex; ages with no institutional residents get share 0.
    """
    t = read_table("institutions_by_type", data)
    t = t[t["Geslacht"].isin(list(_SEX))].assign(age=lambda f: _age_of(f["Leeftijd"]))
    t = t.dropna(subset=["age"])
    t = t[t["Perioden"].astype(int).between(*years)]
    g = t.groupby([t["Geslacht"].map(_SEX), t["age"].astype(int)])[
        ["VerzorgingsEnVerpleeghuis_9", "TotaalPersonenWonendInInstellingen_6"]].sum()
    share = (g["VerzorgingsEnVerpleeghuis_9"]
             / g["TotaalPersonenWonendInInstellingen_6"].where(lambda s: s > 0)).fillna(0)
    out = share.rename("share").reset_index().rename(columns={"Geslacht": "sex"})
    return out.sort_values(["sex", "age"]).reset_index(drop=True)


@content_cache(maxsize=2)
def wlz_vv(data=None) -> pd.DataFrame:
    """Wlz V&V clients with zzp VV4-VV10 by delivery form: ``year, with_stay, vpt, mpt, pgb``.

    Source: CBS 84529NED, ``IndicatieGrondslag = Totaal personen`` [persons on the
    peildatum]; ``pgb`` = "Uitsluitend pgb". Complete in the truncated mirror copy (the
    truncation only cuts the psychogeriatric breakdown).
    """
    w = read_table("wlz_indications", data)
    w = w[(w["IndicatieGrondslag"] == "Totaal personen")
          & w["Zorgzwaartepakket"].str.startswith(VV_WITH_STAY)]
    # "zzp 1 VV" is a prefix of "zzp 10 VV": match the zzp number exactly.
    number = w["Zorgzwaartepakket"].str.extract(r"^zzp (\w+) VV")[0]
    w = w[number.isin(["4", "5", "6", "7", "8", "9", "9b", "10"])]
    forms = {"Zin verblijf": "with_stay", "Zin volledig pakket thuis (vpt)": "vpt",
             "Zin modulair pakket thuis (mpt)": "mpt", "Uitsluitend pgb": "pgb"}
    w = w[w["LeveringsvormZorg"].isin(list(forms))]
    out = w.pivot_table(index="Perioden", columns="LeveringsvormZorg",
                        values="PersonenMetIndicatieOpPeildatum_1", aggfunc="sum")
    out = out.rename(columns=forms).reset_index().rename(columns={"Perioden": "year"})
    out["year"] = out["year"].astype(int)
    out.columns.name = None
    return out[["year", "with_stay", "vpt", "mpt", "pgb"]]


def usage_rates(base_year: int = DEMAND_BASE_YEAR, data=None) -> pd.DataFrame:
    """Rate of Wlz V&V care with stay by sex x age in ``base_year`` (see module docstring).

    Returns
    -------
    pandas.DataFrame
        ``sex, age`` (0..95; 95 = 95+), ``institutional_rate`` [per person],
        ``nursing_share`` [fraction], ``rate`` [clients with stay per person] and ``kappa``
        [-], the levelling factor (the same in every row: observed clients with stay of
        ``base_year`` / what the unlevelled rates give).
    """
    wlz = wlz_vv(data).set_index("year")
    if base_year not in wlz.index:
        raise ValueError(f"`base_year` was {base_year} but Wlz V&V figures (84529NED) exist "
                         f"for {wlz.index.min()}-{wlz.index.max()}")
    inst = institutional_rates(data)
    inst = inst[inst["year"] == base_year]
    frame = inst.merge(nursing_share(data), on=["sex", "age"], how="left").fillna({"share": 0})
    expected = (frame["rate"] * frame["share"] * frame["persons"]).sum()
    observed = float(wlz.loc[base_year, "with_stay"])
    kappa = observed / expected
    out = pd.DataFrame({"sex": frame["sex"], "age": frame["age"],
                        "institutional_rate": frame["rate"], "nursing_share": frame["share"],
                        "rate": kappa * frame["rate"] * frame["share"], "kappa": kappa})
    return out.reset_index(drop=True)


def rates_array(rates: pd.DataFrame) -> np.ndarray:
    """Rates as an array (sex, age) in the population engine's order."""
    wide = rates.pivot(index="sex", columns="age", values="rate").reindex(
        index=list(SEXES), columns=list(AGES))
    return wide.to_numpy()


def read_rates_file(path) -> pd.DataFrame:
    """A planner's own usage rates: columns ``sex`` (male/female), ``age`` (0..95), ``rate``.

    Read by the file's notation (``,`` or Dutch ``;``, :mod:`zorgcap.forecast.io.planner`) and
    validated by :data:`zorgcap.forecast.validation.RATES_SCHEMA`. Raises :class:`InputError` naming
    the row for unknown sexes, ages out of range, rates outside [0, 1], duplicates, and
    listing missing ages.
    """
    from .io.planner import FRACTION, read_planner_csv
    from .validation import RATES_SCHEMA, validate

    frame = read_planner_csv(path, "rates", ["sex", "age", "rate"],
                             numbers={"age": FRACTION, "rate": FRACTION},
                             optional=["note", "source"])
    where = {"file": display_path(path)}
    frame = validate(frame, RATES_SCHEMA, file=where["file"])
    frame = frame.assign(age=frame["age"].astype(int), rate=frame["rate"].astype(float))
    full = pd.MultiIndex.from_product([SEXES, AGES])
    missing = full.difference(pd.MultiIndex.from_frame(frame[["sex", "age"]]))
    if len(missing):
        shown = ", ".join(f"{s} {a}" for s, a in list(missing)[:6])
        raise InputError(f"{len(missing)} sex x age rows are missing ({shown}"
                         f"{', ...' if len(missing) > 6 else ''})",
                         fix=f"give a rate for every age 0..{OPEN_AGE} for both sexes "
                         "(0 where nobody receives care).", **where)
    if not (frame["rate"] > 0).any():  # an empty column exported as zeros
        raise InputError("every rate is 0: nobody would receive care with stay, so every "
                         "region's need would be 0 and no capacity could be estimated",
                         column="rate", fix="fill in the rates (clients with stay per "
                         "person of that sex and age, e.g. 0.12 at 90), or leave --rates out "
                         "to use the CBS rates.", **where)
    return frame[["sex", "age", "rate"]]
