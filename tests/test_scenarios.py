"""Scenarios (zorgcap.forecast.scenarios): built-in and TOML files."""

from __future__ import annotations

import pytest
from conftest import needs_data, refuses

from zorgcap.forecast import demand as D
from zorgcap.forecast.errors import InputError
from zorgcap.forecast.scenarios import load_scenarios


@needs_data
def test_user_scenario_file(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('[scenario.krimp]\nrates = "constant"\nrate_change = -0.01\n',
                    encoding="utf-8")
    f = D.project_demand("krimp", to=2030, scenario_file=path, regions=["ZK07"])
    b = D.project_demand("beleidsarm", to=2030, regions=["ZK07"])
    ratio = (f.set_index("year").clients_with_stay / b.set_index("year").clients_with_stay)
    assert ratio[2030] == pytest.approx(0.99 ** 7)
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario.x]\nrates = "sometimes"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.toml, column 'scenario.x': rates"):
        load_scenarios(bad)


@pytest.mark.parametrize("body,match", [
    ("[scenario.x]\nhome_share = true\n", r"home_share = True \(bool\): input should be a valid "
                                          r"number.*Fix: give a share between 0 and 1"),
    ('[scenario.x]\nhome_share = "abc"\n', r"home_share = 'abc' \(str\).*valid number"),
    ('[scenario.x]\nhome_share = "0.3"\n', r"home_share = '0.3' \(str\)"),
    ("[scenario.x]\nhome_share = 1.5\n", r"home_share = 1.5.*less than or equal to 1"),
    ("[scenario.x]\nrate_change = nan\n", r"rate_change = nan"),
    ("[scenario.x]\noosr_elasticity = inf\n", r"oosr_elasticity = inf"),
    ("[scenario.x]\nrates = 5\n", r"rates = 5 \(int\).*'constant' or 'trend'"),
    ("[scenario.x]\nhomeshare = 0.3\n", r"unknown key\(s\) \['homeshare'\]"),
    ("scenario = 5\n", r"scenario = 5 is not a table of scenarios"),
    ("[scenario]\nx = 5\n", r"scenario.x = 5 is not a table"),
    ("[scenarios.x]\nrates = 'trend'\n", r"unknown top-level key\(s\) \['scenarios'\]"),
    ("[scenario.trend]\nhome_share = 0.5\n", r"'trend' is a built-in scenario.*another name"),
    ("[scenario.x\n", r"cannot be read as TOML"),
    ("", r"defines no \[scenario.NAME\] table"),
])
def test_bad_scenario_files_are_refused_by_the_declared_schema(tmp_path, body, match):
    refuses(tmp_path, "s.toml", body, load_scenarios, "(?s)" + match)


def test_good_scenario_file_keeps_its_numbers(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('[scenario.mijn]\nrates = "trend"\nhome_share = 1\nrate_change = -0.005\n'
                    'description = "eigen"\n', encoding="utf-8")
    s = load_scenarios(path)["mijn"]
    assert (s.rates, s.home_share, s.rate_change, s.oosr_elasticity, s.description) == (
        "trend", 1.0, -0.005, 0.0, "eigen")
