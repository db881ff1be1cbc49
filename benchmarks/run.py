"""Time and memory of the main steps on this machine; writes benchmarks/RESULTS.md.

Each case runs in a fresh Python process so that its peak memory (max RSS) is its own.
Usage: ``python benchmarks/run.py [--quick] [--repeat N] [--only WORD]``

* ``--quick``: 100 draws instead of 1,000 (500 instead of 5,000; 5,000 instead of 100,000);
* ``--repeat``: fresh-process runs per case, default 3, the table gives the median (the
  long cases - 5,000 and 100,000 draws, the batch - run once);
* ``--only``: run only the cases whose name contains WORD (RESULTS.md is then not written).

The targets of issue 21 ("Done when") are checked in the table "Targets": the engine against
the bare-numpy float64 kernel of the same arithmetic (``benchmarks/kernel.py``, timed in the
same process, alternately, so that the load of a shared machine hits both alike), memory
per 1,000 draws and the peak at 5,000 draws, 100,000 draws on Dask (the threaded scheduler,
started from ``python -c`` without a ``__main__`` guard), the warm and cold report, the
what-if loop (``ChainResult.with_plans``), imports.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent

CASE = r"""
import json, resource, sys, time
setup, stmt = sys.argv[1], sys.argv[2]
extra = {}
exec(setup)
t = time.perf_counter()
exec(stmt)
elapsed = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB (Linux)
print(json.dumps({"seconds": elapsed, "peak_mib": peak, "extra": extra}))
"""

WARM = "from zorgcap.forecast import population as P\nP.build_projection(to=2022)\n"
DEMAND = "from zorgcap.forecast.demand import project_demand\nproject_demand(to=2024)\n"
REPORT = ("import tempfile\nfrom zorgcap.reports import run_report\n"
          "out = tempfile.mkdtemp() + '/latest'\n")
RENDER = ("import tempfile\nfrom zorgcap.forecast import ChainConfig, ForecastChain\n"
          "from zorgcap.reports import render\n"
          "result = ForecastChain(ChainConfig(scenario='trend', to=2040, draws=200)).run()\n"
          "out = tempfile.mkdtemp() + '/latest'\n")
# The what-if loop: a finished run, and a planner's plans file that changes one line.
WHATIF = RENDER + (
    "path = tempfile.mkdtemp() + '/plannen.csv'\n"
    "open(path, 'w').write('project_id,zk_code,year_ready,places,delivery_form,status,kind\\n'"
    " 'P1,ZK08,2026,120,with_stay,planned,expansion\\n')\n")
# The demand model's three sums (clients at the 2023 usage rates, persons 50-74, 85+).
WEIGHTS = ("import numpy as np\nfrom zorgcap.forecast.demand import _total_weights\n"
           "from zorgcap.forecast.usage import rates_array, usage_rates\n"
           "W = _total_weights(rates_array(usage_rates(2023)))\n")
ENGINE_SETUP = WEIGHTS + f"""
import statistics
sys.path.insert(0, {str(HERE)!r})
from kernel import kernel
from zorgcap.forecast import mortality as mort, population as P, stochastic as S
years = list(range(2021, 2041))
path, rates, m, births, netmig, profile = P._point_run(tuple(years), 'point', 'kvs', True, None)
codes, _ = P.base_population()
mat = P._aggregation(tuple(codes), 'zk', 2025)[0]
lc = mort.fit_lee_carter(mort.hmd_rates())
growth = 1 + np.stack(rates)
"""


def engine_stmt(draws: int) -> str:
    """Engine and kernel alternately, 3 times each; the kernel at its best block size."""
    return f"""
walk, shock = S.draw_shocks({draws}, len(years) - 1, 1, S.MIGRATION_SD, S.MIGRATION_RHO)
def run_engine():
    return S.simulate_draws(path[0], years, births, rates, m, netmig, profile, {draws}, 1,
                            mat, lc=lc, weights=W)
def run_kernel(block):
    return kernel(path[0], births, growth, netmig, profile, np.log(m), lc.b, lc.sigma, walk,
                  shock, W, mat, block=block)
times = {{"engine": [], 2: [], 4: []}}
for _ in range(3):
    for key in times:
        t0 = time.perf_counter()
        out = run_engine() if key == "engine" else run_kernel(key)
        times[key].append(time.perf_counter() - t0)
        if key == "engine":
            e = out
        elif key == 4:
            k = out
med = {{key: statistics.median(v) for key, v in times.items()}}
best = min((2, 4), key=med.get)
extra = {{"engine_s": med["engine"], "kernel_s": med[best], "kernel_block": best,
          "ratio": med["engine"] / med[best],
          "max_rel_diff": float(np.max(np.abs(e - k) / np.abs(k)))}}
"""


def cases(draws: int, quick: bool):
    big = 500 if quick else 5000
    huge = 5000 if quick else 100_000
    return [
        ("data load, cold cache (all 2019-2025 mappings, population, 37620)",
         "from zorgcap.forecast.io import read_table, load_gebieden, load_population_gemeente",
         "[load_gebieden(y) for y in range(2019, 2026)]; load_population_gemeente();"
         " read_table('households_age_sex')", True, None),
        ("data load, warm cache (same tables)",
         "from zorgcap.forecast.io import read_table, load_gebieden, load_population_gemeente",
         "[load_gebieden(y) for y in range(2019, 2026)]; load_population_gemeente();"
         " read_table('households_age_sex')", False, None),
        ("import zorgcap (fresh process)", "",
         "import zorgcap", False, None),
        ("zorgcap --help", "import subprocess, sys",
         "subprocess.run([sys.executable, '-m', 'zorgcap.forecast.cli', '--help'], check=True, "
         "capture_output=True)", False, None),
        ("population projection 2021-2050, 31 regions, point", WARM,
         "P.build_projection(to=2050, level='zk')", False, None),
        ("population projection 2021-2050, all 352 gemeenten, point", WARM,
         "P.build_projection(to=2050, level='gemeente')", False, None),
        (f"engine vs kernel: {draws // 2} draws 2021-2040 per gemeente x sex x age, three "
         "sums per region (engine time; ratio in Targets)", ENGINE_SETUP,
         engine_stmt(draws // 2), False, 1),
        (f"population draws 2021-2050, {draws} draws, every sex x age kept per region "
         "(build_projection)", WARM,
         f"P.build_projection(to=2050, level='zk', draws={draws})", False, None),
        ("demand 2023-2040, trend, 0 draws", DEMAND,
         "project_demand('trend', to=2040)", False, None),
        (f"demand 2023-2040, trend, {draws} draws", DEMAND,
         f"project_demand('trend', to=2040, draws={draws})", False, None),
        (f"demand 2023-2040, trend, {big} draws", DEMAND,
         f"project_demand('trend', to=2040, draws={big})", False, 1),
        (f"population draws 2021-2040, {huge:,} draws per gemeente, three sums per region, "
         "float32 arithmetic, Dask threaded scheduler (no __main__ guard)",
         WEIGHTS + "from zorgcap.forecast.population import draw_totals\n",
         f"draw_totals(W, to=2040, draws={huge}, seed=1, engine='dask', precision='float32')",
         False, 1),
        (f"batch: 2 scenarios x 5 population variants, {draws} draws, to 2040 "
         "(population draws simulated once per variant)",
         "from zorgcap.forecast.demand import run_batch\n"
         "from zorgcap.forecast import population as P\n"
         "from zorgcap.forecast.population import VARIANTS\n",
         f"run_batch([(s, v) for s in ('trend', 'beleidsarm') for v in VARIANTS], to=2040, "
         f"draws={draws}); extra = {{'population_simulations': "
         "P._draw_totals.cache_info().misses}", False, 1),
        ("zorgcap report (31 regions, 200 draws, HTML with SVG maps, Excel), cold cache",
         REPORT, "run_report(out, scenario='trend', to=2040, draws=200, echo=None)", True,
         None),
        ("zorgcap report (31 regions, 200 draws, HTML with SVG maps, Excel), warm cache",
         REPORT, "run_report(out, scenario='trend', to=2040, draws=200, echo=None)", False,
         None),
        ("what-if: result.with_plans(a changed plans file) on a 200-draw trend run "
         "(gap, bands, p_short, targets, decomposition)", WHATIF,
         "mine = result.with_plans(path)", False, None),
        ("what-if and its report: with_plans, then zorgcap.reports.render (HTML, Excel)", WHATIF,
         "render(result.with_plans(path), out, echo=None)", False, None),
        ("drawing the report only (zorgcap.reports.render of the trend result: HTML, Excel)",
         RENDER,
         "render(result, out, echo=None)", False, None),
        ("drawing the report only, with --static (matplotlib PNG/SVG, 2 spawn workers)",
         RENDER, "render(result, out, echo=None, static=True, workers=2)", False, None),
    ]


def run_case(setup, stmt, cache_dir):
    env = dict(os.environ, ZORGCAP_CACHE=cache_dir)
    out = subprocess.run([sys.executable, "-c", CASE, setup, stmt], env=env, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _find(rows, start):
    return next((r for r in rows if r["name"].startswith(start)), None)


def targets(rows, draws, quick) -> list[str]:
    """The 'Done when' of issue 21 as measured ratios."""
    big = 500 if quick else 5000
    huge = 5000 if quick else 100_000
    out = ["| target (issue 21) | measured | met |", "| --- | --- | :---: |"]

    def add(what, measured, ok):
        out.append(f"| {what} | {measured} | {'yes' if ok else 'no'} |")

    eng = _find(rows, "engine vs kernel")
    if eng:
        x = eng["extra"]
        add("engine within 1.5x of a bare-numpy float64 kernel (benchmarks/kernel.py)",
            f"{x['ratio']:.2f}x (engine {x['engine_s']:.2f} s, kernel {x['kernel_s']:.2f} s "
            f"at block {x['kernel_block']}; same numbers to {x['max_rel_diff']:.0e} relative)",
            x["ratio"] <= 1.5)
    d1, d5 = _find(rows, f"demand 2023-2040, trend, {draws} draws"), _find(
        rows, f"demand 2023-2040, trend, {big} draws")
    d0 = _find(rows, "demand 2023-2040, trend, 0 draws")
    if d1 and d5:
        per = (d5["peak"] - d1["peak"]) / ((big - draws) / 1000)
        add("memory flat in the number of draws (demand; flat = under 100 MiB per 1,000)",
            f"{per:.0f} MiB per 1,000 draws (peak {d0['peak']:.0f} MiB at 0 draws, "
            f"{d1['peak']:.0f} at {draws}, {d5['peak']:.0f} at {big})" if d0 else
            f"{per:.0f} MiB per 1,000 draws", per < 100)
        add(f"peak memory for {big:,} draws under 1.5 GB",
            f"{d5['peak']:.0f} MiB, {d5['median']:.1f} s", d5["peak"] < 1536)
    h = _find(rows, "population draws 2021-2040")
    if h:
        add(f"{huge:,} draws at gemeente level in under 10 minutes, bounded memory "
            "(Dask, no __main__ guard)",
            f"{h['median']:.0f} s = {h['median'] / 60:.1f} min, peak {h['peak']:.0f} MiB",
            h["median"] < 600 and h["peak"] < 1536)
    b = _find(rows, "batch:")
    if b:
        add("10 scenario x variant combinations as one batch",
            f"{b['median']:.0f} s, population draws simulated "
            f"{b['extra'].get('population_simulations')} times for 10 runs",
            b["extra"].get("population_simulations") == 5)
    for start, limit in (("zorgcap report (31 regions, 200 draws, HTML with SVG maps, Excel),"
                          " warm", 5), ("zorgcap report (31 regions, 200 draws, HTML with SVG"
                                        " maps, Excel), cold", 20)):
        r = _find(rows, start)
        if r:
            add(f"{'warm' if 'warm' in start else 'cold'} report under {limit} s",
                f"{r['median']:.2f} s", r["median"] < limit)
    r = _find(rows, "what-if: result.with_plans")
    if r:
        w = _find(rows, "what-if and its report")
        add("what-if loop (a changed planner file) under 1 s",
            f"{r['median']:.2f} s" + (f"; with the report drawn again {w['median']:.2f} s"
                                       if w else ""), r["median"] < 1)
    for start, limit in (("import zorgcap", 0.5), ("zorgcap --help", 1.0)):
        r = _find(rows, start)
        if r:
            add(f"`{start.split(' (')[0]}` light (under {limit} s)", f"{r['median']:.2f} s",
                r["median"] < limit)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=3,
                        help="fresh-process runs per case; the table gives the median")
    parser.add_argument("--only", default=None, help="run only cases containing this text")
    args = parser.parse_args()
    draws = 100 if args.quick else 1000
    rows = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as cache:
        for name, setup, stmt, cold, repeat in cases(draws, args.quick):
            if args.only and args.only not in name:
                continue
            runs = []
            for _ in range(repeat or args.repeat):
                if cold:  # every cached parse and model score
                    for f in Path(cache).glob("**/*"):
                        if f.is_file():
                            f.unlink()
                runs.append(run_case(setup, stmt, cache))
            secs = sorted(r["seconds"] for r in runs)
            row = {"name": name, "median": secs[len(secs) // 2], "min": secs[0],
                   "max": secs[-1], "peak": max(r["peak_mib"] for r in runs),
                   "runs": len(runs), "extra": runs[len(runs) // 2]["extra"]}
            rows.append(row)
            print(f"{row['median']:8.2f} s ({secs[0]:.2f}-{secs[-1]:.2f}) {row['peak']:8.0f} MiB"
                  f"  {name} {row['extra'] or ''}", flush=True)
    if args.only:
        return
    load = os.getloadavg()
    lines = [
        "# Benchmark results",
        "",
        f"Run {date.today().isoformat()} with `python benchmarks/run.py"
        f"{' --quick' if args.quick else ''}` on {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, in {(time.perf_counter() - started) / 60:.0f} "
        f"minutes; load average at the end {load[0]:.1f} (the machine is shared: other "
        "processes ran at the same time). Peak = max RSS of the process (includes imports, "
        "about 150-250 MiB; the report's figure workers are separate processes and not "
        "included).",
        "",
        "## Targets",
        "",
        *targets(rows, draws, args.quick),
        "",
        "Before issue 21 (previous RESULTS.md, same machine): population 1,000 draws to 2050 "
        "per gemeente kept per region 18.1 s / 1,691 MiB; demand with 1,000 draws 12.6 s / "
        "1,299 MiB; 5,000 draws to 2040 4.9 GB, 100,000 draws refused (47.6 GB); warm report "
        "7.35 s, cold 9.3 s. The warm and cold report also depend on work outside the draws "
        "(trend fits, rendering): see the cases below.",
        "",
        "## Cases",
        "",
        "'Cold' = empty cache (every CBS table parsed again, every model score refitted); "
        "'warm' = cache filled; both in a fresh process (imports included). Each case ran "
        f"{args.repeat} times in fresh processes unless 'runs' says otherwise: the median, "
        "the fastest and slowest run.",
        "",
        "| case | runs | median s | min s | max s | peak MiB |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [f"| {r['name']} | {r['runs']} | {r['median']:.2f} | {r['min']:.2f} | "
              f"{r['max']:.2f} | {r['peak']:.0f} |" for r in rows]
    (HERE / "RESULTS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {HERE / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
