"""References: what supply is compared against (zorgcap.forecast.references)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import needs_data

from zorgcap.forecast import demand as D
from zorgcap.forecast import gap as G
from zorgcap.forecast import references as R
from zorgcap.forecast.references import extra_path, reference_need


def _gap_frame():
    # Hand-made gap table: two regions, base 2023; capacity 100 and 300.
    rows = [(2023, "ZK01", 100, 100, 100, 1000), (2023, "ZK02", 300, 300, 300, 2000),
            (2025, "ZK01", 130, 100, 110, 1200), (2025, "ZK02", 330, 300, 300, 2400)]
    frame = pd.DataFrame(rows, columns=["year", "zk_code", "need", "capacity", "supply",
                                        "persons_80plus"])
    return frame.assign(need_clustered=0.0, capacity_clustered=0.0)


def test_two_references_on_a_hand_made_case():
    g = _gap_frame()
    ratio = reference_need(g, "ratio80:110")
    # 110 places per 1,000 aged 80+: 1,200 -> 132 places, 2,400 -> 264 places in 2025.
    assert ratio.tolist() == pytest.approx([110, 220, 132, 264])
    amb = reference_need(g, "ambition2025", occupancy=1.0, clustered_share=0.0)
    # Counted from 2021 (data_raw/reference_bases.csv): N(t) = places in use 2021 (122,060
    # clients with stay, CBS 84529NED, occupancy 1, no clustered places) + E(t), E from 0 in
    # 2021 to 25,000 in 2025: N(2023) = 134,560, N(2025) = 147,060. Less the national
    # capacity of 400: 134,160 in 2023, shared by need (no growth yet) 1 : 3; 146,660 in 2025,
    # shared by growth of need 30 : 30.
    assert amb.tolist() == pytest.approx([100 + 134_160 / 4, 300 + 134_160 * 3 / 4,
                                          100 + 146_660 / 2, 300 + 146_660 / 2])
    with pytest.raises(ValueError, match="ratio80:110"):
        reference_need(g, "ratio80:")
    with pytest.raises(ValueError, match="expected to be in"):
        reference_need(g, "tno2030")


def test_reference_paths_through_the_published_figures():
    # TNO from its base year 2018: a straight line to 22,206 in 2025, 110,000 in 2040
    path = extra_path("tno2019", [2018, 2023, 2025, 2040, 2045])
    assert path.tolist() == pytest.approx([0, 22_206 * 5 / 7, 22_206, 110_000, 110_000])
    assert extra_path("tno2019", [2023, 2025], base=2023).tolist() == pytest.approx(
        [0, 22_206])


def test_every_reference_has_one_base_year_and_form():
    from zorgcap.forecast.references import REFERENCES, bases

    b = bases()
    for name, keys in REFERENCES.items():
        if keys:
            assert len(b.loc[list(keys)].drop(columns="why").drop_duplicates()) == 1, name
    assert set(b["forms"]) <= {"with_stay", "all_forms"}


@needs_data
def test_switching_reference_changes_gap_table_not_need():
    demand = D.project_demand("beleidsarm", to=2030)
    a = G.compare_capacity(demand, reference="model")
    b = G.compare_capacity(demand, reference="ratio80:110")
    np.testing.assert_allclose(a["need"], b["need"])
    np.testing.assert_allclose(a["reference_gap"], a["gap"])
    assert not np.allclose(a["reference_gap"], b["reference_gap"])
    run = G.supply_gap(demand, reference="ratio80:110")
    assert run.parameters["reference_description"].startswith("planning ratio: 110")


@needs_data
def test_national_rollup_next_to_the_references():
    from zorgcap.forecast.demand import project_demand

    gap = G.compare_capacity(project_demand("beleidsarm", to=2031))
    refs = R.national_references(gap).set_index("reference")
    tno = refs.loc["TNO capacity prognosis: places short in 2025"]
    amb = refs.loc["Ambition: 25,000 extra places 2021-2025 (all forms)"]
    assert tno["published"] == 22206 and amb["published"] == 25000
    # each figure from its own base year (data_raw/reference_bases.csv), by hand from
    # CBS 84529NED: 118,910 clients with stay in 2018; 122,060 with stay + 12,190 VPT in 2021
    assert (tno["base_year"], tno["forms"]) == (2018, "with_stay")
    assert (amb["base_year"], amb["forms"]) == (2021, "all_forms")
    g25 = gap.query("year == 2025")
    assert tno["zorgcap"] == pytest.approx(g25["need"].sum() - 118_910 / 0.97)
    assert amb["zorgcap"] == pytest.approx(g25["need"].sum() + g25["need_clustered"].sum()
                                           - (122_060 + 0.5 * 12_190) / 0.97)
    # Measured: about 9,300 places short in 2025 (beleidsarm, urgent + active waiting list;
    # the README quotes this figure from tests/readme_figures.py).
    assert 5_000 < g25["gap"].sum() < 12_000
