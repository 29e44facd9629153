"""Hypothetical units (villages) to size grids with.

The Quanzhou article publishes no household counts of villages, so examples
and exercises use the seeded, made-up tables of :func:`hypothetical_units`,
marked as hypothetical with :func:`govlib.synthetic.mark`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from govlib.errors import ParameterError
from govlib.grid._checks import is_whole
from govlib.grid.rule import GridRule


def hypothetical_units(n: int, *, seed: int, rule: GridRule | None = None, n_large: int = 0,
                       mean_households: float = 150, spread: float = 0.45, prefix: str = "示例村",
                       persons_per_household: tuple[float, float] = (2.6, 3.6)) -> pd.DataFrame:
    """A made-up, seeded table of units in order, marked hypothetical.

    The article publishes no household counts of villages, so examples and
    exercises use these.  Each unit has 1–2 villager groups, a household count
    drawn log-normally around ``mean_households`` and a population of
    households × a persons-per-household draw.  ``n_large`` units, at random
    positions, are made too big for one grid under ``rule``: their value in
    ``rule.column`` exceeds ``rule.high``.

    Parameters
    ----------
    n : int
        Number of units (at least 1).
    seed : int
        Seed of the random generator.
    rule : GridRule, optional
        Needed when ``n_large > 0``: the rule the large units must break.
    n_large : int
        Number of oversized units.
    mean_households : float
        Typical households per unit (an assumption, not a published figure).
    spread : float
        Log-scale standard deviation of households.
    prefix : str
        Unit names are ``prefix`` + a zero-padded number.
    persons_per_household : (float, float)
        Range of the uniform draw of persons per household.

    Returns
    -------
    pandas.DataFrame
        Columns ``name, households, groups, population``, marked with
        :func:`govlib.synthetic.mark` as ``hypothetical``.

    Raises
    ------
    ParameterError
        For n < 1, a non-positive mean, n_large outside [0, n], or n_large
        without a rule.
    """
    from govlib.synthetic import mark

    if not is_whole(n) or n < 1:
        raise ParameterError(f"n must be a whole number of at least 1, got {n!r}")
    if not (mean_households > 0 and spread >= 0):
        raise ParameterError("mean_households must be positive and spread non-negative")
    if n_large < 0 or n_large > n:
        raise ParameterError(f"n_large must be between 0 and n ({n}), got {n_large}")
    if n_large and not isinstance(rule, GridRule):
        raise ParameterError("n_large > 0 needs the rule the large units should break (rule=…)")
    rng = np.random.default_rng(seed)
    groups = rng.integers(1, 3, n)
    hh = np.maximum(1, np.round(mean_households * np.exp(rng.normal(0, spread, n) - spread ** 2 / 2))).astype(int)
    if n_large:
        where = rng.choice(n, size=n_large, replace=False)
        if rule.column == "groups":
            groups[where] = int(math.floor(rule.high)) + rng.integers(1, 3, n_large)
            hh[where] = np.round(mean_households * groups[where] / 1.5).astype(int)
        else:
            hh[where] = np.round(rule.high * rng.uniform(1.1, 1.6, n_large)).astype(int)
    lo, hi = persons_per_household
    pop = np.round(hh * rng.uniform(lo, hi, n)).astype(int)
    width = max(2, len(str(n)))
    df = pd.DataFrame({"name": [f"{prefix}{i + 1:0{width}d}" for i in range(n)],
                       "households": hh, "groups": groups, "population": pop})
    how = (f"随机种子 {seed}；{n} 个单元按给定顺序排列，户数围绕 {mean_households:g} 户随机生成"
           + (f"，其中 {n_large} 个单元故意超过规则上限" if n_large else "") + "。")
    return mark(df, "hypothetical", how)
