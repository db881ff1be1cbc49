"""Realisation learned from a history of plan inventories (zorgcap.forecast.realisation, issue 31).

Every expected number is computed by hand from the three-vintage file of
``handmade.PLAN_HISTORY`` (its comment lists each project's entries and outcomes); the
Aalen-Johansen estimate is also checked against an obvious reference implementation on
random data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from handmade import PLAN_HISTORY, ZK08_HISTORY, plan_history_file

from zorgcap.forecast import realisation as R
from zorgcap.forecast.supply import plan_status, read_plan_history

# data_raw/plan_status.csv: idea 0.3 / 2 y, planned 0.6 / 1 y, under construction 0.9 / 0.5 y
DEFAULTS = plan_status()


@pytest.fixture
def history(tmp_path):
    return read_plan_history(plan_history_file(tmp_path))


def _variant(tmp_path, old: str, new: str):
    assert old in PLAN_HISTORY
    return read_plan_history(plan_history_file(tmp_path, PLAN_HISTORY.replace(old, new),
                                               "variant.csv"))


def test_entries_and_outcomes_by_hand(history):
    e = R.project_entries(history).set_index(["project_id", "status"])
    got = {k: (r.outcome, r.years_after_planned, r.event) for k, r in e.iterrows()}
    assert got == {
        ("P1", "planned"): ("realised", 2, 1),            # planned 2021, realised 2023
        ("P1", "under_construction"): ("realised", 1, 1),  # 2022 -> 2023
        ("P2", "planned"): ("cancelled", 0, 2),            # planned 2023, cancelled 2023-10
        ("P3", "planned"): ("realised", -1, 1),            # planned 2023, realised 2022
        ("P4", "planned"): ("open", -2, 0),                # 2025, last seen 2023-10
        ("P5", "under_construction"): ("realised", 0, 1),
        ("P6", "idea"): ("realised", 1, 1),                # idea 2022, realised 2023
        ("P6", "planned"): ("realised", 0, 1),             # planned 2023 (entered 2022-10)
        ("P7", "idea"): ("vanished", -2, 2),               # idea 2024, gone in 2022-10
        ("Q1", "planned"): ("open", -1, 0),                # 2024 (2022-10), seen 2023-10
    }
    # P8 (new in the newest inventory) and P4's entry into under construction in 2023-10
    # have no later inventory: they say nothing yet
    assert "P8" not in e.index.get_level_values(0)
    assert ("P4", "under_construction") not in e.index


def test_aalen_johansen_of_the_planned_projects_by_hand(history):
    e = R.project_entries(history).query("status == 'planned'")
    times, cif = R.cumulative_incidence(e["years_after_planned"], e["event"])
    # t=-2: P4 censored (6 -> 5 at risk). t=-1: 5 at risk, P3 realised: F = 1/5, S = 4/5;
    # Q1 censored (-> 3). t=0: 3 at risk, P6 realised, P2 cancelled: F = 1/5 + 4/5 x 1/3 =
    # 7/15, S = 4/5 x 1/3 = 4/15 (-> 1). t=2: P1 realised: F = 7/15 + 4/15 = 11/15.
    np.testing.assert_allclose(times, [-2, -1, 0, 2])
    np.testing.assert_allclose(cif, [0, 1 / 5, 7 / 15, 11 / 15], rtol=0, atol=1e-12)


def test_learned_shares_and_delays_by_hand(history):
    s = R.learn_realisation(history, DEFAULTS).summary.set_index("status")
    k = R.PRIOR_PROJECTS
    assert k == 10
    # planned: n = 6, F_h = 11/15, increments 3/15 at t=-1, 4/15 at 0, 4/15 at +2:
    # F_h D_h = 2 x 4/15 = 8/15. p = (6 x 11/15 + 10 x 0.6) / 16 = 10.4 / 16 = 0.65;
    # delay = (6 x 8/15 + 10 x 0.6 x 1) / (6 x 11/15 + 10 x 0.6) = 9.2 / 10.4
    assert s.loc["planned", "realisation_probability"] == pytest.approx(0.65, abs=1e-12)
    assert s.loc["planned", "delay_mean_years"] == pytest.approx(9.2 / 10.4, abs=1e-12)
    assert s.loc["planned", "n_projects"] == 6
    # under construction: P5 at 0 (F = 1/2), P1 at +1 (F = 1); D_h = 0.5.
    # p = (2 + 10 x 0.9) / 12 = 11/12; delay = (2 x 0.5 + 9 x 0.5) / (2 + 9) = 0.5
    assert s.loc["under_construction", "realisation_probability"] == pytest.approx(11 / 12)
    assert s.loc["under_construction", "delay_mean_years"] == pytest.approx(0.5)
    # idea: P7 vanished at -2 (S = 1/2), P6 realised at +1 (F = 1/2), D_h = 1.
    # p = (2 x 0.5 + 10 x 0.3) / 12 = 1/3; delay = (2 x 0.5 x 1 + 3 x 2) / (1 + 3) = 1.75
    assert s.loc["idea", "realisation_probability"] == pytest.approx(1 / 3)
    assert s.loc["idea", "delay_mean_years"] == pytest.approx(1.75)
    assert (s.loc[["idea", "planned", "under_construction"], "source"] == "history").all()
    # realised and cancelled are definitions, never learned
    assert s.loc["realised", ["realisation_probability", "delay_mean_years"]].tolist() == [1, 0]
    assert s.loc["cancelled", "realisation_probability"] == 0
    assert (s.loc[["realised", "cancelled"], "source"] == "default").all()
    assert (s.loc[["realised", "cancelled"], "n_projects"] == 0).all()


def test_a_cancelled_project_lowers_the_share_of_its_status(tmp_path, history):
    # P2 still open in 2023-10 (planned 2024) instead of cancelled: censored at t = 0 after
    # P6's realisation there: F = 7/15 at 0 with S = 4/5 x 2/3 = 8/15, then P1 at +2 alone:
    # F = 1. p = (6 + 6) / 16 = 0.75 against 0.65 with the cancellation.
    opened = _variant(tmp_path, "2023-10-01,P2,ZK01,2024,40,with_stay,cancelled",
                      "2023-10-01,P2,ZK01,2024,40,with_stay,planned")
    p_open = R.learn_realisation(opened, DEFAULTS).summary.set_index("status")
    p_cancel = R.learn_realisation(history, DEFAULTS).summary.set_index("status")
    assert p_open.loc["planned", "realisation_probability"] == pytest.approx(0.75)
    assert p_cancel.loc["planned", "realisation_probability"] < 0.75
    # dropping P2 from 2023-10 altogether (vanished) counts as cancelled: the same 0.65
    gone = _variant(tmp_path, "2023-10-01,P2,ZK01,2024,40,with_stay,cancelled,expansion\n", "")
    p_gone = R.learn_realisation(gone, DEFAULTS).summary.set_index("status")
    assert p_gone.loc["planned", "realisation_probability"] == pytest.approx(0.65)


def test_the_curve_of_realisation_csv_by_hand(history):
    c = R.learn_realisation(history, DEFAULTS).curve
    assert list(c.columns) == ["status", "years_after_planned", "p_realised", "n_projects",
                               "source"]
    planned = c[c["status"] == "planned"].set_index("years_after_planned")["p_realised"]
    # the grid starts at the earliest realisation (-1, P3) and ends at 10 years
    assert planned.index.min() == -1 and planned.index.max() == 10
    # t = -1: (6 x 1/5 + 10 x 0.6 x 0) / 16; t = 0: (6 x 7/15 + 6 x P(Poisson(1) = 0)) / 16
    assert planned[-1] == pytest.approx(1.2 / 16)
    assert planned[0] == pytest.approx((2.8 + 6 * np.exp(-1)) / 16)
    assert planned[10] == pytest.approx(0.65, abs=1e-6)  # the Poisson tail beyond 10 years
    realised = c[c["status"] == "realised"].set_index("years_after_planned")["p_realised"]
    assert realised[-1] == 0 and realised[0] == 1
    assert set(c.loc[c["status"].isin(["realised", "cancelled"]), "source"]) == {"default"}


def test_shrinkage_weight(history):
    raw = R.learn_realisation(history, DEFAULTS, prior_projects=0).summary.set_index("status")
    assert raw.loc["planned", "realisation_probability"] == pytest.approx(11 / 15)
    assert raw.loc["planned", "delay_mean_years"] == pytest.approx(8 / 11)
    firm = R.learn_realisation(history, DEFAULTS, prior_projects=1e9).summary
    np.testing.assert_allclose(firm["realisation_probability"],
                               DEFAULTS["realisation_probability"], atol=1e-7)
    with pytest.raises(ValueError, match="`prior_projects` was -1"):
        R.learn_realisation(history, DEFAULTS, prior_projects=-1)


def test_one_inventory_learns_nothing(tmp_path):
    one = "\n".join(line for line in PLAN_HISTORY.splitlines()
                    if not line.startswith(("2021", "2022"))) + "\n"
    h = read_plan_history(plan_history_file(tmp_path, one))
    learned = R.learn_realisation(h, DEFAULTS)
    assert learned.entries.empty
    assert (learned.summary["source"] == "default").all()
    pd.testing.assert_frame_equal(learned.summary, DEFAULTS)
    assert R.realisation_assumption(learned.summary) == {}


def test_realisation_assumption_names_numbers_and_projects(history):
    text = R.realisation_assumption(R.learn_realisation(history, DEFAULTS).summary)[
        "realisation_from_history"]
    assert "planned 0.65 realised, mean delay 0.9 y (6 projects)" in text
    assert "idea 0.33 realised, mean delay 1.8 y (2 projects)" in text
    assert "weight of 10 projects" in text


def _reference_aalen_johansen(times, events):
    """The estimator written out, one distinct time at a time (events before censoring)."""
    out_t, out_f = [], []
    f, s = 0.0, 1.0
    for t in np.unique(times):
        at_risk = np.sum(times >= t)
        d1 = np.sum((times == t) & (events == 1))
        d2 = np.sum((times == t) & (events == 2))
        f += s * d1 / at_risk
        s *= 1 - (d1 + d2) / at_risk
        out_t.append(t)
        out_f.append(f)
    return np.array(out_t), np.array(out_f)


@pytest.mark.parametrize("seed", range(5))
def test_cumulative_incidence_equals_a_reference_implementation(seed):
    rng = np.random.default_rng(seed)
    times = rng.integers(-3, 6, 40).astype(float)  # many ties, as whole years give
    events = rng.choice([0, 1, 2], 40, p=[0.3, 0.5, 0.2])
    t, f = R.cumulative_incidence(times, events)
    t_ref, f_ref = _reference_aalen_johansen(times, events)
    np.testing.assert_allclose(t, t_ref)
    np.testing.assert_allclose(f, f_ref, rtol=0, atol=1e-12)


def test_nothing_realised_gives_an_empty_incidence():
    t, f = R.cumulative_incidence([0.0, 1.0], [2, 0])
    assert len(t) == 0 and len(f) == 0


# --- which regions the learned rates apply to (DEVELOPERS: a planner's file for one region
# changes only that region's numbers) ----------------------------------------------------



def _even_demand():
    """All 31 regions alike: 50 + 5 (t - 2023) places needed, base year 2023 to 2025."""
    from zorgcap.regions.codes import ZORGKANTOORREGIOS

    rows = [(y, c, n, "test", 50.0 + 5 * (y - 2023)) for y in (2023, 2024, 2025)
            for c, n in ZORGKANTOORREGIOS.items()]
    d = pd.DataFrame(rows, columns=["year", "zk_code", "zk_name", "scenario", "places_needed"])
    return d.assign(clients_with_stay=0.9 * d["places_needed"],
                    clients_at_home=0.36 * d["places_needed"])


def test_a_file_for_zk08_changes_only_zk08(tmp_path):
    """Independent check by hand. ZK08's planned projects: H1 (planned 2022, realised 2022:
    t = 0) and H2 (planned 2023, cancelled in the 2022 inventory: t = -1, competing). At
    t = -1: 2 at risk, H2 cancelled, S = 1/2; t = 0: H1 realised, F = 1/2. Shrunk with
    k = 10 toward planned 0.6 / 1 y: p = (2 x 1/2 + 10 x 0.6) / 12 = 7/12, delay =
    (0 + 10 x 0.6 x 1) / (1 + 6) = 6/7 y. The newest inventory counts H3 (120 planned for
    2025): 120 x 7/12 x P(Poisson(6/7) = 0) = 70 e^(-6/7) by 2025. The other 30 regions
    keep the estimate ``plans_from_national`` with the default 0.6 / 1 y: their numbers
    equal a run without the file. Before the fix the learned 7/12 and 6/7 y moved the
    estimated plans of all 30 (the estimate has status planned)."""
    from zorgcap.forecast.gap import supply_gap

    d = _even_demand()
    order = list(pd.unique(d["zk_code"]))
    wide = d.pivot(index="year", columns="zk_code", values="places_needed")[order].to_numpy()
    draws = wide[None] * np.random.default_rng(2).normal(1, 0.02, (40, *wide.shape))
    path = plan_history_file(tmp_path, ZK08_HISTORY, "zk08.csv")
    run0 = supply_gap(d, waiting=None, places_draws=draws, seed=3)
    run1 = supply_gap(d, plans=path, waiting=None, places_draws=draws, seed=3)
    g0, g1 = (r.frame.set_index(["year", "zk_code"]) for r in (run0, run1))
    assert g1.loc[(2024, "ZK08"), "plans_expected"] == 0.0
    assert g1.loc[(2025, "ZK08"), "plans_expected"] == pytest.approx(70 * np.exp(-6 / 7))
    others = g1.index.get_level_values("zk_code") != "ZK08"
    for col in ("plans_expected", "supply", "gap", "gap_all_forms", "p_short"):
        pd.testing.assert_series_equal(g1.loc[others, col], g0.loc[others, col])
    # the estimate of another region by hand: 1,400 a year x 1/31 (equal growth) x 0.6 x
    # P(Poisson(1) <= 0) by 2024
    assert g1.loc[(2024, "ZK20"), "plans_expected"] == pytest.approx(1400 / 31 * 0.6
                                                                     * np.exp(-1))
    a = run1.assumptions
    assert a["realisation_probability"]["planned"] == 0.6  # the defaults of the others
    assert "planned 1 y" in a["plan_delay"]
    assert a["realisation_from_history"].endswith(
        "learned from: ZK08; the other 30 regions keep the defaults")
    assert "planned 0.58 realised, mean delay 0.9 y (2 projects)" in \
        a["realisation_from_history"]


def test_status_by_region_learned_where_learned(history):
    """Re-check of construction: the template's history teaches ZK01 and ZK02 (Q1)."""
    learned = R.learn_realisation(history, DEFAULTS)
    rates = R.status_by_region(learned, DEFAULTS, ["ZK01", "ZK02", "ZK03"]).set_index(
        ["zk_code", "status"])
    assert rates.loc[("ZK01", "planned"), "realisation_probability"] == pytest.approx(0.65)
    assert rates.loc[("ZK02", "planned"), "realisation_probability"] == pytest.approx(0.65)
    assert rates.loc[("ZK03", "planned"), "realisation_probability"] == 0.6
    assert rates.loc[("ZK03", "planned"), "source"] == "default"
    assert len(rates) == 3 * 5
