"""Property-based tests (hypothesis): invariants of the cohort step, life tables, the gap
arithmetic, and readers that must answer malformed files with InputError only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from zorgcap.forecast import gap as G
from zorgcap.forecast import mortality as mort
from zorgcap.forecast.cohort import step as _step
from zorgcap.forecast.errors import InputError
from zorgcap.forecast.io.cbs import read_cbs_csv
from zorgcap.forecast.schema import OPEN_AGE
from zorgcap.regions.codes import ZORGKANTOORREGIOS

POP = arrays(np.float64, (3, 2, OPEN_AGE + 1), elements=st.floats(0, 1e5))
RATES = arrays(np.float64, (2, 100), elements=st.floats(1e-5, 1.5))
FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(POP)
def test_ageing_conserves_people_without_deaths_or_births(pop):
    surv = np.ones((2, OPEN_AGE + 1))
    new = _step(pop, surv, np.ones(2), np.zeros(3))
    np.testing.assert_allclose(new.sum(), pop.sum(), rtol=1e-12)
    np.testing.assert_allclose(new[..., 1:OPEN_AGE], pop[..., : OPEN_AGE - 1])


@FAST
@given(POP, RATES)
def test_cohort_step_never_makes_negative_or_extra_people(pop, m):
    surv, birth = mort.survival_ratios(m, OPEN_AGE)
    assert ((surv > 0) & (surv <= 1)).all() and ((birth > 0) & (birth <= 1)).all()
    new = _step(pop, surv, birth, np.zeros(3))
    assert (new >= 0).all()
    assert new.sum() <= pop.sum() * (1 + 1e-12)


def test_rates_where_everyone_dies_give_zero_survival_not_nan():
    # m >= 2 with a_x = 0.5 means q = 1: nobody survives the age (no 0/0 after it).
    m = np.full((2, 100), 0.01)
    m[:, 50] = 2.5
    surv, birth = mort.survival_ratios(m, OPEN_AGE)
    assert np.isfinite(surv).all() and (surv[:, 50:] == 0).all() and (surv[:, :49] > 0).all()
    assert np.isfinite(mort.life_table(m)["e"]).all()


@FAST
@given(RATES, st.floats(1.01, 3.0))
def test_higher_mortality_means_lower_survival_and_life_expectancy(m, factor):
    s_low, _ = mort.survival_ratios(m, OPEN_AGE)
    s_high, _ = mort.survival_ratios(m * factor, OPEN_AGE)
    assert (s_high <= s_low + 1e-12).all()
    assert (mort.life_expectancy(m * factor, 65) < mort.life_expectancy(m, 65)).all()


def _demand(places):
    # ZK01 and ZK02 carry the drawn numbers; the other 29 regions (the gap needs all 31)
    # need and have 50 places.
    years = list(range(2023, 2023 + places.shape[0]))
    rows = [(y, code, code, "p", places[i, j] if j < 2 else 50.0,
             places[i, j] if j < 2 else 50.0, 0.4 * places[i, j] if j < 2 else 20.0)
            for i, y in enumerate(years) for j, code in enumerate(_CODES)]
    return pd.DataFrame(rows, columns=["year", "zk_code", "zk_name", "scenario",
                                       "places_needed", "clients_with_stay", "clients_at_home"])


_CODES = ["ZK01", "ZK02", *[c for c in ZORGKANTOORREGIOS if c not in ("ZK01", "ZK02")]]


PLACES = arrays(np.float64, (4, 2), elements=st.floats(0, 1e4))


@FAST
@given(PLACES, st.floats(0, 1e4), st.floats(0, 1e4), st.floats(0, 500),
       st.sampled_from(["idea", "planned", "under_construction", "realised"]))
def test_gap_is_need_minus_supply_and_plans_only_reduce_it(places, cap1, cap2, extra, status):
    capacity = pd.DataFrame({"zk_code": _CODES,
                             "places_with_stay": [cap1, cap2] + [50.0] * 29,
                             "vpt_capacity": np.nan, "capacity_source": "t"})
    none = pd.DataFrame(columns=["project_id", "zk_code", "year_ready", "places",
                                 "delivery_form", "status", "kind", "plans_source"])
    plans = pd.DataFrame({"project_id": ["x"], "zk_code": ["ZK01"], "year_ready": [2024],
                          "places": [extra], "delivery_form": ["with_stay"],
                          "status": [status], "kind": ["expansion"], "plans_source": ["t"]})
    a = G.compare_capacity(_demand(places), capacity=capacity, plans=none, waiting=None)
    b = G.compare_capacity(_demand(places), capacity=capacity, plans=plans, waiting=None)
    np.testing.assert_allclose(a["gap"], a["need"] - a["supply"])
    assert (b["gap"] <= a["gap"] + 1e-9).all()
    later = b[(b.zk_code == "ZK01") & (b.year >= 2024)]
    assert (later["plans_expected"] <= extra + 1e-9).all()


CSV_TEXT = st.text(alphabet=st.sampled_from(list("ab;,\n\"'.-0129 \tZKGM\x00é")), max_size=300)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(CSV_TEXT)
def test_readers_answer_malformed_files_with_input_error_only(tmp_path, text):
    from zorgcap.forecast.demand import read_calibration
    from zorgcap.forecast.supply import read_capacity, read_plans
    from zorgcap.forecast.usage import read_rates_file

    path = tmp_path / "fuzz.csv"
    path.write_text(text, encoding="utf-8")
    for reader in (read_cbs_csv, read_calibration, read_rates_file,
                   lambda p: read_plans(p, 2023), lambda p: read_capacity(p, 2023)):
        try:
            reader(path)
        except InputError:
            pass


@pytest.mark.parametrize("text", ["", "\n\n", "zk_code\n", "\x00\x00", "a;b\n1;2;3;4\n"])
def test_readers_on_degenerate_files(tmp_path, text):
    from zorgcap.forecast.supply import read_plans

    path = tmp_path / "f.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError):
        read_plans(path, 2023)


# --- random planner files: an error, or finite non-negative supply (issue 18) -----------------

CELL = st.one_of(
    st.integers(0, 30_000).map(str),
    st.integers(1_000, 30_000).map(lambda v: f"{v:,}".replace(",", ".")),  # Dutch thousands
    st.floats(0, 3e4, allow_nan=False).map(lambda v: f"{v:.2f}"),
    st.floats(0, 3e4, allow_nan=False).map(lambda v: f"{v:.1f}".replace(".", ",")),
    st.sampled_from(["", "inf", "-inf", "nan", "NaN", "-5", "1e12", "1e308", "abc", " 12 ",
                     "0", "-0", "3,400.5", "1.000.000"]),
)
PLAN_ROW = st.tuples(st.sampled_from(["ZK01", "ZK02", "ZK99"]), st.integers(2022, 2027), CELL,
                     st.sampled_from(["with_stay", "vpt"]),
                     st.sampled_from(["planned", "realised", "idea"]),
                     st.sampled_from(["expansion", "closure", "closure"]))


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.sampled_from([",", ";"]), CELL, CELL, st.lists(PLAN_ROW, max_size=6))
def test_random_planner_files_give_an_error_or_finite_non_negative_supply(tmp_path, sep, c1,
                                                                          c2, plan_rows):
    from zorgcap.forecast.supply import check_closures, read_capacity, read_plans

    def line(*cells):
        return sep.join(f'"{c}"' if sep in str(c) else str(c) for c in cells) + "\n"

    cap_path, plans_path = tmp_path / "cap.csv", tmp_path / "plans.csv"
    cap_path.write_text(line("zk_code", "year", "places_with_stay")
                        + line("ZK01", 2023, c1) + line("ZK02", 2023, c2), encoding="utf-8")
    plans_path.write_text(
        line("project_id", "zk_code", "year_ready", "places", "delivery_form", "status", "kind")
        + "".join(line(f"P{i}", *row) for i, row in enumerate(plan_rows)), encoding="utf-8")
    try:
        cap = read_capacity(cap_path, 2023)
        plans = read_plans(plans_path, 2023, 2026)
        full = pd.concat([cap, pd.DataFrame({"zk_code": _CODES[2:], "places_with_stay": 50.0,
                                             "vpt_capacity": np.nan,
                                             "capacity_source": "t"})], ignore_index=True)
        check_closures(full, plans, file="plans.csv")
        # clustered closures are checked against the clustered capacity inside the gap
        out = G.compare_capacity(_demand(np.full((4, 2), 100.0)), capacity=full, plans=plans,
                                 waiting=None)
    except InputError as exc:
        assert "Fix:" in str(exc)
        return
    assert np.isfinite(out["supply"]).all() and (out["supply"] >= -1e-9).all()
    assert (out["supply_clustered"] >= -1e-9).all()
    assert np.isfinite(out["gap"]).all()
