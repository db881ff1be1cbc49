"""The figures README.md and the user guide (docs/user_guide/*.md) quote are the figures the
code gives (tests/readme_figures.py).

Every model figure in the README sits between ``<!--fig:NAME-->`` and ``<!--/fig-->``; the
values come from one set of runs (about 10-30 s, cached for the session by readme_figures).
When a change of model or data moves a figure, rewrite them with
``python tests/readme_figures.py --write`` and read the diff.

The second part holds the README to the first steps: under 200 lines, every relative link
leading to a file (and heading) that exists, every guide page linked, the two commands kept,
and the plan-vintage example read by zorgcap's own reader as the history the text describes.
"""

from __future__ import annotations

import re
from pathlib import Path

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
    flat = " ".join(readme.split())  # a figure may be wrapped over two lines of Markdown
    for name, text in RF.published().items():
        assert text in flat, f"neither README.md nor docs/user_guide quotes {name} = {text}"


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


# --- the README is the first steps only, and its links lead into the docs ----------------------
# Independent checks of the text itself (issue 29: README under 200 lines, the rest in the
# documentation site; issue 31: the plan-vintage format explained with an example).

ROOT = RF.ROOT
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _readme_text() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def _outside_code(text: str) -> list[str]:
    """The lines of a Markdown text outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def _slug(heading: str) -> str:
    """GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to '-'."""
    text = heading.strip().lower().replace("`", "")
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    heads = [m.group(1) for line in _outside_code(path.read_text(encoding="utf-8"))
             if (m := re.match(r"^#{1,6}\s+(.*?)\s*#*$", line))]
    return {_slug(h) for h in heads}


def test_slug_follows_github():
    assert _slug("Progress over time: plan inventories and `zorgcap monitor`") == \
        "progress-over-time-plan-inventories-and-zorgcap-monitor"
    assert _slug("A planner's file covers its own regions") == \
        "a-planners-file-covers-its-own-regions"
    assert _slug("The national gap in 2025") == "the-national-gap-in-2025"


def test_readme_is_under_200_lines():
    n = len(_readme_text().splitlines())
    assert n < 200, (f"README.md has {n} lines; keep it to the first steps and move the rest "
                     "to docs/user_guide/*.md (issue 29)")


def test_every_relative_link_of_the_readme_resolves():
    links = [target for line in _outside_code(_readme_text())
             for target in LINK.findall(line)
             if not re.match(r"^[a-z]+:", target)]  # http:, https:, mailto: are not checked
    assert len(links) >= 12, links  # the guide's pages are linked
    broken = []
    for target in links:
        file, _, anchor = target.partition("#")
        path = ROOT / "README.md" if not file else (ROOT / file)
        if not path.is_file():
            broken.append(f"{target}: no file {path.relative_to(ROOT)}")
        elif anchor and path.suffix == ".md" and anchor not in _anchors(path):
            broken.append(f"{target}: no heading with the anchor #{anchor} in "
                          f"{file or 'README.md'}")
    assert not broken, "links of README.md that lead nowhere:\n" + "\n".join(broken)


def test_readme_links_every_guide_page():
    linked = {Path(t.partition("#")[0]).name for t in LINK.findall(_readme_text())}
    pages = {p.name for p in (ROOT / "docs" / "user_guide").glob("*.md")}
    assert pages - linked == set(), "guide pages the README does not link"


def test_readme_keeps_the_two_commands_ci_and_a_new_user_run():
    # .ci/run runs "the README's test command"; the main job is the first command a user runs
    first_block = _readme_text().split("```bash\n", 1)[1].split("```", 1)[0]
    assert ('pip install -e ".[dev]" && zorgcap report --scenario trend --to 2040 --out '
            in first_block)
    assert "\npython -m pytest -q\n" in first_block


def test_sources_and_licences_have_one_home_included_by_the_guide():
    readme = _readme_text()
    part = readme.split("<!-- sources-and-licences:start -->", 1)[1]
    part = part.split("<!-- sources-and-licences:end -->", 1)[0]
    assert "CC BY 4.0" in part and "Human Mortality Database" in part
    data_page = (ROOT / "docs" / "user_guide" / "data.md").read_text(encoding="utf-8")
    assert ":start-after: <!-- sources-and-licences:start -->" in data_page


def test_readme_vintage_example_reads_as_the_history_it_describes(tmp_path):
    # The example of issue 31 in the README, read by zorgcap's own reader: three inventories,
    # P1 planned for 2021 and realised in 2023 (two years after its first planned year), P2
    # cancelled - as the README's sentence before the example says.
    from zorgcap.forecast.realisation import project_entries
    from zorgcap.forecast.supply import read_plan_history

    block = re.search(r"```\n(vintage,.*?)```", _readme_text(), re.S).group(1)
    path = tmp_path / "plans.csv"
    path.write_text(block, encoding="utf-8")
    history = read_plan_history(path)
    assert sorted(history["vintage"].unique()) == ["2021-10-01", "2022-10-01", "2023-10-01"]
    assert set(history["status"]) == {"planned", "under_construction", "realised", "cancelled"}
    entries = project_entries(history).set_index(["project_id", "status"])
    assert entries.loc[("P1", "planned"), "outcome"] == "realised"
    assert entries.loc[("P1", "planned"), "years_after_planned"] == 2
    assert entries.loc[("P2", "planned"), "outcome"] == "cancelled"
    for word in ("`vintage`", "YYYY-MM-DD", "`cancelled`", "`project_id`",
                 "zorgcap monitor --plans"):
        assert word in _readme_text(), word
