"""The figures README.md and the user guide (docs/user_guide/*.md) quote are the figures the
code gives (tests/readme_figures.py).

Every model figure in the README sits between ``<!--fig:NAME-->`` and ``<!--/fig-->``; the
values come from one set of runs (about 10-30 s, cached for the session by readme_figures).
When a change of model or data moves a figure, rewrite them with
``python tests/readme_figures.py --write`` and read the diff.
"""

from __future__ import annotations

import pytest
import readme_figures as RF
from conftest import needs_data

FIX = ("run `python tests/readme_figures.py --write` and check the diff of README.md and "
       "docs/user_guide")


@pytest.fixture(scope="module")
def readme() -> str:
    """README.md and the user guide's pages: each figure is marked in one of them."""
    return RF.read_pages()


@pytest.fixture(scope="module")
def figures() -> dict[str, str]:
    return RF.figures()


@needs_data
def test_readme_quotes_the_figures_the_code_gives(readme, figures):
    stale = [p for p in RF.problems(readme, figures) if p.startswith("fig:")]
    assert not stale, f"README.md or docs/user_guide is stale ({FIX}):\n" + "\n".join(stale)


@needs_data
def test_every_marker_is_known_and_every_figure_is_marked(readme, figures):
    unknown = [p for p in RF.problems(readme, figures) if not p.startswith("fig:")]
    assert not unknown, ("README.md + docs/user_guide and tests/readme_figures.py disagree on "
                         "the markers (add the figure to readme_figures.py or mark it in "
                         "README.md or a guide page; "
                         f"then {FIX}):\n" + "\n".join(unknown))


@needs_data
def test_published_figures_are_quoted_as_the_data_holds_them(readme):
    # Not model output, so unmarked; these come from data_raw/reference_figures.csv,
    # plan_totals.csv, gemeente_changes.csv and CBS 84529NED (the observed clients of 2023).
    for name, text in RF.published().items():
        assert text in readme, f"neither README.md nor docs/user_guide quotes {name} = {text}"


def test_rewrite_replaces_only_marked_text():
    figs = {"a": "1,234", "b": "+5%"}
    text = "x <!--fig:a-->9<!--/fig--> y **<!--fig:b-->old<!--/fig-->** <!--fig:a-->0<!--/fig-->"
    assert RF.rewrite(text, figs) == ("x <!--fig:a-->1,234<!--/fig--> y "
                                      "**<!--fig:b-->+5%<!--/fig-->** <!--fig:a-->1,234<!--/fig-->")
    assert RF.problems(RF.rewrite(text, figs), figs) == []
    assert RF.problems(text, {**figs, "c": "7"}) == [
        "missing marker fig:c (value 7)", "fig:a says '9', the code gives '1,234'",
        "fig:b says 'old', the code gives '+5%'", "fig:a says '0', the code gives '1,234'"]
    assert RF.problems(text, {"a": "9"})[0] == "unknown marker fig:b"
    with pytest.raises(KeyError, match="'a'"):
        RF.rewrite(text, {"b": "1"})


def test_no_marker_starts_a_line():
    # A line that starts with "<!--" opens an HTML block in Markdown (CommonMark type 2) and
    # breaks the paragraph; keep a word before every marker on its line.
    bad = [f"{page.name}: {line}" for page in RF.pages()
           for line in page.read_text(encoding="utf-8").splitlines()
           if line.lstrip().startswith("<!--fig:")]
    assert not bad, "lines that start with a figure marker:\n" + "\n".join(bad)
