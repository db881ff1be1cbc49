"""The prospective check of issue 17 (zorgcap.forecast.prospective): forecasts registered before
their years, and how a later CBS 37620 is scored.

Which tests are what:
- The register test is a **re-check**, not a validation: the committed
  ``data_raw/forecast_register.csv`` must be what the shipped model forecasts now from data up
  to 1-1-2024, so the model cannot change without a new, dated registration.
- The scoring tests use a **hand-made** 1-1-2025 (every 2024 row repeated, its institutional
  count times 1.05) and check the scores against arithmetic done here on the raw file and the
  register, not against the code's own numbers. No real year after 2024 is in the data, so
  nothing here validates the model; the real scores appear in ``reports/backtest.md`` when
  a CBS 37620 with 2025 is in the data directory.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import needs_data

from zorgcap.forecast import backtest as B
from zorgcap.forecast import prospective as P
from zorgcap.forecast.cli import main

pytestmark = needs_data
FACTOR = 1.05


def _raw_37620() -> Path:
    from conftest import SHARED

    return next((SHARED / "usage").glob("cbs37620_*.csv"))


def _with_2025(root: Path) -> Path:
    """A data directory with CBS 37620 and a hand-made 1-1-2025: every 2024 row again, the
    institutional count (last column) times FACTOR, rounded."""
    lines = _raw_37620().read_text(encoding="utf-8-sig").splitlines()
    extra = []
    for line in lines[1:]:
        f = line.split(";")
        if f[3].strip() == "2024":
            f[0], f[3] = str(len(lines) - 1 + len(extra)), "2025"
            f[-1] = str(round(float(f[-1]) * FACTOR))
            extra.append(";".join(f))
    path = root / "usage" / "cbs37620_handmade_1995_2025.csv"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(lines + extra) + "\n", encoding="utf-8-sig")
    return root


def _institutional_65plus(path: Path, year: str) -> float:
    """Persons 65+ in institutions on 1 January ``year``, summed from the raw rows (men and
    women by single age; '95 jaar of ouder' is 95+)."""
    t = pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str)
    t = t[t["Geslacht"].str.strip().isin(["Mannen", "Vrouwen"])
          & (t["Perioden"].str.strip() == year)]
    age = t["Leeftijd"].str.extract(r"^(\d+) jaar")[0].astype(float)
    return float(t.loc[age >= 65, "PersonenInInstitutioneleHuishoudens_12"].astype(float).sum())


@pytest.fixture(scope="module")
def later(tmp_path_factory):
    """``zorgcap backtest`` on the hand-made data: (data dir, output dir)."""
    data = _with_2025(tmp_path_factory.mktemp("data2025"))
    out = tmp_path_factory.mktemp("bt2025")
    assert main(["--data", str(data), "backtest", "--no-regional", "--out", str(out)]) == 0
    return data, out


def test_committed_register_is_what_the_shipped_model_forecasts():
    committed = P.read_register()
    assert list(committed.columns) == P.REGISTER_COLUMNS
    assert set(committed["registered"]) == {P.REGISTERED_ON}
    assert set(committed["origin"]) == set(committed["data_through"]) == {2024}
    assert sorted(committed["model"].unique()) == sorted(P.REGISTERED_MODELS)
    assert committed.groupby("model")["year"].apply(list).map(
        lambda y: y == list(range(2025, 2035))).all()
    try:
        pd.testing.assert_frame_equal(P.register(), committed, check_exact=False, rtol=1e-6,
                                      check_dtype=False)
    except AssertionError as err:
        raise AssertionError(
            "the shipped model no longer forecasts what was registered: a changed model needs "
            "a new registration (zorgcap.forecast.prospective.write_register) made before any CBS "
            "37620 year after 2024 has been looked at, with a new REGISTERED_ON") from err


def test_register_sanity_by_hand():
    """Constant rates forecast a ratio of exactly 1; every interval holds its centre and the
    95% interval holds the 80% one."""
    r = P.read_register()
    assert np.allclose(r.loc[r["model"] == "beleidsarm", "ratio"], 1.0)
    assert ((r["ratio_lo_95"] <= r["ratio_lo_80"]) & (r["ratio_lo_80"] <= r["ratio"])
            & (r["ratio"] <= r["ratio_hi_80"]) & (r["ratio_hi_80"] <= r["ratio_hi_95"])).all()


def test_register_ignores_years_after_2024(later):
    data, _ = later
    pd.testing.assert_frame_equal(P.register(data), P.register(), check_exact=True)


def test_hand_made_2025_is_scored_from_the_register(later):
    """Origin 2024, horizon 1: the 2025 population equals 2024's, so the forecast count is the
    registered ratio times the 2024 count, and the error follows from the raw file alone."""
    data, out = later
    raw = next((data / "usage").glob("cbs37620_*.csv"))
    i24, i25 = _institutional_65plus(raw, "2024"), _institutional_65plus(raw, "2025")
    assert i25 / i24 == pytest.approx(FACTOR, abs=1e-4)
    reg = P.read_register().set_index(["model", "year"])
    sc = pd.read_csv(out / "backtest_prospective.csv")
    assert set(sc["year"]) == {2025}
    for model in P.REGISTERED_MODELS:
        rows = sc[sc["model"] == model].set_index("origin")
        # every origin from 2015 (horizon 10) to 2024 (horizon 1) forecast 2025 once
        assert sorted(rows.index) == list(range(2015, 2025))
        assert (rows["horizon"] == 2025 - rows.index).all()
        assert rows.loc[2024, "source"] == "register"
        assert set(rows.drop(index=2024)["source"]) == {"backtest"}
        r = reg.loc[(model, 2025)]
        one = rows.loc[2024]
        assert one["actual"] == pytest.approx(i25, abs=0.01)
        assert one["forecast"] == pytest.approx(r["ratio"] * i24, rel=1e-6)
        assert one["ape"] == pytest.approx(100 * abs(r["ratio"] * i24 / i25 - 1), abs=1e-3)
        assert bool(one["covered_95"]) == (r["ratio_lo_95"] * i24 <= i25 <= r["ratio_hi_95"] * i24)
    # constant rates at origin 2024 miss by exactly the hand-made rise
    assert sc.query("model == 'beleidsarm' and origin == 2024")["ape"].item() == pytest.approx(
        100 * (1 - i24 / i25), abs=1e-3)


def test_code_recomputes_the_registered_2025(later):
    """backtest.csv's own origin-2024 rows (the code's recomputation, written to 0.1 person)
    equal the registered forecasts turned into counts."""
    data, out = later
    table = pd.read_csv(out / "backtest.csv")
    sc = pd.read_csv(out / "backtest_prospective.csv")
    mine = table[(table["origin"] == 2024) & table["model"].isin(P.REGISTERED_MODELS)]
    reg = sc[sc["source"] == "register"]
    both = mine.merge(reg, on=["model", "year"], suffixes=("", "_reg"))
    assert len(both) == len(P.REGISTERED_MODELS)
    for col in ("forecast", "lo_80", "hi_80", "lo_95", "hi_95"):
        assert np.allclose(both[col], both[f"{col}_reg"], atol=0.06), col


def test_backtest_report_scores_the_later_year(later):
    _, out = later
    md = (out / "backtest.md").read_text(encoding="utf-8")
    section = md.split("## Prospective check")[1]
    assert "Scored: 1 January 2025 (1 target year(s), 10 forecasts of the shipped model)" in section
    sc = pd.read_csv(out / "backtest_prospective.csv")
    m5 = sc[sc["horizon"] == 5].set_index("model")["ape"]
    word = "beats" if m5[B.SHIPPED] < m5["ets_damped"] else "does not beat"
    assert (f"5 years: {m5[B.SHIPPED]:.1f}% against {m5['ets_damped']:.1f}% ({word})"
            in section)


def test_report_without_later_years_says_so_and_shows_the_register():
    table = B.cached_backtest()
    assert table["year"].max() == P.REGISTERED_THROUGH
    s = P.summary(table)
    assert s["years"] == [] and s["scored"].empty
    text = "\n".join(P.to_markdown(s))
    assert "No year after 1-1-2024 is in the data yet" in text
    r = P.read_register().set_index(["model", "year"]).loc[(B.SHIPPED, 2029)]
    assert (f"| {B.SHIPPED} | 2029 | {100 * r['ratio']:.1f}% | {100 * r['ratio_lo_80']:.1f}% – "
            f"{100 * r['ratio_hi_80']:.1f}% |") in text
