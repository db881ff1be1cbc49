"""Delivery forms: places with stay and clustered VPT places, as the ambitions count them.

The 2025 ambition is "25.000 aanvullende plekken (in verschillende leveringsvormen)": places
with stay (Wlz zorg in natura met verblijf) plus places in clustered housing where the full
package is delivered at home (geclusterd volledig pakket thuis, VPT). This module gives the
need for and the national stock of the second form.

Need for clustered places per region r and year t [places]:

    clients_clustered(r, t) = clients_at_home(r, t) * v * c
    need_clustered(r, t)    = clients_clustered(r, t) / occupancy

``clients_at_home`` are the demand model's clients with VPT or MPT (zzp VV4-VV10;
:mod:`zorgcap.forecast.demand`); ``v`` is the VPT share of them (``assumption vpt_share_of_home``:
the national share of the base year, CBS 84529NED: VPT / (VPT + MPT), 2023: 18,405 / 53,505
= 0.344, the same in every region and year); ``c`` the clustered share of VPT clients
(``assumption clustered_share_of_vpt``, default :data:`CLUSTERED_SHARE`, settable:
``ChainConfig(clustered_share=...)``, ``--clustered-share``). CBS 84529NED does not split
VPT into clustered and scattered; the Monitor Langdurige Zorg measured clustering of VPT
clients for 2019 ("Geclusterd wonen onder personen met een vpt, 2019", maatwerk
2021-04-06) but the figure could not be retrieved here, so ``c`` is a named assumption.
The occupancy of places with stay is used for clustered places too (``assumption
occupancy_rate``).

Supply of clustered places: a planner's capacity file column ``vpt_capacity`` (places of
clustered VPT in the base year) and plans with ``delivery_form`` ``geclusterd`` or ``vpt`` (a
VPT plan in a build-plans file is a building where VPT is delivered, i.e. clustered); where
the capacity file gives none, the base-year need (``ESTIMATE clustered_from_clients``: in
balance in the base year).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .schema import CLUSTERED_SHARE, DEMAND_BASE_YEAR
from .usage import wlz_vv

__all__ = ["CLUSTERED_FORMS", "CLUSTERED_SHARE", "vpt_share_of_home", "clustered_need",
           "places_in_use", "check_clustered_share", "in_forms"]

#: Plan delivery forms that add clustered places (everything but ``with_stay``).
CLUSTERED_FORMS = ("geclusterd", "vpt")
#: The clustered column of a gap table beside each quantity with stay.
CLUSTERED_COLUMNS = {"need": "need_clustered", "capacity": "capacity_clustered",
                     "supply": "supply_clustered"}


def in_forms(frame: pd.DataFrame, what: str, forms: str = "with_stay") -> pd.Series:
    """``need``, ``capacity`` or ``supply`` of a gap table (or its national sums) in
    ``forms`` [places]: ``with_stay`` the column itself, ``all_forms`` plus its clustered
    twin (:data:`CLUSTERED_COLUMNS`)."""
    if forms == "with_stay":
        return frame[what]
    other = CLUSTERED_COLUMNS[what]
    if other not in frame:
        raise ValueError(f"the gap table has no column {other!r} that a comparison in all "
                         "delivery forms needs: build it with this version of "
                         "zorgcap.forecast.compare_capacity")
    return frame[what] + frame[other]


def check_clustered_share(value) -> float:
    """``value`` as a share in [0, 1], or a :class:`ValueError` that says what it should be."""
    from .errors import check_number

    return check_number("clustered_share", value, 0.0, 1.0)


def vpt_share_of_home(year: int = DEMAND_BASE_YEAR, data=None) -> float:
    """VPT clients / (VPT + MPT clients), zzp VV4-VV10, in ``year`` [fraction] (CBS 84529NED)."""
    w = wlz_vv(data).set_index("year")
    if year not in w.index:
        raise ValueError(f"`year` was {year} but CBS 84529NED covers "
                         f"{w.index.min()}-{w.index.max()}")
    return float(w.loc[year, "vpt"] / (w.loc[year, "vpt"] + w.loc[year, "mpt"]))


def clustered_need(clients_at_home, occupancy: float, clustered_share: float = CLUSTERED_SHARE,
                   vpt_share: float | None = None, data=None):
    """Places of clustered VPT needed [places] for clients at home [persons] (module docstring).

    ``clients_at_home``: array or Series of VPT + MPT clients [persons]; ``occupancy``
    [fraction]; ``clustered_share`` [fraction of VPT clients]; ``vpt_share`` [fraction of
    clients at home] (default: :func:`vpt_share_of_home` of the base year).
    """
    share = check_clustered_share(clustered_share)
    v = vpt_share_of_home(data=data) if vpt_share is None else float(vpt_share)
    factor = v * share / occupancy
    if isinstance(clients_at_home, pd.Series):
        return clients_at_home.astype(float) * factor
    return np.asarray(clients_at_home, dtype=float) * factor


def places_in_use(year: int, occupancy: float, clustered_share: float = CLUSTERED_SHARE,
                  data=None) -> dict:
    """National places in use in an observed ``year`` by form [places].

    ``with_stay`` = clients with stay / occupancy; ``clustered`` = VPT clients x
    ``clustered_share`` / occupancy; ``all_forms`` their sum (CBS 84529NED, zzp VV4-VV10,
    2015-2023). These are the bases of the national references counted from their own
    base year (:mod:`zorgcap.forecast.references`).
    """
    share = check_clustered_share(clustered_share)
    w = wlz_vv(data).set_index("year")
    if year not in w.index:
        raise ValueError(f"no observed Wlz clients in {year}: CBS 84529NED covers "
                         f"{w.index.min()}-{w.index.max()}")
    stay = float(w.loc[year, "with_stay"]) / occupancy
    clustered = float(w.loc[year, "vpt"]) * share / occupancy
    return {"with_stay": stay, "clustered": clustered, "all_forms": stay + clustered}
