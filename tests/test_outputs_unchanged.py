"""All outputs unchanged (issue 29, item 5): a full run against a stored fingerprint.

A re-check of construction, not an independent validation: the fingerprint in
``tests/data/outputs_fingerprint.json`` was made once from main's code before the issue-29
refactor (the moves of ``gap.py`` into ``targets.py``, ``references.py``, ``staff.py`` and
``explain.py``, the shorter functions, the removal of dead code). A refactor that changes no
number passes; any change of a number, a column, a row order, a label, an assumption text or
the explanation fails, naming the frame, the column and the statistic.

What is compared, for two runs (``ChainConfig(scenario="trend", to=2040, draws=20)``, the
named estimates everywhere, and the same result ``with_plans`` of the shipped planner
templates: capacity, build plans, regional waiting list and workforce, which exercises the
planner-file paths of the gap):

- every frame of :meth:`ChainResult.frames`, ``intramural_cap`` and the frames of
  ``plan_monitor`` (both derived on access): the column names and dtypes, the shape, and per
  column either (numbers, booleans) the count of missing values, the sum, the sum of
  absolute values, a position-weighted sum (catches a reordering of rows), the minimum,
  maximum and the 10/50/90% quantiles; or (text, categories) a SHA-256 of the values in
  row order;
- ``demand_draws``: shape and the same statistics;
- ``explanation``, ``assumptions`` and ``parameters`` (numbers compared with the same
  tolerance; text exactly).

Tolerance: numbers agree to a relative 1e-9 (for sums that cancel to near zero: absolute
1e-9 times the sum of absolute values; minimum, maximum and quantiles: 1e-9 times the mean
absolute value). Exact float equality would be too strict across
platforms and BLAS builds; 1e-9 is far below any rounding the outputs show.

Regenerate the fingerprint (only for a change of numbers that is intended and explained in
the commit message)::

    python tests/test_outputs_unchanged.py --write

It runs the same two runs (about 30 s) with the data of ``../shared/data`` and writes
``tests/data/outputs_fingerprint.json``.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from conftest import needs_data  # noqa: E402

FINGERPRINT = Path(__file__).parent / "data" / "outputs_fingerprint.json"
ROOT = str(Path(__file__).resolve().parents[1])  # paths in the config: relative to this
RTOL = 1e-9
QUANTILES = (0.1, 0.5, 0.9)


def _runs() -> dict:
    """The two results compared: the run of the named estimates and its what-if of the
    planner templates."""
    from zorgcap.forecast import ChainConfig, ForecastChain
    from zorgcap.forecast.io.datadir import data_raw_dir

    templates = data_raw_dir() / "templates"
    base = ForecastChain(ChainConfig(scenario="trend", to=2040, draws=20)).run()
    planned = base.with_plans(templates / "build_plans.csv",
                              capacity=str(templates / "capacity.csv"),
                              waiting_file=str(templates / "waiting_list.csv"),
                              workforce_file=str(templates / "workforce.csv"))
    return {"estimates": base, "planner_templates": planned}


def _numbers(values: np.ndarray) -> dict:
    """Statistics of a numeric array (NaN left out) [the array's unit]."""
    v = np.asarray(values, dtype=float).ravel()
    ok = np.isfinite(v)
    x = v[ok]
    weights = (np.arange(v.size) % 97 + 1)[ok]
    out = {"n": int(x.size), "n_missing": int((~ok).sum()), "sum": float(x.sum()),
           "abs_sum": float(np.abs(x).sum()), "weighted": float((x * weights).sum())}
    if x.size:
        out.update({"min": float(x.min()), "max": float(x.max()),
                    **{f"q{int(q * 100)}": float(np.quantile(x, q)) for q in QUANTILES}})
    return out


def _text(values) -> dict:
    joined = "\x1f".join("<NA>" if v is None or (isinstance(v, float) and math.isnan(v))
                         else str(v) for v in values)
    return {"sha256": hashlib.sha256(joined.encode()).hexdigest()}


def _frame(frame: pd.DataFrame) -> dict:
    columns = {}
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_bool_dtype(col) or (pd.api.types.is_numeric_dtype(col)):
            columns[str(name)] = _numbers(col.astype("float64").to_numpy(na_value=np.nan))
        else:
            columns[str(name)] = _text(col.astype(object).tolist())
    return {"shape": list(frame.shape),
            "dtypes": [[str(n), str(t)] for n, t in frame.dtypes.items()],
            "columns": columns}


def _plain(value):
    """A JSON-able copy of parameters and assumptions (numbers kept as numbers)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if value is None:
        return value
    return str(value).replace(ROOT, "<repo>")  # the config's paths, wherever the checkout


def fingerprint(result) -> dict:
    """The fingerprint of one :class:`~zorgcap.forecast.modelchain.ChainResult`."""
    draws = result.demand_draws
    frames = dict(result.frames())
    frames["intramural_cap"] = result.intramural_cap  # derived on access (property)
    frames.update({f"plan_monitor.{k}": v for k, v in result.plan_monitor.frames().items()})
    return {
        "frames": {name: _frame(frame) for name, frame in sorted(frames.items())},
        "demand_draws": None if draws is None else {"shape": list(draws.shape),
                                                     **_numbers(draws)},
        "explanation": result.explanation,
        "assumptions": _plain(result.assumptions),
        "parameters": _plain(result.parameters),
    }


def _differences(old, new, where: str = "") -> list[str]:
    """Where ``new`` differs from ``old`` (numbers within :data:`RTOL`)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = [f"{where}: {k} missing now" for k in old if k not in new]
        out += [f"{where}: {k} new" for k in new if k not in old]
        stats = "abs_sum" in old and "n" in old
        for k in old:
            if k in new:
                if stats and isinstance(old[k], float):
                    # sums to the total's size, a position-weighted sum to 97 times that,
                    # the rest (min, max, quantiles) to the mean absolute value
                    scale = old["abs_sum"] * {"sum": 1, "weighted": 97}.get(
                        k, 1 / max(old["n"], 1))
                    if not math.isclose(old[k], new[k], rel_tol=RTOL, abs_tol=RTOL * scale):
                        out.append(f"{where}/{k}: {old[k]!r} -> {new[k]!r}")
                else:
                    out += _differences(old[k], new[k], f"{where}/{k}")
        return out
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return [f"{where}: {len(old)} items -> {len(new)}"]
        return [d for i, (a, b) in enumerate(zip(old, new, strict=True))
                for d in _differences(a, b, f"{where}[{i}]")]
    if isinstance(old, float) and isinstance(new, (int, float)) and not isinstance(new, bool):
        ok = math.isclose(old, new, rel_tol=RTOL, abs_tol=1e-12)
        return [] if ok else [f"{where}: {old!r} -> {new!r}"]
    return [] if old == new else [f"{where}: {old!r} -> {new!r}"]


def _current() -> dict:
    return {name: fingerprint(result) for name, result in _runs().items()}


@needs_data
def test_every_output_equals_the_fingerprint_of_main():
    stored = json.loads(FINGERPRINT.read_text(encoding="utf-8"))
    diffs = _differences(stored, _current())
    assert not diffs, f"{len(diffs)} outputs changed:\n" + "\n".join(diffs[:40])


def test_the_comparison_can_fail():
    """The comparison itself on a hand-made pair: a change of 1e-6 is found, one of 1e-12
    is within tolerance, a reordering of rows is found."""
    a = pd.DataFrame({"x": [1.0, 2.0, 3.0], "s": ["a", "b", "c"]})
    fa = _frame(a)
    assert not _differences(fa, _frame(a.assign(x=a["x"] * (1 + 1e-12))))
    assert _differences(fa, _frame(a.assign(x=a["x"] * (1 + 1e-6))))
    assert _differences(fa, _frame(a.iloc[::-1].reset_index(drop=True)))
    assert _differences(fa, _frame(a.assign(s=["a", "b", "d"])))


if __name__ == "__main__":
    if "--write" not in sys.argv:
        sys.exit("usage: python tests/test_outputs_unchanged.py --write")
    import os
    import tempfile

    os.environ.setdefault("ZORGCAP_CACHE", tempfile.mkdtemp(prefix="zorgcap-fingerprint-"))
    os.environ.pop("ZORGCAP_DATA", None)
    FINGERPRINT.parent.mkdir(exist_ok=True)
    FINGERPRINT.write_text(json.dumps(_current(), indent=1, sort_keys=True) + "\n",
                           encoding="utf-8")
    print(f"wrote {FINGERPRINT} ({FINGERPRINT.stat().st_size / 1000:.0f} kB)")
