"""Command line: ``zorgcap``.

Commands::

    zorgcap data status             which input tables are found, truncated, missing, cached
    zorgcap data fetch [KEY|ID ...] refresh CBS tables into the cache (internet, cbsodata)
    zorgcap regions [--year Y]      the 31 zorgkantoorregio's of an indeling year
    zorgcap population              projected population by region x sex x age, to 2050
    zorgcap forecast                demand per region per year (scenario, draws, calibration)
    zorgcap backtest                rolling-origin backtest table (reports/backtest.md)
    zorgcap gap                     need versus capacity plus plans, the 2025 ambition
    zorgcap report                  the whole chain: maps, HTML report and Excel workbook
    zorgcap monitor                 progress over time: plan inventories against realised,
                                    learned realisation, the targets

The options of ``forecast``, ``gap``, ``report`` and ``monitor`` are the fields of
:class:`~zorgcap.forecast.modelchain.ChainConfig`, declared once
(:mod:`zorgcap.forecast.options`). Every command takes ``--data DIR``, before or after the
command (searched first; else ``ZORGCAP_DATA``, then the cache, ``../shared/data`` beside a
checkout and the snapshot embedded in zorgcap). Input problems print the file/row/fix message
and exit with status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from pathlib import Path

from .errors import InputError, check_whole
from .schema import LAST_YEAR, SEED, STEP_YEARS

__all__ = ["build_parser", "main"]


def _cmd_data_status(args) -> int:
    from .io.status import data_status, format_status

    frame = data_status(args.data, deep=True)
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


def _output(args, command: str, files=(), whole: bool = False, config=None):
    """The one output routine of every command (:class:`zorgcap.forecast.io.output.OutputFolder`):
    checked and locked before any work, written all at once at the end."""
    from .config import ChainConfig
    from .io.output import OutputFolder
    from .options import planner_files

    protect = [getattr(config, o, None) for o in planner_files(ChainConfig)] if config else []
    return OutputFolder(args.out, command=command, files=files, whole=whole,
                        force=getattr(args, "force", False),
                        protect=[p for p in protect if isinstance(p, (str, os.PathLike))])


def _cmd_population(args) -> int:
    from .population import build_projection

    name = f"population_{args.level}"
    with _output(args, "population", _tables(name)) as out:
        proj = build_projection(to=args.to, draws=args.draws, seed=args.seed,
                                variant=args.variant, level=args.level, data=args.data)
        frame = proj.to_frame()
        out.write_table(frame, name)
    for path in out.written:
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
    """The one :class:`~zorgcap.forecast.modelchain.ChainConfig` of ``forecast``, ``gap``,
    ``report`` and ``monitor``: every declared option from its argument
    (:func:`zorgcap.forecast.options.config_kwargs`)."""
    from .config import ChainConfig
    from .options import config_kwargs

    return ChainConfig(**config_kwargs(args, ChainConfig))


def _tables(*names: str) -> list[str]:
    """The files :meth:`~zorgcap.forecast.io.output.OutputFolder.write_table` writes for
    ``names``."""
    return [f"{n}.{ext}" for n in names for ext in ("csv", "parquet")]


def _echo(msg):
    print(msg, file=sys.stderr, flush=True)


def _run_chain(args, config=None, progress=None):
    """Run the chain of ``args`` (``config``: its :func:`_chain_config`, built before;
    ``progress``: a :class:`~zorgcap.forecast.progress.Progress` of the whole command, else
    the chain's own)."""
    from .modelchain import ForecastChain

    config = config or _chain_config(args)  # every argument is checked before any work
    result = ForecastChain(config, echo=progress or _echo).run()
    for found in result.parameters.get("unusual_inputs", []):
        where = f"{found['file']}, row {found['row']}: " if found["file"] and found["row"] \
            else f"{found['file']}: " if found["file"] else ""
        _echo(f"zorgcap: UNUSUAL input accepted (--accept-unusual): {where}{found['text']}")
    return result


def _provenance_text(result) -> str:
    """``provenance.json`` beside the tables: version, options, assumptions, input hashes."""
    import json

    return json.dumps(result.provenance, indent=1, ensure_ascii=False)


def _cmd_forecast(args) -> int:
    config = _chain_config(args)
    files = [*_tables(f"demand_{config.scenario}", "regional_factors", "regional_intensity"),
             "provenance.json"]
    with _output(args, "forecast", files, config=config) as out:
        result = _run_chain(args, config)
        out.write_table(result.demand, f"demand_{config.scenario}")
        out.write_text("provenance.json", _provenance_text(result))
        for table, name in ((result.regional_factors, "regional_factors"),
                            (result.regional_intensity, "regional_intensity")):
            if table is not None:
                out.write_table(table, name)
    for path in out.written:
        print(f"wrote {path}")
    scenario = result.config.scenario
    for table, what in (
            (result.regional_factors,
             "Regional factors (CBS 71488ned, institutional residents per COROP 2021)"),
            (result.regional_intensity,
             "Regional intensity index (2014 zzp 5-10, age-sex standardised, shrunk; "
             f"{result.config.regional_factors} in use)")):
        if table is None:
            continue
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
          "about 110,000 extra places; the user guide's 'Growth to 2040' "
          "(docs/user_guide/demand.md) says why the numbers differ.")
    return 0


def _cmd_gap(args) -> int:
    config = _chain_config(args)
    scenario = config.scenario  # every file names its scenario
    names = {"gap": f"gap_{scenario}", "steps": f"gap_{scenario}_steps",
             "ambition": f"ambition_2025_{scenario}", "targets": f"targets_{scenario}",
             "staff": f"staff_limit_{scenario}",
             "references": f"national_references_{scenario}"}
    with _output(args, "gap", [*_tables(*names.values()), "provenance.json"],
                 config=config) as out:
        result = _run_chain(args, config)
        gap = result.gap
        steps = gap[gap["year"].isin(STEP_YEARS)]
        for key, frame in (("gap", gap), ("steps", steps), ("ambition", result.ambition),
                           ("targets", result.targets), ("staff", result.staff),
                           ("references", result.references)):
            out.write_table(frame, names[key])
        out.write_text("provenance.json", _provenance_text(result))
    for path in out.written:
        print(f"wrote {path}")
    scenario = result.config.scenario
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
    from zorgcap.reports import render
    from zorgcap.reports.build import render_steps

    from .modelchain import ForecastChain
    from .progress import Progress

    config = _chain_config(args)
    if args.pdf:
        from zorgcap.reports.pdf import find_chromium

        find_chromium()  # no Chromium: say so before the forecast runs
    # one progress display over the chain and the report: every step counted once
    progress = Progress(ForecastChain.STEPS + render_steps(args.static, args.pdf), _echo)
    with _output(args, "report", whole=True, config=config) as out:  # before the forecast
        result = _run_chain(args, config, progress=progress)
        paths = render(result, out, echo=progress, lang=args.lang, static=args.static,
                       pdf=args.pdf)
    print(f"wrote {paths['html']}")
    print(f"wrote {paths['excel']}")
    if "pdf" in paths:
        print(f"wrote {paths['pdf']}")
    if paths["maps"]:
        print(f"wrote {len(paths['maps'])} maps (PNG and SVG) in "
              f"{paths['html'].parent / 'maps'}")
    print(f"wrote {paths['provenance']}")
    return 0


def _cmd_monitor(args) -> int:
    """``monitor.csv``, ``realisation.csv`` and their companions, a chart per region."""
    from zorgcap.reports.charts import monitor_chart

    from .monitor import NATIONAL, monitor

    names = ["monitor", "realisation", "monitor_changes", "monitor_sources", "monitor_status",
             "monitor_targets"]
    config = _chain_config(args)  # the same checks of every option, before any work
    check_whole("reach_draws", args.reach_draws, lo=1)  # named as typed; with --no-targets too
    files = [*_tables(*names), *(["provenance.json"] if args.targets else [])]
    with _output(args, "monitor", files, config=config) as out:
        if args.targets:
            result = _run_chain(args, config)
            m = result.monitor(draws=args.reach_draws)
        else:
            m = monitor(config.plans, status_file=config.status_file,
                        occupancy=config.occupancy, data=config.data, seed=config.seed)
        for name, frame in m.frames().items():
            out.write_table(frame, name)
        if args.targets:
            out.write_text("provenance.json", _provenance_text(result))
        charts = out.path("charts")
        charts.mkdir(exist_ok=True)
        shipped = m.sources[m.sources["zk_code"] == NATIONAL]["realised_source"] \
            .str.startswith("observed").any()
        for code in m.monitor["zk_code"].unique():
            if code == NATIONAL and shipped:
                monitor_chart(m.monitor, code, charts,
                              title="Nederland: intramural plans by ZN monitor",
                              realised_label="net change of places with stay in use "
                                             "(CBS 84529NED)")
            else:
                monitor_chart(m.monitor, code, charts)
    written = out.written
    for path in written:
        print(f"wrote {path}")
    learned = m.status[m.status["source"] == "history"]
    print("\nRealisation per status (" + ("learned from the inventories, shrunk toward the "
                                          "defaults" if len(learned) else "defaults: no "
                                          "history of several inventories") + "):")
    print(m.status.round(3).to_string(index=False))
    if len(m.changes):
        print("\nWhat became of the open places of each inventory in the next [places]:")
        print(m.changes.round(1).to_string(index=False))
    if m.targets is not None:
        nat = m.targets[m.targets["zk_code"] == NATIONAL]
        if len(nat):
            print("\nNational targets (places; p_reach: probability the pipeline reaches the "
                  "target by its year):")
            print(nat[["target", "year", "base_year", "forms", "target_share", "counted",
                       "counted_minus_share", "p_reach"]].round(3).to_string(index=False))
    print("\nThe national monitor (NL) rests on:")
    for r in m.sources[m.sources["zk_code"] == NATIONAL].itertuples():
        print(textwrap.fill(f"{r.vintage}: planned: {r.planned_source}; realised: "
                            f"{r.realised_source}", width=100, initial_indent="  ",
                            subsequent_indent="    "))
    return 0


def _cmd_backtest(args) -> int:
    from . import prospective
    from .backtest import backtest, output_files, write
    from .io.output import OutputFolder

    folder, names = output_files(args.out)
    with OutputFolder(folder, command="backtest", files=list(names.values()),
                      force=args.force) as out:
        regional = None
        if args.regional:
            from .regional_backtest import summary

            print("scoring the 40 COROP series of CBS 71488ned (the third attempt; a few "
                  "minutes the first time, cached after; --no-regional skips it)",
                  file=sys.stderr)
            regional = summary(args.data, workers=max(1, min(4, os.cpu_count() or 1)))
        table = backtest(data=args.data)
        later = prospective.summary(table, args.data)
        write(table, out, regional, prospective.to_markdown(later), names=names)
        prospective.write_scored(later, out.path(names["prospective"]))
    print((Path(folder) / names["md"]).read_text(encoding="utf-8"))
    for path in out.written:
        print(f"wrote {path}")
    return 0


def _run_args(parser, out: str) -> None:
    """The one option set of ``forecast``, ``gap``, ``report`` and ``monitor``: one argument
    per :class:`~zorgcap.forecast.modelchain.ChainConfig` field, from its declaration
    (:func:`zorgcap.forecast.options.add_arguments`)."""
    from .config import ChainConfig
    from .options import add_arguments

    add_arguments(parser, ChainConfig)
    _out_args(parser, out, "output directory")


FORCE_HELP = ("also replace output files zorgcap wrote earlier that were changed since; a "
              "file zorgcap did not write is never replaced")


def _out_args(parser, default: str, help_text: str) -> None:
    """``--out`` and ``--force`` of every command that writes a folder."""
    parser.add_argument("--out", default=default, metavar="DIR",
                        help=f"{help_text} (default: {default})")
    parser.add_argument("--force", action="store_true", help=f"{FORCE_HELP} (default: off)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zorgcap",
        description="Forecast nursing-home places (Wlz V&V) per zorgkantoorregio.",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"zorgcap {__version__}")
    _data_arg(parser, default=None)
    sub = parser.add_subparsers(dest="command", required=True)

    data = sub.add_parser("data", help="input tables").add_subparsers(dest="data_command",
                                                                       required=True)
    status = data.add_parser("status", help="list every input table and its state")
    status.set_defaults(func=_cmd_data_status)
    fetch = data.add_parser("fetch", help="refresh CBS tables with cbsodata into the cache")
    fetch.add_argument("keys", nargs="*", metavar="KEY_OR_CBS_ID",
                       help="manifest keys or CBS ids, e.g. households_age_sex or 37620 "
                            "(default: every table on CBS open data)")
    fetch.add_argument("--dest", default=None, metavar="DIR",
                       help="directory to write (default: the cache)")
    fetch.set_defaults(func=_cmd_data_fetch)

    pop = sub.add_parser("population", help="cohort-component population projection")
    pop.add_argument("--to", type=int, default=LAST_YEAR,
                     help=f"last year [year] (<= {LAST_YEAR}; default: {LAST_YEAR})")
    pop.add_argument("--level", default="zk", choices=["zk", "gemeente", "pv", "corop"],
                     help="regions: zorgkantoorregio, gemeente, provincie or COROP "
                          "(default: zk)")
    pop.add_argument("--draws", type=int, default=0,
                     help="stochastic draws (0 = the point projection; default: 0)")
    pop.add_argument("--seed", type=int, default=SEED,
                     help=f"seed of the draws (default: {SEED})")
    from .schema import VARIANTS

    pop.add_argument("--variant", default="point", choices=list(VARIANTS),
                     help="the point projection or a bound of the Kernprognose interval "
                          "(default: point)")
    _out_args(pop, "reports/out", "output directory")
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
                    help="language and number format of the report and workbook (default: nl)")
    rp.add_argument("--static", action="store_true",
                    help="also write the maps as PNG/SVG and the charts as PNG (for print; "
                         "default: off)")
    rp.add_argument("--pdf", action="store_true",
                    help="also print the report to zorgcap_report_<scenario>.pdf (A4, each "
                         "region on a new page) with headless Chromium (default: off)")
    rp.set_defaults(func=_cmd_report)

    mo = sub.add_parser("monitor", help="progress over time: plan inventories (vintage) "
                        "against realised places, learned realisation, the targets")
    _run_args(mo, "reports/monitor")
    mo.add_argument("--targets", action=argparse.BooleanOptionalAction, default=True,
                    help="run the forecast for the targets and the probability that each "
                         "region's pipeline reaches its share (default: yes; --no-targets "
                         "reads the plans history only)")
    mo.add_argument("--reach-draws", type=int, default=1000,
                    help="plan draws of the probability of reaching a target (default: 1000)")
    mo.set_defaults(func=_cmd_monitor)

    bt = sub.add_parser("backtest", help="rolling-origin backtest of the usage models")
    _out_args(bt, "reports", "folder for backtest.md and backtest.csv (or a .md file; the "
                            "CSV goes beside it)")
    bt.add_argument("--regional", action=argparse.BooleanOptionalAction, default=True,
                    help="also score the 40 COROP series of CBS 71488ned (the data the third "
                         "attempt of issue 17 chose on; default: yes)")
    bt.set_defaults(func=_cmd_backtest)

    reg = sub.add_parser("regions", help="list the 31 zorgkantoorregio's")
    reg.add_argument("--year", type=int, default=2025,
                     help="indeling year (2019-2025; default: 2025)")
    reg.set_defaults(func=_cmd_regions)
    for leaf in _leaves(parser):  # --data also after the subcommand
        _data_arg(leaf, default=argparse.SUPPRESS)
    return parser


def _data_arg(parser, default) -> None:
    """``--data DIR``, declared once (the ``data`` field of ChainConfig). The program takes it
    before the subcommand and every command after it (``default=SUPPRESS`` there, so an
    option given before the subcommand is not overwritten)."""
    from .config import ChainConfig
    from .options import help_text, spec

    parser.add_argument("--data", metavar=spec(ChainConfig.__dataclass_fields__["data"]).metavar,
                        default=default, help=help_text(ChainConfig, "data"))


def _leaves(parser):
    """The commands that run (``zorgcap data status``, ``zorgcap report``, ...)."""
    subs = [a for a in parser._actions  # noqa: SLF001 - argparse keeps its actions here
            if isinstance(a, argparse._SubParsersAction)]  # noqa: SLF001
    if not subs:
        yield parser
        return
    for action in subs:
        for sub in action.choices.values():
            yield from _leaves(sub)


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


def _options(parser: argparse.ArgumentParser) -> dict[str, str]:
    """dest -> the option a user types (``fte_per_place`` -> ``--fte-per-place``), over every
    command."""
    out = {}
    for action in parser._actions:  # noqa: SLF001 - argparse keeps its actions here
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for sub in action.choices.values():
                out.update({k: v for k, v in _options(sub).items() if k not in out})
        elif action.option_strings and action.dest not in ("help", "version"):
            out.setdefault(action.dest, max(action.option_strings, key=len))
    return out


def _one_line(exc: BaseException, options: dict | None = None) -> str:
    """The message of ``exc`` on one line; an argument named by its field (``fte_per_place``)
    also by the option the user typed (``--fte-per-place``)."""
    if isinstance(exc, OSError) and exc.filename is not None:
        return (f"{exc.strerror or exc}: {exc.filename} - Fix: check the path and that you "
                "may read/write it.")
    text = " - ".join(part.strip() for part in str(exc).splitlines() if part.strip())
    name = text[1:text.find("`", 1)] if text.startswith("`") else ""
    if options and name in options:
        text += f" (option {options[name]})"
    return text


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
            print(f"zorgcap: {label}: {_one_line(exc, _options(parser))}", file=sys.stderr)
            return 2
        import traceback

        traceback.print_exc(file=sys.stderr)
        print(f"zorgcap: internal error ({type(exc).__name__}): this is a bug in zorgcap, "
              "not a problem with your input. Please report it with the command you ran and "
              "the traceback above.", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
