"""Named demand scenarios, and user-defined ones from a small TOML file.

Built in
--------
``beleidsarm``
    Constant base-year usage rates by age and sex (the TNO 2019 convention: "policy-poor",
    demand follows demography only).
``trend``
    Usage rates move with the time-series forecast of the national age-standardised rate
    (:mod:`zorgcap.forecast.timeseries`, fitted on 2015-2024, after the Wlz reform) and the share of
    V&V clients served at home (VPT/MPT) follows its 2015-2023 trend.
``langer-thuis``
    Constant rates, but a share ``home_share`` (default 0.25) of the demand *above the base
    year* is met by VPT at home instead of with stay.
``mantelzorg``
    Constant rates times an informal-care factor ``(OOSR_t / OOSR_base) ** -elasticity``:
    the Oldest Old Support Ratio (people aged 50-74 per person aged 85+, the PBL indicator;
    TNO 2020 used its regional development) falls as the 85+ grow, fewer informal carers are
    available per old person and more people need a place (``assumption oosr_elasticity``,
    default 0.3: no published elasticity was found; set your own).

A scenario file (TOML)::

    [scenario.mijn-regio]
    description = "trend, en 30% van de groei thuis"
    rates = "trend"          # "constant" or "trend"
    home_share = 0.30        # share of growth above the base year met at home [0-1]
    rate_change = -0.005     # extra yearly change of all rates [fraction per year]
    oosr_elasticity = 0.3    # response of usage to the Oldest Old Support Ratio [-]
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .assumption import RunText
from .errors import InputError, display_path

__all__ = ["Scenario", "ScenarioSpec", "SCENARIOS", "load_scenarios", "get_scenario"]


@dataclass(frozen=True)
class Scenario:
    """A demand scenario.

    Attributes
    ----------
    name : str
    rates : {"constant", "trend"}
    home_share : float   share of demand growth above the base year met at home [fraction]
    rate_change : float  extra multiplicative change of all rates [fraction per year]
    oosr_elasticity : float  usage multiplier (OOSR_t / OOSR_base) ** -elasticity [-]
    description : str
    """

    name: str
    rates: str = "constant"
    home_share: float = 0.0
    rate_change: float = 0.0
    description: str = ""
    oosr_elasticity: float = 0.0


SCENARIOS = {
    "beleidsarm": Scenario("beleidsarm", "constant", 0.0, 0.0,
                           RunText("scenario_beleidsarm")),
    "trend": Scenario("trend", "trend", 0.0, 0.0, RunText("scenario_trend")),
    "langer-thuis": Scenario("langer-thuis", "constant", 0.25, 0.0,
                             RunText("scenario_langer_thuis")),
    "mantelzorg": Scenario("mantelzorg", "constant", 0.0, 0.0,
                           RunText("scenario_mantelzorg"), oosr_elasticity=0.3),
}


class ScenarioSpec(BaseModel):
    """The declared schema of one ``[scenario.NAME]`` table of a scenario file.

    Strict types: a number must be a TOML number (``home_share = true`` or ``"0.3"`` is
    refused, not converted), ``nan``/``inf`` are refused, unknown keys are refused.
    """

    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)

    description: str = ""
    rates: Literal["constant", "trend"] = "constant"
    home_share: float = Field(0.0, ge=0, le=1)
    rate_change: float = Field(0.0, gt=-0.2, lt=0.2)
    oosr_elasticity: float = Field(0.0, ge=0, le=2)


_FIXES = {
    "description": "give a text in quotes, e.g. description = \"trend, 30% thuis\".",
    "rates": "use \"constant\" or \"trend\".",
    "home_share": "give a share between 0 and 1 as a number, e.g. home_share = 0.25.",
    "rate_change": "give a fraction per year between -0.2 and 0.2 as a number, e.g. "
                   "rate_change = -0.005 for -0.5%/year.",
    "oosr_elasticity": "give an elasticity between 0 and 2 as a number, e.g. 0.3.",
}


def load_scenarios(path) -> dict[str, Scenario]:
    """Read user-defined scenarios from a TOML file (see the module docstring).

    Every ``[scenario.NAME]`` table is checked against :class:`ScenarioSpec`; a name of a
    built-in scenario is refused (it would silently replace it). Raises
    :class:`InputError` naming the file, the scenario and key, the value and the fix.
    """
    path = Path(path)
    where_file = display_path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"cannot be read as TOML ({exc})", file=where_file,
                         fix="see the example in forecast/scenarios.py.") from None
    unknown = sorted(set(raw) - {"scenario"})
    if unknown:
        raise InputError(f"unknown top-level key(s) {unknown}", file=where_file,
                         fix="put every scenario in a [scenario.NAME] table.")
    tables = raw.get("scenario", {})
    if not isinstance(tables, dict):
        raise InputError(f"scenario = {tables!r} is not a table of scenarios",
                         file=where_file, fix="write [scenario.NAME] sections, e.g. "
                         "[scenario.mijn-regio] with rates = \"trend\".")
    out = {}
    for name, spec in tables.items():
        where = {"file": where_file, "column": f"scenario.{name}"}
        if not isinstance(spec, dict):
            raise InputError(f"scenario.{name} = {spec!r} is not a table", **where,
                             fix=f"write a [scenario.{name}] section with its keys.")
        if name in SCENARIOS:
            raise InputError(f"scenario '{name}' is a built-in scenario; a file may not "
                             "replace it under the same name", **where,
                             fix=f"give your scenario another name, e.g. [scenario.{name}-eigen].")
        try:
            checked = ScenarioSpec.model_validate(spec)
        except ValidationError as exc:
            err = exc.errors()[0]
            key = str(err["loc"][0]) if err["loc"] else ""
            if err["type"] == "extra_forbidden":
                raise InputError(f"unknown key(s) {sorted(set(spec) - set(_FIXES))}", **where,
                                 fix=f"use {', '.join(sorted(_FIXES))}.") from None
            value = spec.get(key)
            raise InputError(f"{key} = {value!r} ({type(value).__name__}): "
                             f"{err['msg'][0].lower()}{err['msg'][1:]}", **where,
                             fix=_FIXES.get(key, "see forecast/scenarios.py.")) from None
        out[name] = Scenario(name, checked.rates, checked.home_share, checked.rate_change,
                             checked.description, checked.oosr_elasticity)
    if not out:
        raise InputError("defines no [scenario.NAME] table", file=where_file,
                         fix="add at least one [scenario.NAME] section.")
    return out


def get_scenario(name: str, extra: dict | None = None) -> Scenario:
    """The scenario ``name`` among the built-in and ``extra`` ones; ValueError lists valid."""
    known = {**SCENARIOS, **(extra or {})}
    if name not in known:
        raise ValueError(f"`scenario` was {name!r} but is expected to be in {sorted(known)}")
    return known[name]
