"""Scenarios (forecast.scenarios): built-in and TOML files."""

from __future__ import annotations

import pytest
from conftest import needs_data

from forecast import demand as D
from forecast.errors import InputError
from forecast.scenarios import load_scenarios


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
