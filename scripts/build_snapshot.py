"""Build the embedded data snapshot ``data_raw/snapshot`` from ``../shared/data``.

A development tool, not part of the package: run it in the checkout's environment
(``pip install -e ".[dev]"``) after a table in ``../shared/data`` changed
(``tests/test_snapshot.py`` fails until you do)::

    python scripts/build_snapshot.py                 # from ../shared/data
    python scripts/build_snapshot.py --source DIR    # from another copy of the data layout

For every table of ``data_raw/manifest.csv`` it finds the source file as zorgcap does
(``zorgcap.forecast.io.manifest``: a complete copy before a truncated one), parses it with
zorgcap's own parser (``zorgcap.forecast.io.tables``), checks that the Parquet file reads back
as the same frame, and writes ``data_raw/snapshot/<key>.parquet`` (zstd; gemeente boundaries
as GeoParquet) and ``data_raw/snapshot/manifest.csv`` (columns:
``zorgcap.forecast.io.snapshot.COLUMNS``).
Files are written atomically; running it twice on the same data gives the same files.

Where each table comes from (publisher, the copy it was taken from, when) is read from the
PROVENANCE.md files of ``../shared/data`` and written down in :data:`ORIGINS` below; licence
and attribution come from ``data_raw/manifest.csv``.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

import pandas as pd

from zorgcap.forecast.io.cache import atomic_write, file_hash
from zorgcap.forecast.io.cbs import is_truncated
from zorgcap.forecast.io.manifest import _candidates, manifest
from zorgcap.forecast.io.snapshot import COLUMNS, read_snapshot
from zorgcap.forecast.io.tables import _PARSERS

ROOT = Path(__file__).resolve().parents[1]

OUT = ROOT / "data_raw" / "snapshot"

# The public mirror of CBS StatLine that every CBS table in ../shared/data was copied from
# (PROVENANCE.md of geo/, usage/, projection/, mortality/): OData v3 TypedDataSet dumps with
# category labels, pulled on 2025-04-22 (commits ef80a47, d06c9cc, 19ce4e1, fda6426).
_CBS_VIA = ("GitHub dertje/cbs_datasets @388b47d2 output_files/all_datasets/{id}.csv "
            "(OData TypedDataSet, codes replaced by labels)")
_CBS_DATE = "2025-04-22"

#: key -> (source, via, retrieved); CBS tables of the mirror are filled in by :func:`origin`.
ORIGINS = {
    "gemeente_geometry_2022": (
        "CBS Gebiedsindelingen 2022 v1, gemeenten (generalised, EPSG:28992)",
        "GitHub certe-medical-epidemiology/certegis @53de1e11 data/geo_gemeenten.rda, "
        "converted to GeoJSON (rdata); zk_code joined from 85067NED",
        "2022-06-10"),
    "gemeente_geometry_2023": (
        "CBS/PDOK Gebiedsindelingen 2023, gemeente_gegeneraliseerd, simplified by cartomap/nl "
        "(EPSG:4326, 3 decimals)",
        "GitHub Lars-Janssen/Lars-Janssen.github.io @c7e75dca, a copy of cartomap/nl "
        "wgs84/gemeente_2023.geojson",
        "not stated (copied 2026-11)"),
    "gemeente_geometry_2025": (
        "CBS/PDOK Gebiedsindelingen 2025, gemeente_gegeneraliseerd, simplified by cartomap/nl "
        "(EPSG:4326)",
        "GitHub Lars-Janssen/Lars-Janssen.github.io @c7e75dca, a copy of cartomap/nl "
        "wgs84/gemeente_2025.geojson",
        "not stated (copied 2026-11)"),
    "population_gemeente_2021": (
        "CBS 83502NED Bevolking en leeftijd per postcode, 1-1-2021",
        "GitHub certe-medical-epidemiology/certegis @53de1e11 "
        "data/inwoners_per_postcode_leeftijd.rda and data/postcodes.rda; DERIVED in "
        "../shared: PC4 counts summed per gemeente of the 2021 indeling",
        "2021-12-31"),
    "projection_age_sex_derived": (
        "CBS 85745NED Prognose bevolking; geslacht en leeftijd (KVS 2023)",
        "DERIVED in ../shared from the truncated mirror copy of 85745NED "
        f"({_CBS_VIA.format(id='85745NED')}): vrouwen = totaal - mannen",
        _CBS_DATE),
    "mortality_hmd": (
        "Human Mortality Database, Netherlands, Death rates (period 1x1), last modified "
        "2018-05-10 (Methods Protocol v6)",
        "GitHub kjhealy/demog @6af6f100 rawdata/NLD.Mx_1x1.txt (added 2019-11-06)",
        "2019-11-06"),
    "zzp_zorgkantoor_2014": (
        "Deloitte, State of the State - Zorg (2015): intramural zzp per zorgkantoor 2014, "
        "citing CIZ (2014) and Zorg op de Kaart (2014)",
        "GitHub knut0815/sotszorg @f0c7824a js/Separate js scripts/sots_zorgkantoor.js, "
        "converted 1:1 to CSV",
        "2015-06-24"),
    "zzp_gemeente_2014": (
        "Deloitte, State of the State - Zorg (2015): intramural zzp per gemeente 2014, "
        "citing CIZ (2014) and Zorg op de Kaart (2014)",
        "GitHub knut0815/sotszorg @f0c7824a js/Separate js scripts/sots_gemeentes_zorg.js, "
        "converted 1:1 to CSV (Latin-1 to UTF-8)",
        "2015-06-24"),
}

#: Tables of which only the columns zorgcap reads (the manifest's expected columns) are
#: shipped: their publisher states no licence (zorgcap.forecast.io.tables.load_zzp_2014
#: reads no other column).
ONLY_READ_COLUMNS = {"zzp_zorgkantoor_2014", "zzp_gemeente_2014"}


def origin(entry) -> tuple[str, str, str]:
    """``(source, via, retrieved)`` of a manifest entry (:data:`ORIGINS`, else the mirror)."""
    if entry.key in ORIGINS:
        return ORIGINS[entry.key]
    if entry.format != "cbs_odata":
        raise SystemExit(f"build_snapshot: no origin for '{entry.key}': add it to ORIGINS")
    return (f"CBS StatLine {entry.cbs_id} {entry.title}", _CBS_VIA.format(id=entry.cbs_id),
            _CBS_DATE)


def source_file(entry, source: Path) -> Path:
    """The file zorgcap would read for ``entry`` in the data directory ``source``."""
    files = _candidates(source, entry.path)
    if not files:
        raise SystemExit(f"build_snapshot: '{entry.key}' not found as {source / entry.path}")
    return files[0]


def parse(entry, path: Path) -> pd.DataFrame:
    """The table as zorgcap's parser makes it, restricted as :data:`ONLY_READ_COLUMNS` says."""
    frame = _PARSERS[entry.format](path)
    if entry.key in ONLY_READ_COLUMNS:
        frame = frame[list(entry.expected_columns)]
    frame.attrs = {}  # pandas would store attrs (the source's local path) in the file
    return frame


def write_parquet(frame: pd.DataFrame, target: Path) -> None:
    """zstd-compressed Parquet (GeoParquet for a GeoDataFrame), written atomically."""
    atomic_write(target, lambda tmp: frame.to_parquet(tmp, compression="zstd",
                                                      compression_level=19))


def same_frame(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Raise ``AssertionError`` unless ``a`` and ``b`` are the same (Geo)DataFrame."""
    if hasattr(a, "geometry"):
        from geopandas.testing import assert_geodataframe_equal

        assert_geodataframe_equal(a, b, check_less_precise=False)
    else:
        pd.testing.assert_frame_equal(a, b, check_exact=True)


def build(source: Path, out: Path = OUT) -> pd.DataFrame:
    """Write every table of the manifest to ``out`` and return the snapshot manifest."""
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for key, entry in manifest().items():
        path = source_file(entry, source)
        frame = parse(entry, path)
        target = out / f"{key}.parquet"
        write_parquet(frame, target)
        back = read_snapshot(target)
        back.attrs = {}
        same_frame(back, frame)
        src, via, retrieved = origin(entry)
        kept = ("all" if entry.key not in ONLY_READ_COLUMNS else
                f"the {frame.shape[1]} columns zorgcap reads (no licence stated for the rest)")
        rows.append({
            "key": key, "file": target.name, "cbs_id": entry.cbs_id, "source": src,
            "via": via, "retrieved": retrieved, "licence": entry.licence,
            "attribution": entry.attribution,
            "source_files": path.relative_to(source).as_posix(),
            "source_sha256": file_hash(path),
            "truncated": "yes" if is_truncated(path, len(frame)) else "no",
            "columns_kept": kept, "rows": len(frame), "columns": frame.shape[1],
            "sha256": file_hash(target), "bytes": target.stat().st_size,
        })
        print(f"{key:36s} {len(frame):7,d} rows {target.stat().st_size / 1024:8.1f} kB "
              f"<- {path.relative_to(source)}")
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    text = io.StringIO()
    table.to_csv(text, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    atomic_write(out / "manifest.csv", lambda tmp: tmp.write_text(text.getvalue(),
                                                                  encoding="utf-8"))
    stale = sorted(p.name for p in out.glob("*.parquet") if p.stem not in manifest())
    for name in stale:  # a table that left the manifest leaves the snapshot
        (out / name).unlink()
    total = sum(table["bytes"])
    print(f"{len(table)} tables, {total / 1e6:.2f} MB in {out.relative_to(ROOT)}"
          + (f"; removed {', '.join(stale)}" if stale else ""))
    return table


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "data",
                        help="data directory in the layout of ../shared/data "
                             "(default: ../shared/data beside the checkout)")
    args = parser.parse_args(argv)
    if not args.source.is_dir():
        print(f"build_snapshot: {args.source} is not a directory", file=sys.stderr)
        return 2
    build(args.source.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
