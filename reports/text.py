"""Words and numbers of the report: the message catalogue and locale formatting.

The text lives in ``reports/templates/messages.toml`` (one table per language), not in the
code. Numbers and dates are formatted by Babel in the report's locale (``nl_NL``: 24.645 and
1,58; ``en_GB``: 24,645 and 1.58), never with hand-made separators.
"""

from __future__ import annotations

import math
import re
import tomllib
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from importlib.resources import files

from babel.dates import format_date
from babel.numbers import format_decimal

__all__ = ["LANGS", "messages", "Text", "round_to_uncertainty", "round_half_up", "by_name",
           "sort_by_name"]

LANGS = ("nl", "en")
_BAND = re.compile(r"^(?P<col>.+)_(?P<side>lo|hi)_(?P<level>\d+)$")


@lru_cache(maxsize=None)
def _catalogue() -> dict:
    return tomllib.loads(files("zorgcap.reports").joinpath("templates/messages.toml")
                         .read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _symbols(locale: str) -> tuple[str, str, str]:
    """Group separator, decimal separator and minus sign of ``locale`` (Babel)."""
    from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

    return get_group_symbol(locale), get_decimal_symbol(locale), get_minus_sign_symbol(locale)


def by_name(name) -> tuple:
    """Sort key of a region or gemeente name in Dutch order: case and accents do not count,
    and a leading article ’t or ’s is skipped (’t Gooi under G, ’s-Hertogenbosch under H)."""
    import unicodedata

    text = unicodedata.normalize("NFKD", str(name).replace("’", "'"))
    text = re.sub(r"^'[ts][\s-]+", "", text.encode("ascii", "ignore").decode().strip(),
                  flags=re.I)
    return (text.casefold(), str(name))


def sort_by_name(frame, col: str = "zk_name", groups=()):
    """``frame`` with its rows in name order (:func:`by_name`) within each group of the
    ``groups`` columns, the groups in the order they first appear (e.g. per target or
    workforce scenario); a frame without ``col`` is returned as it is."""
    if col not in frame or not len(frame):
        return frame
    ranks = [{v: i for i, v in enumerate(dict.fromkeys(frame[g]))} for g in groups]
    values = [frame[g].tolist() for g in groups]
    names = frame[col].tolist()
    order = sorted(range(len(frame)), key=lambda i: (*[r[v[i]] for r, v in zip(
        ranks, values, strict=True)], by_name(names[i])))
    return frame.iloc[order]


def messages(lang: str) -> dict:
    """The catalogue of one language; ``ValueError`` names the valid ones."""
    if lang not in LANGS:
        raise ValueError(f"`lang` was {lang!r} but is expected to be in {list(LANGS)}")
    return _catalogue()[lang]


def round_half_up(value: float, decimals: int = 0, shift: int = 0) -> float:
    """``value * 10**shift`` rounded half away from zero to ``decimals`` as Excel shows it:
    on the value's 15 significant digits, so binary noise does not decide a half (0.905 as
    a percentage is 91 and 100 x 0.285 = 28.499999999999996 is 29; Python's ``round`` gives
    90 and 28). Non-finite values pass."""
    if not math.isfinite(value):
        return value * 10 ** shift
    d = Decimal(f"{value:.15g}").scaleb(shift)
    return float(d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


class Text:
    """Messages, column labels and number formats of one language (``nl`` or ``en``)."""

    def __init__(self, lang: str = "nl"):
        self.lang = lang
        self.m = messages(lang)
        self.locale = self.m["locale"]

    def __getitem__(self, key: str) -> str:
        return self.m[key]

    def t(self, key: str, **kw) -> str:
        """The message ``key`` with ``{name}`` fields filled (numbers formatted)."""
        return self.m[key].format(**{k: self.num(v) if isinstance(v, float) else v
                                     for k, v in kw.items()})

    def word(self, table: str, code):
        """The word of ``[<lang>.<table>]`` for a code value (a plan status, a model name);
        a code the table does not name is returned as it is."""
        return self.m.get(table, {}).get(code, code) if isinstance(code, str) else code

    def label(self, column: str, sheet: str | None = None) -> str:
        """A human label with its unit for a result column (on ``sheet``, a key of
        ``[<lang>.sheets]``, where ``[<lang>.sheet_columns.<sheet>]`` names it otherwise);
        band columns (``gap_lo_80``) become 'tekort, ondergrens 80% [plaatsen]'."""
        own = self.m.get("sheet_columns", {}).get(sheet, {}).get(column)
        if own:
            return own
        cols = self.m["columns"]
        if column in cols:
            return cols[column]
        band = _BAND.match(column)
        if band and band["col"] in cols:
            side = self.m["bands"][band["side"]].format(level=band["level"])
            name, _, unit = cols[band["col"]].partition(" [")
            return f"{name}, {side}" + (f" [{unit}" if unit else "")
        return column.replace("_", " ")

    def num(self, value, decimals: int = 0, _shift: int = 0) -> str:
        """``value`` (times 10**``_shift``) with the locale's separators, rounded half away
        from zero to ``decimals`` as the workbook (Excel) rounds; ``-0`` shows as 0 and a
        missing value as an en dash."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        value = round_half_up(float(value), decimals, _shift)
        if value == 0:
            value = 0.0  # no "-0": a value that rounds to zero is zero
        if not math.isfinite(value):
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            return format_decimal(value, format=pattern, locale=self.locale)
        # Babel's symbols of the locale on Python's formatting of the pattern #,##0.00: the
        # same text as format_decimal (tested), 20x faster for the report's thousands of cells
        group, point, minus = _symbols(self.locale)
        text = f"{abs(value):,.{decimals}f}".translate({44: group, 46: point})
        return minus + text if value < 0 else text

    def signed(self, value, decimals: int = 0) -> str:
        text = self.num(value, decimals)
        return text if text.startswith(("-", "–")) or text == self.num(0, decimals) \
            else "+" + text

    def pct(self, fraction, decimals: int = 0) -> str:
        """A fraction as a percentage: 0.5 -> '50%'."""
        if fraction is None or (isinstance(fraction, float) and math.isnan(fraction)):
            return "–"
        return self.num(fraction, decimals, _shift=2) + "%"

    def date(self, value) -> str:
        """A date (or ISO date-time string) in words: '1 januari 2026'."""
        from datetime import date, datetime

        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if isinstance(value, datetime):
            value = value.date()
        if not isinstance(value, date):
            return str(value)
        return format_date(value, format="long", locale=self.locale)


def round_to_uncertainty(central: float, lo: float | None, hi: float | None
                         ) -> tuple[float, float | None, float | None, float]:
    """Round a central value and its range to what the range supports.

    The step is the place of the second significant digit of the half-width of the range
    (the GUM convention: an uncertainty to two significant digits, the value to the same
    decimal place), at least 10 places; without a range, 100 places.

    Returns ``(central, lo, hi, step)`` rounded [places].

    >>> round_to_uncertainty(4150.0, 3334.0, 4966.0)   # half-width 816 -> step 10
    (4150.0, 3330.0, 4970.0, 10.0)
    >>> round_to_uncertainty(24_645.0, 21_000.0, 28_000.0)  # half-width 3,500 -> step 100
    (24600.0, 21000.0, 28000.0, 100.0)
    """
    if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        step = 100.0
        return float(round(central / step) * step), None, None, step
    half = (hi - lo) / 2
    step = max(10.0, 10.0 ** (math.floor(math.log10(half)) - 1))

    def r(x):
        return float(round(x / step) * step) + 0.0

    return r(central), r(lo), r(hi), step
