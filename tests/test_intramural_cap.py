"""The intramural cap as a named reference (zorgcap.forecast.intramural_cap, issue 31).

Independent checks by hand on a two-region gap table with round numbers: region ZK01 has
1,000 places with stay and 100 clustered places in the base year 2023, region ZK02 3,000
and 200 (national 4,000).
"""

from __future__ import annotations

import pandas as pd
import pytest

from zorgcap.forecast import intramural_cap as IC
from zorgcap.forecast.schema import INTRAMURAL_CAP_COLUMNS


def _gap(last: int = 2040) -> pd.DataFrame:
    rows = []
    #            year   need ZK01, clustered ZK01, need ZK02, clustered ZK02
    for year, a, ac, b, bc in ((2023, 1000, 100, 3000, 200), (2030, 1200, 150, 2900, 250),
                               (2040, 1500, 200, 3600, 300)):
        if year > last:
            continue
        rows.append({"year": year, "zk_code": "ZK01", "zk_name": "A", "need": a,
                     "need_clustered": ac, "capacity": 1000.0, "capacity_clustered": 100.0})
        rows.append({"year": year, "zk_code": "ZK02", "zk_name": "B", "need": b,
                     "need_clustered": bc, "capacity": 3000.0, "capacity_clustered": 200.0})
    return pd.DataFrame(rows)


TARGETS = pd.DataFrame({"target": ["wozo_target_2030"] * 2 + ["ambition_2025"] * 2,
                        "zk_code": ["ZK01", "ZK02"] * 2,
                        "target_share": [300.0, 500.0, 9.0, 9.0]})


def test_the_cap_at_the_base_year_capacity_by_hand():
    frame = IC.intramural_cap(_gap(), TARGETS)
    assert list(frame.columns) == list(INTRAMURAL_CAP_COLUMNS)
    out = frame.set_index(["zk_code", "year"])
    # ZK01 held at 1,000: 2030 need 1,200 -> 200 above the cap, + its own clustered need 150
    # = 350 clustered places, 250 more than the 100 of 2023; 2040: 500 above, 700, 600
    cols = ["intramural_cap", "above_cap", "clustered_needed", "clustered_extra"]
    assert out.loc[("ZK01", 2030), cols].tolist() == [1000, 200, 350, 250]
    assert out.loc[("ZK01", 2040), cols].tolist() == [1000, 500, 700, 600]
    # ZK02 held at 3,000: 2030 need 2,900 is below it (nothing above; not negative)
    assert out.loc[("ZK02", 2030), cols].tolist() == [3000, 0, 250, 50]
    assert out.loc[("ZK02", 2040), cols].tolist() == [3000, 600, 900, 700]
    # next to the region's share of the WOZO 40,000 (not of another target)
    assert out.loc[("ZK01", 2030), "target_share"] == 300.0
    assert out.loc[("ZK02", 2040), "target_share"] == 500.0
    assert set(out.index.get_level_values("year")) == {2030, 2040}  # not the base year


def test_a_set_cap_is_shared_by_base_year_capacity():
    out = IC.intramural_cap(_gap(), cap=5000).set_index(["zk_code", "year"])
    # 5,000 x 1,000 / 4,000 = 1,250 for ZK01, 3,750 for ZK02
    assert out.loc[("ZK01", 2030), "intramural_cap"] == 1250.0
    assert out.loc[("ZK02", 2030), "intramural_cap"] == 3750.0
    # ZK01 2030: need 1,200 below 1,250: only its own 150 clustered, 50 more than 2023
    assert out.loc[("ZK01", 2030), ["above_cap", "clustered_needed", "clustered_extra"]] \
        .tolist() == [0, 150, 50]
    assert out.loc[("ZK01", 2040), "above_cap"] == 250.0
    assert out["target_share"].isna().all()  # no targets given


def test_a_set_cap_of_a_subset_is_shared_out_of_the_national_capacity():
    """A run of one region shares the cap by its capacity out of the national one (given),
    not out of its own: ZK01 gets 5,000 x 1,000 / 4,000 = 1,250, as in the two-region run."""
    one = _gap()[lambda f: f["zk_code"] == "ZK01"]
    out = IC.intramural_cap(one, cap=5000, national_capacity=4000).set_index("year")
    assert out.loc[2030, "intramural_cap"] == 1250.0
    alone = IC.intramural_cap(one, cap=5000).set_index("year")  # without: its own 1,000
    assert alone.loc[2030, "intramural_cap"] == 5000.0


def test_years_outside_the_run_are_left_out_and_bad_caps_refused():
    out = IC.intramural_cap(_gap(last=2035))
    assert set(out["year"]) == {2030}
    short = IC.intramural_cap(_gap(last=2023))  # a run that ends before 2030
    assert short.empty and list(short.columns) == list(INTRAMURAL_CAP_COLUMNS)
    for bad in (-1, 0, True, float("nan"), "130000"):
        with pytest.raises(ValueError, match="`cap` was .* positive number of places"):
            IC.intramural_cap(_gap(), cap=bad)


def test_the_named_assumption_states_the_level():
    text = IC.cap_assumption(_gap())["intramural_cap"]
    assert text == ("reference intramural cap: places with stay held at 4,000, the places "
                    "with stay of 2023 (the run's base-year capacity; the cabinet named "
                    "130,000 the maximum); the need above it is met in clustered places")
    assert "held at 130,000, a set cap shared over regions by their 2023 capacity (the " \
        "cabinet named" in IC.cap_assumption(_gap(), 130_000)["intramural_cap"]
