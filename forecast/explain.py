"""Why the national 2025 gap differs from the published figures: TNO's expected shortage of
22,206 places (capacity prognosis, July 2020) and the ambition of 25,000 extra places
2021-2025.

Three reasons, each with its number (:func:`explanation_figures`): the base year (the gap
counts only the growth after the run's base year; TNO and the ambition count from their own,
:func:`zorgcap.forecast.references.national_references`), the waiting list (only urgent and
active placement counts as unmet demand, :func:`zorgcap.forecast.supply.base_waiting`) and
the plans (expected realised plans are supply; TNO's figure is before any plans).
:func:`explanation_text` words them in English for the console and ``ChainResult.explanation``;
the report words the same figures in its own language (:mod:`zorgcap.reports`).
"""

from __future__ import annotations

import pandas as pd

from .references import national_references, require_all_regions
from .schema import CLUSTERED_SHARE, OCCUPANCY
from .supply import base_waiting

__all__ = ["explanation_figures", "explain_2025", "explanation_text"]

def explanation_figures(gap: pd.DataFrame, gap_total_waiting: pd.DataFrame | None = None,
                        occupancy: float = OCCUPANCY, clustered_share: float = CLUSTERED_SHARE,
                        data=None) -> dict:
    """The numbers :func:`explain_2025` speaks of (JSON-serialisable; the report words them in
    its own language): ``gap_2025, tno_published, tno_zorgcap, ambition_published,
    ambition_zorgcap, waiting_urgent, waiting_preference, waiting_total`` [places or
    persons], ``gap_2025_total_waiting`` [places; None without ``gap_total_waiting``],
    ``base, tno_base, ambition_base`` [year]."""
    require_all_regions(gap, "the comparison is national")
    refs = national_references(gap, occupancy, clustered_share, data).set_index("key")
    tno, amb = refs.loc["tno_2019_shortage_2025"], refs.loc["ambition_2025"]
    base = int(gap["year"].min())
    g_total = None
    if gap_total_waiting is not None:
        g_total = float(gap_total_waiting[gap_total_waiting["year"] == 2025]["gap"].sum())
    return {"gap_2025": float(gap[gap["year"] == 2025]["gap"].sum()), "base": base,
            "tno_published": float(tno["published"]), "tno_base": int(tno["base_year"]),
            "tno_zorgcap": float(tno["zorgcap"]),
            "ambition_published": float(amb["published"]), "ambition_base": int(amb["base_year"]),
            "ambition_zorgcap": float(amb["zorgcap"]),
            "waiting_urgent": base_waiting(base, "urgent_plus_actief"),
            "waiting_preference": base_waiting(base, "wacht_op_voorkeur"),
            "waiting_total": base_waiting(base, "total"),
            "gap_2025_total_waiting": g_total}


def explain_2025(gap: pd.DataFrame, gap_total_waiting: pd.DataFrame | None = None,
                 occupancy: float = OCCUPANCY, clustered_share: float = CLUSTERED_SHARE,
                 data=None) -> str:
    """Why the national 2025 gap differs from TNO's 22,206 and the 25,000 ambition
    (:func:`explanation_figures` in words)."""
    return explanation_text(explanation_figures(gap, gap_total_waiting, occupancy,
                                                clustered_share, data))


def explanation_text(f: dict) -> str:
    """The figures of :func:`explanation_figures` in English sentences."""
    base = f["base"]
    text = [
        f"National rollup of the regional gaps in 2025: {f['gap_2025']:,.0f} places short, "
        f"against TNO's expected shortage of {f['tno_published']:,.0f} (TNO capacity "
        f"prognosis, July 2020) and the ambition of {f['ambition_published']:,.0f} extra "
        "places in 2021-2025.",
        f"1. Base year. The gap starts from the places in use in {base} (the observed Wlz "
        "clients with stay, CBS 84529NED, divided by the occupancy rate): only the growth "
        f"after {base} is a gap here. TNO counted from {f['tno_base']} and the ambition "
        f"from {f['ambition_base']}; counted from those base years, zorgcap's need in 2025 is "
        f"{f['tno_zorgcap']:,.0f} places with stay above the places in use in "
        f"{f['tno_base']} (TNO: {f['tno_published']:,.0f}) and {f['ambition_zorgcap']:,.0f} "
        f"places in all delivery forms above those in use in {f['ambition_base']} (ambition: "
        f"{f['ambition_published']:,.0f}).",
        "2. Waiting list. The gap counts as unmet demand only people waiting for urgent or "
        f"active placement ({f['waiting_urgent']:,.0f} on average in {base}), not the "
        f"{f['waiting_preference']:,.0f} waiting for a preferred location (ActiZ: about 94% "
        "of those waiting receive bridging care).",
    ]
    if f["gap_2025_total_waiting"] is not None:
        text.append(f"   Counting the whole waiting list ({f['waiting_total']:,.0f}) the 2025 "
                    f"gap would be {f['gap_2025_total_waiting']:,.0f} places.")
    text.append("3. Plans. Expected realised plans are counted as supply; TNO's figure is a "
                "shortage before any plans, and the ambition is a target for plans.")
    return "\n".join(text)
