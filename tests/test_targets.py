"""National targets per region (zorgcap.forecast.targets) on the hand-made gap inputs of
``tests/handmade.py``: independent validations, every expected number worked out by hand in
the comments."""

from __future__ import annotations

import pytest
from handmade import GAP_CAPACITY, GAP_PLANS, NO_DELAY, gap_demand

from zorgcap.forecast import gap as G
from zorgcap.forecast import targets as T


def test_a_subset_of_regions_is_refused_with_what_to_do():
    g = G.compare_capacity(gap_demand(), capacity=GAP_CAPACITY, plans=GAP_PLANS, waiting=None,
                           status_file=NO_DELAY)
    with pytest.raises(ValueError, match="covers 1 of the 31.*select regions from the result"):
        T.ambition_2025(g[g["zk_code"] == "ZK01"])
    with pytest.raises(ValueError, match="covers 1 of the 31"):
        T.targets(g[g["zk_code"] == "ZK01"])
    with pytest.raises(ValueError, match=r"`key` was 'ambition_2030'"):
        T.target_progress(g, "ambition_2030")
    # the hand-made table ends in 2025: the targets of 2030 and 2031 are left out, the
    # 2025 ambition is the only one counted (one row per region)
    assert set(T.targets(g)["target"]) == {"ambition_2025"} and len(T.targets(g)) == 31
    with pytest.raises(ValueError, match="no year 2030"):
        T.target_progress(g, "wozo_target_2030")


def test_ambition_counted_from_2021_in_all_forms_by_hand():
    # clustered_share 0: no clustered need or capacity, so "all forms" is places with stay
    # plus the clustered plans (ZK02's realised 8-place VPT plan).
    run = G.supply_gap(gap_demand(), capacity=GAP_CAPACITY, plans=GAP_PLANS, waiting=None,
                       status_file=NO_DELAY, clustered_share=0.0)
    a = T.ambition_2025(run.frame, run.plans, ambition=560, occupancy=0.9,
                        clustered_share=0.0).set_index("zk_code")
    # Places in use (CBS 84529NED clients with stay / 0.9): 2021 122,060, 2023 126,105, so
    # k = 122,060 / 126,105 and each region's 2021 need is k x its 2023 need.
    k = 122_060 / 126_105
    growth = {"ZK01": 130 - k * 100, "ZK02": 220 - k * 200, "other": 50 - k * 50}
    total = growth["ZK01"] + growth["ZK02"] + 29 * growth["other"]
    assert a.loc["ZK01", "ambition_share"] == pytest.approx(560 * growth["ZK01"] / total)
    assert a.loc["ZK02", "ambition_share"] == pytest.approx(560 * growth["ZK02"] / total)
    assert a["ambition_share"].sum() == pytest.approx(560)
    # Realised 2021-2023: (126,105 - 122,060) / 0.9 = 4,494.4 places, by capacity 95/1,750.
    assert a.loc["ZK01", "realised_2021_base"] == pytest.approx(4045 / 0.9 * 95 / 1750)
    # Expected 2023-2025: ZK01 10 x 0.6 + 20 x 0.9 = 24; ZK02 -30 (closure) + 8 (VPT, all
    # forms) = -22.
    assert a.loc["ZK01", "expected_base_2025"] == pytest.approx(24.0)
    assert a.loc["ZK02", "expected_base_2025"] == pytest.approx(-22.0)
    assert a.loc["ZK01", "counted_2021_2025"] == pytest.approx(
        4045 / 0.9 * 95 / 1750 + 24.0)
    assert a.loc["ZK01", "counted_minus_share"] == pytest.approx(
        a.loc["ZK01", "counted_2021_2025"] - a.loc["ZK01", "ambition_share"])
    # Plans listed to 2025 of every form, nominal: ZK01 10 + 20; ZK02 -30 + 8.
    assert a.loc["ZK01", "plans_to_2025"] == 30 and a.loc["ZK02", "plans_to_2025"] == -22


def test_gap_targets_is_the_targets_function():
    # zorgcap.forecast.gap.targets was in the API reference before the split (issue 29)
    assert G.targets is T.targets
