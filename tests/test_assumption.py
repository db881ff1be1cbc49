"""Named assumptions as records (zorgcap.forecast.assumption).

Re-checks of construction: an :class:`Assumption` is its English sentence, rendered from the
catalogue's ``[en.assumption_texts]`` with the record's fields; the expected sentences below
are the texts forecast/ wrote before the records (provenance.json of a run made before this
change), typed from that file, so a changed rendering shows as a changed text.
"""

from __future__ import annotations

import pickle

import pytest

from zorgcap.forecast.assumption import Assumption


def test_an_assumption_is_its_english_text_and_keeps_its_record():
    a = Assumption("workforce_same_rate_all_regions", unit="[fraction a year]",
                   net_growth=0.0416, inflow=0.2271, outflow=0.1855, scenario="letters")
    assert a == ("the fte of every region change at the same rate, +4.16% a year (inflow "
                 "22.71% - outflow 18.55%; scenario 'letters')")
    assert (a.key, a.variant, a.unit) == ("workforce_same_rate_all_regions", "",
                                          "[fraction a year]")
    assert a.fields["net_growth"] == 0.0416 and a.scope == "national"
    with pytest.raises(AttributeError):
        a.key = "other"


def test_list_fields_are_rendered_item_by_item():
    """plan_delay and realisation_from_history: items joined by ', ' and '; ' (the texts of
    provenance.json before the records)."""
    delay = Assumption("plan_delay", delays=[{"status": "idea", "years": 2.0},
                                             {"status": "under_construction", "years": 0.5}])
    assert delay == "Poisson delay beyond year_ready, mean by status: idea 2 y, " \
                    "under_construction 0.5 y"
    learned = Assumption("realisation_from_history", "plain", projects=10.0, learned=[
        {"status": "idea", "p": 0.333, "delay": 1.84, "n": 2, "noun": "projects"},
        {"status": "planned", "p": 0.65, "delay": 0.9, "n": 1, "noun": "project"}])
    assert learned.endswith("with the weight of 10 projects: idea 0.33 realised, mean delay "
                            "1.8 y (2 projects); planned 0.65 realised, mean delay 0.9 y "
                            "(1 project)")


def test_a_record_pickles_and_an_unknown_key_is_refused():
    a = Assumption("occupancy_rate", "planner", occupancy=0.95)
    b = pickle.loads(pickle.dumps(a))
    assert b == a == "0.95 of places occupied (set by the planner)"
    assert (b.variant, b.fields) == ("planner", {"occupancy": 0.95})
    with pytest.raises(KeyError, match="no English text"):
        Assumption("occupancy_rate", "a variant nobody wrote", occupancy=0.9)
    with pytest.raises(KeyError, match="no English text"):
        Assumption("an_assumption_without_text")
