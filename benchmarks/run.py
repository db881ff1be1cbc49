"""Time and memory of the main steps on this machine; writes benchmarks/RESULTS.md.

Each case runs in a fresh Python process so that its peak memory (max RSS) is its own.
Usage: ``python benchmarks/run.py [--quick] [--repeat N]`` (``--quick``: 100 draws instead of
1,000; ``--repeat``: fresh-process runs per case, default 3, the table gives the median).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent

CASE = r"""
import json, resource, sys, time
setup, stmt = sys.argv[1], sys.argv[2]
exec(setup)
t = time.perf_counter()
exec(stmt)
elapsed = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB (Linux)
print(json.dumps({"seconds": elapsed, "peak_mib": peak}))
"""

WARM = "from forecast import population as P\nP.build_projection(to=2022)\n"
DEMAND = "from forecast.demand import project_demand\nproject_demand(to=2024)\n"
REPORT = ("import tempfile\nfrom reports import run_report\n"
          "out = tempfile.mkdtemp() + '/latest'\n")
RENDER = ("import tempfile\nfrom forecast import ChainConfig, ForecastChain\n"
          "from reports import render\n"
          "result = ForecastChain(ChainConfig(scenario='trend', to=2040, draws=200)).run()\n"
          "out = tempfile.mkdtemp() + '/latest'\n")


def cases(draws: int):
    return [
        ("data load, cold cache (all 2019-2025 mappings, population, 37620)",
         "from forecast.io import read_table, load_gebieden, load_population_gemeente",
         "[load_gebieden(y) for y in range(2019, 2026)]; load_population_gemeente();"
         " read_table('households_age_sex')", True),
        ("data load, warm cache (same tables)",
         "from forecast.io import read_table, load_gebieden, load_population_gemeente",
         "[load_gebieden(y) for y in range(2019, 2026)]; load_population_gemeente();"
         " read_table('households_age_sex')", False),
        ("population projection 2021-2050, 31 regions, point", WARM,
         "P.build_projection(to=2050, level='zk')", False),
        ("population projection 2021-2050, all 352 gemeenten, point", WARM,
         "P.build_projection(to=2050, level='gemeente')", False),
        (f"population projection 2021-2050, {draws} draws, engine per gemeente x 96 ages x "
         "2 sexes, kept per region", WARM,
         f"P.build_projection(to=2050, level='zk', draws={draws})", False),
        ("demand 2023-2040, trend, 0 draws", DEMAND,
         "project_demand('trend', to=2040)", False),
        (f"demand 2023-2040, trend, {draws} draws", DEMAND,
         f"project_demand('trend', to=2040, draws={draws})", False),
        ("zorgcap report (31 regions, 200 draws, HTML with SVG maps, Excel), cold cache",
         REPORT, "run_report(out, scenario='trend', to=2040, draws=200, echo=None)", True),
        ("zorgcap report (31 regions, 200 draws, HTML with SVG maps, Excel), warm cache",
         REPORT, "run_report(out, scenario='trend', to=2040, draws=200, echo=None)", False),
        ("drawing the report only (reports.render of the trend result: HTML, Excel)", RENDER,
         "render(result, out, echo=None)", False),
        ("drawing the report only, with --static (matplotlib PNG/SVG, 2 spawn workers)",
         RENDER, "render(result, out, echo=None, static=True, workers=2)", False),
    ]


def run_case(setup, stmt, cache_dir):
    env = dict(os.environ, ZORGCAP_CACHE=cache_dir)
    out = subprocess.run([sys.executable, "-c", CASE, setup, stmt], env=env, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=3,
                        help="fresh-process runs per case; the table gives the median")
    args = parser.parse_args()
    draws = 100 if args.quick else 1000
    rows = []
    with tempfile.TemporaryDirectory() as cache:
        for name, setup, stmt, cold in cases(draws):
            runs = []
            for _ in range(args.repeat):
                if cold:  # every cached parse and model score
                    for f in Path(cache).glob("**/*"):
                        if f.is_file():
                            f.unlink()
                runs.append(run_case(setup, stmt, cache))
            secs = sorted(r["seconds"] for r in runs)
            mid = secs[len(secs) // 2]
            peak = max(r["peak_mib"] for r in runs)
            rows.append((name, mid, secs[0], secs[-1], peak))
            print(f"{mid:8.2f} s ({secs[0]:.2f}-{secs[-1]:.2f}) {peak:8.0f} MiB  {name}",
                  flush=True)
    lines = [
        "# Benchmark results",
        "",
        f"Run {date.today().isoformat()} with `python benchmarks/run.py"
        f"{' --quick' if args.quick else ''}` on {os.cpu_count()} cores, "
        f"Python {platform.python_version()}. Peak = max RSS of the process (includes "
        "imports, about 150-250 MiB; the report's figure workers are separate processes "
        "and not included).",
        "",
        "Targets (issue 8): 1,000 draws for all gemeenten x ages x sexes x 30 years in under "
        "30 s and 4 GB; the full report for 31 regions in under 60 s cold and 15 s warm. "
        "'Cold' = empty cache (every CBS table parsed again, every model score refitted); "
        "'warm' = cache filled; both in a fresh process (imports included). Each case ran "
        f"{args.repeat} times in fresh processes: the median, the fastest and slowest run.",
        "",
        "| case | median s | min s | max s | peak MiB |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [f"| {n} | {s:.2f} | {lo:.2f} | {hi:.2f} | {m:.0f} |" for n, s, lo, hi, m in rows]
    (HERE / "RESULTS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {HERE / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
