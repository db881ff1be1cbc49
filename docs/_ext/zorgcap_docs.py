"""Pages of the documentation that are generated from their source of truth at build time.

Nothing here is typed twice: the pages are written when the build starts (``builder-inited``)
from the objects the program itself uses, so they cannot go stale.

- ``reference/generated/cli.rst``: every command and option of the ``zorgcap`` command line,
  walked from the argparse parser :func:`zorgcap.forecast.cli.build_parser` (help texts with
  their defaults expanded as ``--help`` expands them, choices, defaults);
- ``reference/generated/assumptions.rst``: the named assumptions of a real run
  (``ForecastChain(ChainConfig(to=2025, draws=0)).run().assumptions``, in English and in the
  Dutch of the report, rendered by :func:`zorgcap.reports.assumptions.assumption_items`) and
  every other key of the report's catalogue (``reports/templates/messages.toml``); without
  data the catalogue alone;
- ``reference/generated/columns.rst``: the columns of every tidy frame with their units
  (:data:`zorgcap.forecast.schema.FRAMES`);
- ``reference/generated/report_words.rst``: the glossary at the end of the report, in Dutch
  and English (``[nl.glossary]`` and ``[en.glossary]`` of the report's catalogue).

The functions return the reST text, so that ``tests/test_docs.py`` checks them without a
Sphinx build.
"""

from __future__ import annotations

import argparse
import re
import textwrap
from pathlib import Path

GENERATED = Path("reference") / "generated"

#: The run whose assumptions the page lists: short and without draws (about 10 s). The
#: gallery runs the same config, so the build runs the chain once (its stage cache).
ASSUMPTIONS_RUN = {"to": 2026, "draws": 0}

_UNIT = re.compile(r"\s*\[([^\[\]]+)\]")


def escape(text: str) -> str:
    """``text`` as literal reST inline text (no emphasis, roles, references or substitutions)."""
    return re.sub(r"([\\*`|_])", r"\\\1", str(text))


def inline(text: str) -> str:
    """``text`` as reST inline text: its ````literals```` kept, everything else literal."""
    parts = re.split(r"(``[^`]+``)", str(text))
    return "".join(p if p.startswith("``") and p.endswith("``") else escape(p) for p in parts)


def _heading(text: str, char: str, overline: bool = False) -> str:
    line = char * len(text)
    return f"{line}\n{text}\n{line}\n" if overline else f"{text}\n{line}\n"


# --- the command line -------------------------------------------------------------------------

def _subparsers(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser, str]]:
    """``(name, parser, help)`` of each direct subcommand of ``parser``, in declared order."""
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, sub in action.choices.items():
                out.append((name, sub, helps.get(name) or ""))
    return out


def _default(action: argparse.Action) -> str | None:
    if action.default in (None, argparse.SUPPRESS) or action.nargs == 0 and action.const is True:
        return None
    if isinstance(action, argparse.BooleanOptionalAction):
        return "yes" if action.default else "no"
    return str(action.default)


def _option_lines(parser: argparse.ArgumentParser, program: str) -> list[str]:
    """``.. option::`` entries of ``parser``'s own arguments (not its subcommands)."""
    formatter = parser._get_formatter()
    lines = [f".. program:: {program}", ""]
    for action in parser._actions:
        if isinstance(action, (argparse._SubParsersAction, argparse._HelpAction)):
            continue
        if action.help == argparse.SUPPRESS:
            continue
        invocation = formatter._format_action_invocation(action)
        lines.append(f".. option:: {invocation}")
        lines.append("")
        body = escape(formatter._expand_help(action)) if action.help else ""
        if body:
            lines.append(f"   {body}")
            lines.append("")
        facts = []
        if action.choices is not None and not isinstance(action.choices, dict):
            facts.append("choices: " + ", ".join(f"``{c}``" for c in action.choices))
        default = _default(action)
        if action.option_strings and default is not None:
            facts.append(f"default: ``{default}``")
        if facts:
            lines.append("   (" + "; ".join(facts) + ")")
            lines.append("")
    return lines


def _command_rst(parser, program: str, help_text: str, depth: int) -> list[str]:
    chars = "=-~^"
    lines = [_heading(program, chars[min(depth, len(chars) - 1)]), ""]
    text = parser.description or help_text
    if text:
        lines += [escape(text[0].upper() + text[1:]) + ("" if text.endswith(".") else "."), ""]
    first, *rest = parser.format_usage().strip().splitlines()
    # argparse indents continuation lines under the text after "usage: "
    usage = "\n".join([first.removeprefix("usage: "), *(r[len("usage: "):] for r in rest)])
    lines += ["::", "", textwrap.indent(usage, "   "), ""]
    own = [a for a in parser._actions
           if not isinstance(a, (argparse._SubParsersAction, argparse._HelpAction))]
    if own:
        lines += _option_lines(parser, program)
    for name, sub, sub_help in _subparsers(parser):
        lines += _command_rst(sub, f"{program} {name}", sub_help, depth + 1)
    return lines


def cli_rst(parser: argparse.ArgumentParser | None = None) -> str:
    """The reST page of the command line: each command, its usage and every option with its
    help, choices and default, walked from ``parser`` (default: zorgcap's own)."""
    if parser is None:
        from zorgcap.forecast.cli import build_parser

        parser = build_parser()
    lines = [".. This page is generated from zorgcap.forecast.cli.build_parser at build time",
             "   (docs/_ext/zorgcap_docs.py); edit the parser, not this page.", "",
             ".. _cli:", "", _heading("Command line", "=", overline=True), "",
             "Every command, its usage and every option, read from the program's own parser "
             "when this site was built (so it is what ``zorgcap COMMAND --help`` prints). Input "
             "problems print the file, row and fix and exit with status 2.", ""]
    lines += _command_rst(parser, parser.prog, "", 0)[2:]  # the program's title is the page's
    return "\n".join(lines).rstrip() + "\n"


# --- the named assumptions --------------------------------------------------------------------

def _catalogue() -> dict:
    """The report's message catalogue, ``{"nl": ..., "en": ...}``."""
    from zorgcap.reports.text import LANGS, messages

    return {lang: messages(lang) for lang in LANGS}


def run_assumptions() -> dict | None:
    """The named assumptions of :data:`ASSUMPTIONS_RUN` (key -> value), or None without data."""
    from zorgcap.forecast import ChainConfig, ForecastChain
    from zorgcap.forecast.errors import DataMissingError, InputError

    try:
        return dict(ForecastChain(ChainConfig(**ASSUMPTIONS_RUN)).run().assumptions)
    except (DataMissingError, InputError, FileNotFoundError):
        return None


def _cell(text: str) -> str:
    """``text`` as one line of literal reST (for a table cell or a definition)."""
    return escape(" ".join(str(text).split()))


def assumptions_rst(assumptions: dict | None = ...) -> str:
    """The reST page of the named assumptions: those of a real run (``assumptions``; default:
    :func:`run_assumptions`) with the texts the report shows in English and Dutch, then every
    other key of the report's catalogue with its English template."""
    from zorgcap.reports.assumptions import assumption_items
    from zorgcap.reports.text import Text

    if assumptions is ...:
        assumptions = run_assumptions()
    cat = _catalogue()
    en_texts = cat["en"].get("assumption_texts", {})
    nl_names = {**cat["nl"].get("assumption_names", {}), **cat["nl"].get("estimates", {})}
    estimates = set(cat["nl"].get("estimates", {}))
    head = [".. This page is generated at build time from a real run and the report's message",
            "   catalogue (docs/_ext/zorgcap_docs.py); edit the code or",
            "   reports/templates/messages.toml, not this page.", "",
            ".. _assumptions:", "", _heading("Named assumptions", "=", overline=True), "",
            "Every figure that no source gives, and every choice a planner may disagree with, is "
            "a *named assumption*: it has a key, the run lists it in ``ChainResult.assumptions`` "
            "(key -> text with the run's own numbers), the report shows it on the page and in "
            "the workbook (in Dutch by default), and ``provenance.json`` keeps it. Assumptions "
            "marked *estimate* stand in for a missing planner file (the frames say "
            "``ESTIMATE <key>`` in their ``*_source`` columns; ``ChainResult.estimates``).", ""]
    lines = list(head)
    shown: set[str] = set()
    if assumptions:
        run = ", ".join(f"{k}={v!r}" for k, v in ASSUMPTIONS_RUN.items())
        en = {i["key"]: i for i in assumption_items(Text("en"), assumptions)}
        nl = {i["key"]: i for i in assumption_items(Text("nl"), assumptions)}
        lines += [_heading("In a default run", "="), "",
                  f"The {len(assumptions)} assumptions of ``ForecastChain(ChainConfig({run}))"
                  ".run()`` when this site was built, with that run's numbers: the English text "
                  "of ``ChainResult.assumptions`` and the Dutch name and text of the report.", "",
                  ""]
        for key in assumptions:
            kind = " (estimate)" if key in estimates else ""
            lines += [f"``{key}``{kind}", f"   {_cell(en[key]['text'])}", "",
                      f"   *In the report:* **{_cell(nl[key]['name'])}**: "
                      f"{_cell(nl[key]['text'])}", ""]
            shown.add(key)
        lines.append("")
    else:
        lines += [".. note::", "", "   Built without the data directory: the assumptions of a "
                  "real run could not be listed; the catalogue follows.", ""]
    rest = [k for k in dict.fromkeys([*nl_names, *en_texts]) if k not in shown]
    if rest:
        intro = ("Keys that a run lists only where its options use them (another scenario, "
                 "reference, planner file or workforce scenario)" if shown
                 else "Every key of the report's catalogue")
        lines += [_heading("In other runs" if shown else "The catalogue", "="), "",
                  f"{intro}, with the English text of the catalogue (one per variant where the "
                  "text depends on an option); ``{field}`` stands for a number of the run.", ""]
        for key in rest:
            text = en_texts.get(key, "")
            kind = " (estimate)" if key in estimates else ""
            lines.append(f"``{key}``{kind}")
            if isinstance(text, dict):  # variants by option: one item each
                lines += [f"   - *{escape(variant)}*: {_cell(t)}" for variant, t in text.items()]
            else:
                lines.append(f"   {_cell(text) or '–'}")
            lines += ["", f"   *In the report:* **{_cell(nl_names.get(key, key))}**", ""]
    return "\n".join(lines).rstrip() + "\n"


# --- the frames' columns ----------------------------------------------------------------------

def columns_rst() -> str:
    """The reST page of every tidy frame's columns with their units (schema.FRAMES)."""
    from zorgcap.forecast import schema

    lines = [".. This page is generated from zorgcap.forecast.schema at build time",
             "   (docs/_ext/zorgcap_docs.py); edit the schema, not this page.", "",
             ".. _columns:", "", _heading("Columns of the frames", "=", overline=True), "",
             "Every frame zorgcap returns is a tidy (long) pandas frame with stable "
             "lower_snake_case columns, declared once in :mod:`zorgcap.forecast.schema` with "
             "their units. A column with Monte Carlo bands also has "
             + ", ".join(f"``<column>{s}``" for s in schema.BAND_SUFFIXES if s)
             + " when the run has draws (:func:`zorgcap.forecast.schema.band_columns`; the "
             "levels follow ``ChainConfig.level``).", ""]
    for frame, columns in schema.FRAMES.items():
        lines += [f".. _columns-{frame.replace('_', '-')}:", "",
                  _heading(f"``{frame}``", "="), "",
                  ".. list-table::", "   :header-rows: 1", "   :widths: 25 55 20", "",
                  "   * - column", "     - meaning", "     - unit"]
        for column, description in columns.items():
            # the unit: the first [bracket]; taken out of the text where it ends the text
            m = _UNIT.search(description)
            unit = m.group(1) if m else ""
            meaning = description
            if m and not description[m.end():].strip():
                meaning = description[:m.start()]
            lines += [f"   * - ``{column}``", f"     - {inline(' '.join(meaning.split()))}",
                      f"     - {_cell(unit) or '–'}"]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# --- the report's glossary ------------------------------------------------------------------

def report_words_rst() -> str:
    """The reST page of the report's glossary: each Dutch term with its English term and both
    explanations, from ``[nl.glossary]`` and ``[en.glossary]`` (the same terms in the same
    order; the page the report prints at its end)."""
    cat = _catalogue()
    nl, en = cat["nl"]["glossary"], cat["en"]["glossary"]
    if len(nl) != len(en):
        raise ValueError(f"the report's glossary has {len(nl)} Dutch and {len(en)} English "
                         "terms: give [nl.glossary] and [en.glossary] the same terms in the "
                         "same order (reports/templates/messages.toml)")
    lines = [".. This page is generated from the report's message catalogue at build time",
             "   (docs/_ext/zorgcap_docs.py); edit reports/templates/messages.toml, not this "
             "page.", "", ".. _report-words:", "",
             _heading("Words of the report", "=", overline=True), "",
             "The glossary that ends every report (section *Verklarende woordenlijst* of the "
             "Dutch page, *Glossary* of the English one): the words a planner may not know, "
             "with the Dutch term the report uses and its English counterpart.", "",
             ".. list-table::", "   :header-rows: 1", "   :widths: 20 20 60", "",
             "   * - in the report (nl)", "     - English", "     - meaning"]
    for (nl_term, nl_text), (en_term, en_text) in zip(nl.items(), en.items(), strict=True):
        lines += [f"   * - **{_cell(nl_term)}**", f"     - {_cell(en_term)}",
                  f"     - {_cell(en_text)}", "", f"       *{_cell(nl_text)}*"]
    return "\n".join(lines).rstrip() + "\n"


# --- Sphinx -----------------------------------------------------------------------------------

def _write(path: Path, text: str) -> None:
    """Write only a changed page, so that Sphinx rebuilds only what changed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def generate(app) -> None:
    out = Path(app.srcdir) / GENERATED
    _write(out / "cli.rst", cli_rst())
    _write(out / "columns.rst", columns_rst())
    _write(out / "assumptions.rst", assumptions_rst())
    _write(out / "report_words.rst", report_words_rst())


def setup(app):
    app.connect("builder-inited", generate)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
