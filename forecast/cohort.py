"""The cohort-component step shared by the point projection and its stochastic draws.

One step moves a population of 1 January of year t to 1 January of t+1 before migration
(:mod:`zorgcap.forecast.population`, steps 2 and 3): every age survives into the next, the open
group keeps its survivors, and the year's births enter at age 0. Both
:mod:`zorgcap.forecast.population` (the point run) and :mod:`zorgcap.forecast.stochastic` (the
draws) use these functions and constants, so that a draw with zero shocks repeats the point run.
"""

from __future__ import annotations

import numpy as np

from .schema import OPEN_AGE

__all__ = ["MIGRATION_RHO", "MIGRATION_SD", "SEX_RATIO_AT_BIRTH", "birth_shares", "step"]

#: Boys per girl at birth (CBS long-run average, about 105:100) [-].
SEX_RATIO_AT_BIRTH = 1.05
#: Standard deviation of the yearly national net-migration shock [share of the yearly
#: Kernprognose net migration].
MIGRATION_SD = 0.35
#: Autocorrelation of the yearly net-migration shock (AR(1)) [-].
MIGRATION_RHO = 0.8


def step(pop, surv, birth_surv, births):
    """Age one year: (…, sex, age) -> (…, sex, age) before migration.

    Parameters
    ----------
    pop : ndarray (…, sex, age)
        Population of 1 January of year t [persons]; ages 0..94 and 95 = 95+.
    surv : ndarray (…, sex, age)
        Survival ratio from each age to the next, ``L_{x+1}/L_x`` (open group
        ``T_96/T_95``) [-].
    birth_surv : ndarray (…, sex)
        Share of the year's births alive on 1 January of t+1, ``L_0`` [-].
    births : float or ndarray (…)
        Live births of year t [persons], split 105 boys per 100 girls.

    Returns
    -------
    ndarray (…, sex, age)
        Survivors on 1 January of t+1 [persons]; without births nobody is added.

    Notes
    -----
    ``P(x+1, t+1) = P(x, t) s_x`` for x < 94, ``P(95+, t+1) = P(94, t) s_94 + P(95+, t) s_95``,
    ``P(0, t+1) = B_t * share_sex * L_0``.
    """
    new = np.empty_like(pop)
    new[..., 1:OPEN_AGE] = pop[..., : OPEN_AGE - 1] * surv[..., : OPEN_AGE - 1]
    new[..., OPEN_AGE] = (pop[..., OPEN_AGE - 1] * surv[..., OPEN_AGE - 1]
                          + pop[..., OPEN_AGE] * surv[..., OPEN_AGE])
    boys = SEX_RATIO_AT_BIRTH / (1 + SEX_RATIO_AT_BIRTH)
    new[..., 0, 0] = births * boys * birth_surv[..., 0]
    new[..., 1, 0] = births * (1 - boys) * birth_surv[..., 1]
    return new


def birth_shares(pop: np.ndarray) -> np.ndarray:
    """Share of each gemeente in the national women aged 15-49, shape (…, gemeente).

    ``pop`` is (…, gemeente, sex, age); the national births are allotted by these shares
    (``assumption births_by_women_15_49``).
    """
    women = pop[..., 1, 15:50].sum(axis=-1)
    return women / women.sum(axis=-1, keepdims=True)
