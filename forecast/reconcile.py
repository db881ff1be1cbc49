"""Coherent regions and nation: regional medians reconciled to the national median.

Medians are not additive: the sum of 31 regional medians is not the median of the national
total. Top-down proportional reconciliation (Gross & Sohl 1990; Hyndman & Athanasopoulos,
*Forecasting: Principles and Practice*, 3rd ed., ch. 11.2) scales every region's median and
band limits in year t by the same factor

    k(t) = national(t) / sum_r median_r(t)

where ``national(t)`` is the median over the draws of the national total (the sum of the
regions in each draw), or a national forecast given by the user. A positive factor keeps every
band non-negative and in order. The factor is reported (``attrs["reconciliation"]``); it is
close to 1 (regional medians already nearly add up), so the bands keep their width.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .demand import carried

__all__ = ["reconcile"]

_COLUMNS = ("clients_with_stay", "places_needed")
_BANDS = ("", "_lo_95", "_lo_80", "_hi_80", "_hi_95")


def reconcile(frame: pd.DataFrame, national: pd.Series | None = None) -> pd.DataFrame:
    """Scale regional medians and bands so that the medians sum to the national median.

    Parameters
    ----------
    frame : pandas.DataFrame
        A demand frame with draws (``attrs["places_draws"]``).
    national : pandas.Series, optional
        National places needed by year [places] to reconcile to; default the median of the
        national total over the draws.

    Returns
    -------
    pandas.DataFrame
        The frame with reconciled columns; ``attrs["reconciliation"]`` = factor by year.
    """
    draws = carried(frame, "places_draws")
    if national is None:
        if draws is None:
            raise ValueError("reconcile needs draws (project_demand(..., draws > 0)) or a "
                             "national series")
        years = sorted(frame["year"].unique())
        national = pd.Series(np.median(draws.sum(axis=2, dtype=np.float64), axis=0),
                             index=years)
    if (national <= 0).any():
        raise ValueError("the national series must be positive")
    total = frame.groupby("year")["places_needed"].sum()
    factor = (national / total).reindex(frame["year"]).to_numpy()
    out = frame.copy()
    for col in _COLUMNS:
        for band in _BANDS:
            if col + band in out:
                out[col + band] = out[col + band] * factor
    out.attrs["reconciliation"] = {int(y): float(f) for y, f in (national / total).items()}
    return out
