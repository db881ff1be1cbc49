"""Places per gemeente: each gemeente's part of its zorgkantoorregio's need.

Gemeenten write their own woonzorgvisie and ask what part of the region's need is theirs.
zorgcap models usage per region (the region's observed level, its waiting list, the
scenario), not per gemeente; a gemeente's part follows from its own population structure:

    E(g, t)    = sum_{s, a} u(s, a) P(g, s, a, t)
    need(g, t) = need(r, t) * E(g, t) / sum_{g' in r} E(g', t)

``u`` are the national base-year usage rates (clients with stay per person by sex and age,
:mod:`zorgcap.forecast.usage`), ``P`` the gemeente's projected population
(:func:`zorgcap.forecast.population.build_projection`, ``level="gemeente"``, translated to
the 2025 indeling) and ``need(r, t)`` the region's need (places needed plus its waiting list,
:mod:`zorgcap.forecast.gap`). ``E`` is the number of clients with stay the gemeente would have
at national rates: an old gemeente gets a larger part than a young one of the same size. The
region's level applies to all its gemeenten alike (no gemeente-level usage is observed), so
the places of a region's gemeenten add up to the region's need exactly.

References
----------
Indirect standardisation as in :mod:`zorgcap.forecast.intensity` (expected clients at
national age-sex rates); CBS Kernprognose and PBL/CBS regional prognosis via
:mod:`zorgcap.forecast.population`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["apportion_need", "expected_clients"]


def apportion_need(need: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    """Share each region's need over its gemeenten by their expected clients.

    Parameters
    ----------
    need : pandas.DataFrame
        ``year, zk_code, need``: the region's need per year [places].
    weights : pandas.DataFrame
        ``year, gm_code, zk_code, expected_clients``: clients with stay each gemeente would
        have at national base-year rates [clients] (any other columns are kept).

    Returns
    -------
    pandas.DataFrame
        ``weights``' rows of the years and regions in ``need``, with ``share`` [fraction of
        the region, summing to 1 per region and year] and ``need`` [places, summing to the
        region's need].

    Raises
    ------
    ValueError
        A region and year of ``need`` without gemeenten in ``weights``, or whose gemeenten
        all have zero expected clients (there is nothing to share by).
    """
    for name, frame, cols in (("need", need, ("year", "zk_code", "need")),
                              ("weights", weights, ("year", "gm_code", "zk_code",
                                                    "expected_clients"))):
        missing = [c for c in cols if c not in frame]
        if missing:
            raise ValueError(f"`{name}` lacks the column(s) {missing}; expected {list(cols)}")
    keys = need[["year", "zk_code"]].drop_duplicates()
    out = weights.merge(keys, on=["year", "zk_code"])
    total = out.groupby(["year", "zk_code"])["expected_clients"].transform("sum")
    found = out[["year", "zk_code"]].drop_duplicates()
    if len(found) < len(keys) or not (total > 0).all():
        bad = keys.merge(out.loc[total > 0, ["year", "zk_code"]].drop_duplicates(),
                         how="left", indicator=True).query("_merge == 'left_only'")
        first = bad.iloc[0]
        raise ValueError(f"`weights` has no gemeente with expected clients for region "
                         f"{first['zk_code']} in {int(first['year'])}: nothing to share its "
                         "need by")
    out["share"] = out["expected_clients"] / total
    region_need = need.set_index(["year", "zk_code"])["need"]
    out["need"] = out["share"].to_numpy() * region_need.reindex(
        pd.MultiIndex.from_frame(out[["year", "zk_code"]])).to_numpy(float)
    return out.reset_index(drop=True)


def expected_clients(persons: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """``sum over sex and age of rates x persons``: clients with stay at the given rates.

    ``persons`` (..., sex, age) [persons], ``rates`` (sex, age) [clients per person];
    returns (...) [clients].
    """
    return np.einsum("...sa,sa->...", persons, rates)
