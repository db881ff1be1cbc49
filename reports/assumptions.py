"""The named assumptions of a run in the report's language.

``result.assumptions`` maps a key to an :class:`zorgcap.forecast.assumption.Assumption`: a
record (key, variant, fields) that is its English sentence. The Dutch report renders the
Dutch text of ``templates/messages.toml`` ``[nl.assumption_texts]`` (same key and variant)
straight from the record's fields - numbers in Dutch notation by Babel with the precision
the text's ``{field:format}`` asks for (``0,97``, ``130.179``, ``+4,16%``), years and counts
as they are, codes (statuses, scenario names, reference keys, trend models) in words. The
numbers are the run's own: nothing is recomputed, and no English is read back.

A value that is not a record (a plain text, e.g. of a result made by hand) is shown as it
is; ``tests/test_reports.py`` walks the assumptions of real runs and fails on a key without
a Dutch text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from zorgcap.forecast.assumption import Assumption, render, template

from .text import Text

__all__ = ["assumption_items", "assumption_text", "run_text", "translated"]

_FIELD = re.compile(r"\{(\w+)\}")
# fields that hold code words, and the catalogue table that names them
_CODES = {"reference": "reference_names", "scenario": "workforce_names",
          "model": "model_names", "method": "method_names"}


def _value(t: Text):
    """How one field of a record is written in ``t``'s language: a number with the decimals
    (and sign, and percent) its English format gives, by Babel; an integer without a format
    (a year, a count) as it is; a code in words."""
    words = t.m.get("assumption_words", {})

    def value(name: str, v, spec: str) -> str:
        if isinstance(v, str):
            return t.m.get(_CODES.get(name, ""), {}).get(v) or words.get(v, v)
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return str(v)
        if isinstance(v, int) and not spec:
            return str(v)
        english = format(v, spec)
        pct = english.endswith("%")
        decimals = len(english.rstrip("%").partition(".")[2])
        x = 100 * v if pct else v
        text = t.signed(x, decimals) if "+" in spec else t.num(x, decimals)
        return text + ("%" if pct else "")

    return value


def _record_text(t: Text, value: Assumption) -> str | None:
    """The text of a record in ``t``'s language, or None where the catalogue has none."""
    text = template(t.m.get("assumption_texts", {}), value.key, value.variant)
    if text is None:
        return None
    return render(text, value.fields, t.m.get("assumption_items", {}), _value(t))


# --- the other texts of a run (run_text): still read back from their English, the next
# step is records as for the assumptions (zorgcap.forecast.assumption) -------------------

# an English number as forecast/ writes it: 0.97, +4.16, 130,179, 7,000, 2
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


@lru_cache(maxsize=None)
def _pattern(english: str) -> re.Pattern:
    """A regular expression for an English text with ``{fields}``: the literal parts
    escaped, each field a group (a repeated field must repeat its value)."""
    out, seen, pos = [], set(), 0
    for m in _FIELD.finditer(english):
        out.append(re.escape(english[pos:m.start()]))
        name = m.group(1)
        out.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
        pos = m.end()
    out.append(re.escape(english[pos:]))
    return re.compile("".join(out), re.DOTALL)


def _variants(table: dict, key: str) -> dict[str, str]:
    """``variant -> text`` of ``key`` (a plain text is the one variant ``""``)."""
    entry = table.get(key)
    if entry is None:
        return {}
    return {"": entry} if isinstance(entry, str) else dict(entry)


def _word(t: Text, name: str, value: str) -> str:
    """One field's value in the report's language."""
    if name.endswith(("year", "years")):  # years and year lists: as they are
        return value
    if name in _CODES:
        return t.m.get(_CODES[name], {}).get(value, value)
    if _NUMBER.fullmatch(value):
        decimals = len(value.partition(".")[2])
        number = float(value.replace(",", ""))
        return t.signed(number, decimals) if value.startswith("+") else t.num(number, decimals)
    return t.m.get("assumption_words", {}).get(value, value)


def _translate(t: Text, key: str, value: str, table: str = "run_texts") -> str | None:
    """The text ``key`` of ``[<lang>.<table>]`` in ``t``'s language, filled from ``value``,
    or None where ``value`` matches none of the key's English texts."""
    english = _variants(Text("en").m.get(table, {}), key)
    target = _variants(t.m.get(table, {}), key)
    for variant, text in english.items():
        m = _pattern(text).fullmatch(value)
        if m and variant in target:
            fields = {k: _word(t, k, v) for k, v in m.groupdict().items()}
            return target[variant].format(**fields)
    return None


def run_text(t: Text, value) -> str:
    """Another English text of a run (``[en.run_texts]``: the note of the top-down check,
    the source of the regional intensity, a built-in scenario's description) in ``t``'s
    language; a text the catalogue does not know (a scenario file's own description) is
    returned as it is."""
    if t.lang == "en" or not isinstance(value, str):
        return value
    for key in Text("en").m.get("run_texts", {}):
        text = _translate(t, key, value, "run_texts")
        if text is not None:
            return text
    return value


def assumption_text(t: Text, key: str, value) -> str:
    """The text of the assumption ``key`` with the run's ``value`` (an
    :class:`~zorgcap.forecast.assumption.Assumption`, or a dict such as the realisation
    probability per plan status) in ``t``'s language."""
    if isinstance(value, dict):  # {plan status: probability}
        template_ = t.m.get("assumption_texts", {}).get(key) if t.lang != "en" else None
        if not isinstance(template_, str) or "{items}" not in template_:
            return "; ".join(f"{a} {t.num(b, 2) if isinstance(b, float) else b}"
                             for a, b in value.items())
        words = t.m.get("assumption_words", {})
        return template_.format(items=", ".join(
            f"{words.get(str(a), a)} {t.pct(b) if isinstance(b, (int, float)) else b}"
            for a, b in value.items()))
    if t.lang == "en" or not isinstance(value, Assumption):
        return str(value)
    return _record_text(t, value) or str(value)


def translated(t: Text, key: str, value) -> bool:
    """Whether the assumption ``key`` with ``value`` has a text of its own in ``t``'s
    language (for tests and checks: English always has)."""
    if t.lang == "en":
        return True
    if isinstance(value, dict):
        return "{items}" in str(t.m.get("assumption_texts", {}).get(key, ""))
    return isinstance(value, Assumption) and _record_text(t, value) is not None


def assumption_items(t: Text, assumptions: dict) -> list[dict]:
    """Every named assumption as ``{"key", "name", "text"}`` in ``t``'s language: the name
    from ``[<lang>.estimates]`` (a planner-file estimate, with its option) or
    ``[<lang>.assumption_names]``, the text from :func:`assumption_text`."""
    names = t.m.get("assumption_names", {})
    return [{"key": k,
             "name": t.m["estimates"].get(k) or names.get(k) or k.replace("_", " "),
             "text": assumption_text(t, k, v)}
            for k, v in assumptions.items()]
