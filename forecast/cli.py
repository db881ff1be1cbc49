"""Command line: ``zorgcap``.

``zorgcap data status``            which input tables are found, truncated, missing, cached
``zorgcap data fetch [KEY ...]``   download CBS tables (needs internet and cbsodata)
``zorgcap regions [--year Y]``     the 31 zorgkantoorregio's of an indeling year

Every command takes ``--data DIR`` (else ``ZORGCAP_DATA``, the cache, ``../shared/data``).
Input problems print the file/row/fix message and exit with status 2.
"""

from __future__ import annotations

import argparse
import sys

from .errors import InputError

__all__ = ["main", "build_parser"]


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
