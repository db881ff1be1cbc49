"""One progress display (zorgcap.forecast.progress): every step counted once, with the time
since the command started."""

from __future__ import annotations

import re

from zorgcap.forecast.progress import Progress


def test_steps_are_counted_to_the_last_with_elapsed_time():
    lines = []
    p = Progress(5, lines.append)
    p("one")
    p.skip(3, "kept from an earlier run")
    p("five")
    assert [re.sub(r"\(\d+\.\d s\)", "(t)", x) for x in lines] == [
        "[1/5] one (t)", "[4/5] kept from an earlier run (t)", "[5/5] five (t)"]
    assert Progress(2)("silent") is None  # no echo: nothing shown


def test_the_chain_counts_on_a_progress_it_is_given():
    from zorgcap.forecast import ChainConfig, ForecastChain

    lines = []
    p = Progress(ForecastChain.STEPS + 3, lines.append)
    chain = ForecastChain(ChainConfig(draws=0), echo=p)
    assert chain.progress is p
    chain._progress("checking input tables")
    assert lines[0].startswith(f"[1/{ForecastChain.STEPS + 3}] checking input tables (")
