"""The options of one forecast run: :class:`ChainConfig`, every field declared once.

Kept apart from :mod:`zorgcap.forecast.modelchain` so that the command line (its ``--help``)
and the documentation read the options without loading the model (pandas and the stages).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from .errors import expected
from .options import attributes_doc, option, validate_declared
from .schema import (
    CLUSTERED_SHARE,
    DRAWS,
    FTE_PER_PLACE,
    LAST_YEAR,
    OCCUPANCY,
    REGIONAL_EXTRA_SD,
    SEED,
    VARIANTS,
)

__all__ = ["ChainConfig", "MAX_DRAWS"]

MAX_DRAWS = 20_000  # population draws kept in memory at zorgkantoorregio level

@dataclass(frozen=True)
class ChainConfig:
    """Every option of a forecast run (validated on creation; see :meth:`validate`).

    Each field is declared once, with its type, choices, range, unit, default and help text
    (:func:`zorgcap.forecast.options.option`); the validation, the command line of
    ``zorgcap forecast``/``gap``/``report``/``monitor``, :meth:`to_dict`, the provenance and
    the attributes below are derived from that declaration.

    {attributes}
    """

    scenario: str = option(
        "trend", "the scenario: trend, beleidsarm, langer-thuis, mantelzorg or a name in "
        "--scenario-file "
        "(zorgcap.forecast.scenarios)")
    scenario_file: str | Path | None = option(
        None, "TOML file with own scenarios", kind="path", file="scenarios (TOML)",
        without="built-in scenarios")
    to: int = option(2040, "last year of the forecast", kind="int", unit="year", lo=2025,
                     hi=LAST_YEAR)
    draws: int = option(DRAWS, "Monte Carlo draws (0 = the point path only, no bands or "
                        "shortage probabilities)", kind="int", lo=0, hi=MAX_DRAWS)
    seed: int = option(SEED, "seed of every random draw of the run (population, rate paths, "
                       "plan realisation)", kind="int", lo=0, hi=2 ** 32 - 1)
    population_variant: str = option(
        "point", "the point projection or a bound of the Kernprognose interval",
        choices=tuple(VARIANTS))
    occupancy: float = option(OCCUPANCY, "share of places occupied", kind="float",
                              unit="fraction", lo=0.5, hi=1.0)
    rates: str | Path | None = option(
        None, "CSV sex,age,rate replacing the CBS usage rates", kind="path",
        file="usage rates", without="model (CBS tables)")
    calibrate: str | Path | None = option(
        None, "CSV zk_code,clients_with_stay: a planner's count of current clients per "
        "region (base year)", kind="path", file="calibration (clients)",
        without="model (CBS tables)")
    regional_factors: str = option(
        "intensity2014", "regional usage levels: each region's 2014 zzp 5-10 intensity, "
        "age-sex standardised (intensity2014, zorgcap.forecast.intensity); national rates "
        "everywhere; or (demoted) institutional residents of every kind and age per COROP "
        "(71488ned, zorgcap.forecast.regional)",
        choices=("intensity2014", "national", "71488ned"))
    regional_convergence: int | None = option(
        None, "regional_persistence: the regional factors converge to the national level by "
        "this year (none: they persist)", kind="int", unit="year", lo=2024, hi=2100,
        metavar="YEAR")
    regional_sd: float = option(
        REGIONAL_EXTRA_SD, "location_vs_residence: extra SD of the log regional intensity "
        "factor for 2014 provider location against today's client residence (0 = hardly "
        "shrunk, 0.15 or more = national rates)", kind="float", unit="log ratio", lo=0.0,
        hi=1.0, metavar="SD")
    capacity: str | Path | None = option(
        None, "capacity CSV: places in use on 1 January of the base year per region "
        "(template in data_raw/templates); covers the regions it has rows for; a plan ready "
        "in or before the base year is part of it; none: the base-year places in use "
        "(ESTIMATE capacity_from_clients)", kind="path", stage="planner", file="capacity",
        without="estimate (see assumptions)")
    plans: str | Path | None = option(
        None, "build plans CSV (template in data_raw/templates), optionally with inventories "
        "by vintage; covers the regions it has rows for (a row with places 0: a region "
        "without plans)", kind="path", stage="planner", file="build plans",
        without="estimate (see assumptions)")
    plans_elsewhere: str = option(
        "estimate", "plans of regions without rows in --plans: their share of the national "
        "estimate plans_from_national, exactly as without a file (estimate), or none "
        "(without --plans: no plans anywhere)", choices=("estimate", "none"),
        stage="planner")
    status_file: str | Path | None = option(
        None, "realisation probability per plan status (none: data_raw/plan_status.csv, or "
        "what the plans' vintages teach)", kind="path", stage="planner", file="plan status",
        without="data_raw/plan_status.csv")
    waiting: str | None = option(
        "urgent_plus_actief", "which waiting list counts as unmet demand",
        choices=("urgent_plus_actief", "total", None), stage="planner")
    waiting_file: str | Path | None = option(
        None, "a planner's regional waiting list by status (template "
        "data_raw/templates/waiting_list.csv); other regions get their share of the "
        "national list by clients in care (waiting_by_clients)", kind="path",
        stage="planner", file="regional waiting list",
        without="estimate (see assumptions)")
    fte_per_place: float = option(FTE_PER_PLACE, "care staff per place", kind="float",
                                  unit="fte per place", lo=0.0, hi=10.0, lo_open=True,
                                  stage="planner")
    staff_ratios: str | Path | None = option(
        None, "CSV zzp,fte_per_place: fte per place by zzp VV4-VV10; replaces "
        "--fte-per-place by their mean over the national zzp mix with stay", kind="path",
        stage="planner", file="fte per place by zzp",
        without="data_raw/staff_ratios.csv")
    workforce: str = option(
        "letters", "workforce scenario of the staff limit: the 2017-2020 growth of the "
        "ministry's letters goes on (letters, an upper bound) or inflow only replaces "
        "outflow (replacement)", choices=("letters", "replacement"), stage="planner")
    workforce_file: str | Path | None = option(
        None, "fte per region (template data_raw/templates/workforce.csv)", kind="path",
        stage="planner", file="fte per region",
        without="estimate (see assumptions)")
    clustered_share: float = option(
        CLUSTERED_SHARE, "clustered_share_of_vpt: share of VPT clients living clustered, "
        "whose places count toward the ambition in all delivery forms", kind="float",
        unit="fraction", lo=0.0, hi=1.0, stage="planner")
    intramural_cap: float | None = option(
        None, "reference intramural cap: places with stay held at this national number, "
        "shared over the regions by base-year capacity; the need above it must be met in "
        "clustered places (none: the run's base-year capacity; the cabinet's frame is about "
        "130,000; zorgcap.forecast.intramural_cap)", kind="float", unit="places", lo=1.0,
        hi=1_000_000.0, stage="planner", metavar="PLACES")
    reference: str = option(
        "model", "what supply is compared against: model, tno2019, ambition2025, wozo2030, "
        "ambition2031, ratio75:N or ratio80:N (N places per 1,000 aged 75+/80+; "
        "zorgcap.forecast.references)", stage="planner")
    engine: str = option(
        "numpy", "where the population draws run: numpy (this process, one core) or dask "
        "(Dask tasks: the threaded scheduler on every core, or the current "
        "dask.distributed client)", choices=("numpy", "dask"), stage="run")
    regions: tuple | None = option(
        None, "comma-separated zorgkantoorregio codes to return (none: all 31); the numbers "
        "equal the full run's", kind="codes", stage="run", metavar="ZK01,ZK02,...")
    level: tuple = option((80, 95), "interval levels of the bands", kind="levels", unit="%",
                          stage="run", metavar="80,95")
    accept_unusual: bool = option(
        False, "run on planner figures outside the plausible range for the region's size "
        "(zorgcap.forecast.plausibility); the run lists each figure and the report warns",
        kind="flag", stage="planner")
    data: str | Path | None = option(
        None, "data directory searched first (else $ZORGCAP_DATA; then the cache, "
        "../shared/data beside a checkout, the embedded snapshot)", kind="dir", cli=False,
        stage="run", metavar="DIR")

    def __post_init__(self):
        self.validate()

    def validate(self) -> None:
        """Check every option; raises :class:`ValueError` naming the option and what is valid.

        Cheap checks only (types, ranges, files that must exist, scenario names): a run that
        would fail on an argument fails here, before any expensive step.
        """
        from .demand import validate_level
        from .references import describe
        from .scenarios import get_scenario, load_scenarios

        def put(name, value):
            object.__setattr__(self, name, value)

        for name, value in validate_declared(self).items():  # choices, ranges, files
            put(name, value)
        extra = load_scenarios(self.scenario_file) if self.scenario_file else None
        get_scenario(self.scenario, extra)
        describe(self.reference)
        if self.regions is not None:
            import pandas as pd

            from zorgcap import regions as regions_mod

            codes = regions_mod.normalise_region_codes(
                [self.regions] if isinstance(self.regions, str) else list(self.regions))
            if not codes:
                raise expected("regions", self.regions, "None (all) or region codes")
            regions_mod.check_region_codes(pd.Series(codes), column="regions")
            put("regions", tuple(dict.fromkeys(codes)))
        put("level", validate_level(self.level))
        if not self.level and self.draws:
            raise expected("level", self.level, "at least one level when draws > 0")

    def to_dict(self) -> dict:
        """The options as a JSON-serialisable dict (paths as strings)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = (str(value) if isinstance(value, Path)
                           else list(value) if isinstance(value, tuple) else value)
        return out


ChainConfig.__doc__ = ChainConfig.__doc__.replace(
    "{attributes}", attributes_doc(ChainConfig).replace("\n", "\n    "))

