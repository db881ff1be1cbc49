"""A small hand-made :class:`zorgcap.forecast.ChainResult` for report tests.

Three regions, 2023-2030, round numbers: the report must show exactly these, so a test can
check a figure in the HTML or the Excel workbook against the frame it came from. National
need 2030 = 1,700 + 3,400 + 5,100 = 10,200 places, supply 6,050, gap 4,150 with the 80%
range 4,150 -/+ 816 (8% of the need) = 3,334-4,966 and a national shortage probability of 0.9.
From demography alone (``national_demography``) the need is 60 places a year higher: 2030
10,620, gap 4,570, 80% range -/+ 0.4% x 8 x 10,620 = 339.84 (4,230.16-4,909.84). Per gemeente
(``gemeente_need``) the k-th gemeente of a region by code weighs k: Flevoland's five (Zeewolde,
Noordoostpolder, Urk, Dronten, Lelystad) share 1..5 / 15 of its need. Only the geometry
(maps) and the gemeente list come from the real data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zorgcap.forecast import ChainConfig, ChainResult
from zorgcap.forecast.assumption import Assumption
from zorgcap.forecast.decomposition import PARTS
from zorgcap.regions.codes import ZORGKANTOORREGIOS

CODES = ("ZK07", "ZK08", "ZK20")
YEARS = list(range(2023, 2031))


def small_result(codes=CODES, to: int = 2030, draws: int = 20) -> ChainResult:
    """Need of region i (0, 1, 2) in year t: 1,000 x (i + 1) + 100 x (i + 1) x (t - 2023)
    places; capacity 1,000 x (i + 1); one plan of 50 places in 2026 in the first region."""
    from zorgcap import regions
    from zorgcap.forecast.schema import STEP_YEARS

    years = list(range(2023, to + 1))
    names = {c: regions.ZORGKANTOORREGIOS[c] for c in codes}
    rows, gap_rows = [], []
    rng = np.random.default_rng(1)
    draws_arr = np.zeros((draws, len(years), len(codes)))
    for j, year in enumerate(years):
        for i, code in enumerate(codes):
            need = 1000.0 * (i + 1) + 100.0 * (i + 1) * (year - 2023)
            cap = 1000.0 * (i + 1)
            plans = 50.0 if (i == 0 and year >= 2026) else 0.0
            spread = 0.01 * (year - 2022) * need
            rows.append({"year": year, "zk_code": code, "zk_name": names[code],
                         "scenario": "trend", "clients_with_stay": 0.97 * need,
                         "clients_at_home": 0.4 * need, "places_needed": need,
                         "persons_75plus": 20 * need, "persons_80plus": 12 * need,
                         "persons_85plus": 5 * need, "oosr": 14.0 - 0.2 * (year - 2023),
                         "places_needed_lo_95": need - 2 * spread,
                         "places_needed_lo_80": need - spread,
                         "places_needed_hi_80": need + spread,
                         "places_needed_hi_95": need + 2 * spread})
            gap_rows.append({"year": year, "zk_code": code, "zk_name": names[code],
                             "scenario": "trend", "places_needed": need, "need": need,
                             "capacity": cap, "plans_expected": plans, "supply": cap + plans,
                             "gap": need - cap - plans,
                             "gap_lo_95": need - 2 * spread - cap - plans,
                             "gap_lo_80": need - spread - cap - plans,
                             "gap_hi_80": need + spread - cap - plans,
                             "gap_hi_95": need + 2 * spread - cap - plans,
                             "p_short": 0.5 if year > 2023 else 0.0, "reference": "model",
                             "reference_need": need, "reference_gap": need - cap - plans,
                             "fte_needed": 1.2 * need, "fte_gap": 1.2 * (need - cap - plans),
                             "capacity_source": "file handmade", "plans_source": "file handmade",
                             # clustered VPT: need 10% of the need with stay, capacity the
                             # 2023 need; staff: the base-year places grow 2% a year
                             "need_clustered": 0.1 * need, "capacity_clustered": 100.0 * (i + 1),
                             "plans_clustered_expected": 0.0,
                             "supply_with_stay": cap + plans,
                             "supply_clustered": 100.0 * (i + 1),
                             "gap_with_stay": need - cap - plans,
                             "gap_all_forms": 1.1 * need - cap - plans - 100.0 * (i + 1),
                             "clustered_source": "ESTIMATE clustered_from_clients",
                             "fte_available": 1.2 * cap * 1.02 ** (year - 2023),
                             "fte_source": "ESTIMATE staff_in_balance_base_year",
                             "places_staffable": cap * 1.02 ** (year - 2023),
                             "places_usable": min(cap + plans, cap * 1.02 ** (year - 2023)),
                             "gap_usable": need - min(cap + plans, cap * 1.02 ** (year - 2023)),
                             "binding_limit": "building" if year > 2023 else "none"})
            draws_arr[:, j, i] = need + spread * rng.standard_normal(draws)
    demand, gap = pd.DataFrame(rows), pd.DataFrame(gap_rows)
    gap["p_closed"] = 1 - gap["p_short"]
    parts = []
    for year in sorted({*[y for y in STEP_YEARS if y <= to], to}):
        for i, code in enumerate(codes):
            base = 1000.0 * (i + 1)
            total = 100.0 * (i + 1) * (year - 2023)
            row = {"zk_code": code, "zk_name": names[code], "year_from": 2023,
                   "year_to": year, "base": base, "base_in_use": 0.97 * base,
                   "base_waiting": 0.03 * base, "population": 0.2 * total,
                   "ageing": 0.8 * total, "usage_rates": 0.0, "informal_care": 0.0,
                   "care_at_home": 0.0}
            row["total"] = sum(row[p] for p in PARTS)
            row["need"] = base + row["total"]
            parts.append(row)
    nat = gap.groupby("year")[["need", "capacity", "supply", "gap", "need_clustered",
                               "supply_clustered", "gap_all_forms"]].sum().reset_index()
    cl = demand.groupby("year")[["clients_with_stay", "clients_at_home", "places_needed"]].sum()
    national = cl.reset_index().merge(nat, on="year")
    national["growth_factor"] = national["clients_with_stay"] / national[
        "clients_with_stay"].iloc[0]
    # national bands: the regions' spreads added (they move together), 80% = 1, 95% = 2 x
    spread = 0.01 * (national["year"] - 2022) * national["need"]
    for lv, k in ((80, 1), (95, 2)):
        for side, sign in (("lo", -1), ("hi", 1)):
            national[f"need_{side}_{lv}"] = national["need"] + sign * k * spread
            national[f"gap_{side}_{lv}"] = national[f"need_{side}_{lv}"] - national["supply"]
    national["p_short"] = np.where(national["year"] > 2023, 0.9, 1.0)
    demo = national[["year", "places_needed", "need", "supply"]].copy()
    demo.insert(1, "scenario", "beleidsarm")
    demo["need"] = demo["need"] + 60.0 * (demo["year"] - 2023)
    demo["places_needed"] = demo["need"]
    demo["gap"] = demo["need"] - demo["supply"]
    spread_demo = 0.004 * (demo["year"] - 2022) * demo["need"]
    for lv, k in ((80, 1), (95, 2)):
        for side, sign in (("lo", -1), ("hi", 1)):
            demo[f"need_{side}_{lv}"] = demo["need"] + sign * k * spread_demo
            demo[f"gap_{side}_{lv}"] = demo[f"need_{side}_{lv}"] - demo["supply"]
    demo["p_short"] = 1.0
    gm = regions.gemeenten(2025).query("zk_code in @codes")[["gm_code", "zk_code"]]
    grow = 1 + np.arange(len(gm)) % 5  # gemeenten grow at five speeds: maps with colours
    gm85 = pd.concat([gm.assign(year=y, persons_85plus=100.0 + 10.0 * (y - 2021) * grow)
                      for y in range(2021, to + 1)], ignore_index=True)
    # places per gemeente: the k-th gemeente of a region (by code) weighs k
    gm_names = regions.gemeenten(2025).set_index("gm_code")["gm_name"]
    weight = gm85.groupby("zk_code")["gm_code"].rank(method="dense")
    region_need = gap.set_index(["year", "zk_code"])["need"]
    gm_need = gm85[gm85["year"] >= 2023].assign(expected_clients=weight)
    gm_need["share"] = gm_need["expected_clients"] / gm_need.groupby(
        ["year", "zk_code"])["expected_clients"].transform("sum")
    gm_need["need"] = gm_need["share"] * region_need.reindex(
        pd.MultiIndex.from_frame(gm_need[["year", "zk_code"]])).to_numpy()
    gm_need.insert(1, "gm_name", gm_need["gm_code"].map(gm_names))
    gm_need.insert(3, "zk_name", gm_need["zk_code"].map(names))
    gm_need = gm_need.reset_index(drop=True)
    backtest = pd.DataFrame(  # the tidy columns of zorgcap.forecast.backtest.backtest
        [{"origin": 2014, "year": 2014 + h, "horizon": h, "model": m,
          "actual": 100_000.0 - 1000 * h, "forecast": 100_000.0 - 900 * h,
          "lo_80": 97_000.0 - 900 * h, "hi_80": 103_000.0 - 900 * h,
          "lo_95": 95_000.0 - 900 * h, "hi_95": 105_000.0 - 900 * h,
          "shipped": m == "ets_anchored"} for m in ("beleidsarm", "ets_damped", "ets_anchored")
         for h in (1, 5, 10)])
    provenance = {"zorgcap_version": "test", "run_at": "2026-01-01T00:00:00+00:00",
                  "python": "3", "parameters": {
                      "explanation_figures": {
                          "gap_2025": 1200.0, "base": 2023, "tno_published": 22206.0,
                          "tno_base": 2018, "tno_zorgcap": 1234.0, "ambition_published": 25000.0,
                          "ambition_base": 2021, "ambition_zorgcap": 2345.0,
                          "waiting_urgent": 40.0, "waiting_preference": 170.0,
                          "waiting_total": 215.0, "gap_2025_total_waiting": 1400.0},
                      "scenario": "trend", "to": to,
                                                "draws": draws, "seed": 1, "base_year": 2023,
                                                "description": "hand-made",
                                                "reference_description": "zorgcap need"},
                  "assumptions": {"occupancy_rate": Assumption("occupancy_rate", "bare",
                                                                occupancy=0.97)},
                  "inputs": [{"key": "handmade", "cbs_id": "-", "state": "found",
                              "origin": "test", "path": "-", "title": "hand-made"}]}
    return ChainResult(
        config=ChainConfig(to=to, draws=draws, regions=codes), population=pd.DataFrame(
            {"year": [2023], "zk_code": [codes[0]], "zk_name": [names[codes[0]]],
             "sex": ["female"], "age": [85], "persons": [1.0]}),
        gemeente_85plus=gm85, demand=demand, demand_draws=draws_arr.astype(np.float32),
        gap=gap, plans=pd.DataFrame({"project_id": ["P1"], "zk_code": [codes[0]],
                                     "year_ready": [2026], "places": [50.0],
                                     "delivery_form": ["with_stay"], "status": ["realised"],
                                     "kind": ["expansion"], "plans_source": ["file handmade"]}),
        ambition=pd.DataFrame({"zk_code": list(codes), "zk_name": [names[c] for c in codes],
                               "gap_2025": [200.0 * (i + 1) for i in range(len(codes))],
                               "gap_all_forms_2025": [210.0 * (i + 1)
                                                      for i in range(len(codes))],
                               "ambition_share": [100.0 * (i + 1) for i in range(len(codes))],
                               "realised_2021_base": [30.0 * (i + 1) for i in range(len(codes))],
                               "expected_base_2025": 0.0,
                               "counted_2021_2025": [30.0 * (i + 1) for i in range(len(codes))],
                               "counted_minus_share": [-70.0 * (i + 1)
                                                       for i in range(len(codes))],
                               "plans_to_2025": 0.0,
                               "plans_minus_share": [-100.0 * (i + 1)
                                                     for i in range(len(codes))]}),
        targets=pd.DataFrame({"target": "ambition_2025", "year": 2025, "base_year": 2021,
                              "forms": "all_forms", "zk_code": list(codes),
                              "zk_name": [names[c] for c in codes],
                              "target_share": [100.0 * (i + 1) for i in range(len(codes))],
                              "realised_to_base": [30.0 * (i + 1) for i in range(len(codes))],
                              "expected_to_year": 0.0,
                              "counted": [30.0 * (i + 1) for i in range(len(codes))],
                              "counted_minus_share": [-70.0 * (i + 1)
                                                      for i in range(len(codes))]}),
        staff=pd.DataFrame({"workforce": np.repeat(["letters", "replacement"], len(codes)),
                            "zk_code": list(codes) * 2,
                            "zk_name": [names[c] for c in codes] * 2,
                            "first_short": pd.array([2024] * 2 * len(codes), dtype="Int64"),
                            "first_building": pd.array([2024] * len(codes) + [None] * len(codes),
                                                       dtype="Int64"),
                            "first_staff": pd.array([None] * len(codes) + [2024] * len(codes),
                                                    dtype="Int64"),
                            "years_building": [to - 2023] * len(codes) + [0] * len(codes),
                            "years_staff": [0] * len(codes) + [to - 2023] * len(codes),
                            "last_limit": ["building"] * len(codes) + ["staff"] * len(codes)}),
        decomposition=pd.DataFrame(parts), national=national,
        references=pd.DataFrame({"key": ["tno_2019_shortage_2025", "tno_2019_extra_2040"],
                                 "reference": ["TNO: places short in 2025", "TNO: 2040"],
                                 "year": [2025, 2040], "base_year": [2018, 2018],
                                 "forms": ["with_stay", "with_stay"],
                                 "base_in_use": [5000.0, 5000.0],
                                 "published": [22206.0, 110000.0], "zorgcap": [1234.0, np.nan],
                                 "zorgcap_definition": ["test", "outside the run"]}),
        explanation="Hand-made explanation: 22,206 and 25,000.",
        checks=pd.DataFrame({"year": years[1:], "clients_with_stay":
                             national["clients_with_stay"].to_numpy()[1:],
                             "top_down": 5000.0, "top_down_lo": 4000.0, "top_down_hi": 6000.0,
                             "level": 95.0, "method": "ets"}),
        waiting_forecast=pd.DataFrame({"year": [2026, 2027], "mean": [20_000.0, 21_000.0],
                                       "lo": [15_000.0, 14_000.0], "hi": [25_000.0, 28_000.0],
                                       "level": 95.0, "method": "random walk"}),
        backtest=backtest, regional_factors=None, national_demography=demo,
        gemeente_need=gm_need, parameters=provenance["parameters"],
        assumptions={**provenance["assumptions"], "capacity_from_clients": "estimate"},
        provenance=provenance)


# --- a hand-made plans history: three inventories (issue 31) -----------------------------

#: Three inventories of ZK01 (and two of ZK02). What became of each project (t = year of
#: the outcome - year planned at entry into the status):
#: P1 planned 2021 -> under construction for 2022 -> realised 2023 (delayed twice):
#:    planned: realised at t = +2; under construction (entered 2022-10): realised at t = +1
#: P2 planned 2023 -> 2024 -> cancelled in 2023-10: planned: cancelled at 2023 - 2023 = 0
#: P3 planned 2023, realised 2022 (early): planned: realised at t = -1
#: P4 planned 2025 throughout, under construction in 2023-10: planned: open, censored at
#:    2023 - 2025 = -2 (its under-construction entry is in the newest inventory: no follow-up)
#: P5 under construction 2022, realised 2022: under construction: realised at t = 0
#: P6 idea 2022 -> planned 2023 -> realised 2023 (25 places instead of 20): idea: realised
#:    at t = +1; planned (entered 2022-10, 2023): realised at t = 0
#: P7 idea 2024, not listed from 2022-10 on: idea: vanished at 2022 - 2024 = -2
#: P8 new in 2023-10 (no follow-up); Q1 (ZK02) planned 2024 in 2022-10, 2025 in 2023-10:
#:    planned: open, censored at 2023 - 2024 = -1
PLAN_HISTORY = """\
vintage,project_id,zk_code,year_ready,places,delivery_form,status,kind
2021-10-01,P1,ZK01,2021,60,with_stay,planned,expansion
2021-10-01,P2,ZK01,2023,40,with_stay,planned,expansion
2021-10-01,P3,ZK01,2023,30,with_stay,planned,expansion
2021-10-01,P4,ZK01,2025,50,with_stay,planned,expansion
2021-10-01,P5,ZK01,2022,80,with_stay,under_construction,expansion
2021-10-01,P6,ZK01,2022,20,geclusterd,idea,expansion
2021-10-01,P7,ZK01,2024,45,with_stay,idea,expansion
2022-10-01,P1,ZK01,2022,60,with_stay,under_construction,expansion
2022-10-01,P2,ZK01,2024,40,with_stay,planned,expansion
2022-10-01,P3,ZK01,2022,30,with_stay,realised,expansion
2022-10-01,P4,ZK01,2025,50,with_stay,planned,expansion
2022-10-01,P5,ZK01,2022,80,with_stay,realised,expansion
2022-10-01,P6,ZK01,2023,20,geclusterd,planned,expansion
2022-10-01,Q1,ZK02,2024,100,with_stay,planned,expansion
2023-10-01,P1,ZK01,2023,60,with_stay,realised,expansion
2023-10-01,P2,ZK01,2024,40,with_stay,cancelled,expansion
2023-10-01,P3,ZK01,2022,30,with_stay,realised,expansion
2023-10-01,P4,ZK01,2025,50,with_stay,under_construction,expansion
2023-10-01,P5,ZK01,2022,80,with_stay,realised,expansion
2023-10-01,P6,ZK01,2023,25,geclusterd,realised,expansion
2023-10-01,P8,ZK01,2026,70,with_stay,planned,expansion
2023-10-01,Q1,ZK02,2025,100,with_stay,planned,expansion
"""


def plan_history_file(tmp_path, text: str = PLAN_HISTORY, name: str = "plannen.csv"):
    """:data:`PLAN_HISTORY` (or ``text``) written to ``tmp_path / name``."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- hand-made gap inputs (tests of zorgcap.forecast.gap, targets, references) -------------

# ZK01 and ZK02 carry the hand-made numbers; the other 29 regions (the gap needs all 31:
# national quantities are shared over them) need 50 places a year and have 50.
OTHERS = [c for c in ZORGKANTOORREGIOS if c not in ("ZK01", "ZK02")]


def gap_demand() -> pd.DataFrame:
    """Places needed and clients of ZK01, ZK02 and 29 flat regions, 2023-2025 (the gap
    needs all 31 regions: national quantities are shared over them)."""
    # Base year 2023. places_needed = clients / 0.97 is not needed here: the gap uses the
    # places column as given.
    # Clients at home (VPT + MPT) are 0.4 x clients with stay; occupancy 0.9 throughout.
    rows = []
    for year, a, b in ((2023, 100.0, 200.0), (2024, 110.0, 210.0), (2025, 130.0, 220.0)):
        rows.append((year, "ZK01", "Amstelland en De Meerlanden", "test", a, a * 0.9,
                     a * 0.36))
        rows.append((year, "ZK02", "Amsterdam", "test", b, b * 0.9, b * 0.36))
        rows += [(year, c, ZORGKANTOORREGIOS[c], "test", 50.0, 45.0, 18.0) for c in OTHERS]
    return pd.DataFrame(rows, columns=["year", "zk_code", "zk_name", "scenario",
                                       "places_needed", "clients_with_stay", "clients_at_home"])


GAP_CAPACITY = pd.DataFrame({"zk_code": ["ZK01", "ZK02", *OTHERS],
                             "places_with_stay": [95.0, 205.0] + [50.0] * len(OTHERS),
                             "vpt_capacity": np.nan, "capacity_source": "file test"})
GAP_PLANS = pd.DataFrame({
    "project_id": ["a", "b", "c", "d"], "zk_code": ["ZK01", "ZK01", "ZK02", "ZK02"],
    "year_ready": [2024, 2025, 2025, 2024], "places": [10.0, 20.0, 30.0, 8.0],
    "delivery_form": ["with_stay", "with_stay", "with_stay", "vpt"],
    "status": ["planned", "under_construction", "realised", "realised"],
    "kind": ["expansion", "expansion", "closure", "expansion"], "plans_source": "file test"})


# Realisation probabilities of data_raw/plan_status.csv, without delays.
NO_DELAY = pd.DataFrame({"status": ["idea", "planned", "under_construction", "realised"],
                         "realisation_probability": [0.3, 0.6, 0.9, 1.0],
                         "delay_mean_years": 0.0})
CERTAIN = NO_DELAY.assign(realisation_probability=1.0)


#: A plans history of ZK08 alone (two inventories): H1 planned 2022 and realised, H2
#: cancelled, H3 new and open - the learned rates must change only ZK08's numbers
#: (tests/test_realisation.py, tests/test_reports.py).
ZK08_HISTORY = """\
vintage,project_id,zk_code,year_ready,places,delivery_form,status,kind
2021-10-01,H1,ZK08,2022,100,with_stay,planned,expansion
2021-10-01,H2,ZK08,2023,50,with_stay,planned,expansion
2022-10-01,H1,ZK08,2022,100,with_stay,realised,expansion
2022-10-01,H2,ZK08,2023,50,with_stay,cancelled,expansion
2022-10-01,H3,ZK08,2025,120,with_stay,planned,expansion
"""
