"""The model figures that README.md quotes, computed from the public API.

README.md marks every figure that comes from the model with an HTML comment pair, which
GitHub does not show::

    **<!--fig:gap_2025_beleidsarm-->9,380<!--/fig--> places short**

:func:`figures` computes them (name -> the text as the README writes it, with its unit sign
and rounding); ``python tests/readme_figures.py --write`` rewrites the marked text in
README.md; ``tests/test_readme.py`` asserts that the README holds exactly these texts and
no unknown or missing marker. The user guide of the documentation (``docs/user_guide/*.md``)
quotes them with the same markers: a figure must be marked in the README or a guide page,
every marked text must be the code's, and ``--write`` rewrites all of them. A name may be
marked more than once (the same number quoted in two sections). Figures that are published
facts or data (TNO's 22,206, the 25,000 ambition, CBS's observed 126,105, ZN's 7,000 planned
places, the Haaren split) are not model output and stay unmarked; :func:`published` reads
them from ``data_raw`` so that the test can check that the README or the guide quotes them as
the data holds them.

Few runs, shared by every figure and cached for the process: the chain for ``beleidsarm``
(200 draws: the bands of the population draws alone) and ``trend`` (200 draws) to 2040;
demand runs (point path) for ``mantelzorg`` and for beleidsarm with national rates and with
the 71488ned regional factors; the trend gap under the former defaults (national rates,
capacity from clients); a components-only population projection. Central numbers do not move with
the number of draws (the point path).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
GUIDE = ROOT / "docs" / "user_guide"  # the documentation's user guide quotes them too
MARKER = re.compile(r"<!--fig:([a-z0-9_]+)-->(.*?)<!--/fig-->", re.S)
TO = 2040
DRAWS = 200
_CACHE: dict = {}  # results of this process (runs and figures)


# --- formatting as the README writes numbers ------------------------------------------------

def _n(x: float, step: int = 1) -> str:
    """Whole number with thousands separators, rounded to ``step``: 12,300."""
    return f"{round(float(x) / step) * step:,.0f}"


def _pct(x: float, decimals: int = 0, sign: bool = True) -> str:
    """Percentage of a fraction (0.031 -> +3%)."""
    return f"{100 * float(x):{'+' if sign else ''}.{decimals}f}%"


def _factor(x: float) -> str:
    return f"{float(x):.2f}"


# --- the runs -----------------------------------------------------------------------------

def _chain(scenario: str, draws: int):
    key = ("chain", scenario, draws)
    if key not in _CACHE:
        from zorgcap.forecast import ChainConfig, ForecastChain

        _CACHE[key] = ForecastChain(ChainConfig(scenario=scenario, to=TO, draws=draws)).run()
    return _CACHE[key]


def _cached(key, compute):
    if key not in _CACHE:
        _CACHE[key] = compute()
    return _CACHE[key]


def _at(frame: pd.DataFrame, year: int) -> pd.Series:
    return frame.set_index("year").loc[year]


# --- figures per README section -----------------------------------------------------------

def _population(bel) -> dict:
    from zorgcap.forecast.population import build_projection, national_targets

    pop = bel.population
    old = pop[pop["age"] >= 85].groupby(["zk_name", "year"])["persons"].sum().unstack()
    first = int(pop["year"].min())
    growth = (old[TO] / old[first] - 1).sort_values()
    national = old.sum()
    out = {
        "pop85_2021": _n(national[first]),
        "pop85_2040": _n(national[TO]),
        "pop85_growth": _pct(national[TO] / national[first] - 1),
        "pop85_lowest_region": growth.index[0],
        "pop85_lowest_growth": _pct(growth.iloc[0]),
        "pop85_highest_region": growth.index[-1],
        "pop85_highest_growth": _pct(growth.iloc[-1]),
    }
    # Independent check: births, life expectancy and total net migration only (national
    # age structure not imposed), against the Kernprognose 2023 in 2040.
    proj = _cached("components", lambda: build_projection(to=TO, national="components",
                                                          calibrate_regions=False))
    ours = proj.persons[0][proj.years.index(TO)].sum(axis=0)  # (sex, age)
    cbs = national_targets([TO])[0]  # (sex, 5-year group 0-4 ... 85-89, 90+)
    for age in (65, 80, 90):
        out[f"components_{age}plus"] = _pct(
            abs(ours[:, age:].sum() / cbs[:, age // 5:].sum() - 1), 1, sign=False)
    return out


def _demand(bel, trend, mantelzorg) -> dict:
    from zorgcap.forecast import project_demand
    from zorgcap.forecast.regional import zk_factors

    nat = bel.national
    base_year = int(nat["year"].min())
    b, e = _at(nat, base_year), _at(nat, TO)
    observed = bel.parameters["base_observed"]
    clients = mantelzorg.groupby("year")["clients_with_stay"].sum()
    out = {
        "clients_2023": _n(b["clients_with_stay"]),
        "clients_2023_vs_observed": _pct(b["clients_with_stay"] / observed - 1, 1),
        "clients_2040_beleidsarm": _n(e["clients_with_stay"]),
        "growth_2040_beleidsarm": _factor(e["growth_factor"]),
        "extra_clients_2040_beleidsarm": "+" + _n(e["clients_with_stay"]
                                                  - b["clients_with_stay"], 100),
        "extra_places_2040_beleidsarm": "+" + _n(e["places_needed"] - b["places_needed"], 100),
        "growth_2040_trend": _factor(_at(trend.national, TO)["growth_factor"]),
        "growth_2040_mantelzorg": _factor(clients[TO] / clients[base_year]),
    }
    z = _cached("zk_factors", lambda: zk_factors(2025)).sort_values("factor")
    out.update({"factor_min": _factor(z["factor"].iloc[0]),
                "factor_min_region": z["zk_name"].iloc[0],
                "factor_max": _factor(z["factor"].iloc[-1]),
                "factor_max_region": z["zk_name"].iloc[-1]})
    factored = _cached("factored", lambda: project_demand(
        "beleidsarm", to=TO, regional_factors="71488ned"))
    national = _cached("national_rates", lambda: project_demand(
        "beleidsarm", to=TO, regional_factors="national"))
    total = national.groupby("year")["clients_with_stay"].sum()
    ratio = factored.groupby("year")["clients_with_stay"].sum() / total
    out["factor_national_move"] = _pct((ratio - 1).abs().max(), 2, sign=False)
    ratio = bel.demand.groupby("year")["clients_with_stay"].sum() / total
    out["intensity_national_move"] = _pct((ratio - 1).abs().max(), 2, sign=False)
    oosr = bel.demand[bel.demand["year"] == base_year]["oosr"]
    out["oosr_2023_min"] = f"{oosr.min():.1f}"
    out["oosr_2023_max"] = f"{oosr.max():.1f}"
    return out


def _intensity(bel, trend) -> dict:
    """The regional intensity index (default regional level) and its effect on the gap."""
    from scipy.stats import spearmanr

    from zorgcap.forecast.intensity import intensity_factors

    ri = bel.regional_intensity.sort_values("factor")
    raw = ri.sort_values("ratio")
    light = intensity_factors("zzp1_4").set_index("zk_code")["ratio"]
    rho = spearmanr(ri["ratio"], light.reindex(ri["zk_code"])).statistic
    out = {"intensity_min": _factor(ri["factor"].iloc[0]),
           "intensity_min_region": ri["zk_name"].iloc[0],
           "intensity_max": _factor(ri["factor"].iloc[-1]),
           "intensity_max_region": ri["zk_name"].iloc[-1],
           "intensity_ratio_min": _factor(raw["ratio"].iloc[0]),
           "intensity_ratio_min_region": raw["zk_name"].iloc[0],
           "intensity_ratio_max": _factor(raw["ratio"].iloc[-1]),
           "intensity_ratio_max_region": raw["zk_name"].iloc[-1],
           "intensity_shrinkage": _pct(ri["shrinkage"].mean(), 0, sign=False),
           "intensity_rho_zzp14": f"{rho:.2f}"}
    # sensitivity to the named extra SD (location_vs_residence)
    low = intensity_factors(extra_sd=0.05)
    high = intensity_factors(extra_sd=0.15)
    out.update({"intensity_sd005_min": _factor(low["factor"].min()),
                "intensity_sd005_max": _factor(low["factor"].max()),
                "intensity_sd015_max": _factor(high["factor"].max())})
    # issue 27: without planner files the base-year gap is the waiting list, and the
    # largest shortages in 2030 come from growth
    g = trend.gap
    b = g[g["year"] == g["year"].min()].set_index("zk_code")
    top = g[g["year"] == 2030].set_index("zk_code").sort_values("gap", ascending=False).head(3)
    out.update({"base_gap_national": _n(b["gap"].sum(), 10),
                "top_2030_regions": ", ".join(top["zk_name"]),
                "top_2030_base_share": _pct((b.loc[top.index, "gap"] / top["gap"]).max(), 0,
                                            sign=False)})
    return out


def _bands(bel, trend) -> dict:
    t = _at(trend.national, TO)
    b = _at(bel.national, TO)
    return {
        "need_2040_trend": _n(t["need"], 1000),
        "need_2040_trend_lo_95": _n(t["need_lo_95"], 1000),
        "need_2040_trend_hi_95": _n(t["need_hi_95"], 1000),
        "draws": _n(DRAWS),
        "population_band_2040_beleidsarm": "±" + _pct(
            (b["need_hi_95"] - b["need_lo_95"]) / 2 / b["need"], 0, sign=False),
    }


def _backtest(table: pd.DataFrame) -> dict:
    from zorgcap.forecast.backtest import ISSUE_ORIGINS, SHIPPED, summarise

    s = summarise(table)
    m = s["mape_all"]
    rep = table[table["horizon"].isin((5, 10)) & (table["model"] == "beleidsarm")]
    bel = rep["forecast"] / rep["actual"] - 1
    beats = s["beats_ets"]

    def verdict(key, label):
        won = [h for h, ok in beats[key].items() if ok]
        lost = [h for h, ok in beats[key].items() if not ok]
        if not lost:
            return f"it beats the damped ETS at 5 and 10 years {label}"
        if not won:
            return f"it does not beat the damped ETS {label}"
        return (f"it beats the damped ETS at {won[0]} years but not at {lost[0]} years "
                f"{label}")

    cal = s["calibration"]["all"]
    origins = sorted(table["origin"].unique())
    return {
        "backtest_origins": f"{len(origins)} origins ({origins[0]}–{origins[-1]})",
        "backtest_beleidsarm_min": _pct(bel.min()),
        "backtest_beleidsarm_max": _pct(bel.max()),
        "backtest_mae_5": f"{m.loc[5, SHIPPED]:.1f}%",
        "backtest_mae_10": f"{m.loc[10, SHIPPED]:.1f}%",
        "backtest_ets_mae_5": f"{m.loc[5, 'ets_damped']:.1f}%",
        "backtest_ets_mae_10": f"{m.loc[10, 'ets_damped']:.1f}%",
        "backtest_verdict": verdict("all_origins", "over all origins") + "; "
        + verdict("issue_origins", "over the origins "
                  + ", ".join(map(str, ISSUE_ORIGINS))),
        "backtest_cover_80": f"{100 * cal.loc[SHIPPED, 'coverage_80']:.0f}%",
        "backtest_cover_95": f"{100 * cal.loc[SHIPPED, 'coverage_95']:.0f}%",
        "backtest_years": f"{int(cal.loc[SHIPPED, 'n'])}",
        "backtest_ets_cover_95": f"{100 * cal.loc['ets_damped', 'coverage_95']:.0f}%",
    }


def _regional(table: pd.DataFrame) -> dict:
    """The third attempt of issue 17 (zorgcap.forecast.regional_backtest): the rule's choice and the
    shipped model scored on the 40 COROP series of CBS 71488ned."""
    import os

    from zorgcap.forecast.backtest import regional_verdict
    from zorgcap.forecast.regional_backtest import summary

    r = _cached("regional", lambda: summary(workers=max(1, min(4, os.cpu_count() or 1))))
    v = regional_verdict(r, table)
    m, c = v["mape"], v["coverage"]
    nat = v["national_choice"] or {5: float("nan"), 10: float("nan")}
    return {
        "regional_choice": {"constant": "constant rates"}.get(r["centre"], r["centre"]),
        "regional_choice_nat_5": f"{nat[5]:.1f}%",
        "regional_choice_nat_10": f"{nat[10]:.1f}%",
        "regional_years": f"{v['n']:,}",
        "regional_mape_5": f"{m.loc['shipped', 5]:.1f}%",
        "regional_ets_mape_5": f"{m.loc['ets_damped', 5]:.1f}%",
        "regional_mape_10": f"{m.loc['shipped', 10]:.1f}%",
        "regional_ets_mape_10": f"{m.loc['ets_damped', 10]:.1f}%",
        "regional_cover_80": f"{100 * c.loc['shipped', 80]:.0f}%",
        "regional_cover_95": f"{100 * c.loc['shipped', 95]:.0f}%",
    }


def _prospective() -> dict:
    """The register of the prospective check (zorgcap.forecast.prospective): the shipped model's and
    the damped ETS's forecasts from 1-1-2024 for 2029, as the committed file holds them."""
    from zorgcap.forecast.prospective import REGISTERED_ON, read_register

    r = read_register().set_index(["model", "year"])
    ship, ets = r.loc[("ets_anchored", 2029)], r.loc[("ets_damped", 2029)]
    return {
        "register_date": REGISTERED_ON,
        "register_2029": f"{100 * ship['ratio']:.1f}%",
        "register_2029_lo_80": f"{100 * ship['ratio_lo_80']:.1f}%",
        "register_2029_hi_80": f"{100 * ship['ratio_hi_80']:.1f}%",
        "register_ets_2029": f"{100 * ets['ratio']:.1f}%",
    }


def _waiting(bel, trend) -> dict:
    from zorgcap.forecast import compare_capacity
    from zorgcap.forecast.supply import waiting_list

    wf = _at(bel.waiting_forecast, 2030)
    base_year = int(bel.national["year"].min())

    def mean(status):  # the yearly mean of the quarters, as the gap counts it
        w = waiting_list(status)
        return w[w["date"].dt.year == base_year]["persons"].mean()

    total = _cached("gap_total_waiting", lambda: compare_capacity(bel.demand, waiting="total"))
    return {
        "waiting_2030": _n(wf["mean"], 100),
        "waiting_2030_lo": _n(wf["lo"], 100),
        "waiting_2030_hi": _n(wf["hi"], 100),
        "gap_2025_beleidsarm": _n(_at(bel.national, 2025)["gap"]),
        "gap_2025_trend": _n(_at(trend.national, 2025)["gap"]),
        "waiting_urgent_2023": _n(mean("urgent_plus_actief")),
        "waiting_total_2023": _n(mean("total")),
        "gap_2025_beleidsarm_total_waiting": _n(total[total["year"] == 2025]["gap"].sum()),
    }


def _forms_and_staff(trend) -> dict:
    """Issue 19: all delivery forms, targets from their own base years, the staff limit."""
    refs = trend.references.set_index("reference")
    tno = refs.loc["TNO capacity prognosis: places short in 2025"]
    amb = refs.loc["Ambition: 25,000 extra places 2021-2025 (all forms)"]
    a = trend.ambition
    staff = trend.staff.set_index("workforce")
    repl = staff.loc["replacement"]
    letters = staff.loc["letters"]
    cap = trend.intramural_cap
    return {
        "gap_all_forms_2025_trend": _n(_at(trend.national, 2025)["gap_all_forms"]),
        "need_clustered_2025_trend": _n(_at(trend.national, 2025)["need_clustered"]),
        "tno_from_base_2025_trend": _n(tno["zorgcap"]),
        "ambition_need_from_2021_trend": _n(amb["zorgcap"]),
        "ambition_realised_2021_2023": _n(a["realised_2021_base"].sum()),
        "ambition_expected_2023_2025": _n(a["expected_base_2025"].sum()),
        "ambition_on_track_regions": str(int((a["counted_minus_share"] >= 0).sum())),
        "staff_regions_replacement": str(int(repl["first_staff"].notna().sum())),
        "staff_first_replacement": str(int(repl["first_staff"].min())),
        "staff_regions_letters": str(int(letters["first_staff"].notna().sum())),
        # issue 31: the intramural cap (a reference; docs/user_guide/gap.md)
        "cap_level_trend": _n(cap[cap["year"] == 2030]["intramural_cap"].sum()),
        "cap_above_2030_trend": _n(cap[cap["year"] == 2030]["above_cap"].sum()),
        "cap_above_2040_trend": _n(cap[cap["year"] == 2040]["above_cap"].sum()),
        "cap_extra_2030_trend": _n(cap[cap["year"] == 2030]["clustered_extra"].sum()),
    }


def _decomposition(bel) -> dict:
    d = bel.decomposition
    d = d[d["year_to"] == TO]
    return {f"decomposition_{part}": _n(d[part].sum(), 1000)
            for part in ("base", "ageing", "population")}


def figures() -> dict[str, str]:
    """Every model figure the README quotes: name -> text as the README writes it."""
    if "figures" not in _CACHE:
        from zorgcap.forecast import project_demand

        bel = _chain("beleidsarm", DRAWS)
        trend = _chain("trend", DRAWS)
        mantelzorg = _cached("mantelzorg", lambda: project_demand("mantelzorg", to=TO))
        out = {}
        for part in (_population(bel), _demand(bel, trend, mantelzorg), _intensity(bel, trend),
                     _bands(bel, trend),
                     _backtest(bel.backtest), _regional(bel.backtest), _prospective(),
                     _waiting(bel, trend),
                     _decomposition(bel),
                     _forms_and_staff(trend)):
            out.update(part)
        _CACHE["figures"] = out
    return dict(_CACHE["figures"])


def published() -> dict[str, str]:
    """Published figures the README quotes unmarked, as the data_raw files hold them."""
    ref = pd.read_csv(ROOT / "data_raw" / "reference_figures.csv").set_index("key")["value"]
    plans = pd.read_csv(ROOT / "data_raw" / "plan_totals.csv").set_index("key")["places"]
    haaren = pd.read_csv(ROOT / "data_raw" / "gemeente_changes.csv")
    haaren = haaren[haaren["old_gm_name"] == "Haaren"]
    bel = _chain("beleidsarm", DRAWS)
    return {"split_haaren": ", ".join(f"{_pct(r.share, 1, sign=False)} {r.new_gm_name}"
                                      for r in haaren.itertuples()),
            "tno_2019_shortage_2025": _n(ref["tno_2019_shortage_2025"]),
            "tno_2019_extra_2040": _n(ref["tno_2019_extra_2040"]),
            "ambition_2025": _n(ref["ambition_2025"]),
            "zn_regiomonitor_2022_intramural": _n(plans["zn_regiomonitor_2022_intramural"]),
            "clients_2023_observed": _n(bel.parameters["base_observed"])}


# --- reading and writing the README and the user guide ------------------------------------

def pages() -> list[Path]:
    """The texts that quote model figures: README.md and the user guide's pages."""
    return [README, *sorted(GUIDE.glob("*.md"))]


def read_pages() -> str:
    """Every page's text, one after the other: a figure must be marked in one of them."""
    return "\n".join(p.read_text(encoding="utf-8") for p in pages())


def marked(text: str) -> list[tuple[str, str]]:
    """(name, text) of every marker in ``text``, in order."""
    return MARKER.findall(text)


def problems(text: str, figs: dict[str, str]) -> list[str]:
    """What differs between the README ``text`` and the computed ``figs``."""
    found = marked(text)
    out = [f"unknown marker fig:{name}" for name in dict.fromkeys(n for n, _ in found)
           if name not in figs]
    names = {n for n, _ in found}
    out += [f"missing marker fig:{name} (value {value})" for name, value in figs.items()
            if name not in names]
    out += [f"fig:{name} says {old!r}, the code gives {figs[name]!r}" for name, old in found
            if name in figs and old != figs[name]]
    return out


def rewrite(text: str, figs: dict[str, str]) -> str:
    """``text`` with every marked figure replaced by its computed value."""
    unknown = sorted({n for n, _ in marked(text)} - set(figs))
    if unknown:
        raise KeyError(f"README.md has markers that no code computes: {unknown}")
    return MARKER.sub(lambda m: f"<!--fig:{m[1]}-->{figs[m[1]]}<!--/fig-->", text)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    figs = figures()
    if "--write" in argv:
        for page in pages():
            text = page.read_text(encoding="utf-8")
            new = rewrite(text, figs)
            if new != text:
                page.write_text(new, encoding="utf-8")
            changed = sum(a != b for a, b in zip(marked(text), marked(new), strict=True))
            print(f"{page.relative_to(ROOT)}: {changed} figure(s) rewritten")
    else:
        width = max(map(len, figs))
        for name, value in figs.items():
            print(f"{name:<{width}}  {value}")
    issues = problems(read_pages(), figs)
    for line in issues:
        print(line, file=sys.stderr)
    return 1 if issues else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
