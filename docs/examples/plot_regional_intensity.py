"""
Regional intensity of care use
==============================

Each region's care intensity is its 2014 count of clients with zzp 5–10, indirectly
age–sex standardised (``ratio``), then shrunk toward the national level (empirical Bayes) to
the factor in use with its 95% band (``ChainResult.regional_intensity``; see the user guide,
:ref:`intensity`).
"""

import matplotlib.pyplot as plt
import numpy as np

from zorgcap import ChainConfig, ForecastChain

result = ForecastChain(ChainConfig(to=2026, draws=0)).run()
intensity = result.regional_intensity.sort_values("factor")

# %%
# Shrinking narrows the spread (on the log scale, with a weight of about 56% per region) and
# each factor lies within its band. The base year itself starts from the observed, unshrunk
# ratio (``factor_used``, rescaled to keep the national total): the base year is observed.

assert np.log(intensity["factor"]).std() < np.log(intensity["ratio"]).std()
assert ((intensity["factor_lo_95"] <= intensity["factor"])
        & (intensity["factor"] <= intensity["factor_hi_95"])).all()
print(intensity[["zk_name", "ratio", "factor", "factor_lo_95", "factor_hi_95", "factor_used"]]
      .round(2).to_string(index=False))

# %%
# The standardised ratio (open) and the factor in use with its 95% band (closed):

fig, ax = plt.subplots(figsize=(7, 7))
y = range(len(intensity))
ax.errorbar(intensity["factor"], y,
            xerr=[intensity["factor"] - intensity["factor_lo_95"],
                  intensity["factor_hi_95"] - intensity["factor"]],
            fmt="o", color="#2166ac", label="factor in use (95% band)")
ax.plot(intensity["ratio"], y, "o", mfc="none", color="#b2182b", label="standardised ratio")
ax.axvline(1, color="grey", lw=0.8)
ax.set_yticks(list(y), intensity["zk_name"])
ax.set_xlabel("care use relative to the national rates at the same age and sex [ratio]")
ax.legend(loc="lower right")
fig.tight_layout()
