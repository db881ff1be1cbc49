"""Staff as a second limit on capacity: fte per place, a V&V workforce scenario, and per
region and year the places that can be staffed (issue 19).

The ministry's letters name staff as the limit on new capacity ("Na 2025 neemt die druk nog
fors toe, gegeven de ontwikkelingen op de arbeidsmarkt"). Places that are built but cannot
be staffed do not serve clients. This module gives, for each region and year, the places the
available staff can run, next to the places that are built, and says which of the two stops
the region from meeting its need.

Staff per place (``data_raw/staff_ratios.csv``, settable with a planner file)
    fte per place by zzp VV4-VV10 [fte per place]. The zzp descriptions give the average
    hours of care per week of each package (VV4 11.0-13.5, VV5 18, VV7 22 hours; the other
    packages are named assumptions). ``fte_per_place(zzp) = 1.2 x hours(zzp) / 18.045``:
    the hours scaled so that the national mix with stay of 2023 (CBS 84529NED: VV4 13,580,
    VV5 61,175, VV6 32,890, VV7 14,830, VV8 2,490, VV9b 1,140, VV10 0; weighted hours
    18.045 a week) weighs to the project's 1.2 fte per place (``assumption
    fte_proportional_to_care_hours``: all staff, including fixed presence at night, in
    proportion to the care hours of the package; 1.2 itself is ``assumption
    fte_per_place``, no public figure). :func:`fte_per_place` weighs the ratios with any
    zzp mix.

Workforce scenario (:class:`WorkforceScenario`; default :func:`letters_scenario`)
    The fte of the V&V sector change each year by inflow minus outflow:
    ``F(t+1) = F(t) x (1 + inflow_rate - outflow_rate)``. From the letters (as quoted in
    issue 19; ``data_raw/workforce.csv``):

    * outflow: "almost 5% of employees leaving per quarter" -> ``1 - (1 - 0.05)^4 = 0.1855``
      a year (``assumption workforce_outflow_from_quarterly``: 5% read as the rate, every
      quarter alike, all leavers leave the sector: an upper bound, "bijna" and job changes
      within the sector both count against it). The VWS letter of December 2019 gave a
      yearly outflow of 16% (NRC, 13 Dec 2019): the annualised figure is 2.5 points higher.
    * net growth: about 25,000 extra fte since 2017, read as 2017-2020 (4 years;
      ``assumption workforce_growth_period``) on a 2016 stock of 114,005 clients with stay
      (CBS 84529NED, VV4-VV10, 2016) / 0.97 occupancy x 1.2 fte per place = 141,037 fte
      (``assumption workforce_stock_2016``): ``g = (1 + 25,000 / 141,037)^(1/4) - 1 =
      4.16%`` a year. These were the years of the Kwaliteitskader budget (2.1 bn euro a
      year from 2021): ``assumption workforce_growth_continues`` carries that pace to 2040,
      an upper bound for the labour market the letters describe.
    * inflow: ``inflow_rate = g + outflow_rate = 0.2271`` a year (of the fte at the start
      of the year).
    * absenteeism: 7.7% (letters, a COVID year). The fte per place carry the absenteeism of
      the base year (``absenteeism_base``); only a change of absenteeism moves the places
      staffable: ``x (1 - absenteeism) / (1 - absenteeism_base)``. The default sets both to
      7.7%, so it moves nothing until a planner sets another level.

    The 16,500 fte realised against a target of 14,700 cannot be checked without their
    period (not retrieved). ``workforce_scenario("replacement")`` is the other named
    scenario: inflow only replaces outflow, the fte stay at their base level.

Staff limit (:func:`staff_limit`)
    Per region r and year t, with ``f`` fte per place and base year b:

    * ``fte_available(r, t) = F(r, b) x (1 + g)^(t - b)`` [fte], with ``F(r, b) =
      capacity(r) x f`` (``assumption staff_in_balance_base_year``: the base-year places are
      exactly staffed), or a planner's regional fte (``read_workforce_file``) grown or
      shrunk from the year of its figure at the same rate; the same rate in every region;
    * ``places_staffable = fte_available x (1 - absenteeism) / (1 - absenteeism_base) / f``
      [places];
    * ``fte_needed = need x f x (1 - absenteeism_base) / (1 - absenteeism)`` [fte] (= need x
      f when absenteeism does not change), so that ``fte_needed > fte_available`` exactly
      when ``need > places_staffable``;
    * ``places_usable = min(supply, places_staffable)`` [places] and ``gap_usable = need -
      places_usable`` [places];
    * ``binding_limit``: ``"none"`` where ``need <= places_usable`` (built and staffed
      places both cover the need); else ``"staff"`` where ``places_staffable < supply``
      (staff is the lower limit: the places short of need could not all be staffed even if
      built; equivalently ``places_staffable < min(need, supply)``); else ``"building"``
      (the built places are the lower limit; a tie counts as building: more staff without
      places serves no one). Differences below :data:`TIE` (a millionth of a place) are ties.

References
----------
VWS, letter to parliament "Stand van zaken zorg aan ouderen in het verpleeghuis en thuis",
10 June 2020 (Kamerstuk 31765 nr. 494); VWS, 2e voortgangsrapportage capaciteit en
wachtlijsten verpleeghuizen, 24 December 2020 (Kamerstuk 31765 nr. 541); NRC, 22 May 2019
and 13 December 2019 (VWS progress reports "Thuis in het Verpleeghuis"); CBS StatLine
84529NED (Wlz-indicaties; leveringsvorm en zorgzwaartepakket).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .assumption import Assumption
from .errors import (
    InputError,
    check_number,
    check_whole,
    display_path,
    expected,
    portable_path,
    spreadsheet_row,
)
from .io.datadir import data_raw_dir
from .schema import DEMAND_BASE_YEAR, FTE_PER_PLACE, LAST_YEAR, OCCUPANCY

__all__ = ["ZZP_CODES", "STAFF_COLUMNS", "WORKFORCE_SCENARIOS", "WorkforceScenario",
           "staff_ratios", "national_zzp_mix", "fte_per_place", "letters_scenario",
           "workforce_scenario", "read_workforce_file", "staff_limit", "staff_assumptions",
           "binding_years", "staff_binding"]

#: The zzp packages with stay of the V&V sector, in order of the CBS table.
ZZP_CODES = ("VV4", "VV5", "VV6", "VV7", "VV8", "VV9b", "VV10")

#: Wlz V&V clients with stay (zzp VV4-VV10) on the peildatum of 2016 [persons]: CBS
#: 84529NED, "Totaal personen", "Zin verblijf" (also ``zorgcap.forecast.usage.wlz_vv``).
CLIENTS_WITH_STAY_2016 = 114_005.0
#: Years the letters' "about 25,000 extra fte since 2017" is read to cover
#: (``assumption workforce_growth_period``) [year].
WORKFORCE_GROWTH_PERIOD = (2017, 2020)

#: A planner's fte count may be of a year up to this one [year].
LAST_COUNT_YEAR = 2030
#: Most fte a region's file may give: about 12,000 places x 5 fte per place [fte].
MAX_REGION_FTE = 60_000


def _shown(value) -> str:
    """A number from a planner file as a message shows it ('empty' for a blank cell)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return repr(value)
    return "empty" if not np.isfinite(v) and v != v else f"{v:g}"


#: Differences smaller than this count as equal in ``binding_limit`` [places].
TIE = 1e-6

#: Columns :func:`staff_limit` returns, with units.
STAFF_COLUMNS = {
    "year": "[year]",
    "zk_code": "zorgkantoorregio code, ZK01 ... ZK33",
    "fte_per_place": "care staff per place used [fte per place]",
    "fte_needed": "need x fte per place, adjusted for a change of absenteeism [fte]",
    "fte_available": "fte the workforce scenario gives the region [fte]",
    "fte_source": "'ESTIMATE staff_in_balance_base_year' or the planner's workforce file",
    "places_staffable": "places the available fte can run [places]",
    "places_usable": "min(supply, places_staffable): places built and staffed [places]",
    "gap_usable": "need - places_usable, > 0: places short [places]",
    "binding_limit": "which limit stops the region from meeting need: building, staff or none",
}

_ZZP = re.compile(r"^(?:ZZP)?\s*(?:VV)?\s*0*(\d{1,2}B?)\s*(?:VV)?$")


def _zzp_code(text) -> str | None:
    """``"VV4"``, ``"vv04"``, ``"zzp 4 VV"``, ``"4"``, ``"9b"`` -> canonical code or None."""
    m = _ZZP.match(str(text).strip().upper())
    if not m:
        return None
    code = "VV" + m.group(1).replace("B", "b")
    return code if code in ZZP_CODES else None


def _workforce_figures() -> pd.Series:
    return pd.read_csv(data_raw_dir() / "workforce.csv").set_index("key")["value"]


# --- staff per place ------------------------------------------------------------------------

def staff_ratios(path=None) -> pd.DataFrame:
    """fte per place by zzp: ``zzp, fte_per_place`` [fte per place], ``ratio_source``.

    Parameters
    ----------
    path : str or Path, optional
        A planner's file with columns ``zzp, fte_per_place`` (optional ``source, note``),
        ``,`` or ``;`` separated (:func:`zorgcap.forecast.io.planner.read_planner_csv`); zzp written
        as ``VV4``, ``4`` or ``zzp 4 VV``. Packages it leaves out are not staffed by it (a
        mix that holds them is refused by :func:`fte_per_place`). None:
        ``data_raw/staff_ratios.csv`` (module notes).

    Raises
    ------
    InputError
        Unknown zzp, a zzp listed twice, an empty or non-positive ratio, or one above 5 fte
        per place, naming the file and row.
    """
    if path is None:
        frame = pd.read_csv(data_raw_dir() / "staff_ratios.csv")
        return pd.DataFrame({"zzp": frame["zzp"], "fte_per_place": frame["fte_per_place"],
                             "ratio_source": frame["hours_source"]})
    from .io.planner import FRACTION, read_planner_csv

    where = display_path(path)
    frame = read_planner_csv(path, "staff ratios", ["zzp", "fte_per_place"],
                             numbers={"fte_per_place": FRACTION}, optional=["source", "note"])
    codes = []
    for i, raw in enumerate(frame["zzp"]):
        code = _zzp_code(raw)
        if code is None:
            raise InputError(f"zzp {raw!r} is not a V&V package with stay",
                             file=where, row=spreadsheet_row(i), column="zzp",
                             fix=f"write one of {', '.join(ZZP_CODES)}.")
        if code in codes:
            raise InputError(f"zzp {code} is listed twice", file=where,
                             row=spreadsheet_row(i), column="zzp",
                             fix="give one row per zzp.")
        codes.append(code)
        value = frame["fte_per_place"].iloc[i]
        if not np.isfinite(value) or value <= 0 or value > 5:
            raise InputError(f"fte per place {_shown(value)} of {code} is not a number in "
                             "(0, 5]",
                             file=where, row=spreadsheet_row(i), column="fte_per_place",
                             fix="enter the care staff per place in fte, e.g. 1.2.")
    source = frame["source"] if "source" in frame else pd.Series("", index=frame.index)
    return pd.DataFrame({"zzp": codes, "fte_per_place": frame["fte_per_place"].astype(float),
                         "ratio_source": [_label(path, s) for s in source]})


def _label(path, source: str) -> str:
    """The ``*_source`` text of a row of a planner file: the file (no local folder) and the
    row's own source, if given."""
    return f"planner file {portable_path(path)}" + (f": {source}" if source else "")


def national_zzp_mix(year: int = DEMAND_BASE_YEAR, data=None) -> pd.Series:
    """National Wlz V&V clients with stay by zzp in ``year`` [persons], indexed by zzp.

    CBS 84529NED, ``IndicatieGrondslag = Totaal personen``, ``LeveringsvormZorg = Zin
    verblijf`` (complete in the truncated mirror copy).
    """
    from .io.tables import read_table

    year = check_whole("year", year, 2015, LAST_YEAR)
    w = read_table("wlz_indications", data)
    w = w[(w["IndicatieGrondslag"] == "Totaal personen")
          & (w["LeveringsvormZorg"] == "Zin verblijf")]
    number = w["Zorgzwaartepakket"].str.extract(r"^zzp (\w+) VV")[0]
    w = w.assign(zzp="VV" + number.fillna("")).loc[lambda f: f["zzp"].isin(ZZP_CODES)]
    periods = w["Perioden"].astype(int)
    if year not in set(periods):
        raise ValueError(f"`year` was {year} but CBS 84529NED holds "
                         f"{periods.min()}-{periods.max()}")
    mix = w[periods == year].groupby("zzp")["PersonenMetIndicatieOpPeildatum_1"].sum()
    return mix.reindex(list(ZZP_CODES), fill_value=0.0).astype(float).rename("clients")


def fte_per_place(mix=None, ratios: pd.DataFrame | None = None,
                  year: int = DEMAND_BASE_YEAR, data=None) -> float:
    """Care staff per place for a zzp mix [fte per place].

    Parameters
    ----------
    mix : pandas.Series or dict, optional
        Clients (or shares) by zzp [persons or fraction; any scale]. None: the national mix
        with stay of ``year`` (:func:`national_zzp_mix`, CBS 84529NED).
    ratios : pandas.DataFrame, optional
        ``zzp, fte_per_place`` (:func:`staff_ratios`; default the shipped table).
    year : int, default 2023
        Year of the national mix when ``mix`` is None [year].

    Notes
    -----
    ``f = sum_z mix(z) x fte_per_place(z) / sum_z mix(z)``. With the shipped ratios and the
    2023 mix this is 1.200 (the ratios are scaled to it: module notes).

    Raises
    ------
    ValueError
        A negative or empty mix, an unknown zzp, or a zzp with clients but no ratio.
    """
    ratios = staff_ratios() if ratios is None else ratios
    r = pd.Series(ratios["fte_per_place"].to_numpy(float),
                  index=[_zzp_code(z) for z in ratios["zzp"]])
    if mix is None:
        mix = national_zzp_mix(year, data)
    mix = pd.Series(mix, dtype=float)
    codes = [_zzp_code(z) for z in mix.index]
    unknown = [z for z, c in zip(mix.index, codes, strict=True) if c is None]
    if unknown:
        raise ValueError(f"`mix` has zzp {unknown} but is expected to hold {list(ZZP_CODES)}")
    mix.index = codes
    mix = mix.groupby(level=0).sum()
    if not np.isfinite(mix.to_numpy()).all() or (mix < 0).any() or mix.sum() <= 0:
        raise ValueError(f"`mix` was {mix.to_dict()} but is expected to be non-negative "
                         "clients by zzp with a positive total")
    lacking = [z for z in mix.index if mix[z] > 0 and z not in r.index]
    if lacking:
        raise ValueError(f"the mix has clients with zzp {lacking} but the staff ratios give "
                         "no fte per place for them: add them to the ratios file")
    used = mix[mix > 0]
    return float((used * r.reindex(used.index)).sum() / used.sum())


# --- workforce scenario ---------------------------------------------------------------------

@dataclass(frozen=True)
class WorkforceScenario:
    """How the V&V workforce changes each year (checked when made).

    Parameters
    ----------
    inflow_rate : float
        Gross inflow per year as a share of the fte at the start of the year [fraction per
        year], 0-1.
    outflow_rate : float
        Outflow per year as a share of the fte at the start of the year [fraction per
        year], 0-1.
    absenteeism : float
        Share of contracted fte absent in the forecast years [fraction], 0-0.5.
    absenteeism_base : float
        Share absent in the base year, carried by the fte per place [fraction], 0-0.5.
    base_year : int, optional
        Year the base-year staffing holds [year] (None: the year :func:`staff_limit` is
        given, else the gap frame's first year).
    name : str
        Name shown in outputs.

    Notes
    -----
    Net growth ``g = inflow_rate - outflow_rate`` [fraction per year]; ``F(t) = F(b) x
    (1 + g)^(t - b)``.
    """

    inflow_rate: float
    outflow_rate: float
    absenteeism: float
    absenteeism_base: float
    base_year: int | None = None
    name: str = "custom"

    def __post_init__(self):
        for field, hi in (("inflow_rate", 1.0), ("outflow_rate", 1.0), ("absenteeism", 0.5),
                          ("absenteeism_base", 0.5)):
            object.__setattr__(self, field, check_number(field, getattr(self, field), 0.0, hi))
        if self.base_year is not None:
            object.__setattr__(self, "base_year",
                               check_whole("base_year", self.base_year, 2000, LAST_YEAR))
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"`name` was {self.name!r} but is expected to be a non-empty str")

    @property
    def net_growth(self) -> float:
        """Net growth of the fte per year, ``inflow_rate - outflow_rate`` [fraction]."""
        return self.inflow_rate - self.outflow_rate

    def fte_factor(self, years, base_year: int) -> np.ndarray:
        """``(1 + g)^(t - b)`` for ``years`` [fraction of the base-year fte]."""
        return (1.0 + self.net_growth) ** (np.asarray(years, dtype=float) - base_year)

    @property
    def absence_factor(self) -> float:
        """``(1 - absenteeism) / (1 - absenteeism_base)`` [fraction]."""
        return (1.0 - self.absenteeism) / (1.0 - self.absenteeism_base)


def letters_scenario(base_year: int | None = None, fte_per_place: float = FTE_PER_PLACE,
                     occupancy: float = OCCUPANCY) -> WorkforceScenario:
    """The default workforce scenario from the ministry's letters (module notes).

    Parameters
    ----------
    base_year : int, optional
        :attr:`WorkforceScenario.base_year`.
    fte_per_place : float, default 1.2
        fte per place that turn the 2016 clients into the 2016 fte stock [fte per place].
    occupancy : float, default 0.97
        Share of places occupied in 2016 [fraction].
    """
    fte_per_place = check_number("fte_per_place", fte_per_place, 0.0, 10.0, lo_open=True)
    occupancy = check_number("occupancy", occupancy, 0.0, 1.0, lo_open=True)
    fig = _workforce_figures()
    quarterly = float(fig["vv_outflow_per_quarter"])
    outflow = 1.0 - (1.0 - quarterly) ** 4
    stock = CLIENTS_WITH_STAY_2016 / occupancy * fte_per_place
    n = WORKFORCE_GROWTH_PERIOD[1] - WORKFORCE_GROWTH_PERIOD[0] + 1
    growth = (1.0 + float(fig["vv_extra_fte_since_2017"]) / stock) ** (1.0 / n) - 1.0
    absent = float(fig["vv_absenteeism"])
    if growth + outflow > 1.0:  # the letters' extra fte would be more than the whole stock
        lowest = (float(fig["vv_extra_fte_since_2017"])
                  / ((2.0 - outflow) ** n - 1.0)) * occupancy / CLIENTS_WITH_STAY_2016
        raise expected("fte_per_place", fte_per_place,
                       f"at least {lowest:.4g} fte per place with the workforce scenario "
                       f"'letters': with {fte_per_place:g} the 2016 stock would be "
                       f"{stock:,.0f} fte, and the letters' "
                       f"{float(fig['vv_extra_fte_since_2017']):,.0f} extra fte since 2017 "
                       "would need an inflow of more than all staff each year (care staff per "
                       "place is about 1 to 2 fte)")
    return WorkforceScenario(inflow_rate=growth + outflow, outflow_rate=outflow,
                             absenteeism=absent, absenteeism_base=absent,
                             base_year=base_year, name="letters")


def _replacement(base_year=None, **kwargs) -> WorkforceScenario:
    s = letters_scenario(base_year, **kwargs)
    return WorkforceScenario(inflow_rate=s.outflow_rate, outflow_rate=s.outflow_rate,
                             absenteeism=s.absenteeism, absenteeism_base=s.absenteeism_base,
                             base_year=base_year, name="replacement")


#: Named workforce scenarios (the first is the default).
WORKFORCE_SCENARIOS = {"letters": letters_scenario, "replacement": _replacement}


def workforce_scenario(name: str = "letters", base_year: int | None = None,
                       **kwargs) -> WorkforceScenario:
    """A named workforce scenario: ``letters`` (default) or ``replacement`` (inflow only
    replaces outflow; the fte stay at their base level)."""
    if name not in WORKFORCE_SCENARIOS:
        raise ValueError(f"`name` was {name!r} but is expected to be in "
                         f"{list(WORKFORCE_SCENARIOS)}")
    return WORKFORCE_SCENARIOS[name](base_year, **kwargs)


def staff_assumptions(scenario: WorkforceScenario, fte_per_place: float,
                      occupancy: float = OCCUPANCY) -> dict[str, str]:
    """The named assumptions a staff limit with ``scenario`` rests on (name -> text);
    ``fte_per_place`` [fte per place] and ``occupancy`` [fraction] as the scenario was
    made with (:func:`letters_scenario`)."""
    s = scenario
    out = {
        "staff_in_balance_base_year": Assumption("staff_in_balance_base_year",
                                                 scope="regional"),
        "workforce_same_rate_all_regions": Assumption(
            "workforce_same_rate_all_regions", unit="[fraction a year]", source="letters",
            net_growth=s.net_growth, inflow=s.inflow_rate, outflow=s.outflow_rate,
            scenario=s.name),
        "fte_per_place": Assumption("fte_per_place", unit="[fte per place]", source="option",
                                    fte=fte_per_place),
        "absenteeism": Assumption("absenteeism", unit="[fraction]", source="letters",
                                  absenteeism=s.absenteeism,
                                  absenteeism_base=s.absenteeism_base),
    }
    if s.name in ("letters", "replacement"):
        out["workforce_outflow_from_quarterly"] = Assumption(
            "workforce_outflow_from_quarterly", source="letters")
    if s.name == "letters":
        out["workforce_growth_period"] = Assumption("workforce_growth_period",
                                                    source="letters")
        stock = CLIENTS_WITH_STAY_2016 / occupancy * fte_per_place
        out["workforce_stock_2016"] = Assumption(
            "workforce_stock_2016", unit="[fte]", source="CBS 84529NED",
            clients=CLIENTS_WITH_STAY_2016, occupancy=occupancy, fte=fte_per_place,
            stock=stock)
        out["workforce_growth_continues"] = Assumption(
            "workforce_growth_continues", unit="[fraction a year]", source="letters",
            net_growth=s.net_growth)
    return out


# --- planner's regional fte -----------------------------------------------------------------

def read_workforce_file(path) -> pd.DataFrame:
    """A planner's fte per region (template ``data_raw/templates/workforce.csv``).

    Columns ``zk_code, year, fte`` (optional ``source, note``): the V&V care staff of the
    region's providers of places with stay [fte] on a date in ``year`` [year]. One row per
    region; regions left out get the estimate (``staff_in_balance_base_year``).

    Returns ``zk_code, year, fte, fte_source``.

    Raises
    ------
    InputError
        Unknown region, a region listed twice, a year outside 2000-2050, an empty,
        negative or zero fte, naming the file and row.
    """
    from .io.planner import COUNT, read_planner_csv

    where = display_path(path)
    frame = read_planner_csv(path, "workforce", ["zk_code", "year", "fte"],
                             numbers={"year": COUNT, "fte": COUNT},
                             template="workforce.csv", optional=["source", "note"])
    from zorgcap.regions.codes import check_region_codes, normalise_region_codes

    frame["zk_code"] = normalise_region_codes(frame["zk_code"])
    check_region_codes(frame["zk_code"], file=where)
    seen = set()
    for i, row in frame.iterrows():
        r = spreadsheet_row(i)
        code = row["zk_code"]
        if code in seen:
            raise InputError(f"region {code} is listed twice", file=where, row=r,
                             column="zk_code", fix="give one row per region.")
        seen.add(code)
        year = row["year"]
        if not np.isfinite(year) or year != int(year) or not 2000 <= year <= LAST_COUNT_YEAR:
            raise InputError(f"year {_shown(year)} is not a year in 2000-{LAST_COUNT_YEAR}",
                             file=where, row=r, column="year",
                             fix="enter the year in which the fte were counted.")
        if not np.isfinite(row["fte"]) or row["fte"] <= 0 or row["fte"] > MAX_REGION_FTE:
            raise InputError(f"fte {_shown(row['fte'])} is not a number in (0, "
                             f"{MAX_REGION_FTE:,}]", file=where, row=r, column="fte",
                             fix="enter the region's care staff of places with stay in fte "
                                 "(a region has at most about 12,000 places), or leave the "
                                 "region out to use the estimate.")
    source = frame["source"] if "source" in frame else pd.Series("", index=frame.index)
    return pd.DataFrame({
        "zk_code": frame["zk_code"],
        "year": frame["year"].astype(int), "fte": frame["fte"].astype(float),
        "fte_source": [_label(path, s) for s in source]})


# --- the limit ------------------------------------------------------------------------------

def staff_limit(gap: pd.DataFrame, scenario: WorkforceScenario | None = None,
                fte_per_place: float = FTE_PER_PLACE, base_year: int | None = None,
                regional_fte: pd.DataFrame | None = None, need: str = "need",
                supply: str = "supply") -> pd.DataFrame:
    """Places that can be staffed per region and year, and which limit binds.

    Parameters
    ----------
    gap : pandas.DataFrame
        ``year, zk_code, capacity`` [places with stay in the base year], and the ``need``
        and ``supply`` columns [places] (:attr:`zorgcap.forecast.gap.GapRun.frame`; any subset of
        regions: each region is computed from its own rows).
    scenario : WorkforceScenario, optional
        Default :func:`letters_scenario`.
    fte_per_place : float, default 1.2
        Care staff per place [fte per place] (:func:`fte_per_place` weighs a zzp mix).
    base_year : int, optional
        Year the staffing is in balance [year]; default ``scenario.base_year``, else the
        frame's first year. Must be a year of the frame.
    regional_fte : pandas.DataFrame, optional
        ``zk_code, year, fte[, fte_source]`` (:func:`read_workforce_file`): a region's fte
        in ``year`` replace its estimate, grown at the scenario's rate from that year.
    need, supply : str
        Names of the need and supply columns [places] (e.g. ``supply_with_stay``).

    Returns
    -------
    pandas.DataFrame
        One row per ``year, zk_code`` of ``gap``, in its order; columns
        :data:`STAFF_COLUMNS` (module notes give the equations).

    Raises
    ------
    ValueError
        Missing columns, empty or non-finite values, a base year not in the frame, a
        ``base_year`` that contradicts the scenario's, a doubled ``year, zk_code``.
    """
    scenario = letters_scenario() if scenario is None else scenario
    if not isinstance(scenario, WorkforceScenario):
        raise ValueError(f"`scenario` was {type(scenario).__name__} but is expected to be a "
                         "WorkforceScenario (zorgcap.forecast.staff.workforce_scenario)")
    f = check_number("fte_per_place", fte_per_place, 0.0, 10.0, lo_open=True)
    if not isinstance(gap, pd.DataFrame):
        raise ValueError(f"`gap` was {type(gap).__name__} but is expected to be a DataFrame")
    cols = ["year", "zk_code", "capacity", need, supply]
    missing = [c for c in cols if c not in gap.columns]
    if missing:
        raise ValueError(f"`gap` lacks the columns {missing}: pass the gap frame "
                         "(zorgcap.forecast.gap.GapRun.frame)")
    if gap.empty:
        raise ValueError("`gap` has no rows")
    numbers = gap[["year", "capacity", need, supply]].to_numpy(float)
    if not np.isfinite(numbers).all():
        raise ValueError(f"`gap` has empty or non-finite values in {cols[2:]} or year")
    if gap.duplicated(["year", "zk_code"]).any():
        raise ValueError("`gap` has a doubled (year, zk_code) row: pass each region-year once")
    years = gap["year"].astype(int)
    if base_year is not None:
        base_year = check_whole("base_year", base_year, 2000, LAST_YEAR)
        if scenario.base_year is not None and scenario.base_year != base_year:
            raise ValueError(f"`base_year` was {base_year} but the scenario's base_year is "
                             f"{scenario.base_year}: give one of them")
    else:
        base_year = scenario.base_year if scenario.base_year is not None else int(years.min())
    if base_year not in set(years):
        raise ValueError(f"`base_year` was {base_year} but is expected to be a year of the "
                         f"gap frame ({years.min()}-{years.max()})")
    base = gap[years == base_year].set_index("zk_code")
    fte0 = base["capacity"].astype(float) * f  # fte in the base year [fte]
    source = pd.Series("ESTIMATE staff_in_balance_base_year", index=fte0.index, dtype=object)
    if regional_fte is not None:
        given = regional_fte.set_index("zk_code")
        given = given[given.index.isin(fte0.index)]
        # the file's fte of its own year, grown (or shrunk) to the base year
        fte0[given.index] = (given["fte"].astype(float).to_numpy()
                             * (1.0 + scenario.net_growth)
                             ** (base_year - given["year"].astype(int).to_numpy()))
        source[given.index] = (given["fte_source"] if "fte_source" in given
                               else "planner workforce file")
    lacking = sorted(set(gap["zk_code"]) - set(fte0.index))
    if lacking:
        raise ValueError(f"regions {lacking} have no row in the base year {base_year}")
    fte_base = gap["zk_code"].map(fte0).to_numpy(float)
    available = fte_base * scenario.fte_factor(years.to_numpy(), base_year)
    staffable = available * scenario.absence_factor / f
    need_v = gap[need].to_numpy(float)
    supply_v = gap[supply].to_numpy(float)
    usable = np.minimum(supply_v, staffable)
    # staffable = capacity x f / f in the base year: compare with a tolerance of TIE places
    # so that rounding does not make staff "bind" where the places are exactly staffed
    limit = np.where(need_v <= usable + TIE, "none",
                     np.where(staffable < supply_v - TIE, "staff", "building"))
    return pd.DataFrame({
        "year": years.to_numpy(), "zk_code": gap["zk_code"].to_numpy(),
        "fte_per_place": f, "fte_needed": need_v * f / scenario.absence_factor,
        "fte_available": available, "fte_source": gap["zk_code"].map(source).to_numpy(),
        "places_staffable": staffable, "places_usable": usable,
        "gap_usable": need_v - usable, "binding_limit": limit}, index=gap.index)


def binding_years(limit: pd.DataFrame) -> pd.DataFrame:
    """Where and when each limit binds: one row per region of a :func:`staff_limit` frame.

    Returns ``zk_code``, ``first_short`` (first year a limit binds, i.e. need exceeds the
    places built and staffed), ``first_building`` and ``first_staff`` (first year that
    limit binds) [year; <NA> if never], ``years_building`` and ``years_staff`` (number of
    years it binds) [years] and ``last_limit`` (the binding limit in the last year).
    """
    missing = [c for c in ("year", "zk_code", "binding_limit") if c not in limit.columns]
    if missing:
        raise ValueError(f"`limit` lacks the columns {missing}: pass staff_limit's frame")
    f = limit.sort_values(["zk_code", "year"])
    by = f.groupby("zk_code", sort=True)

    def first(mask: pd.Series) -> pd.Series:
        return f["year"].where(mask).groupby(f["zk_code"]).min().astype("Int64")

    out = pd.DataFrame({
        "first_short": first(f["binding_limit"] != "none"),
        "first_building": first(f["binding_limit"] == "building"),
        "first_staff": first(f["binding_limit"] == "staff"),
        "years_building": by["binding_limit"].apply(lambda s: int((s == "building").sum())),
        "years_staff": by["binding_limit"].apply(lambda s: int((s == "staff").sum())),
        "last_limit": by["binding_limit"].last()})
    return out.rename_axis("zk_code").reset_index()


def regional_fte(workforce_file) -> pd.DataFrame | None:
    """A planner's fte per region: a file (:func:`read_workforce_file`), a frame of the same
    columns, or None."""
    if workforce_file is None or isinstance(workforce_file, pd.DataFrame):
        return workforce_file
    return read_workforce_file(workforce_file)


def staff_binding(gap: pd.DataFrame, fte_per_place: float = FTE_PER_PLACE,
                  workforce_file=None, scenarios=None,
                  occupancy: float = OCCUPANCY) -> pd.DataFrame:
    """Which limit binds, where and when, under each named workforce scenario.

    ``gap``: a :func:`zorgcap.forecast.gap.compare_capacity` frame (``need``,
    ``supply_with_stay``, ``capacity``); ``scenarios``: names of :data:`WORKFORCE_SCENARIOS`
    (default all: ``letters``, the upper bound, and ``replacement``, no net growth);
    ``fte_per_place`` [fte per place] and ``occupancy`` [fraction] as the run's.

    Returns ``workforce, zk_code, zk_name, first_short, first_building, first_staff``
    [year; <NA> if never], ``years_building, years_staff`` [years], ``last_limit``
    (:func:`binding_years` per scenario).
    """
    given_fte = regional_fte(workforce_file)
    names = gap.drop_duplicates("zk_code").set_index("zk_code")["zk_name"]
    base = int(gap["year"].min())
    parts = []
    for name in scenarios or WORKFORCE_SCENARIOS:
        limit = staff_limit(gap, workforce_scenario(name, fte_per_place=fte_per_place,
                                                    occupancy=occupancy), fte_per_place,
                            base, given_fte, need="need", supply="supply_with_stay")
        b = binding_years(limit)
        b.insert(0, "workforce", name)
        b.insert(2, "zk_name", b["zk_code"].map(names))
        parts.append(b)
    return pd.concat(parts, ignore_index=True)
