"""Planner figures against the region's own size (forecast/plausibility.py, issue 30).

The unit tests use a hand-made demand frame: three regions with a base-year need, a need in
the last year and clients at home chosen here, so every limit is arithmetic done in the
comments (capacity 0.5-2 x need, clustered capacity up to 2 x the places of all VPT
clients, plans up to 3 x the growth of need or 3 x 10% of need, waiting list up to 0.5 x
need, workforce 0.5-2 x need x fte per place). The chain tests reproduce the cases of issue
30 on main (76b650d): a capacity of 24,000 for Amstelland en De Meerlanden, a vpt_capacity of
24,000, ten plans of 5,000 places in one region and a capacity file of zeros all passed
without a word. These are code checks, not model validations.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import needs_data

from zorgcap.forecast import plausibility as P
from zorgcap.forecast.errors import InputError
from zorgcap.forecast.supply import read_capacity, read_plans

# need in 2023 and 2030 [places], clients at home 2023 [clients]
REGIONS = {"ZK01": ("Amstelland en De Meerlanden", 2300.0, 2600.0, 1000.0),
           "ZK02": ("Amsterdam", 5000.0, 6000.0, 2000.0),
           "ZK03": ("Apeldoorn/Zutphen", 1000.0, 1020.0, 500.0)}
VPT_SHARE_2023 = 18_405 / (18_405 + 35_100)  # CBS 84529NED 2023: VPT / (VPT + MPT)
CAP = "zk_code,year,places_with_stay,vpt_capacity\n"
PLANS = "project_id,zk_code,year_ready,places,delivery_form,status,kind\n"


def _demand() -> pd.DataFrame:
    rows = []
    for code, (name, n23, n30, home) in REGIONS.items():
        rows += [{"year": 2023, "zk_code": code, "zk_name": name, "places_needed": n23,
                  "clients_at_home": home},
                 {"year": 2030, "zk_code": code, "zk_name": name, "places_needed": n30,
                  "clients_at_home": home}]
    return pd.DataFrame(rows)


def _config(**files):
    base = {"capacity": None, "plans": None, "waiting_file": None, "workforce_file": None,
            "rates": None, "calibrate": None, "scenario_file": None, "occupancy": 0.97,
            "fte_per_place": 1.2, "data": None, "accept_unusual": False}
    return SimpleNamespace(**{**base, **files})


def _file(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _found(tmp_path, capacity=None, plans=None, **kw):
    cap = _file(tmp_path, "cap.csv", capacity) if capacity else None
    pl = _file(tmp_path, "plans.csv", plans) if plans else None
    inputs = P.PlannerInputs(capacity=read_capacity(cap, 2023) if cap else None,
                             plans=read_plans(pl, 2023, 2030) if pl else None, **kw)
    return P.unusual_inputs(inputs, _demand(), _config(capacity=cap, plans=pl))


@needs_data
def test_capacity_within_half_to_twice_the_need_passes_outside_stops(tmp_path):
    # ZK01: 0.5 x 2,300 = 1,150 and 2 x 2,300 = 4,600 are the edges, both allowed
    assert _found(tmp_path, CAP + "ZK01,2023,1150,\nZK02,2023,10000,\n") == []
    assert _found(tmp_path, CAP + "ZK01,2023,4600,\n") == []
    found = _found(tmp_path, CAP + "ZK02,2023,5000,\nZK01,2023,24000,\n")
    assert [(f.kind, f.row, f.zk_code, f.value, f.reference) for f in found] == [
        ("capacity", 3, "ZK01", 24000.0, 2300.0)]
    # 24,000 / 2,300 = 10.43: "10 times"
    assert ("the capacity of ZK01 (Amstelland en De Meerlanden) is 24,000 places with stay, "
            "10 times the region's need of 2,300 places in 2023") in found[0].text
    assert [f.kind for f in _found(tmp_path, CAP + "ZK01,2023,1149,\n")] == ["capacity"]


@needs_data
def test_a_capacity_file_of_zeros_is_one_finding(tmp_path):
    found = _found(tmp_path, CAP + "ZK01,2023,0,\nZK02,2023,0,\nZK03,2023,0,\n")
    assert [(f.kind, f.row, f.column) for f in found] == [
        ("capacity_all_zero", None, "places_with_stay")]
    assert "every one of the 3 regions in the capacity file has 0 places" in found[0].text


@needs_data
def test_clustered_capacity_above_twice_all_vpt_places_stops(tmp_path):
    # ZK02: 2,000 clients at home x 0.34399 VPT / 0.97 = 709.3 VPT places; limit 1,418.6
    vpt_places = 2000 * VPT_SHARE_2023 / 0.97
    assert _found(tmp_path, CAP + "ZK02,2023,5000,1418\n") == []
    found = _found(tmp_path, CAP + "ZK02,2023,5000,24000\n")
    assert [(f.kind, f.row, f.column) for f in found] == [("vpt_capacity", 2, "vpt_capacity")]
    np.testing.assert_allclose(found[0].reference, vpt_places, rtol=1e-4)
    assert "24,000 places, 34 times the places of all the region's VPT clients" in found[0].text
    assert _found(tmp_path, CAP + "ZK01,2023,2300,0\nZK02,2023,5000,\n") == []  # one 0: fine


@needs_data
def test_plans_summed_per_region_against_the_growth_of_need(tmp_path):
    # ZK01 grows 300 places 2023-2030: up to 3 x 300 = 900 net planned places
    ok = PLANS + ("A,ZK01,2025,600,with_stay,planned,expansion\n"
                  "B,ZK01,2026,500,with_stay,planned,expansion\n"
                  "C,ZK01,2027,200,with_stay,planned,closure\n")  # net 900
    assert _found(tmp_path, plans=ok) == []
    ten = PLANS + "".join(f"P{i},ZK01,2027,5000,with_stay,planned,expansion\n"
                          for i in range(10))
    found = _found(tmp_path, plans=ten)
    assert [(f.kind, f.row, f.value, f.reference) for f in found] == [
        ("plans", 2, 50000.0, 300.0)]  # the first row already passes 900
    assert "add 50,000 places (10 plans; 5,000 up to this row), 167 times" in found[0].text
    # a cancelled plan adds nothing, a plan ready by the base year is part of the capacity
    assert _found(tmp_path, plans=PLANS + "A,ZK01,2027,5000,with_stay,cancelled,expansion\n"
                                          "B,ZK01,2023,5000,with_stay,realised,expansion\n"
                                          "C,ZK01,2028,900,with_stay,planned,expansion\n") == []
    # ZK03 grows 20 places: the floor 10% of 1,000 = 100 serves, so up to 300
    assert _found(tmp_path, plans=PLANS + "A,ZK03,2026,300,vpt,idea,expansion\n") == []
    found = _found(tmp_path, plans=PLANS + "A,ZK03,2026,200,vpt,idea,expansion\n"
                                           "B,ZK03,2028,101,geclusterd,idea,expansion\n")
    assert [(f.row, f.value, f.reference) for f in found] == [(3, 301.0, 100.0)]


@needs_data
def test_waiting_list_and_workforce_against_the_need(tmp_path):
    wl = _file(tmp_path, "wl.csv", "zk_code,date,urgent_plaatsen,actief_plaatsen,"
                                   "wacht_op_voorkeur\nzk02,2023-07-01,10,10,10\n"
                                   "ZK01,2023-07-01,100,100,951\n")
    wf = _file(tmp_path, "wf.csv", "zk_code,year,fte\nZK01,2023,1380\nZK02,2023,12001\n")
    inputs = P.PlannerInputs(waiting=P._waiting_rows(wl, 2023), workforce=P._workforce(wf))
    found = P.unusual_inputs(inputs, _demand(), _config(waiting_file=wl, workforce_file=wf))
    # ZK01 waits 1,151 > 0.5 x 2,300; ZK02 has 12,001 fte > 2 x 5,000 x 1.2 = 12,000;
    # ZK01's 1,380 fte = 0.5 x 2,300 x 1.2 is the lower edge, allowed
    assert [(f.kind, f.zk_code, f.row, f.value, f.reference) for f in found] == [
        ("waiting", "ZK01", 3, 1151.0, 2300.0), ("workforce", "ZK02", 3, 12001.0, 6000.0)]


def test_a_need_of_zero_names_the_inputs_behind_it():
    demand = _demand()
    demand.loc[demand["zk_code"] == "ZK03", "places_needed"] = 0.0
    with pytest.raises(InputError, match=r"the need of ZK03 in the base year is 0 places.*"
                                         r"--rates my_rates\.csv"):
        P.unusual_inputs(P.PlannerInputs(), demand, _config(rates="my_rates.csv"))


@needs_data
def test_check_plausible_stops_or_lists_with_accept_unusual(tmp_path):
    cap = _file(tmp_path, "cap.csv", CAP + "ZK01,2023,24000,\nZK02,2023,0,\n")
    inputs = P.PlannerInputs(capacity=read_capacity(cap, 2023))
    with pytest.raises(InputError) as err:
        P.check_plausible(inputs, _demand(), _config(capacity=cap))
    text = str(err.value)
    assert text.startswith(f"file {cap}, row 2, column 'places_with_stay': the capacity of "
                           "ZK01") and "(1 more unusual figure)" in text
    assert "Fix: check the number and the region code" in text and "--accept-unusual" in text
    listed = P.check_plausible(inputs, _demand(), _config(capacity=cap, accept_unusual=True))
    assert [(u["kind"], u["zk_code"], u["row"]) for u in listed] == [
        ("capacity", "ZK01", 2), ("capacity", "ZK02", 3)]


# --- through the chain: the cases of issue 30 ----------------------------------------------

@pytest.fixture(scope="module")
def need_2023():
    """Each region's places needed in the base year, from a run without planner files."""
    from zorgcap.forecast.modelchain import ChainConfig, ForecastChain

    d = ForecastChain(ChainConfig(to=2030, draws=0)).run().demand
    return d[d["year"] == 2023].set_index("zk_code")["places_needed"]


@needs_data
def test_the_issue_cases_stop_the_run_and_accept_unusual_runs_on(tmp_path, need_2023):
    from zorgcap.forecast.modelchain import ChainConfig, ForecastChain

    cap = _file(tmp_path, "cap.csv", CAP + "ZK01,2023,24000,\n")
    with pytest.raises(InputError) as err:
        ForecastChain(ChainConfig(to=2030, draws=0, capacity=cap)).run()
    assert (f"is 24,000 places with stay, {24000 / need_2023['ZK01']:.0f} times the region's "
            f"need of {need_2023['ZK01']:,.0f} places in 2023") in str(err.value)
    ten = _file(tmp_path, "plans.csv", PLANS + "".join(
        f"P{i},ZK01,2027,5000,with_stay,planned,expansion\n" for i in range(10)))
    with pytest.raises(InputError, match=r"the plans of ZK01 .* add 50,000 places"):
        ForecastChain(ChainConfig(to=2030, draws=0, plans=ten)).run()
    zeros = _file(tmp_path, "zeros.csv", CAP + "".join(f"ZK{i:02d},2023,0,\n"
                                                       for i in (1, 2, 3, 4, 6)))
    with pytest.raises(InputError, match="every one of the 5 regions in the capacity file "
                                         "has 0 places"):
        ForecastChain(ChainConfig(to=2030, draws=0, capacity=zeros)).run()
    result = ForecastChain(ChainConfig(to=2030, draws=0, capacity=cap, plans=ten,
                                       accept_unusual=True)).run()
    kinds = [(u["kind"], u["zk_code"]) for u in result.parameters["unusual_inputs"]]
    assert kinds == [("capacity", "ZK01"), ("plans", "ZK01")]
    assert result.provenance["parameters"]["unusual_inputs"][0]["value"] == 24000.0
    g = result.gap.set_index(["year", "zk_code"])
    assert g.loc[(2023, "ZK01"), "capacity"] == 24000.0  # the figure is used as given


@needs_data
def test_the_report_warns_in_its_key_points(tmp_path):
    from zorgcap.forecast.modelchain import ChainConfig, ForecastChain
    from zorgcap.reports import render

    cap = _file(tmp_path, "cap.csv", CAP + "ZK01,2023,24000,\n")
    result = ForecastChain(ChainConfig(to=2030, draws=0, capacity=cap,
                                       accept_unusual=True)).run()
    page = render(result, tmp_path / "r", echo=None, workers=1)["html"].read_text("utf-8")
    headline = page[page.index('id="headline"'):page.index("</section>",
                                                           page.index('id="headline"'))]
    assert "ongebruikelijk zijn voor de omvang van hun regio" in headline
    assert "Amstelland en De Meerlanden (ZK01): capaciteit 24.000 plaatsen met verblijf" in \
        headline and "cap.csv, rij 2" in headline
    plain = ForecastChain(ChainConfig(to=2030, draws=0)).run()
    page = render(plain, tmp_path / "p", echo=None, workers=1)["html"].read_text("utf-8")
    assert 'class="unusual"' not in page
