"""One forecast run: :class:`ChainConfig` -> :meth:`ForecastChain.run` -> :class:`ChainResult`.

In the manner of pvlib's ``ModelChain``: every option of a run lives in one frozen
configuration, validated before any expensive step; the chain

    data check -> population -> demand (point path + draws) -> gap (capacity, plans,
    waiting list) -> decomposition -> ambition and references -> checks -> provenance

runs once and in one direction; the result is a dataclass whose fields document their
columns and units. The CLI commands ``forecast``, ``gap`` and ``report`` all build a
``ChainConfig`` and run this chain; the report only draws a ``ChainResult``
(:func:`zorgcap.reports.render`).

One number per quantity: the central number of every table, map and chart is the point path
(the point population projection with the scenario's central rate path); it adds up over
regions and does not move with the number of draws. The Monte Carlo draws give the bands and
the shortage probabilities only.

Region subsets are exact: the chain always runs all 31 regions (national quantities such as
the waiting list, plan estimates, the ambition and the references are shared over all of
them) and selects the regions asked for at the end, so every regional number of a subset run
equals the full run's.

Example
-------
>>> from zorgcap.forecast import ChainConfig, ForecastChain
>>> config = ChainConfig(scenario="trend", to=2040, draws=200)
>>> result = ForecastChain(config).run()  # doctest: +SKIP
>>> result.gap.query("year == 2030 and zk_code == 'ZK20'")  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
import pandas as pd

from .config import ChainConfig
from .errors import expected
from .options import planner_options
from .schema import STEP_YEARS

__all__ = ["ChainConfig", "ForecastChain", "ChainResult", "PLANNER_OPTIONS"]

#: Named assumptions that stand in for a missing planner file (labelled ESTIMATE in the output).
ESTIMATES = ("capacity_from_clients", "plans_from_national", "waiting_by_clients",
             "clustered_from_clients", "staff_in_balance_base_year")


#: Options that only the gap stage reads (declared ``stage="planner"``): changing them reuses
#: the population and demand of an earlier run (:meth:`ChainResult.with_plans`).
PLANNER_OPTIONS = planner_options(ChainConfig)


@dataclass(frozen=True)
class _DemandStage:
    """What a run computes before the gap: independent of every :data:`PLANNER_OPTIONS`."""

    population: pd.DataFrame
    gemeente_85plus: pd.DataFrame
    demand: object  # zorgcap.forecast.demand.DemandRun
    summary: pd.DataFrame
    checks: pd.DataFrame
    waiting_forecast: pd.DataFrame
    backtest: pd.DataFrame
    bands: dict
    regional_factors: pd.DataFrame | None
    regional_intensity: pd.DataFrame
    #: the same demand with usage rates held at the base year (scenario beleidsarm): the
    #: demand run itself when the scenario already holds them (DemandRun)
    demography: object = None
    #: expected clients per gemeente at national rates: gm_code, zk_code, year,
    #: persons_85plus [persons], expected_clients [clients] (zorgcap.forecast.apportion)
    gemeente_weights: pd.DataFrame | None = None
    #: the records of the texts in the frames' text columns, by their English text
    texts: dict = field(default_factory=dict)


_STAGES: dict = {}
_STAGE_CACHE = 2  # demand stages kept in memory (a 200-draw run holds about 30 MB)


def _file_stat(path) -> tuple:
    st = Path(path).stat()
    return str(Path(path).resolve()), st.st_size, st.st_mtime_ns, st.st_ino


def _stage_key(config: ChainConfig) -> tuple:
    """Every option the demand stage depends on, with the identity (size, mtime, inode) of
    every input file it reads: the CBS tables of the data directory in use, the project's
    own ``data_raw`` tables and the scenario, rates and calibration files."""
    import os

    from .io.datadir import data_raw_dir
    from .io.status import data_status

    options = tuple((k, str(v)) for k, v in config.to_dict().items()
                    if k not in PLANNER_OPTIONS and k != "regions")
    files = [config.scenario_file, config.rates, config.calibrate,
             *data_status(config.data)["path"].tolist(),
             *sorted(str(p) for p in data_raw_dir().glob("*.csv"))]
    stats = tuple(_file_stat(f) if f not in (None, "-") and Path(f).is_file() else str(f)
                  for f in files)
    return options, stats, os.environ.get("ZORGCAP_DATA", "")


@dataclass(frozen=True)
class ChainResult:
    """Everything a run computed. Frames are tidy, carry no ``attrs`` and save to Parquet.

    Regional frames hold the regions of ``config.regions`` (all 31 by default); national
    frames (``national``, ``references``, ``checks``) are always national.

    Attributes
    ----------
    config : ChainConfig
        The options of the run.
    population : pandas.DataFrame
        Point projection ``year, zk_code, zk_name, sex, age`` [years; 95 = 95+],
        ``persons`` [persons], from the population base year (2021) to ``to``.
    gemeente_85plus : pandas.DataFrame
        ``gm_code`` (indeling 2025), ``zk_code``, ``year``, ``persons_85plus`` [persons]:
        the point projection of inhabitants aged 85+ per gemeente (maps).
    demand : pandas.DataFrame
        ``year, zk_code, zk_name, scenario, clients_with_stay, clients_at_home`` [clients],
        ``places_needed`` [places], ``persons_75plus, persons_80plus, persons_85plus``
        [persons], ``oosr`` [persons 50-74 per person 85+]; with draws the bands
        ``clients_with_stay_lo_<level>, …_hi_<level>`` and ``places_needed_lo/hi_<level>``.
    demand_draws : numpy.ndarray or None
        Places needed per draw (draw, year, region) [places]; years and regions in the
        order of ``demand``. None without draws.
    gap : pandas.DataFrame
        Per year and region (:func:`zorgcap.forecast.gap.compare_capacity`): ``places_needed, need,
        capacity, plans_expected, supply, gap`` [places; gap > 0 = short], ``gap_lo/hi_<level>``
        [places], ``p_short, p_closed`` [probability] with draws, ``reference,
        reference_need, reference_gap`` [places], ``fte_needed, fte_gap`` [fte],
        ``capacity_source, plans_source``; all delivery forms (:mod:`zorgcap.forecast.delivery`):
        ``need_clustered, capacity_clustered, plans_clustered_expected, supply_with_stay,
        supply_clustered, gap_with_stay, gap_all_forms`` [places], ``clustered_source``.
    plans : pandas.DataFrame
        The plans counted: ``project_id, zk_code, year_ready, places, delivery_form, status,
        kind, plans_source``.
    ambition : pandas.DataFrame
        The 25,000 extra places 2021-2025 in all delivery forms, counted from 2021:
        ``zk_code, zk_name, gap_2025, gap_all_forms_2025, ambition_share,
        realised_2021_base, expected_base_2025, counted_2021_2025, counted_minus_share,
        plans_to_2025, plans_minus_share`` [places]
        (:func:`zorgcap.forecast.targets.ambition_2025`).
    targets : pandas.DataFrame
        Every national target of extra places within the run (25,000 by 2025, WOZO 2030,
        50,000 by 2031) per region, counted from its own base year in its own delivery
        forms: ``target, year, base_year, forms, zk_code, zk_name, target_share,
        realised_to_base, expected_to_year, counted, counted_minus_share`` [places]
        (:func:`zorgcap.forecast.targets.target_progress`).
    staff : pandas.DataFrame
        Which limit binds, building or staff, where and when, under each workforce
        scenario (``letters``: upper bound; ``replacement``: no net growth): ``workforce,
        zk_code, zk_name, first_short, first_building, first_staff`` [year; <NA> if
        never], ``years_building, years_staff`` [years], ``last_limit``
        (:func:`zorgcap.forecast.staff.staff_binding`); the gap frame carries the limit of
        ``config.workforce`` per year.
    decomposition : pandas.DataFrame
        ``zk_code, zk_name, year_from, year_to, base, population, ageing, usage_rates,
        informal_care, care_at_home, waiting_list, total, need`` [places] for each step year
        (2025, 2030, 2035, 2040) up to ``to`` and ``to``; ``need`` equals ``gap.need``.
    national : pandas.DataFrame
        National totals per year: ``year, clients_with_stay, clients_at_home`` [clients],
        ``places_needed, need, capacity, supply, gap`` [places], ``growth_factor`` [ratio to
        the base year]; with draws ``need_lo/hi_<level>`` and ``gap_lo/hi_<level>``
        [places] (quantiles of the national total over the draws) and ``p_short``
        [probability: share of the draws whose national need exceeds the national supply].
    national_demography : pandas.DataFrame
        The national shortage from demography alone: the same run with the usage rates held
        at the base year (scenario ``beleidsarm``, as the TNO prognoses and the regioplannen
        count), on the same population draws, regional levels, waiting list and supply:
        ``year, scenario, places_needed, need, supply, gap`` [places]; with draws
        ``need_lo/hi_<level>, gap_lo/hi_<level>`` [places] and ``p_short`` [probability],
        as in ``national``. Equal to ``national`` in the base year, and in every year when
        the run's scenario is ``beleidsarm`` itself.
    gemeente_need : pandas.DataFrame
        Each gemeente's part of its region's need (:mod:`zorgcap.forecast.apportion`):
        ``gm_code`` (indeling 2025), ``gm_name, zk_code, zk_name, year``,
        ``persons_85plus`` [persons], ``expected_clients`` [clients with stay at national
        base-year rates], ``share`` [fraction of the region's need], ``need`` [places; the
        gemeenten of a region add up to its ``gap.need``], from the base year to ``to``.
    references : pandas.DataFrame
        ``reference, year, base_year, forms, published, zorgcap, zorgcap_definition``
        [places]: each published figure counted from its own base year and in its own
        delivery forms (``data_raw/reference_bases.csv``).
    explanation : str
        Why the national 2025 gap differs from TNO's and the ambition's figures.
    checks : pandas.DataFrame
        Independent national check: ``year, clients_with_stay`` (this run) next to
        ``top_down, top_down_lo, top_down_hi`` [clients] (trend of clients with stay alone,
        :func:`zorgcap.forecast.timeseries.top_down`), ``level`` [%], ``method`` and ``note`` (one
        sentence that reconciles the two in the last year: the top-down ignores ageing).
    waiting_forecast : pandas.DataFrame
        ``year, mean, lo, hi`` [persons], ``level`` [%], ``method``: the national waiting
        list (total).
    backtest : pandas.DataFrame
        The rolling-origin backtest table (:func:`zorgcap.forecast.backtest.backtest`): ``origin,
        year, horizon, model, actual, forecast, lo_80, hi_80, lo_95, hi_95, shipped``
        [persons 65+ in institutions]; ``parameters["band_label"]`` says what the demand
        bands are, with the shipped model's measured coverage.
    regional_factors : pandas.DataFrame or None
        ``zk_code, zk_name, factor`` with ``regional_factors="71488ned"``.
    regional_intensity : pandas.DataFrame or None
        The regional intensity index (:mod:`zorgcap.forecast.intensity`; every run): ``zk_code,
        zk_name``, ``observed`` [clients with zzp 5-10, 2014, by provider location],
        ``expected`` [clients 2014 at national age-sex rates], ``ratio`` [standardised,
        unshrunk], ``factor, factor_lo_95, factor_hi_95`` [ratio to national rates; shrunk
        index and its 95% band], ``log_sd``, ``shrinkage`` [0-1], ``factor_used`` [the
        base-year factor of this run's demand: 1 with ``national``, a planner's
        calibration where given], ``capacity_share_2014`` [the region's share of the 2014
        zzp 5-10 supply], ``source``.
    parameters : dict
        The run's settings and derived parameters (JSON-serialisable).
    assumptions : dict
        Named assumptions that replace missing figures (name ->
        :class:`~zorgcap.forecast.assumption.Assumption`: a record that is its English text).
    provenance : dict
        Version, date, parameters, assumptions, and every input file with its SHA-256.
    texts : dict
        The records (:class:`zorgcap.forecast.assumption.RunText`) of the texts in the
        frames' text columns - ``checks.note``, ``waiting_forecast.method``,
        ``regional_intensity.source`` - by their English text: a column holds the plain
        English text, the report renders the record in its language
        (:func:`zorgcap.reports.assumptions.run_text`).
    _stage : object
        The population and demand of the run (private), reused by :meth:`with_plans`.
    """

    config: ChainConfig
    population: pd.DataFrame
    gemeente_85plus: pd.DataFrame
    demand: pd.DataFrame
    demand_draws: np.ndarray | None
    gap: pd.DataFrame
    plans: pd.DataFrame
    ambition: pd.DataFrame
    targets: pd.DataFrame
    staff: pd.DataFrame
    decomposition: pd.DataFrame
    national: pd.DataFrame
    references: pd.DataFrame
    explanation: str
    checks: pd.DataFrame
    waiting_forecast: pd.DataFrame
    backtest: pd.DataFrame
    regional_factors: pd.DataFrame | None
    regional_intensity: pd.DataFrame | None = None
    national_demography: pd.DataFrame | None = None
    gemeente_need: pd.DataFrame | None = None
    parameters: dict = field(default_factory=dict)
    assumptions: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    texts: dict = field(default_factory=dict, repr=False)
    _stage: _DemandStage | None = field(default=None, repr=False, compare=False)

    def with_plans(self, plans=..., *, echo=None, **changes) -> ChainResult:
        """The same run with other planner inputs; population and demand are not run again.

        The what-if loop of a planner: change a plans file (or the capacity, status or
        waiting-list file, or another of :data:`PLANNER_OPTIONS`) and get the gap, its
        bands and shortage probabilities, the ambition, the references and the
        decomposition again in well under a second. The demand draws are reused, so the
        numbers equal those of a fresh run with the changed options (tested).

        Parameters
        ----------
        plans : path or None, optional
            A build-plans file (None: the named estimate); leave out to keep the current.
            The file covers its own regions; ``plans_elsewhere="none"`` gives the others
            no plans instead of the estimate.
        echo : callable, optional
            Progress lines, as :class:`ForecastChain`.
        **changes
            Other :data:`PLANNER_OPTIONS`, e.g. ``capacity="capaciteit.csv"``.

        Examples
        --------
        >>> result = ForecastChain(ChainConfig(draws=200)).run()  # doctest: +SKIP
        >>> mine = result.with_plans("mijn_plannen.csv")  # doctest: +SKIP
        >>> mine.gap.query("zk_code == 'ZK08'")[["year", "gap_all_forms"]]  # doctest: +SKIP
        """
        import difflib
        from dataclasses import replace

        if plans is not ...:
            changes["plans"] = plans
        fields_ = {f.name for f in fields(ChainConfig)}
        unknown = sorted(set(changes) - fields_)
        if unknown:
            close = difflib.get_close_matches(unknown[0], PLANNER_OPTIONS, n=1, cutoff=0.6)
            raise ValueError(f"`{unknown[0]}` is not an option of with_plans"
                             + (f": did you mean `{close[0]}`?" if close else "")
                             + f" The planner inputs it changes: {', '.join(PLANNER_OPTIONS)}")
        other = sorted(set(changes) - set(PLANNER_OPTIONS))
        if other:
            raise ValueError("with_plans changes planner inputs only "
                             f"({', '.join(PLANNER_OPTIONS)}); "
                             f"{', '.join(other)} {'changes' if len(other) == 1 else 'change'}"
                             " the demand: run "
                             "ForecastChain(ChainConfig(...)).run() instead")
        if self._stage is None:
            raise ValueError("this result holds no demand stage (it was not made by "
                             "ForecastChain.run): run the chain again")
        config = replace(self.config, **changes)  # validated like any ChainConfig
        chain = ForecastChain(config, echo=echo)
        chain.progress.skip(4, "population and demand kept from this result")
        return chain._gap_stage(self._stage)

    def monitor(self, plans=None, draws: int = 1000):
        """Progress over time (issue 31): the plans file's inventories against what was
        realised, the realisation learned from them, and the probability that each
        region's pipeline reaches its share of each national target.

        Parameters
        ----------
        plans : path or DataFrame, optional
            A plans file with inventories (``vintage``); default the run's ``plans``
            (None: the national history shipped in ``data_raw`` only).
        draws : int
            Plan draws of the probabilities [count].

        Returns
        -------
        zorgcap.forecast.monitor.Monitor
            ``monitor, changes, realisation, status, targets, sources`` frames
            (:mod:`zorgcap.forecast.monitor`).

        Examples
        --------
        >>> result = ForecastChain(ChainConfig(plans="plannen.csv")).run()  # doctest: +SKIP
        >>> m = result.monitor()  # doctest: +SKIP
        >>> m.targets.query("zk_code == 'NL'")[["target", "counted", "p_reach"]]  # doctest: +SKIP
        """
        from .monitor import monitor

        return monitor(plans, self, draws=draws)

    # --- issue 31: progress over time and the intramural cap, derived from the fields above
    # (a block of its own; nothing of the run is computed again) -------------------------

    @property
    def intramural_cap(self) -> pd.DataFrame:
        """Clustered places needed per region in 2030 and 2040 with places with stay held
        at the base-year capacity, next to the region's share of the 40,000
        (:func:`zorgcap.forecast.intramural_cap.intramural_cap`, ``assumption
        intramural_cap``; columns :data:`zorgcap.forecast.schema.INTRAMURAL_CAP_COLUMNS`
        [places]). The cap is ``config.intramural_cap`` (``--intramural-cap``; default the
        national base-year capacity), shared over the regions by their base-year capacity
        out of the national capacity, so a run of some regions gives the full run's rows."""
        from .intramural_cap import intramural_cap

        base = self.national["year"].min()
        national = float(self.national.loc[self.national["year"] == base, "capacity"].iloc[0])
        return intramural_cap(self.gap, self.targets, cap=self.config.intramural_cap,
                              national_capacity=national)

    @property
    def plan_monitor(self):
        """The plans file's inventories against what was realised, without the target
        probabilities (cheap; what the report's section "Voortgang" draws):
        :func:`zorgcap.forecast.monitor.monitor` of ``config.plans`` with the regions of
        the run and the national rows (``NL``: from the file where an inventory lists all
        31 regions, else the national history shipped in ``data_raw``). Computed once."""
        cached = self.__dict__.get("_plan_monitor")
        if cached is None:
            from dataclasses import replace as _replace

            from .monitor import NATIONAL, monitor

            c = self.config
            m = monitor(c.plans, status_file=c.status_file, occupancy=c.occupancy,
                        data=c.data, seed=c.seed)
            keep = {*self.gap["zk_code"], NATIONAL}
            cached = _replace(m, monitor=m.monitor[m.monitor["zk_code"].isin(keep)]
                              .reset_index(drop=True),
                              sources=m.sources[m.sources["zk_code"].isin(keep)]
                              .reset_index(drop=True))
            self.__dict__["_plan_monitor"] = cached  # a frozen dataclass: the cache only
        return cached

    @property
    def estimates(self) -> list[str]:
        """Names of the estimates in use where a planner file is missing (the assumptions
        whose values are marked ``ESTIMATE`` in the frames' ``*_source`` columns)."""
        return [k for k in ESTIMATES if k in self.assumptions]

    def frames(self) -> dict[str, pd.DataFrame]:
        """Every tidy frame of the result by field name (for saving)."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if isinstance(getattr(self, f.name), pd.DataFrame)}


class ForecastChain:
    """Runs the chain for one :class:`ChainConfig`.

    Parameters
    ----------
    config : ChainConfig
    echo : callable or Progress, optional
        Called with a line of progress per step (e.g. ``print``); a
        :class:`~zorgcap.forecast.progress.Progress` of a longer command counts on.
    """

    STEPS = 7

    def __init__(self, config: ChainConfig | None = None, echo=None):
        from .progress import Progress

        if config is None:
            config = ChainConfig()
        if not isinstance(config, ChainConfig):
            raise expected("config", config, "a ChainConfig")
        self.config = config
        self.echo = echo
        self._inputs = None  # the planner files, read before any work (run)
        self.progress = echo if isinstance(echo, Progress) else Progress(self.STEPS, echo)

    def _progress(self, what: str) -> None:
        self.progress(what)

    def run(self) -> ChainResult:
        """Run every step once; returns the :class:`ChainResult`.

        The steps before the gap (population, demand and its draws, checks, backtest) do not
        depend on the planner files; they are kept in memory (the last two runs, keyed by
        every option they depend on and the size and mtime of every input file), so a run
        that changes only planner files computes only the gap again. The same holds,
        without the lookup, for :meth:`ChainResult.with_plans`.
        """
        from .plausibility import read_planner_inputs

        self._inputs = read_planner_inputs(self.config)  # every planner file, before any work
        key = _stage_key(self.config)
        stage = _STAGES.get(key)
        if stage is None:
            stage = self._demand_stage()
            _STAGES[key] = stage
            while len(_STAGES) > _STAGE_CACHE:
                _STAGES.pop(next(iter(_STAGES)))
        else:
            self.progress.skip(4, "population and demand kept from the previous run")
        return self._gap_stage(stage)

    def _demand_stage(self) -> _DemandStage:
        """Data check, population, demand (point path and draws), checks and backtest."""
        from .assumption import RunText
        from .backtest import cached_backtest
        from .demand import national_summary, run_demand
        from .io.status import data_status, require_usable
        from .population import build_projection
        from .timeseries import top_down, waiting_forecast

        c = self.config
        self._progress("checking input tables")
        require_usable(data_status(c.data), c.data)  # names what is wrong and where it looked
        self._progress("population per gemeente and region")
        population = build_projection(to=c.to, variant=c.population_variant, level="zk",
                                      data=c.data).to_frame()
        self._progress(f"demand ({c.scenario}, {c.draws} draws; and from demography alone)")
        options = {"to": c.to, "draws": c.draws, "seed": c.seed, "occupancy": c.occupancy,
                   "calibrate": c.calibrate, "rates": c.rates,
                   "population_variant": c.population_variant, "engine": c.engine,
                   "regional_factors": c.regional_factors, "level": c.level, "data": c.data,
                   "regional_convergence": c.regional_convergence,
                   "regional_sd": c.regional_sd}
        demand = run_demand(scenario=c.scenario, scenario_file=c.scenario_file, **options)
        # demography alone: usage rates held at the base year, on the same population draws
        # (draw_totals is cached) and regional levels; about 0.3 s with 200 draws
        demography = demand if _demography_only(c) else run_demand(scenario="beleidsarm",
                                                                   **options)
        gm85, weights = self._gemeente_frames(demand.components.rates)
        self._progress("checks: top-down trend, waiting list, backtest")
        summary = national_summary(demand.frame)
        td = top_down(c.to, data=c.data)
        checks = summary[["year", "clients_with_stay"]].merge(
            td.rename(columns={"mean": "top_down", "lo": "top_down_lo", "hi": "top_down_hi"}),
            on="year")
        note = _top_down_note(checks, demand.components)
        checks["note"] = note
        # the waiting-list series is short: five years ahead at most
        waiting = waiting_forecast(min(max(c.to, 2026), 2030))
        texts = {str(note): note, **waiting.attrs.get("texts", {})}
        waiting = _plain(waiting[["year", "mean", "lo", "hi", "level", "method"]])
        source = RunText("intensity_source", "sd", sd=c.regional_sd)
        texts[str(source)] = source
        backtest = _plain(cached_backtest(data=c.data))
        factors = None
        if c.regional_factors == "71488ned":
            from .regional import zk_factors

            factors = _plain(zk_factors(2025, c.data))
        return _DemandStage(population=population, gemeente_85plus=gm85, demand=demand,
                            summary=summary, checks=checks, waiting_forecast=waiting,
                            backtest=backtest,
                            bands=_band_label(backtest, "trend_method" in demand.parameters),
                            regional_factors=factors, regional_intensity=self._intensity(demand),
                            demography=demography, gemeente_weights=weights, texts=texts)

    def _gap_stage(self, stage: _DemandStage) -> ChainResult:
        """Gap, decomposition, ambition, references and provenance of a demand stage."""
        from .decomposition import decompose
        from .explain import explanation_figures, explanation_text
        from .gap import supply_gap
        from .intramural_cap import cap_assumption
        from .plausibility import check_plausible, read_planner_inputs
        from .provenance import provenance
        from .references import national_references
        from .staff import staff_binding
        from .targets import ambition_2025, targets

        c = self.config
        demand = stage.demand
        self._progress("gap to capacity and plans")
        inputs = self._inputs or read_planner_inputs(c)
        # planner figures against each region's size: stops here unless c.accept_unusual
        unusual = check_plausible(inputs, demand.frame, c)
        fte = inputs.fte_per_place
        kwargs = {"capacity": c.capacity, "plans": c.plans, "status_file": c.status_file,
                  "plans_elsewhere": c.plans_elsewhere,
                  "fte_per_place": fte,
                  "data": c.data, "waiting_file": c.waiting_file,
                  "clustered_share": c.clustered_share,
                  "workforce": c.workforce, "workforce_file": c.workforce_file}
        gap = supply_gap(demand.frame, waiting=c.waiting, reference=c.reference, seed=c.seed,
                         places_draws=demand.places_draws, **kwargs)
        gap_total = supply_gap(demand.frame, waiting="total", **kwargs).frame
        self._progress("decomposition, ambition and references")
        years = sorted({*[y for y in STEP_YEARS if y <= c.to], c.to})
        parts = decompose(demand, gap.unmet_shares, years=years)
        forms = {"occupancy": c.occupancy, "clustered_share": c.clustered_share, "data": c.data}
        ambition = ambition_2025(gap.frame, gap.plans, **forms)
        tracked = targets(gap.frame, **forms)
        staff = staff_binding(gap.frame, fte, c.workforce_file, occupancy=c.occupancy)
        refs = national_references(gap.frame, **forms)
        why = explanation_figures(gap.frame, gap_total, **forms)
        explanation = explanation_text(why)
        shares = gap.unmet_shares.reindex(pd.unique(demand.frame["zk_code"]))
        national = self._national(stage.summary, gap.frame, demand.places_draws, shares)
        demography = _national_need(stage.demography.frame, stage.demography.places_draws,
                                    shares, national.set_index("year")["supply"], c.level)
        demography.insert(1, "scenario", "beleidsarm")
        gemeente_need = self._gemeente_need(stage.gemeente_weights, gap.frame)
        self._progress("provenance")
        parameters = {"config": c.to_dict(), **demand.parameters, **gap.parameters,
                      "base_observed": demand.base_observed, **stage.bands,
                      "explanation_figures": why,
                      "central": "point path (point population x central rate path); bands "
                                 "and p_short from the draws",
                      "unusual_inputs": unusual}
        assumptions = {**demand.assumptions, **gap.assumptions,
                       **cap_assumption(gap.frame, c.intramural_cap)}  # issue 31
        prov = provenance(parameters, assumptions, c.data, config=c, gap=gap.frame)
        result = ChainResult(
            config=c, population=stage.population.copy(),
            gemeente_85plus=stage.gemeente_85plus.copy(), demand=demand.frame.copy(),
            demand_draws=demand.places_draws, gap=gap.frame, plans=gap.plans,
            ambition=ambition, targets=tracked, staff=staff, decomposition=parts,
            national=national, references=refs,
            explanation=explanation, checks=stage.checks.copy(),
            waiting_forecast=stage.waiting_forecast.copy(), backtest=stage.backtest.copy(),
            regional_factors=None if stage.regional_factors is None
            else stage.regional_factors.copy(),
            regional_intensity=stage.regional_intensity.copy(),
            national_demography=demography, gemeente_need=gemeente_need, parameters=parameters,
            assumptions=assumptions, provenance=prov, texts=dict(stage.texts), _stage=stage)
        return _select(result, c.regions) if c.regions else result

    def _gemeente_frames(self, rates) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Inhabitants 85+ per gemeente (every projected year) and the expected clients
        [clients at the demand's base-year ``rates`` (sex, age)] per gemeente from the
        demand base year, both in the 2025 indeling."""
        from zorgcap import regions

        from .apportion import expected_clients
        from .population import build_projection
        from .schema import DEMAND_BASE_YEAR

        c = self.config
        proj = build_projection(to=c.to, variant=c.population_variant, level="gemeente",
                                data=c.data)
        persons = proj.persons[0]  # (year, gemeente, sex, age)
        frame = pd.DataFrame({"gm_code": np.tile(proj.codes, len(proj.years)),
                              "year": np.repeat(proj.years, len(proj.codes)),
                              "persons": persons[..., 85:].sum(axis=(-2, -1)).ravel(),
                              "expected": expected_clients(persons, rates).ravel()})
        frame = regions.to_indeling(frame, 2025, ["persons", "expected"], data=c.data)
        zk = regions.gemeenten(2025, c.data).set_index("gm_code")["zk_code"]
        frame["zk_code"] = frame["gm_code"].map(zk)
        frame = frame.rename(columns={"persons": "persons_85plus",
                                      "expected": "expected_clients"})
        gm85 = _plain(frame[["gm_code", "zk_code", "year", "persons_85plus"]])
        weights = frame[frame["year"] >= DEMAND_BASE_YEAR][
            ["gm_code", "zk_code", "year", "persons_85plus", "expected_clients"]]
        return gm85, _plain(weights.reset_index(drop=True))

    def _gemeente_need(self, weights: pd.DataFrame, gap: pd.DataFrame) -> pd.DataFrame:
        """Each gemeente's part of its region's need (:mod:`zorgcap.forecast.apportion`)."""
        from zorgcap import regions

        from .apportion import apportion_need

        out = apportion_need(gap[["year", "zk_code", "need"]], weights)
        names = regions.gemeenten(2025, self.config.data).set_index("gm_code")["gm_name"]
        out.insert(1, "gm_name", out["gm_code"].map(names))
        out.insert(3, "zk_name", out["zk_code"].map(
            gap.drop_duplicates("zk_code").set_index("zk_code")["zk_name"]))
        out = out.sort_values(["year", "zk_code", "gm_code"]).reset_index(drop=True)
        return _plain(out[["gm_code", "gm_name", "zk_code", "zk_name", "year",
                           "persons_85plus", "expected_clients", "share", "need"]])

    def _intensity(self, demand) -> pd.DataFrame:
        """The regional intensity index with the factor this run used (ChainResult)."""
        from .intensity import intensity_factors
        from .supply import supply_shares_2014

        frame = _plain(intensity_factors(extra_sd=self.config.regional_sd,
                                         data=self.config.data))
        used = dict(zip(demand.components.codes, demand.components.regional_factor,
                        strict=True))
        frame.insert(frame.columns.get_loc("log_sd"), "factor_used",
                     frame["zk_code"].map(used).astype(float))
        frame.insert(frame.columns.get_loc("source"), "capacity_share_2014",
                     frame["zk_code"].map(supply_shares_2014(self.config.data)).astype(float))
        return frame  # its source's record: _DemandStage.texts

    def _national(self, summary, gap, draws, w) -> pd.DataFrame:
        """National totals per year, with bands of the national total over the draws."""
        nat = gap.groupby("year")[["need", "capacity", "supply", "gap", "need_clustered",
                                   "supply_clustered", "gap_all_forms"]].sum().reset_index()
        out = summary.merge(nat, on="year")
        if draws is not None:
            bands = _national_draws(draws, w, out["supply"].to_numpy(), self.config.level)
            for col, values in bands.items():
                out[col] = values
        return out


def _demography_only(config: ChainConfig) -> bool:
    """Whether the run's scenario already holds the usage rates at the base year (constant
    rates, no extra change, no shift to home, no informal-care effect)."""
    from .scenarios import get_scenario, load_scenarios

    extra = load_scenarios(config.scenario_file) if config.scenario_file else None
    s = get_scenario(config.scenario, extra)
    return (s.rates == "constant" and not s.rate_change and not s.home_share
            and not s.oosr_elasticity)


def _national_draws(draws: np.ndarray, w, supply: np.ndarray, levels) -> dict:
    """Bands and shortage probability of the national total over the draws.

    ``draws`` (draw, year, region) places needed [places], ``w`` each region's waiting
    share in the draws' region order [fraction of its demand] (or one share), ``supply``
    (year,) national supply [places]. Returns ``need_lo/hi_<level>, gap_lo/hi_<level>``
    [places] (quantiles of ``sum_r draws x (1 + w_r)``, minus ``supply``) and ``p_short``
    [probability: the share of draws whose national need exceeds ``supply``].
    """
    w_r = np.broadcast_to(np.asarray(w, float), draws.shape[2:])[None, None]
    total = (draws.astype(np.float64) * (1 + w_r)).sum(axis=2)  # (draw, year)
    out = {}
    for lv in levels:
        for side, q in (("lo", 0.5 - lv / 200), ("hi", 0.5 + lv / 200)):
            need_q = np.quantile(total, q, axis=0)
            out[f"need_{side}_{lv}"] = need_q
            out[f"gap_{side}_{lv}"] = need_q - supply
    out["p_short"] = (total > supply[None]).mean(axis=0)
    return out


def _national_need(frame: pd.DataFrame, draws, w: pd.Series, supply: pd.Series,
                   levels) -> pd.DataFrame:
    """National need, supply and gap per year of a demand frame (``year, zk_code,
    places_needed`` [places]), with the waiting shares ``w`` (by region) added as the gap
    adds them, against the national ``supply`` by year [places]; with ``draws`` the bands
    and ``p_short`` of :func:`_national_draws`."""
    order = list(w.index)
    wide = frame.pivot(index="year", columns="zk_code", values="places_needed")[order]
    out = pd.DataFrame({"year": wide.index.to_numpy(),
                        "places_needed": wide.sum(axis=1).to_numpy(),
                        "need": (wide.to_numpy() * (1 + w.to_numpy()[None])).sum(axis=1)})
    out["supply"] = supply.reindex(out["year"]).to_numpy(float)
    out["gap"] = out["need"] - out["supply"]
    if draws is not None:
        for col, values in _national_draws(draws, w.to_numpy(), out["supply"].to_numpy(),
                                           levels).items():
            out[col] = values
    return out


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy without ``attrs`` (results carry data in columns, never in attrs)."""
    out = frame.copy()
    out.attrs = {}
    return out


def _select(result: ChainResult, codes) -> ChainResult:
    """The result for the regions ``codes``: regional frames filtered, national ones kept."""
    from dataclasses import replace

    codes = list(codes)

    def pick(frame):
        return frame[frame["zk_code"].isin(codes)].reset_index(drop=True)

    draws = result.demand_draws
    if draws is not None:
        order = list(pd.unique(result.demand["zk_code"]))  # the draws' region axis
        draws = draws[:, :, [i for i, c in enumerate(order) if c in codes]]
    return replace(
        result, population=pick(result.population), gemeente_85plus=pick(result.gemeente_85plus),
        gemeente_need=None if result.gemeente_need is None else pick(result.gemeente_need),
        demand=pick(result.demand), demand_draws=draws, gap=pick(result.gap),
        plans=pick(result.plans), ambition=pick(result.ambition), targets=pick(result.targets),
        staff=pick(result.staff),
        decomposition=pick(result.decomposition),
        regional_factors=None if result.regional_factors is None
        else pick(result.regional_factors),
        regional_intensity=None if result.regional_intensity is None
        else pick(result.regional_intensity))


def _top_down_note(checks: pd.DataFrame, comp):
    """One sentence that reconciles the top-down check with the cohort model (last year).

    The top-down forecast extrapolates the national count of clients with stay 2015-2023
    (CBS 84529NED) and knows nothing of the population; the cohort model multiplies the
    projected population by age-sex rates. Their difference is mostly ageing: the growth of
    clients at constant base-year rates from the population alone (``comp``: persons x
    rates x regional factors) is given next to it.
    """
    last = checks.iloc[-1]
    base = comp.years[0]
    by_year = np.einsum("yrsa,sa,r->y", comp.persons, comp.rates, comp.regional_factor)
    ageing = by_year[-1] / by_year[0] - 1
    rate = comp.multiplier[-1] - 1
    from .assumption import RunText

    return RunText("top_down_note", year=int(last["year"]), top_down=float(last["top_down"]),
                   cohort=float(last["clients_with_stay"]), base_year=int(base),
                   ageing=float(ageing), rate=float(rate))


def _band_label(backtest: pd.DataFrame, trend: bool) -> dict:
    """What the bands of the demand are, with the backtest's measured coverage (issue 17)."""
    from .assumption import RunText
    from .backtest import SHIPPED, summarise

    cal = summarise(backtest)["calibration"]["all"].loc[SHIPPED]
    coverage = {"backtest_coverage_80": round(float(cal["coverage_80"]), 3),
                "backtest_coverage_95": round(float(cal["coverage_95"]), 3)}
    if not trend:
        return {"band_label": RunText("band_constant"), **coverage}
    return {"band_label": RunText("band_trend", c80=float(cal["coverage_80"]),
                                  c95=float(cal["coverage_95"]), n=int(cal["n"])), **coverage}
