"""Constants of the model and the columns, with units, of every tidy frame zorgcap returns.

One place for what several modules share: the age and sex axes of every ``(…, sex, age)``
array, the base years, the step years of the tables, the default occupancy and staffing,
the quantiles of the Monte Carlo bands, and the documented columns of each frame. Code
imports these names from here rather than from each other, so that the data layer, the
regions and the model can be used apart (this module imports numpy only).

Frames are tidy (long) pandas frames with stable lower_snake_case columns. Each
``*_COLUMNS`` dict maps a column to its description with the unit in brackets; a column
with Monte Carlo bands also has the band limits :func:`band_columns` names
(``<column>_lo_95`` ... ``<column>_hi_95``, :data:`QUANTILES` of the draws) when the run has
draws.

Examples
--------
>>> from zorgcap.forecast import schema
>>> schema.band_columns("gap")
['gap_lo_95', 'gap_lo_80', 'gap', 'gap_hi_80', 'gap_hi_95']
>>> schema.DEMAND_COLUMNS["places_needed"].split(";")[0]
'nursing-home places needed: clients_with_stay / occupancy [places]'
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "SEED",
    "VARIANTS",
    "DRAWS",
    "AGES",
    "AGE_GROUPS_OLD",
    "AMBITION_COLUMNS",
    "TARGETS_COLUMNS",
    "INTRAMURAL_CAP_COLUMNS",
    "STAFF_COLUMNS",
    "MONITOR_COLUMNS",
    "PLAN_CHANGES_COLUMNS",
    "TARGET_REACH_COLUMNS",
    "REALISATION_COLUMNS",
    "PLAN_ENTRIES_COLUMNS",
    "BAND_SUFFIXES",
    "BASE_YEAR",
    "DECOMPOSITION_COLUMNS",
    "DEMAND_BASE_YEAR",
    "DEMAND_COLUMNS",
    "FRAMES",
    "FTE_PER_PLACE",
    "CLUSTERED_SHARE",
    "GAP_COLUMNS",
    "GEMEENTEN_COLUMNS",
    "INTERVAL_SUFFIXES",
    "LAST_YEAR",
    "NATIONAL_POPULATION_COLUMNS",
    "NATIONAL_SUMMARY_COLUMNS",
    "NATIONAL_DEMOGRAPHY_COLUMNS",
    "GEMEENTE_NEED_COLUMNS",
    "OCCUPANCY",
    "OPEN_AGE",
    "POPULATION_COLUMNS",
    "POPULATION_GEMEENTE_COLUMNS",
    "QUANTILES",
    "REFERENCES_COLUMNS",
    "REGIONAL_EXTRA_SD",
    "REGIONAL_INTENSITY_COLUMNS",
    "REGIONS_COLUMNS",
    "SEXES",
    "STEP_YEARS",
    "TREND_WINDOW",
    "USAGE_RATES_COLUMNS",
    "band_columns",
]

# --- axes ------------------------------------------------------------------------------

#: Lower bound of the open age group: single ages 0..94 and 95 meaning 95+ [years].
OPEN_AGE = 95
#: The age axis of every (…, sex, age) array and the ``age`` column of every frame [years].
AGES = np.arange(OPEN_AGE + 1)
AGES.setflags(write=False)
#: The sex axis of every (…, sex, age) array, in this order, and the values of ``sex``.
SEXES = ("male", "female")
#: The old-age groups whose persons the demand and gap frames report [years and over].
AGE_GROUPS_OLD = (75, 80, 85)

# --- years -----------------------------------------------------------------------------

#: Base year of the population projection: the regional population by age exists for
#: 1 January 2021 only (CBS 83502NED) [year].
BASE_YEAR = 2021
#: Base year of demand and gap: the last year of observed Wlz V&V clients (CBS 84529NED),
#: to which the usage rates are levelled [year].
DEMAND_BASE_YEAR = 2023
#: Last year of a projection: the end of the PBL/CBS regional prognosis 2023-2050 [year].
LAST_YEAR = 2050
#: ``location_vs_residence``: extra SD of the log regional intensity factor for using the
#: 2014 provider location for today's client residence [log ratio] (zorgcap.forecast.intensity).
REGIONAL_EXTRA_SD = 0.10
#: The years the summary tables, maps and reports show [year].
STEP_YEARS = (2025, 2030, 2035, 2040)
#: Years the usage-rate trend model is fitted on [year]: every year of CBS 37620; the window
#: rule itself is ``zorgcap.forecast.timeseries.SHIPPED_TREND`` (the same in the backtest).
TREND_WINDOW = (1995, 2024)

# --- defaults of the demand and gap arithmetic ----------------------------------------

#: Variants of the CBS Kernprognose (table 85743NED): the point projection and the bounds of
#: its 67% and 95% intervals, with the label of ``PrognoseInterval`` in the table.
VARIANTS = {"point": "Prognose", "low67": "Ondergrens 67%-prognose-interval",
            "high67": "Bovengrens 67%-prognose-interval",
            "low95": "Ondergrens 95%-prognose-interval",
            "high95": "Bovengrens 95%-prognose-interval"}
#: Seed of every random draw of a run when none is given (population, rate paths, plan
#: realisation, the monitor's reach draws): one constant, so two runs with the defaults agree.
SEED = 20240101
#: Monte Carlo draws of a run when none are given (``--draws``) [draws].
DRAWS = 200
#: Share of places occupied (``assumption occupancy_rate``): NZa counted about 3,900 empty
#: places in August 2020 against about 120,000 residents (NZa via Reformatorisch Dagblad,
#: September 2020), a vacancy of the COVID time that the ministry's letters call temporary;
#: settable (``--occupancy``) [fraction].
OCCUPANCY = 0.97
#: Care staff per place (``assumption fte_per_place``; no transcribed public figure, set
#: your own) [fte per place].
FTE_PER_PLACE = 1.2
#: Share of VPT clients living clustered, i.e. in a place that counts toward the ambition
#: "in verschillende leveringsvormen" (``assumption clustered_share_of_vpt``; CBS 84529NED
#: does not split VPT; no retrievable public figure: set your own) [fraction].
CLUSTERED_SHARE = 0.5

# --- Monte Carlo bands -----------------------------------------------------------------

#: Quantiles a run with draws reports: the limits of the 95% and 80% intervals and the
#: median [fraction].
QUANTILES = (0.025, 0.1, 0.5, 0.9, 0.975)
#: Column suffix of each of :data:`QUANTILES` ("" for the median, which keeps the name).
BAND_SUFFIXES = ("_lo_95", "_lo_80", "", "_hi_80", "_hi_95")
#: The interval limits only (the suffixes without the median), in :data:`QUANTILES` order.
INTERVAL_SUFFIXES = tuple(s for s in BAND_SUFFIXES if s)


def band_columns(column: str, median: bool = True) -> list[str]:
    """The columns of ``column`` and its band limits, in :data:`QUANTILES` order.

    Parameters
    ----------
    column : str
        A banded column, e.g. ``"places_needed"``.
    median : bool, default True
        Include ``column`` itself (the median of the draws).
    """
    return [column + s for s in BAND_SUFFIXES if median or s]


# --- columns of the tidy frames --------------------------------------------------------

_ZK_CODE = "zorgkantoorregio code, ZK01 ... ZK33"
_ZK_NAME = "zorgkantoorregio name (CBS Gebieden in Nederland)"
_SCENARIO = "scenario name (beleidsarm, trend, langer-thuis or a scenario file's)"
_BANDS = "; with draws also the band limits ``{c}_lo_95 … {c}_hi_95``"
_LEVEL_BANDS = ("; the point path (central number, see zorgcap.forecast.demand.run_demand); with "
                "draws also ``{c}_lo_<level>, {c}_hi_<level>`` per interval level [%] "
                "(default 80 and 95): quantiles of the draws")

#: Gemeente -> regions of one indeling: ``zorgcap.regions.gemeenten(year)``,
#: ``zorgcap.forecast.io.load_gebieden``.
GEMEENTEN_COLUMNS = {
    "year": "indeling year: the gemeenten of 1 January [year]",
    "gm_code": "gemeente code, GM + 4 digits",
    "gm_name": "gemeente name",
    "zk_code": _ZK_CODE,
    "zk_name": _ZK_NAME,
    "pv_code": "provincie code, PV20 ... PV31",
    "pv_name": "provincie name",
    "corop_code": "COROP region code, CR01 ... CR40",
    "corop_name": "COROP region name",
    "cbs_table": "CBS table id of the indeling",
}

#: The 31 regions of one indeling: ``zorgcap.regions.zorgkantoorregios(year)``.
REGIONS_COLUMNS = {
    "zk_code": _ZK_CODE,
    "zk_name": _ZK_NAME,
    "n_gemeenten": "gemeenten in the region [count]",
    "pv_codes": "provinces the region lies in, ';'-separated",
}

#: Population 1-1-2021 by gemeente x 5-year band x sex:
#: ``zorgcap.forecast.io.load_population_gemeente``.
POPULATION_GEMEENTE_COLUMNS = {
    "year": "reference date 1 January [year]",
    "gm_code": "gemeente code as in the source (2021 indeling)",
    "age_band": "5-year age band, '0-4' ... '90-94', '95+'",
    "age_lo": "lower bound of the band [years]",
    "sex": "male or female",
    "persons": "inhabitants [persons]",
}

#: National population by single age x sex (CBS 37620): ``population.national_single_ages``.
NATIONAL_POPULATION_COLUMNS = {
    "year": "1 January [year]",
    "sex": "male or female",
    "age": f"single age, {OPEN_AGE} = {OPEN_AGE}+ [years]",
    "persons": "persons in households: the population [persons]",
    "institutional": "persons in institutional households [persons] (CBS 37620 loaders only)",
}

#: Projected population: ``zorgcap.forecast.project_population`` (``<level>_code`` is ``gm_code``,
#: ``zk_code``, ``pv_code`` or ``corop_code``).
POPULATION_COLUMNS = {
    "year": "1 January [year]",
    "<level>_code": "region code of the output level (gm_code: 2021 indeling)",
    "<level>_name": "region name (not for gemeenten)",
    "sex": "male or female",
    "age": f"single age, {OPEN_AGE} = {OPEN_AGE}+ [years]",
    "persons": "projected inhabitants [persons]; with draws their median"
               + _BANDS.format(c="persons"),
}

#: Usage rates of the base year: ``zorgcap.forecast.usage.usage_rates``.
USAGE_RATES_COLUMNS = {
    "sex": "male or female",
    "age": f"single age, {OPEN_AGE} = {OPEN_AGE}+ [years]",
    "institutional_rate": "persons in institutions per person (CBS 37620) [per person]",
    "nursing_share": "share of institutional residents in a care or nursing home "
                     "(CBS 70791ned, 2011-2013) [fraction]",
    "rate": "Wlz V&V clients with stay per person [per person]",
    "kappa": "levelling factor: observed clients with stay of the base year / what the "
             "unlevelled rates give, the same in every row [-]",
}

#: Demand per region and year: ``zorgcap.forecast.project_demand``.
DEMAND_COLUMNS = {
    "year": "[year], the demand base year to `to`",
    "zk_code": _ZK_CODE,
    "zk_name": _ZK_NAME,
    "scenario": _SCENARIO,
    "clients_with_stay": "Wlz V&V clients (zzp VV4-VV10) with care with stay [persons]"
                         + _LEVEL_BANDS.format(c="clients_with_stay"),
    "clients_at_home": "Wlz V&V clients with VPT or MPT at home [persons]",
    "places_needed": "nursing-home places needed: clients_with_stay / occupancy [places]"
                     + _LEVEL_BANDS.format(c="places_needed"),
    "persons_75plus": "inhabitants aged 75+ [persons]",
    "persons_80plus": "inhabitants aged 80+ [persons]",
    "persons_85plus": "inhabitants aged 85+ [persons]",
    "oosr": "Oldest Old Support Ratio: persons aged 50-74 per person aged 85+ [persons per "
            "person]",
}

#: National totals per year: ``zorgcap.forecast.demand.national_summary``; a run's national table
#: (``ChainResult.national``) adds the gap's totals.
NATIONAL_SUMMARY_COLUMNS = {
    "year": "[year]",
    "clients_with_stay": "sum of the regions [persons]",
    "clients_at_home": "sum of the regions [persons]",
    "places_needed": "sum of the regions [places]",
    "growth_factor": "clients_with_stay relative to the first year [-]",
    "need": "sum of the regions' need [places]; with draws ``need_lo_<level>, "
            "need_hi_<level>``: quantiles of the national total over the draws",
    "capacity": "sum of the regions' base-year capacity [places]",
    "supply": "sum of the regions' supply [places]",
    "gap": "national need - supply [places]; with draws ``gap_lo_<level>, gap_hi_<level>``",
    "need_clustered": "sum of the regions' need for clustered VPT places [places]",
    "supply_clustered": "sum of the regions' clustered VPT supply [places]",
    "gap_all_forms": "sum of the regions' gap in all delivery forms [places]",
    "p_short": "share of the draws whose national need exceeds the national supply "
               "[probability]",
}

#: The national shortage from demography alone (``ChainResult.national_demography``): the
#: run's demand with the usage rates held at the base year (scenario beleidsarm).
NATIONAL_DEMOGRAPHY_COLUMNS = {
    "year": "[year]",
    "scenario": "always beleidsarm: usage rates held at the base year [name]",
    "places_needed": "sum of the regions' places needed at base-year rates [places]",
    "need": "places_needed plus each region's waiting list, as the gap counts it [places]; "
            "with draws ``need_lo_<level>, need_hi_<level>``: quantiles of the national "
            "total over the draws",
    "supply": "national supply, the same as the run's [places]",
    "gap": "need - supply [places]; > 0 short; with draws ``gap_lo_<level>, "
           "gap_hi_<level>``",
    "p_short": "share of the draws whose national need exceeds the supply [probability]",
}

#: Each gemeente's part of its region's need (``ChainResult.gemeente_need``,
#: ``zorgcap.forecast.apportion``).
GEMEENTE_NEED_COLUMNS = {
    "gm_code": "gemeente code (indeling 2025)",
    "gm_name": "gemeente name",
    "zk_code": _ZK_CODE,
    "zk_name": _ZK_NAME,
    "year": "[year], the demand base year to `to`",
    "persons_85plus": "inhabitants aged 85+ [persons]",
    "expected_clients": "clients with stay the gemeente's population would have at the "
                        "national base-year usage rates [clients]",
    "share": "expected_clients as a share of the region's [fraction]",
    "need": "the gemeente's part of the region's need: share x the region's need "
            "[places]",
}

#: Gap between need and supply per region and year: ``zorgcap.forecast.compare_capacity``.
GAP_COLUMNS = {
    "year": "[year]",
    "zk_code": _ZK_CODE,
    "zk_name": _ZK_NAME,
    "scenario": _SCENARIO,
    "places_needed": "places needed by the demand model [places]",
    "need": "places_needed x (1 + waiting-list share) [places]",
    "capacity": "places with stay in the base year [places]",
    "plans_expected": "expected places with stay added by build plans up to the year [places]",
    "supply": "capacity + plans_expected [places]",
    "gap": "need - supply, > 0: places short [places]" + _LEVEL_BANDS.format(c="gap"),
    "p_short": "share of draws with need > supply (runs with draws) [probability]",
    "p_closed": "1 - p_short (runs with draws) [probability]",
    "persons_75plus": "inhabitants aged 75+ [persons]",
    "persons_80plus": "inhabitants aged 80+ [persons]",
    "persons_85plus": "inhabitants aged 85+ [persons]",
    "oosr": "persons aged 50-74 per person aged 85+ [persons per person]",
    "fte_needed": "need x fte per place (adjusted for a change of absenteeism) [fte]",
    "fte_gap": "gap x fte per place [fte]",
    "fte_available": "fte the workforce scenario (or a planner's file) gives the region "
                     "[fte]",
    "fte_source": "'ESTIMATE staff_in_balance_base_year' or the planner's workforce file",
    "places_staffable": "places the available fte can run [places]",
    "places_usable": "min(supply_with_stay, places_staffable): built and staffed [places]",
    "gap_usable": "need - places_usable, > 0: places short counting both limits [places]",
    "binding_limit": "which limit stops the region from meeting need: building, staff or "
                     "none [name]",
    "need_clustered": "places of clustered VPT needed: clients at home x VPT share x "
                      "clustered share / occupancy [places]",
    "capacity_clustered": "clustered VPT places in the base year (capacity file "
                          "vpt_capacity, else the base-year need) [places]",
    "plans_clustered_expected": "expected clustered places added by plans (geclusterd, vpt) "
                                "up to the year [places]",
    "supply_with_stay": "places with stay: capacity + plans_expected (= supply) [places]",
    "supply_clustered": "capacity_clustered + plans_clustered_expected [places]",
    "gap_with_stay": "need - supply_with_stay (= gap) [places]",
    "gap_all_forms": "need + need_clustered - supply_with_stay - supply_clustered: the gap "
                     "in every delivery form the ambition counts [places]",
    "reference": "what supply is compared against in reference_need (model, tno2019, ...)",
    "reference_need": "need according to the reference, counted from its own base year and "
                      "in its own delivery forms [places]",
    "reference_gap": "reference_need - supply in the reference's delivery forms [places]",
    "capacity_source": "planner file, or 'ESTIMATE …' where none was given",
    "waiting_base": "persons on the region's waiting list in the base year (planner file, "
                    "or the national list allocated by the named rule) [persons]",
    "waiting_source": "planner file, 'ESTIMATE waiting_by_<rule>' or 'none'",
    "plans_source": "planner file, 'ESTIMATE …' or 'none'",
    "clustered_source": "planner file, or 'ESTIMATE clustered_from_clients'",
}

#: What drives each region's change in need: ``zorgcap.forecast.decomposition``; the five
#: parts sum to ``total`` and ``base + total = need``.
DECOMPOSITION_COLUMNS = {
    "zk_code": _ZK_CODE,
    "zk_name": _ZK_NAME,
    "year_from": "base year of the change [year]",
    "year_to": "year of the change [year]",
    "base": "need in the base year: places in use + the places the waiting list needs (the "
            "gap table's base-year need) [places]",
    "base_in_use": "places in use in the base year [places]",
    "base_waiting": "places the base-year waiting list needs [places]",
    "population": "growth of the number of inhabitants [places]",
    "ageing": "change of the age-sex structure [places]",
    "usage_rates": "change of usage rates: trend, own rate changes, regional factors "
                   "converging to the national level [places]",
    "informal_care": "change of the informal-care (OOSR) factor [places]",
    "care_at_home": "growth met at home instead of with stay [places]",
    "total": "sum of the five parts: the change after the base year [places]",
    "need": "need in year_to [places]",
    "regional_level": "part of need due to the region's intensity rather than its "
                      "demography: need minus need at national rates (not a part of total) "
                      "[places]",
}

#: The regional intensity index: ``zorgcap.forecast.intensity.intensity_factors`` plus the columns
#: the chain adds (``ChainResult.regional_intensity``).
REGIONAL_INTENSITY_COLUMNS = {
    "zk_code": _ZK_CODE,
    "zk_name": _ZK_NAME,
    "observed": "clients with zzp 5-10 in 2014 by provider location (CIZ via Deloitte State "
                "of the State Zorg 2015), mapped to today's regions [clients]",
    "expected": "clients 2014 at the national age-sex profile, levelled to the observed "
                "national total [clients]",
    "ratio": "indirectly standardised ratio observed / expected, unshrunk [ratio]",
    "factor": "regional intensity index: ratio shrunk toward 1 (empirical Bayes), weighted "
              "mean 1 [ratio to national rates]",
    "factor_lo_95": "lower bound of the 95% band of factor [ratio]",
    "factor_hi_95": "upper bound of the 95% band of factor [ratio]",
    "factor_used": "base-year level of the run's demand: the observed ratio rescaled to the "
                   "national base-year total (1 with national rates; a planner's "
                   "calibration where given) [ratio]",
    "log_sd": "posterior SD of log(factor) [log ratio]",
    "shrinkage": "weight of 1 in the shrunk factor, 0-1 [fraction]",
    "capacity_share_2014": "region's share of the national 2014 zzp 5-10 supply, by "
                           "provider location [fraction]",
    "source": "where the index comes from",
}

#: The national rollup next to public reference figures:
#: ``zorgcap.forecast.references.national_references``.
REFERENCES_COLUMNS = {
    "key": "key of the figure in data_raw/reference_figures.csv [name]",
    "reference": "the published figure, with its source",
    "year": "year the figure is for [year]",
    "base_year": "year the figure is counted from (data_raw/reference_bases.csv) [year]",
    "forms": "delivery forms the figure counts: with_stay or all_forms [name]",
    "base_in_use": "places in use in base_year in those forms (observed clients / "
                   "occupancy) [places]",
    "published": "the published number [places]",
    "zorgcap": "zorgcap's number on the nearest comparable definition [places]",
    "zorgcap_definition": "how zorgcap's number is computed",
}

#: The 25,000 extra places 2021-2025 in all delivery forms per region, counted from 2021:
#: ``zorgcap.forecast.targets.ambition_2025``.
AMBITION_COLUMNS = {
    "zk_code": _ZK_CODE,
    "zk_name": _ZK_NAME,
    "gap_2025": "gap of places with stay in 2025 [places]",
    "gap_all_forms_2025": "gap in all delivery forms in 2025 [places]",
    "ambition_share": "the region's share of the ambition, by its share of the growth of "
                      "need in all forms 2021-2025 [places]",
    "realised_2021_base": "places in use added 2021 to the base year (national observed "
                          "growth, shared by base-year capacity) [places]",
    "expected_base_2025": "expected places in all forms added by plans from the base year "
                          "to 2025 [places]",
    "counted_2021_2025": "realised_2021_base + expected_base_2025 [places]",
    "counted_minus_share": "counted_2021_2025 - ambition_share: > 0 the region is on track "
                           "[places]",
    "plans_to_2025": "net places of all plans listed ready by 2025, every form and status "
                     "but cancelled [places]",
    "plans_minus_share": "plans_to_2025 - ambition_share [places]",
}

#: National targets of extra places per region, each from its own base year:
#: ``zorgcap.forecast.targets.target_progress`` / ``targets``.
TARGETS_COLUMNS = {
    "target": "key of the published target in data_raw/reference_figures.csv [name]",
    "year": "year of the target [year]",
    "base_year": "year the target is counted from (data_raw/reference_bases.csv) [year]",
    "forms": "delivery forms the target counts: with_stay or all_forms [name]",
    "zk_code": _ZK_CODE,
    "zk_name": _ZK_NAME,
    "target_share": "the region's share of the target, by its share of the growth of need "
                    "from the base year [places]",
    "realised_to_base": "places in use added from the target's base year to the run's base "
                        "year (national observed growth, shared by base-year capacity) "
                        "[places]",
    "expected_to_year": "expected places added by plans from the run's base year to the "
                        "target's year [places]",
    "counted": "realised_to_base + expected_to_year [places]",
    "counted_minus_share": "counted - target_share: > 0 the region is on track [places]",
}

#: Clustered places needed under the intramural cap (issue 31):
#: ``zorgcap.forecast.intramural_cap.intramural_cap``.
INTRAMURAL_CAP_COLUMNS = {
    "zk_code": _ZK_CODE,
    "zk_name": _ZK_NAME,
    "year": "year [year]",
    "intramural_cap": "the region's places with stay held at the cap: the national cap "
                      "shared by base-year capacity [places]",
    "need": "need for places with stay, incl. the waiting list [places]",
    "above_cap": "need for places with stay above the cap, to be met in clustered places "
                 "[places]",
    "need_clustered": "the region's own need for clustered VPT places [places]",
    "capacity_clustered": "clustered VPT places in the base year [places]",
    "clustered_needed": "clustered places needed under the cap: need_clustered + above_cap "
                        "[places]",
    "clustered_extra": "clustered places to add from the base year under the cap: "
                       "clustered_needed - capacity_clustered [places]",
    "target_share": "the region's share of the 40,000 extra verpleegzorgplekken by 2030 "
                    "(WOZO, from 2022, all forms) [places]",
}

#: Which limit binds, where and when, per workforce scenario:
#: ``zorgcap.forecast.staff.staff_binding``.
STAFF_COLUMNS = {
    "workforce": "workforce scenario: letters (upper bound) or replacement (no net growth) "
                 "[name]",
    "zk_code": _ZK_CODE,
    "zk_name": _ZK_NAME,
    "first_short": "first year need exceeds the places built and staffed [year]",
    "first_building": "first year the buildings are the binding limit [year]",
    "first_staff": "first year staff is the binding limit [year]",
    "years_building": "years in which the buildings bind [years]",
    "years_staff": "years in which staff binds [years]",
    "last_limit": "binding limit in the last year: building, staff or none [name]",
}

# --- progress over time: plan inventories (issue 31) ----------------------------------

#: ``monitor.csv`` of ``zorgcap monitor`` (:func:`zorgcap.forecast.monitor.monitor_table`;
#: names fixed by issue 31).
MONITOR_COLUMNS = {
    "zk_code": "zorgkantoorregio code, or NL for the country",
    "vintage": "date of the inventory [YYYY-MM-DD]",
    "year": "year the places are (were) ready [year]",
    "planned_places": "net places listed for the year in the inventory, every status but "
                      "cancelled, closures negative [places]",
    "realised_places": "of those, places with status realised (NL from the national "
                       "history: the observed net change of places in use) [places]",
}

#: What became of the open places of one inventory in the next
#: (:func:`zorgcap.forecast.monitor.plan_changes`).
PLAN_CHANGES_COLUMNS = {
    "zk_code": "zorgkantoorregio code, or NL (sum of the regions)",
    "vintage_from": "the earlier inventory [YYYY-MM-DD]",
    "vintage_to": "the next inventory of the region [YYYY-MM-DD]",
    "open_places": "places of the expansions still open (idea, planned, under "
                   "construction) in vintage_from [places]",
    "realised_places": "of those, realised in vintage_to [places, as planned]",
    "slipped_places": "of those, still open in vintage_to with a later year_ready [places]",
    "on_time_places": "of those, still open in vintage_to with the same or an earlier "
                      "year_ready [places]",
    "vanished_places": "of those, cancelled or no longer listed in vintage_to [places]",
    "resized_places": "change of the places of the projects still listed in vintage_to "
                      "(realised or open) [places]",
    "new_places": "places of expansions first listed in vintage_to [places]",
    "slipped_years": "mean years the slipped places moved, weighted by places [years]",
}

#: Progress toward each national target (:func:`zorgcap.forecast.monitor.target_reach`).
TARGET_REACH_COLUMNS = {
    "target": "key of the target in data_raw/reference_figures.csv",
    "year": "year of the target [year]",
    "base_year": "year the target is counted from [year]",
    "forms": "delivery forms the target counts: with_stay or all_forms",
    "zk_code": "zorgkantoorregio code, or NL",
    "zk_name": "zorgkantoorregio name, or Nederland",
    "target_share": "the region's share of the target [places]",
    "realised_to_base": "places added from the target's base year to the run's base year "
                        "(national observed growth shared by capacity) [places]",
    "expected_to_year": "expected places added by plans from the run's base year to the "
                        "target's year [places]",
    "counted": "realised_to_base + expected_to_year [places]",
    "counted_minus_share": "counted - target_share, > 0: on track [places]",
    "p_reach": "share of plan draws (realisation and delay by status) in which "
               "realised_to_base + the places realised by the target's year reach the share "
               "[probability]",
    "realised_listed": "net places the plans history lists as realised from the target's "
                       "base year to the run's base year (both included), newest inventory "
                       "of the region (the planner's count; not added to counted) [places]",
}

#: Plan histories' entries into a status: :func:`zorgcap.forecast.realisation.project_entries`.
PLAN_ENTRIES_COLUMNS = {
    "project_id": "the project's id (the same in every inventory)",
    "zk_code": "zorgkantoorregio of the project at entry",
    "status": "status the project entered: idea, planned or under_construction",
    "vintage": "inventory the project entered the status in [date YYYY-MM-DD]",
    "year_planned": "year_ready at entry: the year the places were planned for [year]",
    "outcome": "realised, cancelled, vanished or open",
    "years_after_planned": "time of the outcome (open: of the last inventory) after "
                           "year_planned [years]",
    "event": "1 realised, 2 cancelled or vanished (competing), 0 open (censored)",
}

#: Columns of ``realisation.csv`` (:attr:`zorgcap.forecast.realisation.Realisation.curve`),
#: names fixed by issue 31.
REALISATION_COLUMNS = {
    "status": "plan status",
    "years_after_planned": "years after the planned year_ready [years]",
    "p_realised": "share of the status's projects realised within years_after_planned "
                  "[probability]",
    "n_projects": "projects of the history behind the number (0: the default) [projects]",
    "source": "history (learned from the inventories, shrunk toward the default) or default",
}


#: Every documented frame by name.
FRAMES = {
    "gemeenten": GEMEENTEN_COLUMNS,
    "regions": REGIONS_COLUMNS,
    "population_gemeente": POPULATION_GEMEENTE_COLUMNS,
    "national_population": NATIONAL_POPULATION_COLUMNS,
    "population": POPULATION_COLUMNS,
    "usage_rates": USAGE_RATES_COLUMNS,
    "demand": DEMAND_COLUMNS,
    "national_summary": NATIONAL_SUMMARY_COLUMNS,
    "national_demography": NATIONAL_DEMOGRAPHY_COLUMNS,
    "gemeente_need": GEMEENTE_NEED_COLUMNS,
    "gap": GAP_COLUMNS,
    "decomposition": DECOMPOSITION_COLUMNS,
    "regional_intensity": REGIONAL_INTENSITY_COLUMNS,
    "references": REFERENCES_COLUMNS,
    "ambition": AMBITION_COLUMNS,
    "targets": TARGETS_COLUMNS,
    "intramural_cap": INTRAMURAL_CAP_COLUMNS,
    "staff": STAFF_COLUMNS,
    "monitor": MONITOR_COLUMNS,
    "plan_changes": PLAN_CHANGES_COLUMNS,
    "target_reach": TARGET_REACH_COLUMNS,
    "realisation": REALISATION_COLUMNS,
    "plan_entries": PLAN_ENTRIES_COLUMNS,
}
