"""Why the national 2025 gap differs from TNO's and the ambition's figures
(zorgcap.forecast.explain)."""

from __future__ import annotations

import pytest
from conftest import needs_data

from zorgcap.forecast import explain as E

FIGURES = {"gap_2025": 9_300.0, "base": 2023, "tno_published": 22_206.0, "tno_base": 2018,
           "tno_zorgcap": 14_000.0, "ambition_published": 25_000.0, "ambition_base": 2021,
           "ambition_zorgcap": 12_500.0, "waiting_urgent": 4_100.0,
           "waiting_preference": 15_000.0, "waiting_total": 19_100.0,
           "gap_2025_total_waiting": None}


def test_the_text_words_every_figure():
    # a re-check of construction: each hand-made figure appears, formatted, in its sentence
    text = E.explanation_text(FIGURES)
    for figure in ("9,300 places short", "22,206", "25,000", "counted from 2018",
                   "in 2023", "14,000 places with stay above the places in use in 2018",
                   "12,500 places in all delivery forms above those in use in 2021",
                   "4,100 on average in 2023", "the 15,000 waiting for a preferred"):
        assert figure in text, figure
    assert "whole waiting list" not in text
    total = E.explanation_text({**FIGURES, "gap_2025_total_waiting": 24_000.0})
    assert "Counting the whole waiting list (19,100) the 2025 gap would be 24,000" in total


@needs_data
def test_the_figures_are_the_national_rollup():
    # a re-check of construction on a real run: the figures are the gap's 2025 total and
    # the national references (zorgcap.forecast.references.national_references)
    from zorgcap.forecast import gap as G
    from zorgcap.forecast.demand import project_demand
    from zorgcap.forecast.references import national_references

    gap = G.compare_capacity(project_demand("beleidsarm", to=2031))
    f = E.explanation_figures(gap)
    refs = national_references(gap).set_index("key")
    assert f["gap_2025"] == pytest.approx(gap.query("year == 2025")["gap"].sum())
    assert f["tno_zorgcap"] == refs.loc["tno_2019_shortage_2025", "zorgcap"]
    assert f["ambition_zorgcap"] == refs.loc["ambition_2025", "zorgcap"]
    assert (f["tno_base"], f["ambition_base"]) == (2018, 2021)
    text = E.explain_2025(gap)
    assert "22,206" in text and "25,000" in text and "Base year" in text
    assert "counted from those base years" in text
    with pytest.raises(ValueError, match="covers 1 of the 31"):
        E.explanation_figures(gap[gap["zk_code"] == "ZK20"])
