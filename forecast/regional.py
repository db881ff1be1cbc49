"""Regional usage factors from institutional residents per COROP region (CBS 71488ned).

The national age x sex usage rates give each region the nursing-home use its population
structure implies. Regions differ beyond that (supply history, informal care, culture). The
only public regional count of residents in the mirror is CBS 71488ned: persons in
institutional households per region on 1 January, **all ages, both sexes, all kinds of
institution**. Its gemeente rows stop at "Moerdijk" (truncated mirror), but its **40 COROP
rows are complete**, so the factors are made at COROP level:

    expected_c = sum_{g in c} sum_{s,a} P_g(s, a) * i(s, a)              [persons]
    f_c        = (observed_c / expected_c) / (sum_c observed_c / sum_c expected_c)

with P_g the population of gemeente g on 1-1-2021 by sex and single age (the projection's
base, CBS 83502NED + 37620) and i(s, a) the national institutional rate of 2021 (CBS 37620).
The second ratio makes the factors average to 1 over the country, so the national level
(levelled to the Wlz count) is unchanged. A zorgkantoorregio's factor is the mean of its
gemeenten's COROP factors weighted by their expected nursing-home clients
(P_g x the V&V usage rates), rescaled once more so that the national number of clients is
unchanged.

Caveat (named assumption ``regional_factors_71488ned``): the counts include homes for the
disabled (GHZ), mental-health institutions and prisons, at every age; a region with a large
GHZ campus gets a factor that says little about nursing homes. The factors are therefore
an option (``project_demand(regional_factors="71488ned")``, CLI ``--regional-factors``), not
the default; a planner's own counts (``calibrate=``) override them region by region.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zorgcap import regions

from .errors import InputError
from .io.tables import read_table
from .population import base_population
from .schema import BASE_YEAR, DEMAND_BASE_YEAR, SEXES
from .usage import institutional_rates, rates_array, usage_rates

__all__ = ["corop_factors", "zk_factors", "FACTOR_YEAR"]

FACTOR_YEAR = BASE_YEAR  # the base year of the population projection
_COLUMN = "PersonenInInstitutioneleHuishoudens_12"
_SUFFIX = " (CR)"


def _observed_corop(year: int, data=None) -> pd.Series:
    t = read_table("households_region", data)
    t = t[(t["Perioden"].str.strip() == str(year))
          & (t["Geslacht"].str.strip() == "Mannen en vrouwen")
          & (t["Leeftijd"].str.strip() == "Totaal")
          & t["RegioS"].str.strip().str.endswith(_SUFFIX)]
    if t.empty:
        raise InputError(f"no COROP rows for {year} in CBS 71488ned",
                         file=t.attrs.get("source"), column="RegioS",
                         fix="use the full table: 'zorgcap data fetch households_region'.")
    names = t["RegioS"].str.strip().str.removesuffix(_SUFFIX)
    obs = pd.Series(t[_COLUMN].to_numpy(float), index=names.to_numpy(), name="observed")
    if obs.isna().any() or (obs < 0).any():
        bad = obs[obs.isna() | (obs < 0)].index[0]
        raise InputError(f"COROP {bad!r} has no or a negative count of institutional residents "
                         f"in {year}", file=t.attrs.get("source"), column=_COLUMN,
                         fix="fetch CBS 71488ned again.")
    return obs


def corop_factors(year: int = FACTOR_YEAR, data=None) -> pd.DataFrame:
    """``corop_code, corop_name, observed, expected`` [persons] and ``factor`` per COROP.

    See the module docstring for the formula.
    """
    if year != FACTOR_YEAR:
        raise ValueError(f"`year` was {year} but the gemeente population by age exists only "
                         f"for {FACTOR_YEAR}")
    codes, pop = base_population(data)  # (gemeente, sex, age), 2021 indeling
    inst = institutional_rates(data)
    inst = inst[inst["year"] == year].sort_values(["sex", "age"])
    rate = np.stack([inst[inst["sex"] == s]["rate"].fillna(0).to_numpy()
                     for s in SEXES])
    expected_g = pd.Series(np.einsum("gsa,sa->g", pop, rate), index=codes)
    gm = regions.gemeenten(year, data).set_index("gm_code")
    expected = expected_g.groupby(gm["corop_name"].reindex(expected_g.index)).sum()
    observed = _observed_corop(year, data)
    missing = sorted(set(expected.index) - set(observed.index))
    if missing:
        raise InputError(f"COROP regions {missing} of {year} are not in CBS 71488ned",
                         column="RegioS", fix="fetch CBS 71488ned again.")
    observed = observed.reindex(expected.index)
    level = observed.sum() / expected.sum()
    out = pd.DataFrame({"corop_name": expected.index, "observed": observed.to_numpy(),
                        "expected": expected.to_numpy()})
    out["factor"] = out["observed"] / out["expected"] / level
    codes_of = gm.drop_duplicates("corop_name").set_index("corop_name")["corop_code"]
    out.insert(0, "corop_code", out["corop_name"].map(codes_of))
    return out.sort_values("corop_code").reset_index(drop=True)


def zk_factors(indeling: int = 2025, data=None) -> pd.DataFrame:
    """``zk_code, zk_name, factor`` and ``expected_clients`` [persons, 2021] per region.

    The expected-client-weighted mean of the gemeenten's COROP factors, rescaled so that the
    national number of expected clients is unchanged (module docstring).
    """
    corop = corop_factors(FACTOR_YEAR, data).set_index("corop_name")["factor"]
    codes, pop = base_population(data)
    clients = np.einsum("gsa,sa->g", pop, rates_array(usage_rates(DEMAND_BASE_YEAR, data)))
    gm = regions.gemeenten(FACTOR_YEAR, data).set_index("gm_code")
    f = gm["corop_name"].reindex(codes).map(corop).to_numpy()
    frame = pd.DataFrame({"gm_code": codes, "clients": clients, "weighted": clients * f})
    frame = regions.to_indeling(frame, indeling, ["clients", "weighted"], data=data)
    zk = regions.gemeenten(indeling, data).set_index("gm_code")
    g = frame.groupby(frame["gm_code"].map(zk["zk_code"]))[["clients", "weighted"]].sum()
    factor = g["weighted"] / g["clients"]
    factor = factor * g["clients"].sum() / g["weighted"].sum()
    names = zk.drop_duplicates("zk_code").set_index("zk_code")["zk_name"]
    out = pd.DataFrame({"zk_code": factor.index, "zk_name": names.reindex(factor.index).to_numpy(),
                        "factor": factor.to_numpy(), "expected_clients": g["clients"].to_numpy()})
    return out.sort_values("zk_code").reset_index(drop=True)
