"""Cohort-component population projection per gemeente and zorgkantoorregio, to 2050.

Model (one step = 1 January of year t to 1 January of t+1; ages 0..94 and the open group 95+)
---------------------------------------------------------------------------------------------
1. **Base**: population 1-1-2021 by gemeente (2021 indeling) x 5-year band x sex (CBS
   83502NED via PC4), split into single ages with the national single-age shape of each band
   and sex on the same date (CBS 37620).
2. **Survival**: national death rates of year t by sex and age, calibrated to the CBS
   life expectancy at birth and at 65 (:mod:`zorgcap.forecast.mortality`):
   ``P(x+1, t+1) = P(x, t) L_{x+1}/L_x``, open group ``P(95+, t+1) += P(95+, t) T_96/T_95``.
3. **Births**: national live births of year t (CBS 85089NED for 2021-2022, 85746NED from
   2023), allotted to gemeenten by their share of women aged 15-49, 105 boys per 100 girls
   (``assumption births_by_women_15_49``), times ``L_0``.
4. **National net migration by age and sex** (``national="kvs"``): the survivors plus births
   are scaled, per sex and 5-year band (0-4 ... 85-89, 90+), to the national population of
   t+1: observed (CBS 37620) for 2022-2024, the Kernprognose 2023 (85745NED) from 2025. The
   scaling is net migration with the same rate in every gemeente. With
   ``national="components"`` the national age structure is not imposed: net migration is the
   Kernprognose total (85746NED) spread by the age-sex profile observed 2021-2024.
5. **Regional calibration**: totals of calibration units — the 88 gemeenten and the rest of
   each of the 40 COROP regions in the PBL/CBS regional prognosis 2023-2050 (85171NED) — are
   matched to their projected share of the national total (shares of 2022 interpolated from
   the base year and 2023) by iterative proportional fitting over ages 0-64 only
   (``assumption regional_migration_under_65``: regional differences in net migration
   concern people under 65; old-age regional growth comes from ageing and mortality).
6. **Stochastic mode** (``draws > 0``): the point run fixes the migration rate of every
   gemeente, sex, age and year; each draw adds a mortality path (Lee-Carter random walk,
   ``sigma`` of ``k`` from HMD 1970-2016, common to both sexes) and a national net-migration
   shock (AR(1), rho 0.8, sd :data:`MIGRATION_SD` of the yearly KVS net migration, spread by
   the observed age profile). Draws are seeded and reproducible.

The output is a :class:`PopulationProjection`; :func:`project_population` returns a tidy
frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from zorgcap import regions
from zorgcap.regions.codes import check_year

from . import mortality as mort
from .assumption import Assumption
from .cohort import MIGRATION_RHO, MIGRATION_SD, SEX_RATIO_AT_BIRTH, birth_shares, step
from .errors import check_whole
from .io.cache import content_cache
from .io.tables import load_households_age_sex, load_population_gemeente, read_table
from .schema import (
    AGES,
    BASE_YEAR,
    LAST_YEAR,
    OPEN_AGE,
    QUANTILES,
    SEED,
    SEXES,
    VARIANTS,
    band_columns,
)
from .stochastic import ENGINES, PRECISIONS, simulate_draws

__all__ = [
    "AGES",
    "BASE_YEAR",
    "MIGRATION_RHO",
    "MIGRATION_SD",
    "OPEN_AGE",
    "SEX_RATIO_AT_BIRTH",
    "VARIANTS",
    "PopulationProjection",
    "build_projection",
    "draw_totals",
    "project_population",
]

# AGES, BASE_YEAR, OPEN_AGE: zorgcap.forecast.schema; the step and the migration shock's
# MIGRATION_SD, MIGRATION_RHO: zorgcap.forecast.cohort (shared with the draws of
# zorgcap.forecast.stochastic).
OBSERVED_YEARS = (2022, 2023, 2024)  # national age x sex from CBS 37620
MAX_OUTPUT_BYTES = 3e9  # draws kept in memory by build_projection [bytes]
# Constraint groups per sex: 5-year bands 0-4 ... 85-89 and 90+ (index = age // 5, capped).
_GROUP = np.minimum(AGES // 5, 18)
_N_GROUPS = 19
_UNDER_65 = AGES < 65


# --- inputs ------------------------------------------------------------------------------

#: Output levels of :func:`build_projection`.
LEVELS = ("gemeente", "zk", "pv", "corop")


@content_cache(maxsize=4)
def national_single_ages(data=None) -> pd.DataFrame:
    """Observed national population 1 January by single age x sex (CBS 37620), 1995-2024.

    Columns ``year, sex, age`` (0..94, 95 = 95+), ``persons``.
    """
    return load_households_age_sex(data)[["year", "sex", "age", "persons"]]


def _national_array(year: int, data=None) -> np.ndarray:
    nat = national_single_ages(data)
    nat = nat[nat["year"] == year].sort_values(["sex", "age"])
    return np.stack([nat[nat["sex"] == s]["persons"].to_numpy() for s in SEXES])


@content_cache(maxsize=2)
def base_population(data=None) -> tuple[list[str], np.ndarray]:
    """Gemeente codes (2021 indeling) and population 1-1-2021, shape (gemeente, sex, age).

    Each 5-year band of each gemeente is split over its single ages with the national shape
    of that band and sex on 1-1-2021 (CBS 37620); 95+ stays the open group.
    """
    raw = regions.to_indeling(load_population_gemeente(data), BASE_YEAR, ["persons"])
    codes = sorted(raw["gm_code"].unique())
    bands = raw.pivot_table(index=["gm_code", "sex"], columns="age_lo", values="persons",
                            aggfunc="sum").reindex(
        pd.MultiIndex.from_product([codes, SEXES]), fill_value=0.0)
    band_values = bands.to_numpy().reshape(len(codes), 2, 20)
    national = _national_array(BASE_YEAR, data)  # (sex, age)
    band_of_age = np.minimum(AGES // 5, 19)
    band_sum = np.stack([np.bincount(band_of_age, weights=national[s], minlength=20)
                         for s in range(2)])
    shape = national / band_sum[:, band_of_age]  # share of each age within its band
    pop = band_values[:, :, band_of_age] * shape[None]
    return codes, pop


def _group_sums(arr: np.ndarray) -> np.ndarray:
    """Sum the last (age) axis into the 19 constraint groups."""
    out = np.zeros(arr.shape[:-1] + (_N_GROUPS,))
    for g in range(_N_GROUPS):
        out[..., g] = arr[..., _GROUP == g].sum(axis=-1)
    return out


def national_targets(years, variant: str = "point", data=None) -> np.ndarray:
    """National population 1 January by (year, sex, group): observed to 2024, KVS 2023 after.

    Groups are the 5-year bands 0-4 ... 85-89 and 90+. ``variant`` picks the Kernprognose
    point forecast or an interval bound (band-wise bounds for both sexes together, split by
    the point forecast's sex shares: an envelope, not a coherent scenario).
    """
    if variant not in VARIANTS:
        raise ValueError(f"`variant` was {variant!r} but is expected to be in {list(VARIANTS)}")
    kvs = read_table("projection_age_sex_derived", data)
    kvs = kvs.assign(year=kvs["jaar"].astype(int))
    labels = [f"{a} tot {a + 5} jaar" for a in range(0, 90, 5)] + ["90 jaar of ouder"]
    if variant != "point":
        raw = read_table("projection_age_sex_2023", data)
        raw = raw[(raw["Geslacht"] == "Totaal mannen en vrouwen")
                  & (raw["PrognoseInterval"] == VARIANTS[variant])]
        raw = raw.assign(year=raw["Perioden"].astype(int))
    out = []
    for year in years:
        if year in OBSERVED_YEARS or year <= BASE_YEAR:
            out.append(_group_sums(_national_array(year, data)))
            continue
        k = kvs[kvs["year"] == year].set_index("leeftijd").reindex(labels)
        if k[["mannen", "vrouwen"]].isna().any().any():
            raise ValueError(f"no national age x sex projection for {year} (KVS 2023 covers "
                             f"{kvs['year'].min()}-{kvs['year'].max()})")
        groups = np.stack([k["mannen"].to_numpy(), k["vrouwen"].to_numpy()])
        if variant != "point":
            r = raw[raw["year"] == year]
            tot = r.set_index("Leeftijd")["BevolkingOp1Januari_1"]
            bound = np.array([tot[lab] for lab in labels[:-1]]
                             + [tot["90 tot 95 jaar"] + tot["95 jaar of ouder"]])
            groups = groups / groups.sum(axis=0) * bound
        out.append(groups)
    return np.stack(out)


def _national_flow(years, kvs2021_column: str, kvs2023_column: str, data=None) -> np.ndarray:
    """A national yearly flow [persons]: Kernprognose 2021 (85089NED) for 2021-2022, the
    Kernprognose 2023 (85746NED) from 2023, point forecast."""
    tables = []
    for key in ("projection_key_2021", "projection_flows_2023"):
        t = read_table(key, data)
        tables.append(t[t["PrognoseInterval"] == "Prognose"].set_index("Perioden"))
    return np.array([tables[0].loc[str(y), kvs2021_column] if y < 2023
                     else tables[1].loc[str(y), kvs2023_column] for y in years])


def _births(years, data=None) -> np.ndarray:
    """National live births in each calendar year [persons]."""
    return _national_flow(years, "LevendGeborenKinderen_11", "LevendGeborenKinderen_1", data)


def _net_migration(years, data=None) -> np.ndarray:
    """National net migration incl. corrections of each calendar year [persons]."""
    return _national_flow(years, "MigratiesaldoInclusiefCorrecties_22",
                          "MigratiesaldoInclusiefCorrecties_5", data)


def migration_profile(data=None) -> np.ndarray:
    """Observed national net migration by sex x age, 2021-2024, as shares summing to 1.

    Residual method: ``P(x+1, t+1) - P(x, t) L_{x+1}/L_x`` on CBS 37620 with the calibrated
    death rates; summed over the three years, negative shares kept (net emigration ages).
    """
    years = [BASE_YEAR, *OBSERVED_YEARS]
    m = mort.calibrated_rates(years[:-1], data=data)
    surv, bsurv = mort.survival_ratios(m, OPEN_AGE)
    total = np.zeros((2, OPEN_AGE + 1))
    for i, year in enumerate(years[:-1]):
        pop = _national_array(year, data)
        survived = step(pop, surv[i], bsurv[i], _births([year], data)[0])
        total += _national_array(year + 1, data) - survived
    return total / total.sum()


# --- calibration units (PBL/CBS regional prognosis) --------------------------------------

def _strip(name: str) -> str:
    return name.split(" (")[0]


@content_cache(maxsize=2)
def calibration_units(data=None) -> tuple[pd.Series, pd.DataFrame]:
    """Unit of each 2021 gemeente, and unit shares of the national total 2023-2050.

    Units: every gemeente with its own figure in 85171NED, and per COROP region the rest.
    Returns ``(unit_of_gemeente, shares)`` with ``shares`` indexed by year, one column a unit.
    """
    gm = regions.gemeenten(BASE_YEAR, data)
    r = read_table("regional_projection_2023", data)
    r = r.assign(year=r["Perioden"].astype(int), value=r["TotaleBevolking_1"] * 1000)
    wide = r.pivot_table(index="year", columns="RegioIndeling2021", values="value")
    by_name = {_strip(n): n for n in gm["gm_name"]}
    gm_label = {}
    for label in wide.columns:
        if label.endswith(("(PV)", "(CR)")) or label == "Nederland":
            continue
        name = label.removesuffix(" (gemeente)")
        match = gm.loc[gm["gm_name"] == name, "gm_code"]
        if match.empty and _strip(name) in by_name:
            match = gm.loc[gm["gm_name"] == by_name[_strip(name)], "gm_code"]
        if match.empty:
            raise ValueError(f"85171NED region {label!r} matches no gemeente of {BASE_YEAR}")
        gm_label[match.item()] = label
    corop_of = gm.set_index("gm_code")["corop_name"] + " (CR)"
    unit = pd.Series({c: gm_label.get(c, f"rest of {corop_of[c]}") for c in corop_of.index})
    units = {}
    for label in sorted(set(unit)):
        if label.startswith("rest of "):
            corop = label.removeprefix("rest of ")
            own = [lab for c, lab in gm_label.items() if corop_of[c] == corop]
            units[label] = wide[corop] - wide[own].sum(axis=1)
        else:
            units[label] = wide[label]
    shares = pd.DataFrame(units)
    shares = shares.div(shares.sum(axis=1), axis=0)
    return unit, shares


# --- the projection ----------------------------------------------------------------------

@dataclass
class PopulationProjection:
    """Result of a projection; arrays are (draw, year, gemeente or region, sex, age).

    Attributes
    ----------
    years : list of int            1 January of each year [year], base year first
    codes : list of str            gemeente codes (2021 indeling) or region codes
    persons : ndarray              [persons]; draw axis of length 1 for the point run
    level : str                    "gemeente" (2021 codes) or "zk" / "pv" / "corop"
    variant, national, seed, draws : the run's settings
    assumptions : dict             named assumptions used, for the report
    """

    years: list
    codes: list
    persons: np.ndarray
    level: str = "gemeente"
    variant: str = "point"
    national: str = "kvs"
    seed: int | None = None
    draws: int = 0
    names: dict = field(default_factory=dict)
    assumptions: dict = field(default_factory=dict)

    def to_frame(self, quantiles=QUANTILES) -> pd.DataFrame:
        """Tidy frame ``year, <level>_code, sex, age, persons`` (and band columns with draws).

        ``age`` is 0..95 where 95 means 95+. With draws, ``persons`` is the median and
        ``persons_lo_95, persons_lo_80, persons_hi_80, persons_hi_95`` the band limits.
        ``quantiles``: other probabilities of the draws [fraction, 0-1]; a probability of
        :data:`~zorgcap.forecast.schema.QUANTILES` keeps its name, any other ``q`` is the column
        ``persons_q<100 q>`` (``0.25`` -> ``persons_q25``).
        """
        quantiles = _check_quantiles(quantiles)
        code_col = "gm_code" if self.level == "gemeente" else f"{self.level}_code"
        idx = pd.MultiIndex.from_product([self.years, self.codes, SEXES, AGES],
                                         names=["year", code_col, "sex", "age"])
        if self.persons.shape[0] == 1:
            frame = pd.DataFrame({"persons": self.persons[0].ravel()}, index=idx)
        else:
            q = np.quantile(self.persons, quantiles, axis=0)
            named = dict(zip(QUANTILES, band_columns("persons"), strict=True))
            names = [named.get(p, f"persons_q{100 * p:g}") for p in quantiles]
            frame = pd.DataFrame({n: q[i].ravel() for i, n in enumerate(names)}, index=idx)
        frame = frame.reset_index()
        if self.names:
            frame.insert(2, code_col.replace("_code", "_name"), frame[code_col].map(self.names))
        return frame


def _check_quantiles(quantiles) -> tuple:
    """``quantiles`` as a tuple of distinct probabilities in [0, 1] (``ValueError`` naming
    the argument otherwise)."""
    try:
        values = tuple(float(q) for q in quantiles)
    except (TypeError, ValueError):
        values = None
    if not values or any(not 0 <= q <= 1 for q in values) or len(set(values)) < len(values) \
            or any(isinstance(q, bool) for q in quantiles):
        raise ValueError(f"`quantiles` was {quantiles!r} but is expected to be distinct "
                         "probabilities between 0 and 1, e.g. (0.025, 0.1, 0.5, 0.9, 0.975)")
    return values


@content_cache(maxsize=8)
def _aggregation(codes_2021: tuple, level: str, indeling: int, data=None):
    """Matrix (gemeente 2021 -> region of ``indeling``), region codes and names."""
    ident = pd.DataFrame({"gm_code": codes_2021, "src": codes_2021, "w": 1.0})
    moved = regions.to_indeling(ident, indeling, ["w"], data=data)  # gm_code, src, w
    mapping = regions.gemeenten(indeling, data)[["gm_code", f"{level}_code", f"{level}_name"]]
    moved = moved.merge(mapping, on="gm_code")
    codes = sorted(moved[f"{level}_code"].unique())
    names = dict(zip(mapping[f"{level}_code"], mapping[f"{level}_name"], strict=True))
    mat = np.zeros((len(codes_2021), len(codes)))
    row = {c: i for i, c in enumerate(codes_2021)}
    col = {c: i for i, c in enumerate(codes)}
    for r in moved.itertuples():
        mat[row[r.src], col[getattr(r, f"{level}_code")]] += r.w
    return mat, codes, names


def _ipf_under_65(pop, unit_index, n_units, unit_targets, col_targets, iters=8):
    """Scale ages 0-64 so unit totals and national (sex, age) totals both hold."""
    young = pop[:, :, _UNDER_65]
    old_by_unit = np.bincount(unit_index, weights=pop[:, :, ~_UNDER_65].sum(axis=(1, 2)),
                              minlength=n_units)
    row_target = np.maximum(unit_targets - old_by_unit, 0)
    for _ in range(iters):
        by_unit = np.bincount(unit_index, weights=young.sum(axis=(1, 2)), minlength=n_units)
        young = young * (row_target / np.where(by_unit > 0, by_unit, 1))[unit_index, None, None]
        col = young.sum(axis=0)
        young = young * (col_targets / np.where(col > 0, col, 1))[None]
    out = pop.copy()
    out[:, :, _UNDER_65] = young
    return out


@content_cache(maxsize=6)  # the five variants and a components run
def _point_run(years: tuple, variant: str, national: str, calibrate_regions: bool, data):
    """The deterministic projection per gemeente and the inputs the draws reuse.

    Returns ``(path, rates, m, births, netmig, profile)``: the population per year, each step's
    total migration rate per gemeente x sex x age, and the death rates, births, national net
    migration and its age profile of each step year. Cached in this process while its input
    files are unchanged (the returned arrays are read-only): a report asks for the same point
    run for its maps, its draws and its decomposition.
    """
    years = list(years)
    codes, pop = base_population(data)
    m = mort.calibrated_rates(years[:-1], data=data)  # rates of each step year
    surv, bsurv = mort.survival_ratios(m, OPEN_AGE)
    births = _births(years[:-1], data)
    netmig = _net_migration(years[:-1], data)
    profile = migration_profile(data)
    targets = national_targets(years[1:], variant, data) if national == "kvs" else None
    unit_of, shares = calibration_units(data)
    unit_labels = sorted(set(unit_of))
    unit_index = np.array([unit_labels.index(unit_of[c]) for c in codes])
    base_shares = np.bincount(unit_index, weights=pop.sum(axis=(1, 2)))
    base_shares = base_shares / base_shares.sum()

    # Point run: record each step's total migration rate per gemeente, sex and age.
    path = [pop]
    rates = []
    for i, year in enumerate(years[:-1]):
        survived = step(pop, surv[i], bsurv[i], births[i] * birth_shares(pop))
        if national == "kvs":
            nat = survived.sum(axis=0)
            factor = targets[i] / _group_sums(nat)
            new = survived * factor[:, _GROUP][None]
        else:
            nat_mig = netmig[i] * profile
            new = survived + nat_mig[None] * survived / survived.sum(axis=0)[None]
        if calibrate_regions:
            nxt = year + 1
            if nxt in shares.index:
                s = shares.loc[nxt, unit_labels].to_numpy()
            else:  # 2022: between the base year's own shares and 2023
                w = (nxt - BASE_YEAR) / (shares.index.min() - BASE_YEAR)
                s = (1 - w) * base_shares + w * shares.loc[shares.index.min(),
                                                           unit_labels].to_numpy()
            new = _ipf_under_65(new, unit_index, len(unit_labels), s * new.sum(),
                                new[:, :, _UNDER_65].sum(axis=0))
        new = np.maximum(new, 0)
        rates.append(np.where(survived > 0, new / np.where(survived > 0, survived, 1) - 1, 0))
        path.append(new)
        pop = new
    return tuple(path), tuple(rates), m, births, netmig, profile


def _checked(to, draws, seed, variant, national, level, indeling, engine, chunk,
             base_year=BASE_YEAR):
    """The arguments of a projection, checked before any work (ValueError naming the fix)."""
    if base_year != BASE_YEAR:
        raise ValueError(f"`base_year` was {base_year} but only {BASE_YEAR} has a regional "
                         "population by age in the data (1-1-2021, CBS 83502NED)")
    to = check_whole("to", to, BASE_YEAR + 1, LAST_YEAR)
    draws = check_whole("draws", draws, 0)
    seed = check_whole("seed", seed, 0)
    chunk = None if chunk is None else check_whole("chunk", chunk, 1)
    if not isinstance(level, str) or level not in LEVELS:
        raise ValueError(f"`level` was {level!r} but is expected to be in {list(LEVELS)}")
    if not isinstance(variant, str) or variant not in VARIANTS:
        raise ValueError(f"`variant` was {variant!r} but is expected to be in {list(VARIANTS)}")
    if not isinstance(engine, str) or engine not in ENGINES:
        raise ValueError(f"`engine` was {engine!r} but is expected to be in {list(ENGINES)}")
    if level != "gemeente":
        indeling = check_year(indeling, what="indeling")
    if national not in ("kvs", "components"):
        raise ValueError(f"`national` was {national!r} but is expected to be in "
                         "['kvs', 'components']")
    if draws < 0:
        raise ValueError(f"`draws` was {draws} but must be >= 0")
    return to, draws, seed, chunk, indeling


def build_projection(to: int = LAST_YEAR, draws: int = 0, seed: int = SEED,
                     variant: str = "point", national: str = "kvs", level: str = "zk",
                     indeling: int = 2025, calibrate_regions: bool = True,
                     base_year: int = BASE_YEAR, engine: str = "numpy", chunk: int | None = None,
                     data=None) -> PopulationProjection:
    """Run the cohort-component projection (see the module docstring for the model).

    Parameters
    ----------
    to : int
        Last year (1 January) [year], at most 2050 (end of the regional prognosis).
    draws : int
        Number of stochastic draws; 0 for the point projection only.
    seed : int
        Seed of the random generator (draws are reproducible).
    variant : {"point", "low67", "high67", "low95", "high95"}
        National Kernprognose 2023 point forecast or interval bound.
    national : {"kvs", "components"}
        Impose the national age x sex projection, or only its births, deaths (via life
        expectancy) and total net migration.
    level : {"gemeente", "zk", "pv", "corop"}
        Output level; "gemeente" returns 2021-indeling codes.
    indeling : int
        Indeling year of the output regions [year] (default 2025: today's regions).
    calibrate_regions : bool
        Match the PBL/CBS regional totals (step 5).
    engine : {"numpy", "dask"}
        Where the draws run: in this process, or as Dask tasks of ``chunk`` draws each on
        the current Dask client (e.g. a ``dask.distributed.LocalCluster``). Results are the
        same for the same seed: all random numbers are drawn before the work is split.
        Without a client, Dask's threaded scheduler runs the tasks in this process (no
        ``__main__`` guard needed; :mod:`zorgcap.forecast.stochastic`).
    chunk : int, optional
        Draws per task [draws] (default :func:`zorgcap.forecast.stochastic.default_chunk`).

    Notes
    -----
    With draws, ``persons`` keeps every draw by region x sex x age (float32): 1,000 draws
    to 2050 at level "zk" are 0.7 GB. Where only sums over sex and age are needed (clients
    at given usage rates, persons 85+), :func:`draw_totals` keeps 31 x k numbers per draw
    and year, so its memory does not grow with the population's detail.
    """
    to, draws, seed, chunk, indeling = _checked(to, draws, seed, variant, national, level,
                                                indeling, engine, chunk, base_year)
    years = list(range(BASE_YEAR, to + 1))
    codes, pop = base_population(data)
    n_out = len(codes) if level == "gemeente" else 31
    need = max(draws, 1) * len(years) * n_out * pop[0].size * 4
    if need > MAX_OUTPUT_BYTES:
        most = int(MAX_OUTPUT_BYTES // (len(years) * n_out * pop[0].size * 4))
        raise ValueError(
            f"`draws` was {draws} but is expected to be at most {most:,} at level {level!r} "
            f"to {to}: {draws} draws would keep {need / 1e9:.1f} GB of draws in memory (the "
            f"limit is {MAX_OUTPUT_BYTES / 1e9:.0f} GB); use level 'zk' (the engine still "
            "runs per gemeente) or fewer draws")
    run = _point_run(tuple(years), variant, national, calibrate_regions, data)
    path, rates, m, births, netmig, profile = run
    point = np.stack(path)[None]  # (1, year, gemeente, sex, age)

    mat, out_codes, names = (None, codes, {})
    if level != "gemeente":
        mat, out_codes, names = _aggregation(tuple(codes), level, indeling, data)
    persons = point if mat is None else np.einsum("dygsa,gr->dyrsa", point, mat)
    if draws:
        persons = simulate_draws(path[0], years, births, rates, m, netmig, profile, draws,
                                 seed, mat, engine=engine, chunk=chunk, data=data)
    return PopulationProjection(
        years=years, codes=list(out_codes), persons=persons, level=level, variant=variant,
        national=national, seed=seed if draws else None, draws=draws, names=names,
        assumptions={key: Assumption(key) for key in (
            "births_by_women_15_49", "regional_migration_under_65", "mortality_national",
            "split_haaren")},
    )



def draw_totals(weights, to: int = LAST_YEAR, draws: int = 1000, seed: int = SEED,
                variant: str = "point", national: str = "kvs", level: str = "zk",
                indeling: int = 2025, calibrate_regions: bool = True,
                engine: str = "numpy", chunk: int | None = None, precision: str = "float64",
                data=None) -> np.ndarray:
    """Weighted sums over sex and age of the population draws, per region and year.

    The draws of :func:`build_projection` (same model, seed and random numbers), reduced
    inside the engine to what the caller keeps, so memory does not grow with the population's
    detail: 31 x k numbers per draw and year instead of 31 x 192
    (:mod:`zorgcap.forecast.stochastic`).

    Parameters
    ----------
    weights : array-like (k, sex, age) or (sex, age)
        Weight of a person of each sex and age 0..95 (95 = 95+) in each of the ``k`` sums,
        e.g. usage rates [clients with stay per person] or 0/1 masks of an age group
        [persons per person].
    to, draws, seed, variant, national, level, indeling, calibrate_regions, engine, chunk,
    data
        As :func:`build_projection`; ``draws`` at least 1.
    precision : {"float64", "float32"}
        Arithmetic of the population cells (:func:`zorgcap.forecast.stochastic.simulate_draws`):
        float32 is faster for very many draws and moves the sums by < 1e-5 relative.

    Returns
    -------
    numpy.ndarray (draw, year, region, k), float64 (float32 with that precision), read-only
        ``sum over sex, age of weights[k] * persons`` [weighted persons] for the years
        ``BASE_YEAR .. to`` and the regions of ``build_projection(level=level,
        indeling=indeling).codes``.

    Notes
    -----
    Cached in this process (:func:`zorgcap.forecast.io.cache.content_cache`, six results) by all
    arguments and the content of the input files: scenarios of the same population variant
    share one set of population draws (:func:`zorgcap.forecast.demand.run_batch`).

    Examples
    --------
    >>> import numpy as np
    >>> from zorgcap.forecast.population import draw_totals
    >>> old = np.zeros((2, 96)); old[:, 85:] = 1                       # persons 85+
    >>> t = draw_totals(old, to=2030, draws=200, seed=1)  # doctest: +SKIP
    >>> np.quantile(t[:, -1, :, 0].sum(axis=1), [0.025, 0.975])       # doctest: +SKIP
    """
    w = np.asarray(weights, dtype=float)
    if w.ndim == 2:
        w = w[None]
    if w.ndim != 3 or w.shape[1:] != (len(SEXES), len(AGES)) or not np.isfinite(w).all():
        raise ValueError(f"`weights` has shape {w.shape} but is expected to be finite numbers "
                         f"of shape (k, sex, age) = (k, {len(SEXES)}, {len(AGES)})")
    to, draws, seed, chunk, indeling = _checked(to, draws, seed, variant, national, level,
                                                indeling, engine, chunk)
    if draws < 1:
        raise ValueError(f"`draws` was {draws} but is expected to be at least 1")
    if precision not in PRECISIONS:
        raise ValueError(f"`precision` was {precision!r} but is expected to be in "
                         f"{list(PRECISIONS)}")
    return _draw_totals(w.tobytes(), w.shape, to, draws, seed, variant, national, level,
                        indeling, calibrate_regions, engine, chunk, precision, data)


@content_cache(maxsize=6)
def _draw_totals(weights: bytes, shape: tuple, to, draws, seed, variant, national, level,
                 indeling, calibrate_regions, engine, chunk, precision, data):
    years = list(range(BASE_YEAR, to + 1))
    codes, _ = base_population(data)
    path, rates, m, births, netmig, profile = _point_run(tuple(years), variant, national,
                                                         calibrate_regions, data)
    mat = None if level == "gemeente" else _aggregation(tuple(codes), level, indeling, data)[0]
    w = np.frombuffer(weights, dtype=float).reshape(shape)
    return simulate_draws(path[0], years, births, rates, m, netmig, profile, draws, seed, mat,
                          engine=engine, chunk=chunk, data=data, weights=w,
                          precision=precision)

def project_population(level: str = "zk", to: int = LAST_YEAR, draws: int = 0, seed: int = SEED,
                       variant: str = "point", national: str = "kvs", indeling: int = 2025,
                       base_year: int = BASE_YEAR, data=None) -> pd.DataFrame:
    """Projected population 1 January by region x sex x single age, base year to ``to``.

    Returns
    -------
    pandas.DataFrame
        ``year`` [year], ``<level>_code``, ``<level>_name`` (regions), ``sex``
        (male/female), ``age`` [years; 95 = 95+], ``persons`` [persons]; with ``draws > 0``
        ``persons`` is the median and ``persons_lo_95 … persons_hi_95`` the 95% and 80%
        bands. See :func:`build_projection` for the parameters and the model.

    Examples
    --------
    >>> from zorgcap import forecast
    >>> df = forecast.project_population(to=2030)  # doctest: +SKIP
    >>> df.query("year == 2030 and age >= 85").groupby("zk_code").persons.sum()  # doctest: +SKIP
    """
    return build_projection(to=to, draws=draws, seed=seed, variant=variant, national=national,
                            level=level, indeling=indeling, base_year=base_year,
                            data=data).to_frame()
