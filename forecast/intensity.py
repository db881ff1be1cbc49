"""Regional care intensity per zorgkantoorregio from the 2014 zzp 5-10 counts.

The national age x sex usage rates give each region the nursing-home use its population
structure implies. Regions differ beyond that (supply history, informal care, culture). The
only public regional counts of Wlz/AWBZ nursing-home care found are the intramural clients
with zzp 5-10 (and 1-4) per zorgkantoor in 2014 (CIZ via Deloitte's "State of the State -
Zorg", 2015; ``../shared/data/regional``). The factor of region r is an **indirect age-sex
standardisation** (standardised incidence ratio) of those counts:

    E_r   = sum_{s,a} P_r,2014(s, a) * u_2014(s, a)                         [clients]
    SIR_r = (O_r / E_r) / (sum_r O_r / sum_r E_r)                            [ratio]

with ``O_r`` the 2014 zzp 5-10 count mapped to today's regions, ``P_r,2014`` the 2014
population by sex and single age and ``u_2014`` the national 2014 profile of nursing-home
use (CBS 37620 institutional rate of 1-1-2014 x the CBS 70791ned nursing-home share; its
level cancels in the ratio). The national ratio in the denominator makes the factors
redistribute: they average to 1 over the country.

Uncertainty and shrinkage (empirical Bayes, normal-normal on the log scale):

    y_r = log SIR_r,    v_r = 1 / O_r + sigma_loc^2                      (sampling + location)
    tau^2 = max(0, (Q - (k - 1)) / (sum w - sum w^2 / sum w)),  w = 1 / v    (DerSimonian-Laird)
    B_r = v_r / (v_r + tau^2),   m_r = (1 - B_r) y_r,   s_r^2 = (1 - B_r) v_r

``1 / O_r`` is the Poisson variance of a log count. ``sigma_loc`` (named assumption
``location_vs_residence``, default :data:`EXTRA_SD`) is the extra variance of using the
2014 **provider location** for today's **client residence**: clients admitted outside their
region, places closed or opened since 2014, and the 2014-2023 drift. No public figure
measures it per region; 0.10 on the log scale (a region's 2014 supply pattern says its
current intensity to within about +-20% at 95%) is a judgement, settable with
``extra_sd=``. The factor is ``exp(m_r)`` rescaled so that the factors again average to 1
(weighted by E_r), with a 95% band ``exp(m_r +- 1.96 s_r)`` on the same scale.

2014 population by age (named assumption ``age_structure_2014``): no regional population
by age of 2014 is in the data. The 1-1-2021 population of each region by sex and single age
(CBS 83502NED via PC4, :func:`zorgcap.forecast.population.base_population`, 2025 regions) is raked
(iterative proportional fitting) to two margins of 2014: each region's inhabitants in 2014
(the source's ``AANT_INW``) and the national population by sex x single age on 1-1-2014
(CBS 37620). A region keeps its 2021 deviation from the national age structure.

Regions of 2014 -> today (``data_raw/zorgkantoor_2014.csv``): 31 of the 32 regions are
today's; Delft Westland Oostland (5519) and Nieuwe Waterweg Noord (5522) together are
Westland Schieland Delfland (ZK33). Gemeenten whose 2014 counts
belong to another region today (``data_raw/zorgkantoor_2014_moves.csv``, each with its
source) move with their own counts and inhabitants from the gemeente file: Vianen (Utrecht
-> Waardenland with Vijfheerenlanden, 2019), Weesp ('t Gooi -> Amsterdam, 2022), and six
gemeenten that the source files under another zorgkantoor than CBS "Gebieden in Nederland"
2019 puts them (or their successor) in - its zorgkantoor totals equal the sums of its
labelled gemeenten, so they carry the same labels: Goeree-Overflakkee (Zeeland ->
Zuid-Hollandse Eilanden; 403 clients), Rucphen, het Bildt, Binnenmaas, Nederlek, Bernisse.

Caveat: 62 gemeenten of the 2014 file merged before 2019 and were checked only where the
label was implausible; 13 gemeenten of 2014 are missing from the gemeente file (their
counts are in the zorgkantoor totals, so they cannot be checked). The variance term above
covers remaining errors only in part.

Base year and growth (issue 27)
-------------------------------
What is **observed** and what is **modelled** are kept apart, as the TNO prognoses and the
zorgkantoren's regioplannen do: a region starts from what it has and the model carries
only the change.

* **Base year, observed.** The region's level in the base year is its *unshrunk*
  standardised ratio ``SIR_r`` (the 2014 observation), applied to its base-year population
  by age and sex and scaled so that the regions add up to the national base-year clients
  with stay (CBS 84529NED). The same number gives the places in use (capacity without a
  planner's file: clients / occupancy, ``capacity_from_clients``) and the need (places in
  use + the places the region's waiting list needs), so without planner files a region's
  base-year gap is exactly its waiting list / occupancy: one observation, not two
  estimates that differ.
* **Growth, modelled.** need(t) = need(base) x the region's modelled growth from the base
  year to t: demography, the usage trend, the scenario's levers and the region's usage
  level ``level(r, t) = SIR_r x factor_r ** w(t) / factor_r`` (:func:`level_paths`). The
  observed level splits into the shrunk intensity ``factor_r`` (the region's own usage,
  as far as the evidence supports it) and the rest ``SIR_r / factor_r`` (mostly the
  location effect: clients served across region borders, places built where they were).
  With ``regional_convergence=T`` the usage intensity fades to the national level by T
  (``w`` from 1 to 0) while the location effect stays; with factors persisting (default)
  the level is constant and growth is demography, trend and levers alone.
* **Uncertainty.** ``location_vs_residence`` widens the bands of the need path from 0 in
  the base year (``intensity_drift``, :func:`level_paths`); it does not shift need against
  capacity in the base year.

References
----------
Deloitte (2015), State of the State - Zorg (sources CIZ 2014, Zorg op de Kaart 2014, CBS);
CBS StatLine 37620, 70791ned, 83502NED.
Breslow, N. E. & Day, N. E. (1987), Statistical Methods in Cancer Research II, ch. 2
(indirect standardisation, SIR). DerSimonian, R. & Laird, N. (1986), Meta-analysis in
clinical trials, Controlled Clinical Trials 7:177-188. Clayton, D. & Kaldor, J. (1987),
Empirical Bayes estimates of age-standardized relative risks for use in disease mapping,
Biometrics 43:671-681.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zorgcap import regions as regions_mod

from .assumption import RunText, with_texts
from .errors import InputError
from .io.cache import content_cache
from .io.datadir import data_raw_dir
from .io.tables import load_zzp_2014
from .schema import REGIONAL_EXTRA_SD, SEXES

__all__ = ["EXTRA_SD", "INTENSITY_YEAR", "COUNTS", "SOURCE", "supply_2014", "population_2014",
           "reference_rates", "standardise", "shrink", "intensity_factors", "level_paths",
           "convergence_weights"]

#: Year of the regional counts [year].
INTENSITY_YEAR = 2014
#: Default ``location_vs_residence``: extra SD of the log factor [log ratio] (see module).
EXTRA_SD = REGIONAL_EXTRA_SD
#: Counts an index can be made from.
COUNTS = ("zzp5_10", "zzp1_4")
#: Source label shown with the factors.
SOURCE = RunText("intensity_source", "bare")
_Z95 = 1.959963984540054


def _mapping() -> tuple[pd.DataFrame, pd.DataFrame]:
    folder = data_raw_dir()
    return (pd.read_csv(folder / "zorgkantoor_2014.csv"),
            pd.read_csv(folder / "zorgkantoor_2014_moves.csv"))


@content_cache(maxsize=2)
def supply_2014(data=None) -> pd.DataFrame:
    """2014 counts on today's 31 regions: ``zk_code, zk_name, inhabitants`` [persons],
    ``zzp1_4, zzp5_10`` [clients, by provider location] (module docstring: mapping, moves).
    """
    zk = load_zzp_2014("zorgkantoor", data)
    mapping, moves = _mapping()
    unknown = sorted(set(zk["zk2014_code"]) - set(mapping["zk2014_code"]))
    if unknown:
        raise InputError(f"zorgkantoor codes {unknown} of 2014 are not in the mapping",
                         file="data_raw/zorgkantoor_2014.csv",
                         fix="add a row per 2014 zorgkantoor with its zk_code of today.")
    frame = zk.merge(mapping[["zk2014_code", "zk_code"]], on="zk2014_code").assign(moved=False)
    cols = ["inhabitants", "zzp1_4", "zzp5_10"]
    gm = load_zzp_2014("gemeente", data).set_index("gm_code")
    for move in moves.itertuples():
        if move.gm_code not in gm.index:
            raise InputError(f"gemeente {move.gm_code} ({move.gm_name}) is not in the 2014 "
                             "gemeente file", file="data_raw/zorgkantoor_2014_moves.csv",
                             fix="restore ../shared/data/regional or remove the move.")
        values = gm.loc[move.gm_code, cols].to_numpy(float)
        # taken from the 2014 region's own row (not from a gemeente moved before)
        src = (frame["zk2014_code"] == move.zk2014_code) & ~frame["moved"]
        frame.loc[src, cols] = frame.loc[src, cols].to_numpy(float) - values
        add = pd.DataFrame([{"zk2014_code": move.zk2014_code, "zk_code": move.zk_code,
                             "moved": True, **dict(zip(cols, values, strict=True))}])
        frame = pd.concat([frame, add], ignore_index=True)
    out = frame.groupby("zk_code")[cols].sum()
    missing = sorted(set(regions_mod.ZORGKANTOORREGIOS) - set(out.index))
    if missing:
        raise InputError(f"no 2014 counts for regions {missing}",
                         file="data_raw/zorgkantoor_2014.csv",
                         fix="map every region of today from a 2014 zorgkantoor.")
    out.insert(0, "zk_name", out.index.map(regions_mod.ZORGKANTOORREGIOS))
    return out.reset_index()


def _rake(seed: np.ndarray, rows: np.ndarray, cols: np.ndarray, iters: int = 50):
    """Iterative proportional fitting of ``seed`` (region, cell) to row and column totals."""
    x = seed.astype(float).copy()
    for _ in range(iters):
        x *= (rows / x.sum(axis=1))[:, None]
        x *= (cols / np.where(x.sum(axis=0) > 0, x.sum(axis=0), 1))[None]
    return x


@content_cache(maxsize=2)
def population_2014(data=None) -> tuple[list[str], np.ndarray]:
    """Region codes and the 2014 population (region, sex, age) [persons] (``age_structure_2014``).

    The 2021 regional age-sex table raked to the 2014 regional totals (``AANT_INW``) and the
    1-1-2014 national age-sex structure (CBS 37620, scaled to the sum of the regional totals).
    """
    from .population import _national_array, base_population

    codes21, pop21 = base_population(data)
    n_cells = pop21.shape[1] * pop21.shape[2]
    frame = pd.DataFrame({"gm_code": np.repeat(codes21, n_cells),
                          "cell": np.tile(np.arange(n_cells), len(codes21)),
                          "persons": pop21.ravel()})
    frame = regions_mod.to_indeling(frame, 2025, ["persons"], data=data)
    zk_of = regions_mod.gemeenten(2025, data).set_index("gm_code")["zk_code"]
    by_zk = frame.pivot_table(index=frame["gm_code"].map(zk_of), columns="cell",
                              values="persons", aggfunc="sum").sort_index()
    codes = list(by_zk.index)
    totals = supply_2014(data).set_index("zk_code").loc[codes, "inhabitants"].to_numpy(float)
    national = _national_array(INTENSITY_YEAR, data).ravel()
    national = national * totals.sum() / national.sum()
    raked = _rake(by_zk.to_numpy(float), totals, national)
    return codes, raked.reshape(len(codes), len(SEXES), -1)


def reference_rates(data=None) -> np.ndarray:
    """National profile of nursing-home use on 1-1-2014 (sex, age) [residents per person].

    CBS 37620 institutional rate of 2014 x CBS 70791ned nursing-home share (2011-2013).
    Only its shape matters (indirect standardisation divides its level out).
    """
    from .usage import institutional_rates, nursing_share

    inst = institutional_rates(data)
    inst = inst[inst["year"] == INTENSITY_YEAR]
    frame = inst.merge(nursing_share(data), on=["sex", "age"], how="left").fillna({"share": 0})
    frame = frame.assign(u=frame["rate"].fillna(0) * frame["share"])
    return np.stack([frame[frame["sex"] == s].sort_values("age")["u"].to_numpy()
                     for s in SEXES])


def standardise(observed, expected) -> np.ndarray:
    """Indirectly standardised ratio ``(O_r / E_r) / (sum O / sum E)`` [ratio; mean 1]."""
    observed = np.asarray(observed, float)
    expected = np.asarray(expected, float)
    return observed / expected / (observed.sum() / expected.sum())


def shrink(observed, expected, extra_sd: float = EXTRA_SD) -> dict:
    """Empirical-Bayes shrinkage of the log ratios toward 0 (module docstring).

    Returns a dict of arrays (per region) ``y`` [log ratio], ``v`` [variance of y], ``b``
    [shrinkage weight 0-1], ``m``, ``s`` [posterior mean and SD of the log factor] and the
    scalar ``tau2`` [between-region variance of the log factor].
    """
    if not np.isfinite(extra_sd) or extra_sd < 0:
        raise ValueError(f"`extra_sd` was {extra_sd} but is expected to be a number >= 0")
    observed = np.asarray(observed, float)
    if (observed <= 0).any():
        raise ValueError("every region needs a count > 0 for a log ratio")
    y = np.log(standardise(observed, expected))
    v = 1 / observed + extra_sd ** 2
    w = 1 / v
    mean = (w * y).sum() / w.sum()
    q = (w * (y - mean) ** 2).sum()
    tau2 = max(0.0, (q - (len(y) - 1)) / (w.sum() - (w ** 2).sum() / w.sum()))
    b = v / (v + tau2) if tau2 > 0 else np.ones_like(v)
    m = (1 - b) * y
    s = np.sqrt((1 - b) * v)
    return {"y": y, "v": v, "b": b, "m": m, "s": s, "tau2": tau2}


@content_cache(maxsize=4)
def intensity_factors(count: str = "zzp5_10", extra_sd: float = EXTRA_SD,
                      data=None) -> pd.DataFrame:
    """The regional intensity index per zorgkantoorregio (module docstring).

    Parameters
    ----------
    count : {"zzp5_10", "zzp1_4"}
        Which 2014 count is standardised (``zzp1_4``: for checks only).
    extra_sd : float
        ``location_vs_residence`` [SD of the log factor].

    Returns
    -------
    pandas.DataFrame
        ``zk_code, zk_name``, ``observed`` [clients 2014], ``expected`` [clients 2014 at
        national rates, levelled to the observed total], ``ratio`` [standardised ratio,
        unshrunk], ``factor``, ``factor_lo_95``, ``factor_hi_95`` [ratio to the national
        rates; shrunk], ``log_sd`` [posterior SD of log factor], ``shrinkage`` [B_r, 0-1],
        ``source``.
    """
    if count not in COUNTS:
        raise ValueError(f"`count` was {count!r} but is expected to be in {list(COUNTS)}")
    supply = supply_2014(data).set_index("zk_code")
    codes, pop = population_2014(data)
    expected = np.einsum("rsa,sa->r", pop, reference_rates(data))
    observed = supply.loc[codes, count].to_numpy(float)
    expected = expected * observed.sum() / expected.sum()
    eb = shrink(observed, expected, extra_sd)
    level = (expected * np.exp(eb["m"])).sum() / expected.sum()
    out = pd.DataFrame({
        "zk_code": codes, "zk_name": supply.loc[codes, "zk_name"].to_numpy(),
        "observed": observed, "expected": expected, "ratio": np.exp(eb["y"]),
        "factor": np.exp(eb["m"]) / level,
        "factor_lo_95": np.exp(eb["m"] - _Z95 * eb["s"]) / level,
        "factor_hi_95": np.exp(eb["m"] + _Z95 * eb["s"]) / level,
        "log_sd": eb["s"], "shrinkage": eb["b"],
        "source": RunText("intensity_source", "sd", sd=extra_sd)})
    return with_texts(out, RunText("intensity_source", "sd", sd=extra_sd))


def convergence_weights(years, base_year: int, converge_by: int | None) -> np.ndarray:
    """Share of the log factor kept in each year (``regional_persistence``) [0-1].

    ``None``: 1 in every year (factors persist). A year T: ``(T - t) / (T - base)``, from 1
    in the base year to 0 in T and after (the factor reaches the national level in T).
    """
    years = np.asarray(years, float)
    if converge_by is None:
        return np.ones(len(years))
    if converge_by <= base_year:
        raise ValueError(f"`converge_by` was {converge_by} but is expected to be after the "
                         f"base year {base_year}")
    return np.clip((converge_by - years) / (converge_by - base_year), 0.0, 1.0)


def level_paths(observed, modelled, log_sd, weights, base_expected, years, base_year: int,
                draws: int = 0, seed: int = 0,
                fixed=None) -> tuple[np.ndarray, np.ndarray | None]:
    """Each region's usage level per year: point (1, year, region), draws (draw, year, region).

    The base year is observed, the change is modelled (module docstring, "Base year and
    growth"):

        level(r, t) = observed_r * modelled_r ** weights(t) / modelled_r     [ratio]

    so ``level(r, base) = observed_r`` and the level changes only as the modelled intensity
    converges (``weights``; 1 in every year when factors persist).

    Parameters
    ----------
    observed : array (region,)
        Base-year level [ratio to the national rates]: the unshrunk standardised ratio,
        normalised by the caller to the national base-year total.
    modelled : array (region,)
        The shrunk intensity [ratio], normalised the same way.
    log_sd : array (region,)
        Posterior SD of each log intensity (0: no uncertainty).
    weights : array (year,)
        :func:`convergence_weights`.
    base_expected : array (region,)
        Clients at national rates in the base year [clients]: each draw is rescaled so that
        ``sum(base_expected * level)`` equals the point's in every year (the drift
        redistributes, it does not change the national total).
    years : array (year,)
        The years [year], ``base_year`` first.
    fixed : array (region,) of float or nan, optional
        Levels of a planner's calibration (not drawn), nan where none.

    Notes
    -----
    Draws (named assumption ``intensity_drift``): the 2014 provider-location count is known
    to within ``log_sd`` as a measure of a region's own usage; that difference builds up
    over the years since 2014 and goes on doing so. A draw multiplies the level by
    ``exp(log_sd * z * sqrt((t - base) / (base - 2014)))``, z standard normal per draw and
    region: 0 in the base year (the observation), ``log_sd`` after as many years as
    2014-base, widening as a random walk after that.
    """
    observed = np.asarray(observed, float)
    modelled = np.asarray(modelled, float)
    weights = np.asarray(weights, float)[:, None]
    point = (observed * np.exp((weights - 1) * np.log(modelled)[None]))[None]
    if not draws:
        return point, None
    years = np.asarray(years, float)
    span = max(base_year - INTENSITY_YEAR, 1)
    scale = np.sqrt(np.clip(years - base_year, 0, None) / span)  # (year,)
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((draws, len(observed)))
    keep = np.zeros(len(observed), bool) if fixed is None else ~np.isnan(np.asarray(fixed, float))
    sd = np.where(keep, 0.0, np.asarray(log_sd, float))
    drawn = point * np.exp(sd[None, None] * z[:, None, :] * scale[None, :, None])
    e = np.asarray(base_expected, float)
    free = ~keep
    if free.any():  # the free regions share what the fixed ones leave, in every year
        target = (point[0][:, free] * e[free]).sum(axis=1)  # (year,)
        got = (drawn[:, :, free] * e[free]).sum(axis=2)  # (draw, year)
        drawn[:, :, free] *= (target[None] / got)[:, :, None]
    return point, drawn
