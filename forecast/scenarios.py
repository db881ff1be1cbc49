"""Named demand scenarios, and user-defined ones from a small TOML file.

Built in
--------
``beleidsarm``
    Constant base-year usage rates by age and sex (the TNO 2019 convention: "policy-poor",
    demand follows demography only).
``trend``
    Usage rates move with the time-series forecast of the national age-standardised rate
    (:mod:`forecast.timeseries`, fitted on 2015-2024, after the Wlz reform) and the share of
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

from .errors import InputError, display_path

__all__ = ["Scenario", "SCENARIOS", "load_scenarios", "get_scenario"]


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
                           "constant base-year usage rates by age and sex (TNO 2019 convention)"),
    "trend": Scenario("trend", "trend", 0.0, 0.0,
                      "usage rates and the share at home follow their fitted national trends"),
    "langer-thuis": Scenario("langer-thuis", "constant", 0.25, 0.0,
                             "constant rates; 25% of demand growth met by VPT at home"),
    "mantelzorg": Scenario("mantelzorg", "constant", 0.0, 0.0,
                           "constant rates; usage rises as the Oldest Old Support Ratio falls "
                           "(elasticity 0.3)", oosr_elasticity=0.3),
}


def load_scenarios(path) -> dict[str, Scenario]:
    """Read user-defined scenarios from a TOML file (see the module docstring)."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"cannot be read as TOML ({exc})", file=display_path(path),
                         fix="see the example in forecast/scenarios.py.") from None
    out = {}
    for name, spec in raw.get("scenario", {}).items():
        where = {"file": display_path(path), "column": f"scenario.{name}"}
        keys = {"description", "rates", "home_share", "rate_change", "oosr_elasticity"}
        unknown = set(spec) - keys
        if unknown:
            raise InputError(f"unknown key(s) {sorted(unknown)}",
                             fix=f"use {', '.join(sorted(keys))}.", **where)
        rates = spec.get("rates", "constant")
        if rates not in ("constant", "trend"):
            raise InputError(f"rates = {rates!r}", fix="use \"constant\" or \"trend\".", **where)
        share = float(spec.get("home_share", 0.0))
        if not 0 <= share <= 1:
            raise InputError(f"home_share = {share} is not between 0 and 1",
                             fix="give a share, e.g. 0.25.", **where)
        change = float(spec.get("rate_change", 0.0))
        if not -0.2 < change < 0.2:
            raise InputError(f"rate_change = {change} is not a plausible yearly change",
                             fix="give a fraction per year, e.g. -0.005 for -0.5%/year.",
                             **where)
        elasticity = float(spec.get("oosr_elasticity", 0.0))
        if not 0 <= elasticity <= 2:
            raise InputError(f"oosr_elasticity = {elasticity} is outside 0-2",
                             fix="give an elasticity such as 0.3.", **where)
        out[name] = Scenario(name, rates, share, change, spec.get("description", ""),
                             elasticity)
    if not out:
        raise InputError("defines no [scenario.NAME] table", file=display_path(path),
                         fix="add at least one [scenario.NAME] section.")
    return out


def get_scenario(name: str, extra: dict | None = None) -> Scenario:
    """The scenario ``name`` among the built-in and ``extra`` ones; ValueError lists valid."""
    known = {**SCENARIOS, **(extra or {})}
    if name not in known:
        raise ValueError(f"`scenario` was {name!r} but is expected to be in {sorted(known)}")
    return known[name]
