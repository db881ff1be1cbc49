"""Command line: ``zorgcap``.

``zorgcap data status``            which input tables are found, truncated, missing, cached
``zorgcap data fetch [KEY ...]``   download CBS tables (needs internet and cbsodata)
``zorgcap regions [--year Y]``     the 31 zorgkantoorregio's of an indeling year
``zorgcap population``             projected population by region x sex x age, to 2050

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
    from pathlib import Path

    from .io.cache import atomic_write

    out_dir = Path(out_dir)
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
