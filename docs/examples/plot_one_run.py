"""
One run, config to result
=========================

A frozen :class:`~zorgcap.ChainConfig` holds every option; ``ForecastChain(config).run()``
runs population, demand, gap, decomposition and targets once and returns a
:class:`~zorgcap.ChainResult` of tidy frames. Here: the default ``trend`` scenario to 2026,
without Monte Carlo draws (``draws=0``: the point path only, no bands), so it runs in seconds.
"""

import matplotlib.pyplot as plt

from zorgcap import ChainConfig, ForecastChain

config = ChainConfig(to=2026, draws=0)
result = ForecastChain(config).run()

# %%
# The national totals: need, supply and the gap in places (the gap of the base year 2023 is
# the places the waiting list needs, since capacity is estimated as the places in use).

national = result.national.set_index("year")
print(national[["need", "supply", "gap", "gap_all_forms"]].round(0))

# %%
# The central numbers add up over regions (the point path): the regional gaps sum to the
# national gap.

by_year = result.gap.groupby("year")["gap"].sum()
assert abs(by_year - national["gap"]).max() < 1e-6 * national["need"].max()

# %%
# The gap per region in 2026, largest shortage first, as a bar chart.

gap_2026 = result.gap.query("year == 2026").sort_values("gap")
fig, ax = plt.subplots(figsize=(7, 7))
ax.barh(gap_2026["zk_name"], gap_2026["gap"], color="#b2182b")
ax.set_xlabel("places short in 2026 (need − supply) [places]")
ax.set_title("Gap per zorgkantoorregio, trend scenario, 2026")
fig.tight_layout()
