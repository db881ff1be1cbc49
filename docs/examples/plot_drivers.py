"""
What drives the change
======================

``ChainResult.decomposition`` splits each region's change of need from the base year 2023
to a target year into population growth, ageing, usage rates, informal care and care at home
(Das Gupta's symmetric method, the Shapley value of the factors). The parts add up exactly.
"""

import matplotlib.pyplot as plt

from zorgcap import ChainConfig, ForecastChain
from zorgcap.forecast.decomposition import PARTS

result = ForecastChain(ChainConfig(to=2026, draws=0)).run()
drivers = result.decomposition.query("year_to == 2026")

# %%
# Per region, the base-year need plus the parts is the need of 2026, to rounding:

parts = drivers[list(PARTS)].sum(axis=1)
assert (abs(drivers["base"] + parts - drivers["need"]) < 1e-6).all()
print(drivers[["zk_name", "base", *PARTS, "need"]].round(0).head(8).to_string(index=False))

# %%
# Nationally, as a waterfall: from the need of 2023 to that of 2026.

national = drivers[["base", *PARTS, "need"]].sum()
steps = national[list(PARTS)]
bottom = national["base"] + steps.cumsum() - steps
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.bar(["need 2023"], [national["base"]], color="#777777")
ax.bar(steps.index.str.replace("_", " "), steps.to_numpy(), bottom=bottom.to_numpy(),
       color=["#b2182b" if v > 0 else "#2166ac" for v in steps])
ax.bar(["need 2026"], [national["need"]], color="#777777")
ax.set_ylim(national["base"] * 0.95, national["need"] * 1.02)
ax.set_ylabel("places")
ax.set_title("National need 2023 → 2026, trend scenario: the drivers")
fig.tight_layout()
