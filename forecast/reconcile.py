"""Coherent regions and nation: regional medians reconciled to the national median.

Medians are not additive: the sum of 31 regional medians is not the median of the national
total. Top-down proportional reconciliation (Gross & Sohl 1990; Hyndman & Athanasopoulos,
*Forecasting: Principles and Practice*, 3rd ed., ch. 11.2) scales every region's median and
band limits in year t by the same factor

    k(t) = national(t) / sum_r median_r(t)

where ``national(t)`` is the median over the draws of the national total (the sum of the
regions in each draw), or a national forecast given by the user. A positive factor keeps every
band non-negative and in order. The factor is returned; it is
close to 1 (regional medians already nearly add up), so the bands keep their width.

The chain does not reconcile: its central numbers are the point path, which adds up over
regions by construction (:func:`zorgcap.forecast.demand.run_demand`). This is for an analyst who
wants the regions to agree with another national figure, such as the top-down forecast.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["reconcile"]

_COLUMNS = ("clients_with_stay", "places_needed")


def reconcile(frame: pd.DataFrame, national: pd.Series | None = None,
              places_draws=None) -> tuple[pd.DataFrame, pd.Series]:
    """Scale regional central values and bands so that they sum to a national series.

    Parameters
    ----------
    frame : pandas.DataFrame
        A demand frame of :func:`zorgcap.forecast.demand.project_demand` (all regions of the
        nation).
    national : pandas.Series, optional
        National places needed by year [places] to reconcile to, e.g. an independent
        national forecast.
    places_draws : numpy.ndarray, optional
        Places needed per draw (draw, year, region) of the same run: reconcile to the median
        over the draws of the national total instead.

    Returns
    -------
    (pandas.DataFrame, pandas.Series)
        The frame with reconciled ``clients_with_stay``, ``places_needed`` and their band
        columns, and the factor ``k(t)`` by year.
    """
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"`frame` was a {type(frame).__name__} but is expected to be the "
                         "DataFrame of zorgcap.forecast.project_demand")
    if frame.empty:
        raise ValueError("`frame` was an empty DataFrame but is expected to be the frame of "
                         "zorgcap.forecast.project_demand (one row per year and region)")
    missing = [c for c in ("year", "places_needed") if c not in frame]
    if missing:
        raise ValueError(f"`frame` has no column(s) {missing}: pass the frame of "
                         "zorgcap.forecast.project_demand unchanged")
    if national is not None and not isinstance(national, (pd.Series, dict)):
        raise ValueError(f"`national` was {national!r} but is expected to be a pandas Series "
                         "of national places needed by year (index: year)")
    years = sorted(frame["year"].unique())
    if national is None:
        if places_draws is None:
            raise ValueError("reconcile needs a national series (`national=`) or the draws "
                             "of the run (`places_draws=` DemandRun.places_draws)")
        draws = np.asarray(places_draws)
        if draws.ndim != 3 or draws.shape[1] != len(years):
            raise ValueError(f"`places_draws` has shape {draws.shape} but is expected to be "
                             f"(draws, {len(years)} years, regions)")
        national = pd.Series(np.median(draws.sum(axis=2, dtype=np.float64), axis=0),
                             index=years)
    national = pd.Series(national, dtype=float)
    missing = sorted(int(y) for y in set(years) - set(national.index))
    if missing:
        raise ValueError(f"the national series has no value for {missing}")
    if not (np.isfinite(national) & (national > 0)).all():
        raise ValueError("the national series must be positive and finite")
    total = frame.groupby("year")["places_needed"].sum()
    factor = national.reindex(total.index) / total
    k = factor.reindex(frame["year"]).to_numpy()
    out = frame.copy()
    for col in _COLUMNS:
        for name in [c for c in out.columns if c == col or c.startswith(col + "_lo_")
                     or c.startswith(col + "_hi_")]:
            out[name] = out[name] * k
    factor.index.name = "year"
    return out, factor.rename("factor")
