"""The named assumptions of a run in the report's language.

``result.assumptions`` maps a key to an :class:`zorgcap.forecast.assumption.Assumption`: a
record (key, variant, fields) that is its English sentence; the other texts of a run
(:class:`~zorgcap.forecast.assumption.RunText`) are records of the same kind. The Dutch
report renders the Dutch text of ``templates/messages.toml`` (``[nl.assumption_texts]``,
``[nl.run_texts]``; same key and variant) straight from the record's fields - numbers in
Dutch notation by Babel with the precision the text's ``{field:format}`` asks for
(``0,97``, ``130.179``, ``+4,16%``), years and counts as they are, codes (statuses, scenario
names, reference keys, trend models) in words. The numbers are the run's own: nothing is
recomputed, and no English is read back.

A value that is not a record (a plain text, e.g. of a result made by hand) is shown as it
is; ``tests/test_reports.py`` walks the assumptions of real runs and fails on a key without
a Dutch text.
"""

from __future__ import annotations

from zorgcap.forecast.assumption import Assumption, render, template

from .text import Text

__all__ = ["assumption_items", "assumption_text", "run_text", "translated"]

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
    text = template(t.m.get(value.table, {}), value.key, value.variant)
    if text is None:
        return None
    return render(text, value.fields, t.m.get("assumption_items", {}), _value(t))


def run_text(t: Text, value, texts: dict | None = None):
    """Another text of a run (a :class:`~zorgcap.forecast.assumption.RunText`: the note of
    the top-down check, the label of the bands, the source of the regional intensity, a
    built-in scenario's description, the waiting list's method) in ``t``'s language, from
    its record; ``texts``: the records of the frames' text columns by their English text
    (:attr:`ChainResult.texts`), where a plain text finds its record. Any
    other value (a scenario file's own description) is returned as it is."""
    if t.lang == "en":
        return value
    if not isinstance(value, Assumption) and isinstance(value, str) and texts:
        value = texts.get(value, value)
    if not isinstance(value, Assumption):
        return value
    return _record_text(t, value) or str(value)


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
