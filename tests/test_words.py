"""The words of the report (issue 29): the Dutch page and workbook hold no English words, the
English ones stay English, and the page explains its jargon in a glossary from the catalogue.

An independent check of the rendered output, not of the model: a real run (one region, with
draws, a planner's capacity file and a plans file with inventories, so that every kind of
source, state and model name is shown) is rendered in Dutch and in English, and the visible
text of the page and every text cell of the workbook are read back. The English words below
are the issue's list (provenance states, the origin header, the titles of the input tables,
"Backtest", "Seed", method names, ``year_ready``) and what a read of a report found besides
(``ESTIMATE``, ``none``, ``file``, ``inventory``, "top-down", "random walk", the English
titles of the manifest); none of them is also a Dutch word.
"""

from __future__ import annotations

import html as htmlmod
import re
from pathlib import Path

import pytest
from conftest import needs_data

pytestmark = needs_data

ROOT = Path(__file__).resolve().parents[1]

#: English words that must not appear in the Dutch page or workbook (whole words, any case).
ENGLISH = (
    # the list
    "found", "truncated", "missing", "shared", "snapshot", "cache", "origin", "backtest",
    "seed", "anchored", "damped", "kept", "conformal",
    # found in a report besides
    "estimate", "none", "file", "inventory", "top-down", "random", "walk",
    "boundaries", "population", "projection", "generalised", "summed", "derived", "death",
    "rates", "period", "periods", "regions", "year", "years", "places", "clients", "need",
    "supply", "shortage", "growth", "usage", "staff", "workforce", "capacity", "waiting",
    "occupied", "forecast", "assumption", "sheet", "the", "and", "with", "from", "by",
)
#: Identifiers that must not be shown as words (they may stand in a key or path column);
#: a method name as the program spells it (``ets``; the Dutch name says ETS).
IDENTIFIERS = ("ets", "year_ready", "ets_anchored", "rw_drift", "ets_damped", "arima_anchored",
               "ets_arima_mean", "ets_pair_mean", "staff_in_balance_base_year")
#: Proper names that are English and stay (a publication, a database, PBL's measure).
NAMES = ("Deloitte State of the State Zorg", "Human Mortality Database",
         "Oldest Old Support Ratio")
#: A word as the report shows it: not part of an identifier, a path or an option.
_WORD = re.compile(r"(?<![\w/.\-])[A-Za-z][A-Za-z\-]*(?![\w/.])")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """A real run of ZK01 to 2030 with draws, on the templates' capacity and plans files
    (inventories), rendered in Dutch and in English."""
    from zorgcap.forecast import ChainConfig, ForecastChain
    from zorgcap.reports import render

    run = ForecastChain(ChainConfig(to=2030, draws=10, regions=["ZK01"])).run()
    run = run.with_plans(ROOT / "data_raw/templates/build_plans_history.csv",
                         capacity=ROOT / "data_raw/templates/capacity.csv")
    out = tmp_path_factory.mktemp("words")
    return run, {lang: render(run, out / lang, echo=None, lang=lang) for lang in ("nl", "en")}


def _page_text(path) -> str:
    """The text a reader sees: tags, scripts and styles out; SVG titles (hover) kept."""
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return " ".join(htmlmod.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _cells(path) -> list[tuple[str, str]]:
    """``(sheet, text)`` of every text cell of the workbook (formulas left out), and the
    sheet names; not the first column of the sheet of the columns, which names each column
    as the program does (``year``, ``capacity``) for a reader of the frames."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    columns = book.sheetnames[-1]
    out = [("", ws.title) for ws in book]
    for ws in book:
        for row in ws.iter_rows(values_only=True):
            out += [(ws.title, v) for j, v in enumerate(row)
                    if isinstance(v, str) and not v.startswith("=")
                    and not (ws.title == columns and j == 0)]
    return out


def _english(text: str) -> set[str]:
    for name in NAMES:
        text = text.replace(name, " ")
    words = {w.lower() for w in _WORD.findall(text)}
    found = words & set(ENGLISH)  # (ETS, upper case, is the name of a method)
    found |= {i for i in IDENTIFIERS if re.search(rf"(?<![\w/]){i}(?![\w.])", text)}
    return found


def _is_identifier(text: str) -> bool:
    """A key, column name or file name as the program spells it (the 'sleutel', 'kolom' and
    'pad' columns): lower-case with underscores, digits, dots and slashes."""
    return re.fullmatch(r"[a-z0-9_./\-]+", text) is not None and ("_" in text or "/" in text)


def test_dutch_page_has_no_english_words(rendered):
    run, paths = rendered
    text = _page_text(paths["nl"]["html"])
    assert "Verklarende woordenlijst" in text  # the page was read
    assert _english(text) == set(), sorted(_english(text))


def test_dutch_workbook_has_no_english_words(rendered):
    run, paths = rendered
    cells = _cells(paths["nl"]["excel"])
    assert len(cells) > 1000
    found = {}
    for sheet, text in cells:
        if _is_identifier(text):
            continue
        for word in _english(text):
            found.setdefault(word, f"{sheet}: {text[:80]}")
    assert found == {}, found


def test_dutch_report_names_states_sources_and_models_in_dutch(rendered):
    """What the English words became, by hand from the catalogue: the state and origin of
    the input tables, the header of the origin, the sources, the backtest and the seed."""
    import openpyxl

    run, paths = rendered
    page = _page_text(paths["nl"]["html"])
    book = openpyxl.load_workbook(paths["nl"]["excel"])
    inputs = list(book["Invoerbestanden"].iter_rows(values_only=True))
    head = inputs[0]
    assert head[:4] == ("sleutel", "CBS-tabel", "status", "herkomst")
    states = {r[2] for r in inputs[1:]}
    assert states <= {"gevonden", "afgekapt (kopie stopt na 10.000 rijen)", "ontbreekt"}
    assert "gevonden" in states
    titles = {r[0]: r[head.index("titel")] for r in inputs[1:]}
    assert titles["mortality_hmd"] == ("Human Mortality Database: sterftekansen van Nederland "
                                       "(periode 1x1)")
    # the backtest: a Dutch sheet, its start year and its models in words
    back = list(book["Toets achteraf"].iter_rows(values_only=True))
    assert back[0][0] == "startjaar"
    models = {r[back[0].index("model")] for r in back[1:]}
    assert "ETS vanaf de laatste waarneming (het gebruikte model)" in models
    assert "toevalswandeling met drift" in models
    # the sources of a planner file with inventories, and of an estimate
    gap = list(book["Tekort per jaar"].iter_rows(values_only=True))
    cols = gap[0]
    row = gap[1]
    assert re.fullmatch(r"bestand \S*capacity\.csv", row[cols.index("bron capaciteit")])
    assert re.fullmatch(r"bestand \S*build_plans_history\.csv, inventarisatie 2023-10-01",
                        row[cols.index("bron bouwplannen")])
    assert row[cols.index("bron personeel")] == \
        "schatting: personeel in het basisjaar precies genoeg"
    about = {r[0]: r[1] for r in book["Over deze berekening"].iter_rows(values_only=True)}
    assert about["Startgetal van het toeval"] == str(run.config.seed)
    assert f"startgetal {run.config.seed}" in page
    assert "Toets achteraf: voorspellingen vanaf eerdere jaren" in page


def test_english_report_keeps_its_english(rendered):
    """``--lang en`` is untouched by the Dutch words: the program's own codes and texts."""
    import openpyxl

    run, paths = rendered
    page = _page_text(paths["en"]["html"])
    for english in ("Backtest", "Seed", "Glossary", run.assumptions["occupancy_rate"]):
        assert english in page, english
    for dutch in ("gevonden", "schatting:", "toets achteraf", "startgetal", "Verklarende",
                  "gedeelde map", "toevalswandeling"):
        assert dutch not in page, dutch
    book = openpyxl.load_workbook(paths["en"]["excel"])
    assert "Backtest" in book.sheetnames
    inputs = list(book["Input files"].iter_rows(values_only=True))
    assert inputs[0][3] == "origin"
    assert "found" in {r[2] for r in inputs[1:]}
    gap = list(book["Shortage per year"].iter_rows(values_only=True))
    assert gap[1][gap[0].index("source of staff")] == "ESTIMATE staff_in_balance_base_year"


def test_the_glossary_explains_the_page_s_jargon(rendered):
    """Every term of the catalogue's glossary is on the page in both languages, and the
    jargon the issue names is among them and used elsewhere on the page."""
    from zorgcap.reports.text import Text

    run, paths = rendered
    for lang in ("nl", "en"):
        page = paths[lang]["html"].read_text(encoding="utf-8")
        glossary = page[page.index('<section id="glossary">'):]
        glossary = glossary[:glossary.index("</section>")]
        terms = Text(lang).m["glossary"]
        assert len(terms) >= 20
        shown = [htmlmod.unescape(t) for t in re.findall(r"<dt>(.*?)</dt>", glossary)]
        assert shown == list(terms)
        assert '<a href="#glossary">' in page
    nl = _page_text(paths["nl"]["html"])
    body = nl[:nl.index("Verklarende woordenlijst De woorden")]
    for term in ("trekkingen", "Das Gupta / Shapley", "regionaal zorgniveau", "bindende grens",
                 "OOSR", "raking", "toets achteraf"):
        assert any(term in t for t in Text("nl").m["glossary"]), term
        assert term == "OOSR" or term.lower() in body.lower(), term  # OOSR: the workbook
    assert len(Text("nl").m["glossary"]) == len(Text("en").m["glossary"])
