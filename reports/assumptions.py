"""The named assumptions of a run in the report's language.

``result.assumptions`` maps a key to an English text that :mod:`forecast` writes with the
run's numbers in it (``"0.97 of places occupied (NZa, ...)"``). The Dutch report shows the
Dutch text of ``templates/messages.toml`` ``[nl.assumption_texts]`` instead, filled with the
same numbers: the English value is read against the English texts of
``[en.assumption_texts]`` (a full match, so a changed English text is noticed, not
half-translated) and each ``{field}`` it holds fills the Dutch text of the same key and
variant - numbers in Dutch notation by Babel (``0,97``, ``130.179``, ``+4,16``), years as
they are, codes (statuses, scenario names, reference keys) in words. The numbers are the
run's own: nothing is recomputed here.

A value that matches none of the English texts is shown as it is (English);
``tests/test_reports.py`` walks the assumptions of real runs and fails on such a key.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .text import Text

__all__ = ["assumption_items", "assumption_text", "run_text", "translated"]

# an English number as forecast/ writes it: 0.97, +4.16, 130,179, 7,000, 2
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_FIELD = re.compile(r"\{(\w+)\}")
# fields that hold code words, and the catalogue table that names them
_CODES = {"reference": "reference_names", "scenario": "workforce_names",
          "model": "model_names", "method": "method_names"}


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
    if name == "delays":  # 'idea 2 y, planned 1 y, under_construction 0.5 y'
        return ", ".join(_delay(t, item) for item in value.split(", "))
    if name == "learned":  # 'planned 0.65 realised, mean delay 0.9 y (6 projects); ...'
        return "; ".join(_learned(t, item) for item in value.split("; "))
    if _NUMBER.fullmatch(value):
        decimals = len(value.partition(".")[2])
        number = float(value.replace(",", ""))
        return t.signed(number, decimals) if value.startswith("+") else t.num(number, decimals)
    return t.m.get("assumption_words", {}).get(value, value)


def _delay(t: Text, item: str) -> str:
    status, _, rest = item.partition(" ")
    years = rest.removesuffix(" y")
    if not _NUMBER.fullmatch(years):
        return item
    return (f"{_word(t, 'status', status)} "
            f"{t.num(float(years), len(years.partition('.')[2]))} {t['years_word']}")


_LEARNED = re.compile(r"(\w+) (\d+\.\d+) realised, mean delay (\d+\.\d+) y \((\d+) projects?\)")


def _learned(t: Text, item: str) -> str:
    """One status of ``realisation_from_history`` (zorgcap.forecast.realisation) in words."""
    m = _LEARNED.fullmatch(item)
    words = t.m.get("assumption_words", {})
    if not m or "learned_item" not in words:
        return item
    status, p, delay, n = m.groups()
    return words["learned_item"].format(
        status=_word(t, "status", status), p=t.num(float(p), 2), delay=t.num(float(delay), 1),
        n=n, projects=words["learned_project_one" if n == "1" else "learned_project_many"])


def _translate(t: Text, key: str, value: str, table: str = "assumption_texts") -> str | None:
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
    """The text of the assumption ``key`` with the run's ``value`` (a text, or a dict such
    as the realisation probability per plan status) in ``t``'s language."""
    if isinstance(value, dict):  # {plan status: probability}
        template = t.m.get("assumption_texts", {}).get(key) if t.lang != "en" else None
        if not isinstance(template, str) or "{items}" not in template:
            return "; ".join(f"{a} {t.num(b, 2) if isinstance(b, float) else b}"
                             for a, b in value.items())
        return template.format(items=", ".join(
            f"{_word(t, 'status', str(a))} {t.pct(b) if isinstance(b, (int, float)) else b}"
            for a, b in value.items()))
    value = str(value)
    if t.lang == "en":
        return value
    return _translate(t, key, value) or value


def translated(t: Text, key: str, value) -> bool:
    """Whether the assumption ``key`` with ``value`` has a text of its own in ``t``'s
    language (for tests and checks: English always has)."""
    if t.lang == "en":
        return True
    if isinstance(value, dict):
        return "{items}" in str(t.m.get("assumption_texts", {}).get(key, ""))
    return _translate(t, key, str(value)) is not None


def assumption_items(t: Text, assumptions: dict) -> list[dict]:
    """Every named assumption as ``{"key", "name", "text"}`` in ``t``'s language: the name
    from ``[<lang>.estimates]`` (a planner-file estimate, with its option) or
    ``[<lang>.assumption_names]``, the text from :func:`assumption_text`."""
    names = t.m.get("assumption_names", {})
    return [{"key": k,
             "name": t.m["estimates"].get(k) or names.get(k) or k.replace("_", " "),
             "text": assumption_text(t, k, v)}
            for k, v in assumptions.items()]
