"""One progress display for a long command: ``[i/n] what (elapsed s)``.

``zorgcap report`` runs the chain (:class:`zorgcap.forecast.modelchain.ForecastChain`) and
then draws the report (:func:`zorgcap.reports.render`); both count their steps on one
:class:`Progress`, so the display counts every step of the command once and shows the time
since the command started, never a stage's own clock.
"""

from __future__ import annotations

import time

__all__ = ["Progress"]


class Progress:
    """Counts steps and prints ``[i/steps] what (elapsed s)`` through ``echo``.

    Parameters
    ----------
    steps : int
        Every step the command will take [count].
    echo : callable, optional
        Called with each line (e.g. ``print``); None shows nothing.
    """

    def __init__(self, steps: int, echo=None):
        self.steps, self.i, self.echo = steps, 0, echo
        self.t0 = time.perf_counter()

    def __call__(self, what: str) -> None:
        """One step begins."""
        self.i += 1
        self.show(what)

    def skip(self, n: int, what: str) -> None:
        """``n`` steps need no work (e.g. kept from an earlier run); one line says so."""
        self.i += n
        self.show(what)

    def show(self, what: str) -> None:
        if self.echo:
            self.echo(f"[{self.i}/{self.steps}] {what} "
                      f"({time.perf_counter() - self.t0:.1f} s)")
