"""
What if: a planner's own build plans
====================================

:meth:`ChainResult.with_plans <zorgcap.ChainResult.with_plans>` reruns only the gap stage
with other planner files, on the same population and demand: the what-if loop of a planner.

A plans file covers the regions it has rows for. Here the file speaks for Rotterdam (ZK20)
only: once with a row of 0 places (Rotterdam declares no plans), once with a clustered-VPT
project of 500 places realised in 2025. The clustered places count toward the ambition in
all delivery forms (``gap_all_forms``), not toward the places with stay (``gap_with_stay``).
"""

import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

from zorgcap import ChainConfig, ForecastChain

result = ForecastChain(ChainConfig(to=2026, draws=0)).run()

folder = Path(tempfile.mkdtemp())
header = "project_id,zk_code,project_name,year_ready,places,delivery_form,status,kind\n"
none = folder / "geen_plannen.csv"
none.write_text(header + "P0,ZK20,Geen plannen,2025,0,with_stay,planned,expansion\n")
clustered = folder / "geclusterd.csv"
clustered.write_text(header + "P1,ZK20,Geclusterd wonen,2025,500,geclusterd,realised,expansion\n")

without = result.with_plans(none)
with_project = result.with_plans(clustered)

# %%
# Rotterdam's gap, without plans and with the project:

columns = ["year", "gap_with_stay", "gap_all_forms"]
a = without.gap.query("zk_code == 'ZK20'").set_index("year")[columns[1:]]
b = with_project.gap.query("zk_code == 'ZK20'").set_index("year")[columns[1:]]
print((b - a).round(6))

# %%
# The project lowers the gap in all forms by exactly its 500 places from 2025 on and leaves
# the places with stay alone; the other regions keep exactly their numbers.

diff = b - a
assert (diff["gap_with_stay"].abs() < 1e-9).all()
assert (diff.loc[[2023, 2024], "gap_all_forms"].abs() < 1e-9).all()
assert (abs(diff.loc[[2025, 2026], "gap_all_forms"] + 500) < 1e-6).all()
others = "zk_code != 'ZK20'"
assert abs(without.gap.query(others)["gap_all_forms"].to_numpy()
           - with_project.gap.query(others)["gap_all_forms"].to_numpy()).max() < 1e-9

# %%
# As a chart:

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(a.index, a["gap_all_forms"], marker="o", label="no plans")
ax.plot(b.index, b["gap_all_forms"], marker="o", label="500 clustered places in 2025")
ax.axhline(0, color="grey", lw=0.8)
ax.set_xticks(a.index)
ax.set_ylabel("gap in all delivery forms [places]")
ax.set_title("Rotterdam (ZK20), trend scenario")
ax.legend()
fig.tight_layout()
