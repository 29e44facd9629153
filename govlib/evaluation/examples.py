"""Hypothetical units for examples: the article publishes no unit's scores, so they are made up here.

Every table made here is marked ``hypothetical`` (:func:`govlib.synthetic.mark`)
and its captions say so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from govlib.evaluation._common import check_whole
from govlib.evaluation.poll import (answer_levels, check_poll_size, community_counts, community_moments,
                                    default_poll_size, poll_size, simulate_poll_means, tilted_probs)
from govlib.evaluation.scores import dimensions, unit_totals
from govlib.evaluation.simulation import Simulation, simulate_quarters
from govlib.evaluation.weights import weights_or_default

__all__ = ["Example", "resolve_poll_size", "lesson_quarter", "unit_names", "hypothetical_quarter"]

_GAN = "甲乙丙丁戊己庚辛壬癸"


@dataclass
class Example:
    """A hypothetical quarter: scores of example units and the communities they serve.

    Attributes
    ----------
    scores : DataFrame
        ``unit, dimension, self, peer, poll`` (marked hypothetical); ``poll``
        is this quarter's poll mean, repeated on each dimension row.
    community : DataFrame
        Households per answer level (rows = units, columns = level labels),
        marked hypothetical.
    levels : pandas.Series
        Answer label -> score.
    households : int
    poll_size : int
    """

    scores: pd.DataFrame
    community: pd.DataFrame
    levels: pd.Series
    households: int
    poll_size: int

    def totals(self, weights=None, *, register=None) -> pd.DataFrame:
        """:func:`unit_totals` of :attr:`scores`."""
        return unit_totals(self.scores, weights, register=register)

    def simulate(self, *, weights=None, poll_size: int | None = None, n_sims: int = 10_000, seed=0,
                 register=None) -> Simulation:
        """:func:`simulate_quarters` for these units (poll size defaults to :attr:`poll_size`)."""
        base = self.totals(weights, register=register)
        return simulate_quarters(self.community, base, weights=weights,
                                 poll_size=poll_size or self.poll_size, n_sims=n_sims, seed=seed,
                                 levels=tuple(self.levels.items()), register=register)

    def true_composite(self, weights=None, *, register=None) -> pd.Series:
        """Each unit's composite with its community's true satisfaction in place of the poll."""
        tot = self.totals(weights, register=register)
        _, true_poll, _ = community_moments(self.community.to_numpy(float), self.levels.to_numpy(float))
        w = weights_or_default(weights, register)
        out = w["self"] * tot["self"] + w["peer"] * tot["peer"] + w["poll"] * pd.Series(true_poll, index=tot.index)
        return out.rename("true_composite")

    def household_sd(self) -> pd.Series:
        """Standard deviation of household scores in each unit's community."""
        _, _, var = community_moments(self.community.to_numpy(float), self.levels.to_numpy(float))
        return pd.Series(np.sqrt(var), index=self.community.index, name="household_sd")


def resolve_poll_size(poll_households: int = 0, *, register=None) -> int:
    """A lesson's poll size: *poll_households*, or the article's (register) when it is 0."""
    check_whole(poll_households, "poll_households", 0)
    return int(poll_households) if poll_households else poll_size(register)


def lesson_quarter(*, n_units: int, households: int, poll_households: int = 0, seed: int,
                   register=None) -> Example:
    """The example quarter of the lesson notebook, from its parameters.

    Same as :func:`hypothetical_quarter` with the poll size resolved by
    :func:`resolve_poll_size`; the exercise bank rebuilds it from the same
    parameters, so expected answers match the notebook's data.
    """
    return hypothetical_quarter(n_units, households=households, seed=seed, register=register,
                                poll_size=resolve_poll_size(poll_households, register=register))


def unit_names(n: int) -> list[str]:
    """Labels of hypothetical units: 单位甲 … 单位癸, then 单位11, 单位12 …"""
    return [f"单位{_GAN[i]}" if i < len(_GAN) else f"单位{i + 1}" for i in range(n)]


def hypothetical_quarter(n_units: int = 10, *, households: int = 2400, poll_size: int | None = None,
                         seed: int = 0, quality: tuple[float, float] = (62.0, 88.0),
                         self_bonus: tuple[float, float] = (2.0, 10.0), peer_noise: float = 3.0,
                         levels=None, register=None, framework=None) -> Example:
    """Example partner units for one quarter -- made up; the article publishes no unit scores.

    Each unit gets a latent quality drawn uniformly from *quality*.  Its
    self-scores are the quality plus a unit-specific bonus (units tend to
    rate themselves well) plus noise per dimension; its peer means are the
    quality plus noise; its community's households answer the satisfaction
    questionnaire with the maximum-entropy distribution whose mean is the
    quality (:func:`tilted_probs`).  This quarter's poll is one random
    sample of *poll_size* households per unit.  All scores are out of 100.

    Parameters
    ----------
    n_units : int
        Number of units (≥ 2).
    households : int
        Households in the community (the article gives none).
    poll_size : int, optional
        Default: the article's (register).
    seed : int
        Seed of everything random here.

    Returns
    -------
    Example
        Tables marked ``hypothetical`` with :func:`govlib.synthetic.mark`.
    """
    from govlib import synthetic

    check_whole(n_units, "n_units", 2)
    labels, x = answer_levels(levels)
    n = poll_size if poll_size is not None else default_poll_size(register)
    check_whole(households, "households", 2)
    check_poll_size(n, households)
    dims = dimensions(framework, register=register)
    rng = np.random.default_rng(seed)
    names = unit_names(int(n_units))
    q = rng.uniform(*quality, size=n_units)
    bonus = rng.uniform(*self_bonus, size=n_units)
    D = len(dims)
    profile = rng.normal(0, 2.5, size=(n_units, D))
    self_s = np.clip(q[:, None] + bonus[:, None] + profile + rng.normal(0, 1.5, (n_units, D)), 0, 100)
    peer_s = np.clip(q[:, None] + profile + rng.normal(0, peer_noise, (n_units, D)), 0, 100)
    probs = np.vstack([tilted_probs(m, tuple(zip(labels, x))) for m in q])
    counts = community_counts(probs, int(households))
    poll = simulate_poll_means(counts, int(n), 1, rng, tuple(zip(labels, x)))[0]
    how = (f"为{n_units}个虚构组团单位随机设定服务质量，自评=质量+自评偏高量，互评=质量+噪声，"
           f"社区{households}户居民的满意度分布以质量为均值，民意测评为随机抽{n}户的一次结果")
    rows = []
    for i, u in enumerate(names):
        for d, dim in enumerate(dims):
            rows.append({"unit": u, "dimension": dim, "self": round(float(self_s[i, d]), 1),
                         "peer": round(float(peer_s[i, d]), 1), "poll": round(float(poll[i]), 1)})
    scores = synthetic.mark(pd.DataFrame(rows), "hypothetical", how)
    community = synthetic.mark(pd.DataFrame(counts, index=pd.Index(names, name="unit"), columns=labels),
                               "hypothetical", how)
    return Example(scores=scores, community=community,
                   levels=pd.Series(x, index=labels, name="score"), households=int(households),
                   poll_size=int(n))
