"""Command line: ``zorgcap``.

``zorgcap data status``            which input tables are found, truncated, missing, cached
``zorgcap data fetch [KEY ...]``   download CBS tables (needs internet and cbsodata)
``zorgcap regions [--year Y]``     the 31 zorgkantoorregio's of an indeling year
``zorgcap population``             projected population by region x sex x age, to 2050
``zorgcap forecast``               demand per region per year (scenario, draws, calibration)
``zorgcap backtest``               rolling-origin backtest table (reports/backtest.md)
``zorgcap gap``                    need versus capacity plus plans, the 2025 ambition
``zorgcap report``                 the whole chain: maps, HTML report and Excel workbook

Every command takes ``--data DIR`` (else ``ZORGCAP_DATA``, the cache, ``../shared/data``).
Input problems print the file/row/fix message and exit with status 2.
"""

from __future__ import annotations

import argparse
import sys

from .errors import InputError

__all__ = ["build_parser", "main"]


def _cmd_data_status(args) -> int:
    from .io.status import data_status, format_status

    frame = data_status(args.data)
    print(format_status(frame))
    return 0


def _cmd_data_fetch(args) -> int:
    from .io.fetch import fetch_tables

    for path in fetch_tables(args.keys or None, dest=args.dest):
        print(f"wrote {path}")
    return 0


def _cmd_regions(args) -> int:
    import regions

    frame = regions.zorgkantoorregios(args.year, data=args.data)
    print(frame.to_string(index=False))
    print(f"\n{len(frame)} zorgkantoorregio's, {int(frame['n_gemeenten'].sum())} gemeenten "
          f"(indeling 1-1-{args.year}).")
    return 0


def write_table(frame, out_dir, name: str) -> list:
    """Write ``frame`` as CSV and Parquet under ``out_dir`` (atomically) and return the paths."""
    import json
    from pathlib import Path

    from .io.cache import atomic_write

    out_dir = Path(out_dir)
    meta = {}
    for key, value in frame.attrs.items():  # keep the provenance that JSON can carry
        try:
            json.dumps(value)
            meta[key] = value
        except TypeError:
            continue
    frame = frame.copy()
    frame.attrs = meta
    paths = [
        atomic_write(out_dir / f"{name}.csv", lambda tmp: frame.to_csv(tmp, index=False)),
        atomic_write(out_dir / f"{name}.parquet", lambda tmp: frame.to_parquet(tmp)),
    ]
    return paths


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


def _cmd_forecast(args) -> int:
    from .demand import national_summary, project_demand

    frame = project_demand(scenario=args.scenario, to=args.to, draws=args.draws,
                           seed=args.seed, occupancy=args.occupancy, calibrate=args.calibrate,
                           rates=args.rates, population_variant=args.population_variant,
                           scenario_file=args.scenario_file,
                           regional_factors=args.regional_factors, data=args.data)
    for path in write_table(frame, args.out, f"demand_{args.scenario}"):
        print(f"wrote {path}")
    if args.regional_factors == "71488ned":
        from .regional import zk_factors

        zkf = zk_factors(2025, args.data)
        for path in write_table(zkf, args.out, "regional_factors"):
            print(f"wrote {path}")
        lo, hi = zkf.loc[zkf["factor"].idxmin()], zkf.loc[zkf["factor"].idxmax()]
        print(f"Regional factors (CBS 71488ned, institutional residents per COROP 2021): "
              f"{lo['factor']:.2f} ({lo['zk_name']}) to {hi['factor']:.2f} ({hi['zk_name']}).")
    nat = national_summary(frame).set_index("year")
    base, last = nat.index.min(), nat.index.max()
    print(f"\nScenario {args.scenario}: {frame.attrs['parameters']['description']}")
    print(f"Base year {base}: model {nat.loc[base, 'clients_with_stay']:,.0f} clients with stay "
          f"(observed Wlz VV4-VV10 'Zin verblijf', CBS 84529NED: "
          f"{frame.attrs['base_national']:,.0f}).")
    print(nat.loc[[y for y in nat.index if y in (base, 2025, 2030, 2035, 2040, last)]]
          .round(2).to_string())
    from .timeseries import top_down

    td = top_down(last, data=args.data).set_index("year")
    print(f"\nTop-down check (trend of clients with stay 2015-2023 alone, "
          f"{td.attrs['method']}, 95% interval of ETS and ARIMA) against this scenario:")
    for year in [y for y in (2030, 2035, 2040, last) if y in td.index][:3]:
        print(f"  {year}: top-down {td.loc[year, 'mean']:,.0f} ({td.loc[year, 'lo']:,.0f}-"
              f"{td.loc[year, 'hi']:,.0f}); cohort model {nat.loc[year, 'clients_with_stay']:,.0f}")
    factor = nat.loc[last, "growth_factor"]
    print(f"\nGrowth factor of clients with stay {base} -> {last}: x{factor:.2f} "
          f"({nat.loc[last, 'clients_with_stay'] - nat.loc[base, 'clients_with_stay']:+,.0f}). "
          "TNO 2019 (beleidsarm, from 2018/2019) expected roughly a doubling of the need by 2040, "
          "about 110,000 extra places; see the README for why the numbers differ.")
    return 0


def _cmd_gap(args) -> int:
    from .demand import project_demand
    from .gap import (
        STEP_YEARS,
        ambition_2025,
        compare_capacity,
        explain_2025,
        national_references,
    )

    demand = project_demand(scenario=args.scenario, to=args.to, draws=args.draws,
                            seed=args.seed, calibrate=args.calibrate,
                            regional_factors=args.regional_factors, data=args.data)
    kwargs = {"capacity": args.capacity, "plans": args.plans, "status_file": args.status_file,
              "fte_per_place": args.fte_per_place}
    gap = compare_capacity(demand, waiting=args.waiting, reference=args.reference, **kwargs)
    total = compare_capacity(demand, waiting="total", **kwargs)
    steps = gap[gap["year"].isin(STEP_YEARS)]
    written = write_table(gap, args.out, f"gap_{args.scenario}")
    written += write_table(steps, args.out, f"gap_{args.scenario}_steps")
    amb = ambition_2025(gap)
    refs = national_references(gap)
    written += write_table(amb, args.out, "ambition_2025")
    written += write_table(refs, args.out, "national_references")
    for path in written:
        print(f"wrote {path}")
    nat = steps.groupby("year")[["need", "supply", "gap", "reference_need", "reference_gap",
                                 "fte_gap"]].sum().round(0)
    print(f"\nReference: {gap.attrs['parameters']['reference_description']}")
    print(f"National rollup ({args.scenario}; places; + = short):")
    print(nat.to_string())
    print("\nReference figures:")
    print(refs[["reference", "published", "zorgcap"]].round(0).to_string(index=False))
    print()
    print(explain_2025(gap, total))
    est = [k for k in gap.attrs["assumptions"] if k in ("capacity_from_clients",
                                                         "plans_from_national")]
    if est:
        print(f"\nESTIMATES in use (no planner file given): {', '.join(est)}.")
    return 0


def _cmd_report(args) -> int:
    from reports import run_report

    def echo(msg):
        print(msg, file=sys.stderr, flush=True)

    paths = run_report(scenario=args.scenario, to=args.to, out=args.out, draws=args.draws,
                       seed=args.seed, capacity=args.capacity, plans=args.plans,
                       calibrate=args.calibrate, reference=args.reference, data=args.data,
                       regional_factors=args.regional_factors, echo=echo)
    print(f"wrote {paths['html']}")
    print(f"wrote {paths['excel']}")
    print(f"wrote {len(paths['maps'])} maps (PNG and SVG) in {paths['html'].parent / 'maps'}")
    print(f"wrote {paths['provenance']}")
    return 0


def _cmd_backtest(args) -> int:
    from pathlib import Path

    from .backtest import backtest, to_markdown
    from .io.cache import atomic_write

    table = backtest(data=args.data)
    text = to_markdown(table)
    atomic_write(Path(args.out), lambda tmp: tmp.write_text(text, encoding="utf-8"))
    print(text)
    print(f"wrote {args.out}")
    return 0


REFERENCE_HELP = ("what supply is compared against: model, tno2019, ambition2025, wozo2030, "
                  "ambition2031, ratio75:N or ratio80:N (N places per 1,000 aged 75+/80+)")


def _run_args(parser, scenario: str, supply: bool = False) -> None:
    """The options every forecasting command shares."""
    parser.add_argument("--scenario", default=scenario,
                        help="beleidsarm, trend, langer-thuis, mantelzorg or a name in "
                             "--scenario-file")
    parser.add_argument("--to", type=int, default=2040, help="last year")
    parser.add_argument("--draws", type=int, default=200, help="Monte Carlo draws (0 = point)")
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument("--calibrate", default=None,
                        help="CSV zk_code,clients_with_stay (base year) for regional factors")
    parser.add_argument("--regional-factors", default="national",
                        choices=["national", "71488ned"],
                        help="national rates everywhere (default), or factors from "
                             "institutional residents per COROP region (CBS 71488ned; all "
                             "ages and kinds of institution)")
    if supply:
        parser.add_argument("--capacity", default=None, help="capacity CSV (template in "
                            "data_raw/templates)")
        parser.add_argument("--plans", default=None, help="build plans CSV (template in "
                            "data_raw/templates)")
        parser.add_argument("--reference", default="model", help=REFERENCE_HELP)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zorgcap",
        description="Forecast nursing-home places (Wlz V&V) per zorgkantoorregio.",
    )
    parser.add_argument("--data", metavar="DIR", default=None,
                        help="data directory searched first (else $ZORGCAP_DATA, the project "
                             "cache, ../shared/data)")
    sub = parser.add_subparsers(dest="command", required=True)

    data = sub.add_parser("data", help="input tables").add_subparsers(dest="data_command",
                                                                       required=True)
    status = data.add_parser("status", help="list every input table and its state")
    status.set_defaults(func=_cmd_data_status)
    fetch = data.add_parser("fetch", help="download CBS tables with cbsodata")
    fetch.add_argument("keys", nargs="*", help="manifest keys (default: all downloadable)")
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
    _run_args(fc, "beleidsarm")
    fc.add_argument("--scenario-file", default=None, help="TOML file with own scenarios")
    fc.add_argument("--occupancy", type=float, default=0.97)
    fc.add_argument("--rates", default=None, help="CSV sex,age,rate replacing CBS rates")
    fc.add_argument("--population-variant", default="point",
                    choices=["point", "low67", "high67", "low95", "high95"])
    fc.add_argument("--out", default="reports/out")
    fc.set_defaults(func=_cmd_forecast)

    gp = sub.add_parser("gap", help="gap between need and capacity plus plans per region")
    _run_args(gp, "beleidsarm", supply=True)
    gp.add_argument("--status-file", default=None, help="realisation probability per status")
    gp.add_argument("--waiting", default="urgent_plus_actief",
                    choices=["urgent_plus_actief", "total"])
    gp.add_argument("--fte-per-place", type=float, default=1.2)
    gp.add_argument("--out", default="reports/out")
    gp.set_defaults(func=_cmd_gap)

    rp = sub.add_parser("report", help="the whole chain: maps, HTML report, Excel workbook")
    _run_args(rp, "trend", supply=True)
    rp.add_argument("--out", default="reports/latest")
    rp.set_defaults(func=_cmd_report)

    bt = sub.add_parser("backtest", help="rolling-origin backtest of the usage models")
    bt.add_argument("--out", default="reports/backtest.md")
    bt.set_defaults(func=_cmd_backtest)

    reg = sub.add_parser("regions", help="list the 31 zorgkantoorregio's")
    reg.add_argument("--year", type=int, default=2025, help="indeling year (2019-2025)")
    reg.set_defaults(func=_cmd_regions)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"zorgcap: input error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"zorgcap: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
