"""Command line: ``zorgcap``.

``zorgcap data status``            which input tables are found, truncated, missing, cached
``zorgcap data fetch [KEY|ID ...]`` refresh CBS tables into the cache (internet, cbsodata)
``zorgcap regions [--year Y]``     the 31 zorgkantoorregio's of an indeling year
``zorgcap population``             projected population by region x sex x age, to 2050
``zorgcap forecast``               demand per region per year (scenario, draws, calibration)
``zorgcap backtest``               rolling-origin backtest table (reports/backtest.md)
``zorgcap gap``                    need versus capacity plus plans, the 2025 ambition
``zorgcap report``                 the whole chain: maps, HTML report and Excel workbook

Every command takes ``--data DIR`` (searched first; else ``ZORGCAP_DATA``), then the cache,
``../shared/data`` beside a checkout and the snapshot embedded in zorgcap.
Input problems print the file/row/fix message and exit with status 2.
"""

from __future__ import annotations

import argparse
import sys
import textwrap

from .errors import InputError
from .schema import CLUSTERED_SHARE, FTE_PER_PLACE, OCCUPANCY, STEP_YEARS

__all__ = ["build_parser", "main"]


def _cmd_data_status(args) -> int:
    from .io.status import data_status, format_status

    frame = data_status(args.data)
    print(format_status(frame))
    return 2 if (frame["state"] == "damaged").any() else 0  # damaged: an input to fix


def _cmd_data_fetch(args) -> int:
    from .io.fetch import LineProgress, fetch_tables, not_downloadable, resolve
    from .io.manifest import manifest

    entries = resolve(args.keys) if args.keys else list(manifest().values())
    elsewhere = [e for e in entries if not e.fetchable]
    if args.keys:  # asked for by name: say where each comes from
        for entry in elsewhere:
            print(not_downloadable(entry))
    elif elsewhere:
        print(f"{len(elsewhere)} tables are not on CBS open data and come with zorgcap's "
              f"embedded snapshot: {', '.join(e.key for e in elsewhere)} ('zorgcap data "
              "fetch KEY' says where each comes from).")
    todo = [e.key for e in entries if e.fetchable]
    if todo:
        for path in fetch_tables(todo, dest=args.dest, progress=LineProgress(sys.stderr)):
            print(f"wrote {path}")
    return 0


def _cmd_regions(args) -> int:
    from zorgcap import regions

    frame = regions.zorgkantoorregios(args.year, data=args.data)
    print(frame.to_string(index=False))
    print(f"\n{len(frame)} zorgkantoorregio's, {int(frame['n_gemeenten'].sum())} gemeenten "
          f"(indeling 1-1-{args.year}).")
    return 0


def write_table(frame, out_dir, name: str) -> list:
    """Write ``frame`` as CSV and Parquet under ``out_dir`` (atomically) and return the paths."""
    from pathlib import Path

    from .io.cache import atomic_write

    out_dir = Path(out_dir)
    return [
        atomic_write(out_dir / f"{name}.csv", lambda tmp: frame.to_csv(tmp, index=False)),
        atomic_write(out_dir / f"{name}.parquet", lambda tmp: frame.to_parquet(tmp)),
    ]


def _cmd_population(args) -> int:
    from .population import build_projection

    proj = build_projection(to=args.to, draws=args.draws, seed=args.seed,
                            variant=args.variant, level=args.level, data=args.data)
    frame = proj.to_frame()
    for path in write_table(frame, args.out, f"population_{args.level}"):
        print(f"wrote {path}")
    if args.level != "gemeente":
        code = f"{args.level}_code"
        name = f"{args.level}_name"
        old = frame[frame["age"] >= 85].groupby([code, name, "year"])["persons"].sum()
        old = old.unstack("year")
        last = min(2040, args.to)
        table = old[[proj.years[0], last]].assign(
            growth_pct=lambda f: 100 * (f[last] / f[proj.years[0]] - 1)).round(0)
        print(f"\nPopulation 85+ [persons], {proj.years[0]} -> {last}:")
        print(table.sort_values("growth_pct", ascending=False).to_string())
        total = old.sum()
        print(f"\nNetherlands 85+: {total[proj.years[0]]:,.0f} -> {total[last]:,.0f} "
              f"({100 * (total[last] / total[proj.years[0]] - 1):+.0f}%)")
    return 0


def _chain_config(args):
    """The one :class:`~zorgcap.forecast.modelchain.ChainConfig` of ``forecast``, ``gap`` and
    ``report``."""
    from .modelchain import ChainConfig

    regions = None
    if args.regions:
        regions = tuple(c.strip().upper() for c in args.regions.split(",") if c.strip())
    try:
        level = tuple(float(v) for v in args.level.split(","))
    except ValueError:
        raise ValueError(f"`--level` was {args.level!r} but is expected to be whole numbers "
                         "between 0 and 100 separated by commas, e.g. 80,95") from None
    level = tuple(int(v) if v == int(v) else v for v in level)
    return ChainConfig(
        scenario=args.scenario, scenario_file=args.scenario_file, to=args.to, draws=args.draws,
        seed=args.seed, population_variant=args.population_variant, occupancy=args.occupancy,
        rates=args.rates, calibrate=args.calibrate, regional_factors=args.regional_factors,
        regional_convergence=args.regional_convergence, regional_sd=args.regional_sd,
        waiting_file=args.waiting_file,
        capacity=args.capacity, plans=args.plans, plans_elsewhere=args.plans_elsewhere,
        status_file=args.status_file,
        waiting=None if args.waiting == "none" else args.waiting,
        fte_per_place=args.fte_per_place, staff_ratios=args.staff_ratios,
        workforce=args.workforce,
        workforce_file=args.workforce_file, clustered_share=args.clustered_share,
        reference=args.reference, engine=args.engine, regions=regions, level=level,
        data=args.data)


def _tables(*names: str) -> list[str]:
    """The files :func:`write_table` writes for ``names``."""
    return [f"{n}.{ext}" for n in names for ext in ("csv", "parquet")]


def _refuse_overwriting_inputs(config, out_dir, files) -> None:
    """Raise :class:`InputError` before any work if writing ``files`` into ``out_dir`` would
    replace one of the run's own planner files (a capacity file called targets.csv in the
    --out folder was silently overwritten)."""
    import os
    from pathlib import Path

    from .provenance import PLANNER_OPTIONS

    for name in files:
        dest = Path(out_dir) / name
        if not dest.is_file():
            continue
        for option in PLANNER_OPTIONS:
            given = getattr(config, option, None)
            if given is not None and Path(given).is_file() and os.path.samefile(dest, given):
                raise InputError(
                    f"--out {out_dir} would overwrite the input file {given} (option "
                    f"--{option.replace('_', '-')}): zorgcap writes its own {name} there",
                    file=str(given), fix="give another --out folder, or rename or move the "
                    "input file; zorgcap never replaces an input.")


def _run_chain(args, outputs=None):
    """Run the chain of ``args``; ``outputs(config)``: the file names the command will write
    into ``args.out``, checked against the run's inputs before any work."""
    from .modelchain import ForecastChain

    config = _chain_config(args)  # every argument is checked before any work
    if outputs is not None:
        _refuse_overwriting_inputs(config, args.out, outputs(config))

    def echo(msg):
        print(msg, file=sys.stderr, flush=True)

    return ForecastChain(config, echo=echo).run()


def _write_provenance(result, out_dir) -> list:
    """``provenance.json`` beside the tables: version, options, assumptions, input hashes."""
    import json
    from pathlib import Path

    from .io.cache import atomic_write

    text = json.dumps(result.provenance, indent=1, ensure_ascii=False)
    return [atomic_write(Path(out_dir) / "provenance.json",
                         lambda tmp: tmp.write_text(text, encoding="utf-8"))]


def _cmd_forecast(args) -> int:
    result = _run_chain(args, lambda c: [*_tables(f"demand_{c.scenario}", "regional_factors",
                                                  "regional_intensity"), "provenance.json"])
    frame = result.demand
    scenario = result.config.scenario
    for path in write_table(frame, args.out, f"demand_{scenario}") + _write_provenance(
            result, args.out):
        print(f"wrote {path}")
    for table, name, what in (
            (result.regional_factors, "regional_factors",
             "Regional factors (CBS 71488ned, institutional residents per COROP 2021)"),
            (result.regional_intensity, "regional_intensity",
             "Regional intensity index (2014 zzp 5-10, age-sex standardised, shrunk; "
             f"{result.config.regional_factors} in use)")):
        if table is None:
            continue
        for path in write_table(table, args.out, name):
            print(f"wrote {path}")
        lo, hi = table.loc[table["factor"].idxmin()], table.loc[table["factor"].idxmax()]
        print(f"{what}: {lo['factor']:.2f} ({lo['zk_name']}) to {hi['factor']:.2f} "
              f"({hi['zk_name']}).")
    nat = result.national.set_index("year")
    base, last = nat.index.min(), nat.index.max()
    params = result.parameters
    print(f"\nScenario {scenario}: {params['description']}")
    print(f"Base year {base}: model {nat.loc[base, 'clients_with_stay']:,.0f} clients with stay "
          f"(observed Wlz VV4-VV10 'Zin verblijf', CBS 84529NED: "
          f"{params['base_observed']:,.0f}).")
    cols = ["clients_with_stay", "clients_at_home", "places_needed", "growth_factor"]
    print(nat.loc[[y for y in nat.index if y in (base, 2025, 2030, 2035, 2040, last)], cols]
          .round(2).to_string())
    td = result.checks.set_index("year")
    print(f"\nTop-down check (trend of clients with stay 2015-2023 alone, "
          f"{td['method'].iloc[0]}, 95% interval of ETS and ARIMA) against this scenario:")
    for year in [y for y in (2030, 2035, 2040, last) if y in td.index][:3]:
        print(f"  {year}: top-down {td.loc[year, 'top_down']:,.0f} "
              f"({td.loc[year, 'top_down_lo']:,.0f}-{td.loc[year, 'top_down_hi']:,.0f}); "
              f"cohort model {nat.loc[year, 'clients_with_stay']:,.0f}")
    print(textwrap.fill(td["note"].iloc[0], width=100))
    factor = nat.loc[last, "growth_factor"]
    print(f"\nGrowth factor of clients with stay {base} -> {last}: x{factor:.2f} "
          f"({nat.loc[last, 'clients_with_stay'] - nat.loc[base, 'clients_with_stay']:+,.0f}). "
          "TNO 2019 (beleidsarm, from 2018/2019) expected roughly a doubling of the need by 2040, "
          "about 110,000 extra places; see the README for why the numbers differ.")
    return 0


def _cmd_gap(args) -> int:
    result = _run_chain(args, lambda c: [
        *_tables(f"gap_{c.scenario}", f"gap_{c.scenario}_steps", "ambition_2025", "targets",
                 "staff_limit", "national_references"), "provenance.json"])
    gap = result.gap
    scenario = result.config.scenario
    steps = gap[gap["year"].isin(STEP_YEARS)]
    written = write_table(gap, args.out, f"gap_{scenario}")
    written += write_table(steps, args.out, f"gap_{scenario}_steps")
    written += write_table(result.ambition, args.out, "ambition_2025")
    written += write_table(result.targets, args.out, "targets")
    written += write_table(result.staff, args.out, "staff_limit")
    written += write_table(result.references, args.out, "national_references")
    written += _write_provenance(result, args.out)
    for path in written:
        print(f"wrote {path}")
    nat = steps.groupby("year")[["need", "supply", "gap", "need_clustered", "supply_clustered",
                                 "gap_all_forms", "places_usable", "gap_usable"]].sum().round(0)
    where = ("" if result.config.regions is None
             else f"; regions {', '.join(result.config.regions)}")
    print(f"Rollup ({scenario}{where}; places; + = short; need/supply/gap with stay, "
          f"gap_all_forms with clustered VPT, gap_usable counting staff "
          f"({result.config.workforce})):")
    print(nat.to_string())
    ref = steps.groupby("year")[["reference_need", "reference_gap"]].sum().round(0)
    print(f"\nReference: {result.parameters['reference_description']}")
    print(ref.to_string())
    print("\nReference figures (national; each from its own base year):")
    refs = result.references[["reference", "base_year", "forms", "published", "zorgcap"]]
    print(refs.round(0).to_string(index=False, na_rep="outside the run"))
    print()
    print(result.explanation)
    if result.estimates:
        print("\nESTIMATES in use (where no planner file covers a region): "
              f"{', '.join(result.estimates)}.")
    return 0


def _cmd_report(args) -> int:
    from pathlib import Path

    from zorgcap.reports import render
    from zorgcap.reports.build import _check_out

    _check_out(Path(args.out))  # refuse a wrong --out before the forecast runs
    result = _run_chain(args)
    paths = render(result, args.out, echo=lambda m: print(m, file=sys.stderr, flush=True),
                   lang=args.lang, static=args.static)
    print(f"wrote {paths['html']}")
    print(f"wrote {paths['excel']}")
    if paths["maps"]:
        print(f"wrote {len(paths['maps'])} maps (PNG and SVG) in "
              f"{paths['html'].parent / 'maps'}")
    print(f"wrote {paths['provenance']}")
    return 0


def _cmd_backtest(args) -> int:
    from pathlib import Path

    from . import prospective
    from .backtest import backtest, write

    regional = None
    if args.regional:
        import os

        from .regional_backtest import summary

        print("scoring the 40 COROP series of CBS 71488ned (the third attempt; a few minutes "
              "the first time, cached after; --no-regional skips it)", file=sys.stderr)
        regional = summary(args.data, workers=max(1, min(4, os.cpu_count() or 1)))
    table = backtest(data=args.data)
    later = prospective.summary(table, args.data)
    md, csv = write(table, Path(args.out), regional, prospective.to_markdown(later))
    scored = prospective.write_scored(later, md)
    print(md.read_text(encoding="utf-8"))
    print(f"wrote {md}")
    print(f"wrote {csv}")
    print(f"wrote {md.with_name(md.stem + '_calibration.csv')}")
    if regional is not None:
        print(f"wrote {md.with_name(md.stem + '_regional.csv')}")
    if scored is not None:
        print(f"wrote {scored}")
    return 0


REFERENCE_HELP = ("what supply is compared against: model, tno2019, ambition2025, wozo2030, "
                  "ambition2031, ratio75:N or ratio80:N (N places per 1,000 aged 75+/80+)")


def _run_args(parser, out: str) -> None:
    """The one option set of ``forecast``, ``gap`` and ``report`` (fields of ChainConfig)."""
    parser.add_argument("--scenario", default="trend",
                        help="trend (default), beleidsarm, langer-thuis, mantelzorg or a name "
                             "in --scenario-file")
    parser.add_argument("--scenario-file", default=None, help="TOML file with own scenarios")
    parser.add_argument("--to", type=int, default=2040, help="last year (2025-2050)")
    parser.add_argument("--draws", type=int, default=200, help="Monte Carlo draws (0 = point)")
    parser.add_argument("--seed", type=int, default=20240101,
                        help="seed of every random draw of the run")
    parser.add_argument("--population-variant", default="point",
                        choices=["point", "low67", "high67", "low95", "high95"])
    parser.add_argument("--occupancy", type=float, default=OCCUPANCY,
                        help="share of places occupied (0.5-1)")
    parser.add_argument("--rates", default=None, help="CSV sex,age,rate replacing CBS rates")
    parser.add_argument("--calibrate", default=None,
                        help="CSV zk_code,clients_with_stay (base year) for regional factors")
    parser.add_argument("--regional-factors", default="intensity2014",
                        choices=["intensity2014", "national", "71488ned"],
                        help="regional usage levels: each region's 2014 zzp 5-10 intensity, "
                             "age-sex standardised and shrunk (default); national rates "
                             "everywhere; or (demoted) institutional residents of every kind "
                             "and age per COROP (CBS 71488ned)")
    parser.add_argument("--regional-convergence", type=int, default=None, metavar="YEAR",
                        help="regional factors converge to the national level by YEAR "
                             "(default: they persist)")
    parser.add_argument("--regional-sd", type=float, default=0.10, metavar="SD",
                        help="extra SD of the log regional intensity factor for 2014 provider "
                             "location vs today's client residence (default 0.10; 0 = hardly "
                             "shrunk, 0.15 or more = national rates)")
    parser.add_argument("--capacity", default=None, help="capacity CSV: places in use on 1 "
                        "January of the base year (template in data_raw/templates); without "
                        "it: the base-year places in use (ESTIMATE capacity_from_clients)")
    parser.add_argument("--plans", default=None, help="build plans CSV (template in "
                        "data_raw/templates); covers the regions it has rows for (a row "
                        "with places 0: a region without plans)")
    parser.add_argument("--plans-elsewhere", default="estimate", choices=["estimate", "none"],
                        help="plans of regions without rows in --plans: their share of the "
                             "national estimate plans_from_national, exactly as without a "
                             "file (default), or none (without --plans: no plans anywhere)")
    parser.add_argument("--status-file", default=None,
                        help="realisation probability per plan status")
    parser.add_argument("--waiting", default="urgent_plus_actief",
                        choices=["urgent_plus_actief", "total", "none"],
                        help="waiting list counted as unmet demand")
    parser.add_argument("--waiting-file", default=None,
                        help="regional waiting list by status (template in data_raw/templates); "
                             "without it the national list is shared by clients in care")
    parser.add_argument("--fte-per-place", type=float, default=FTE_PER_PLACE,
                        help="care staff per place [fte]")
    parser.add_argument("--staff-ratios", default=None,
                        help="fte per place by zzp VV4-VV10 (CSV zzp,fte_per_place); replaces "
                             "--fte-per-place by their mean over the national zzp mix")
    parser.add_argument("--workforce", default="letters", choices=["letters", "replacement"],
                        help="workforce scenario of the staff limit: the 2017-2020 growth of "
                             "the ministry's letters goes on (upper bound, default) or no net "
                             "growth")
    parser.add_argument("--workforce-file", default=None,
                        help="fte per region (template in data_raw/templates)")
    parser.add_argument("--clustered-share", type=float, default=CLUSTERED_SHARE,
                        help="share of VPT clients living clustered, whose places count "
                             "toward the ambition in all delivery forms (default "
                             f"{CLUSTERED_SHARE}; assumption clustered_share_of_vpt)")
    parser.add_argument("--reference", default="model", help=REFERENCE_HELP)
    parser.add_argument("--engine", default="numpy", choices=["numpy", "dask"],
                        help="where the population draws run: numpy (this process, one "
                             "core) or dask (Dask tasks: the threaded scheduler on every "
                             "core, or the current dask.distributed client)")
    parser.add_argument("--regions", default=None,
                        help="comma-separated zorgkantoorregio codes (default all 31)")
    parser.add_argument("--level", default="80,95", help="interval levels in %% (e.g. 80,95)")
    parser.add_argument("--out", default=out, help="output directory")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zorgcap",
        description="Forecast nursing-home places (Wlz V&V) per zorgkantoorregio.",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"zorgcap {__version__}")
    parser.add_argument("--data", metavar="DIR", default=None,
                        help="data directory searched first (else $ZORGCAP_DATA; then the "
                             "cache, ../shared/data beside a checkout, the embedded snapshot)")
    sub = parser.add_subparsers(dest="command", required=True)

    data = sub.add_parser("data", help="input tables").add_subparsers(dest="data_command",
                                                                       required=True)
    status = data.add_parser("status", help="list every input table and its state")
    status.set_defaults(func=_cmd_data_status)
    fetch = data.add_parser("fetch", help="refresh CBS tables with cbsodata into the cache")
    fetch.add_argument("keys", nargs="*", metavar="KEY_OR_CBS_ID",
                       help="manifest keys or CBS ids, e.g. households_age_sex or 37620 "
                            "(default: every table on CBS open data)")
    fetch.add_argument("--dest", default=None, help="directory to write (default: the cache)")
    fetch.set_defaults(func=_cmd_data_fetch)

    pop = sub.add_parser("population", help="cohort-component population projection")
    pop.add_argument("--to", type=int, default=2050, help="last year (<= 2050)")
    pop.add_argument("--level", default="zk", choices=["zk", "gemeente", "pv", "corop"])
    pop.add_argument("--draws", type=int, default=0, help="stochastic draws (0 = point)")
    pop.add_argument("--seed", type=int, default=20240101)
    pop.add_argument("--variant", default="point",
                     choices=["point", "low67", "high67", "low95", "high95"])
    pop.add_argument("--out", default="reports/out", help="output directory")
    pop.set_defaults(func=_cmd_population)

    fc = sub.add_parser("forecast", help="demand for nursing-home places per region")
    _run_args(fc, "reports/out")
    fc.set_defaults(func=_cmd_forecast)

    gp = sub.add_parser("gap", help="gap between need and capacity plus plans per region")
    _run_args(gp, "reports/out")
    gp.set_defaults(func=_cmd_gap)

    rp = sub.add_parser("report", help="the whole chain: maps, HTML report, Excel workbook")
    _run_args(rp, "reports/latest")
    rp.add_argument("--lang", default="nl", choices=["nl", "en"],
                    help="language and number format of the report and workbook (default nl)")
    rp.add_argument("--static", action="store_true",
                    help="also write the maps as PNG/SVG and the charts as PNG (for print)")
    rp.set_defaults(func=_cmd_report)

    bt = sub.add_parser("backtest", help="rolling-origin backtest of the usage models")
    bt.add_argument("--out", default="reports",
                    help="folder for backtest.md and backtest.csv (or a .md file; the CSV "
                         "goes beside it)")
    bt.add_argument("--regional", action=argparse.BooleanOptionalAction, default=True,
                    help="also score the 40 COROP series of CBS 71488ned (the data the third "
                         "attempt of issue 17 chose on; default: yes)")
    bt.set_defaults(func=_cmd_backtest)

    reg = sub.add_parser("regions", help="list the 31 zorgkantoorregio's")
    reg.add_argument("--year", type=int, default=2025, help="indeling year (2019-2025)")
    reg.set_defaults(func=_cmd_regions)
    return parser


def _is_input_error(exc: BaseException) -> bool:
    """Whether ``exc`` is the user's to fix (exit 2) rather than a bug (exit 1).

    Input errors: :class:`InputError` (a file, row and fix), an argument refused in the
    project's convention (``ValueError("`name` was X but is expected ...")``, raised by
    :class:`~zorgcap.forecast.modelchain.ChainConfig` and the dispatchers before any work) and the
    operating system refusing a path (no such file, no permission, disk full).
    """
    if isinstance(exc, InputError):
        return True
    if isinstance(exc, ValueError) and str(exc).startswith("`"):
        return True
    return isinstance(exc, OSError) and exc.errno is not None


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.filename is not None:
        return (f"{exc.strerror or exc}: {exc.filename} - Fix: check the path and that you "
                "may read/write it.")
    return " - ".join(part.strip() for part in str(exc).splitlines() if part.strip())


def main(argv=None) -> int:
    """Run one command. Exit status: 0 done, 2 input error (one line with the fix), 1 bug
    (traceback and a request to report it), 130 interrupted."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("zorgcap: interrupted.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - sorted into input errors and bugs below
        if _is_input_error(exc):
            label = getattr(exc, "label", "input error")  # e.g. "cannot fetch"
            print(f"zorgcap: {label}: {_one_line(exc)}", file=sys.stderr)
            return 2
        import traceback

        traceback.print_exc(file=sys.stderr)
        print(f"zorgcap: internal error ({type(exc).__name__}): this is a bug in zorgcap, "
              "not a problem with your input. Please report it with the command you ran and "
              "the traceback above.", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
