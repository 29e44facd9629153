"""Many simulated quarters: how far the poll moves scores, ranks and flags, and how big a poll keeps them.

Self-scores and peer means are judgements of the units, held fixed; the
poll is the only random part.  :func:`simulate_quarters` draws all polls of
all units at once (:func:`~govlib.evaluation.poll.simulate_poll_means`), so
10,000 quarters for 10 units take a fraction of a second
(``benchmarks/poll_simulation.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from govlib.errors import ParameterError
from govlib.evaluation._common import check_columns, mark_as
from govlib.evaluation.poll import (answer_levels, community_moments, counts_matrix, default_poll_size, poll_sd,
                                    simulate_poll_means)
from govlib.evaluation.scores import flag_units
from govlib.evaluation.weights import weights_or_default

__all__ = ["Simulation", "simulate_quarters", "stability_curve", "stable_poll_size"]


def _ranks_best_first(values: np.ndarray) -> np.ndarray:
    """Ranks along the last axis, 1 for the highest value, ties broken by position."""
    order = np.argsort(-values, axis=-1, kind="stable")
    r = np.empty_like(order)
    np.put_along_axis(r, order, np.broadcast_to(np.arange(1, order.shape[-1] + 1), order.shape), axis=-1)
    return r


def _counts(community) -> np.ndarray:
    """Households per answer level of *community* (a DataFrame or array-like) as a checked int array."""
    return counts_matrix(community.to_numpy() if isinstance(community, pd.DataFrame) else community)


@dataclass
class Simulation:
    """Simulated quarters: the poll mean and composite of every unit in every quarter.

    Attributes
    ----------
    units : list of str
    poll, composite : numpy.ndarray, shape (n_sims, U)
    true_poll, true_composite : numpy.ndarray, shape (U,)
        With the community's own mean in place of the poll.
    poll_sd_theory : numpy.ndarray, shape (U,)
        :func:`poll_sd` for the same poll size.
    weights : dict
    poll_size : int
    households : numpy.ndarray, shape (U,)
    provenance : dict or None
        The synthetic/hypothetical mark of the inputs, carried to result tables.
    """

    units: list[str]
    poll: np.ndarray
    composite: np.ndarray
    true_poll: np.ndarray
    true_composite: np.ndarray
    poll_sd_theory: np.ndarray
    weights: dict
    poll_size: int
    households: np.ndarray
    provenance: dict | None = None

    @property
    def n_sims(self) -> int:
        return self.poll.shape[0]

    def _mark(self, df: pd.DataFrame) -> pd.DataFrame:
        return mark_as(df, self.provenance)

    def spread(self, level: float = 0.95) -> pd.DataFrame:
        """Per unit: true values, simulated and theoretical spread, central interval.

        Columns: ``true_poll``, ``poll_sd_sim``, ``poll_sd_theory``,
        ``true_composite``, ``composite_sd_sim``, ``composite_sd_theory``
        (poll weight × poll sd), ``low``, ``high`` (the central *level*
        interval of the simulated composite).
        """
        q = (1 - level) / 2
        return self._mark(pd.DataFrame({
            "true_poll": self.true_poll,
            "poll_sd_sim": self.poll.std(axis=0, ddof=1),
            "poll_sd_theory": self.poll_sd_theory,
            "true_composite": self.true_composite,
            "composite_sd_sim": self.composite.std(axis=0, ddof=1),
            "composite_sd_theory": self.weights["poll"] * self.poll_sd_theory,
            "low": np.quantile(self.composite, q, axis=0),
            "high": np.quantile(self.composite, 1 - q, axis=0),
        }, index=pd.Index(self.units, name="unit")))

    def true_order(self) -> list[str]:
        """Units from best to worst by true composite."""
        idx = np.argsort(-self.true_composite, kind="stable")
        return [self.units[i] for i in idx]

    def swap_rate(self, a: str, b: str) -> float:
        """Share of quarters in which *a* and *b* come out in the opposite order to their true order.

        Ties count half.  When their true composites are equal, the share in
        which *b* beats *a*.
        """
        i, j = self.units.index(a), self.units.index(b)
        if self.true_composite[i] < self.true_composite[j]:
            i, j = j, i
        d = self.composite[:, i] - self.composite[:, j]
        return float(np.mean(d < 0) + 0.5 * np.mean(d == 0))

    def adjacent_pairs(self) -> pd.DataFrame:
        """Neighbours in the true order: their true gap and how often they swap."""
        order = self.true_order()
        rows = []
        pos = {u: k for k, u in enumerate(self.units)}
        for a, b in zip(order[:-1], order[1:]):
            rows.append({"better": a, "worse": b,
                         "gap": self.true_composite[pos[a]] - self.true_composite[pos[b]],
                         "swap_rate": self.swap_rate(a, b)})
        return self._mark(pd.DataFrame(rows))

    def closest_pair(self) -> tuple[str, str]:
        """The two neighbouring units with the smallest true gap (better first)."""
        adj = self.adjacent_pairs()
        r = adj.loc[adj["gap"].idxmin()]
        return r["better"], r["worse"]

    def ranks(self) -> np.ndarray:
        """Simulated ranks, shape (n_sims, U), 1 = best (ties broken by unit order)."""
        return _ranks_best_first(self.composite)

    def true_ranks(self) -> np.ndarray:
        """Ranks by true composite (1 = best)."""
        return _ranks_best_first(self.true_composite)

    def p_same_ranking(self) -> float:
        """Share of quarters whose whole ranking equals the true ranking."""
        return float(np.mean((self.ranks() == self.true_ranks()).all(axis=1)))

    def p_top_correct(self) -> float:
        """Share of quarters in which the truly best unit comes first."""
        best = int(np.argmax(self.true_composite))
        return float(np.mean(np.argmax(self.composite, axis=1) == best))

    def status_frequencies(self, *, commend_at: float, rectify_below: float) -> pd.DataFrame:
        """Per unit: true composite and status, and how often each status occurs in the simulation."""
        true = flag_units(pd.DataFrame({"composite": self.true_composite}, index=self.units),
                          commend_at=commend_at, rectify_below=rectify_below)
        c = self.composite
        out = pd.DataFrame({
            "true_composite": self.true_composite,
            "true_status": true["status_zh"].to_numpy(),
            "commend": (c >= commend_at).mean(axis=0),
            "pass": ((c >= rectify_below) & (c < commend_at)).mean(axis=0),
            "rectify": (c < rectify_below).mean(axis=0),
        }, index=pd.Index(self.units, name="unit"))
        return self._mark(out)


def simulate_quarters(community, base: pd.DataFrame, *, weights=None, poll_size: int | None = None,
                      n_sims: int = 10_000, seed=0, levels=None, register=None) -> Simulation:
    """Simulate many quarters of the evaluation, the poll being the only random part.

    Self-scores and peer means are held at their values in *base*: they are
    judgements of the units, not samples.  Each quarter each unit's poll is
    an independent random sample of *poll_size* households of its community
    (if the same households rated every unit, their errors would be
    correlated -- a point for discussion, not modelled here).

    Parameters
    ----------
    community : DataFrame or array-like, shape (U, K)
        Households per answer level for each unit (rows = units, in the
        order of *base*); e.g. ``Example.community``.
    base : DataFrame
        Indexed by unit with columns ``self`` and ``peer`` (e.g. from
        :func:`unit_totals`).
    weights : optional
        Default: the article's.
    poll_size : int, optional
        Default: the article's (:func:`poll_size`).
    n_sims : int
        Number of quarters.
    seed : int or numpy.random.Generator
        Same seed, same result.

    Returns
    -------
    Simulation
    """
    check_columns(base, ["self", "peer"], "base")
    w = weights_or_default(weights, register)
    n = poll_size if poll_size is not None else default_poll_size(register)
    c = _counts(community)
    if c.shape[0] != len(base):
        raise ParameterError(f"community has {c.shape[0]} units but base has {len(base)}")
    if isinstance(community, pd.DataFrame) and list(community.index) != list(base.index):
        raise ParameterError("community and base must list the same units in the same order")
    _, x = answer_levels(levels)
    from govlib import synthetic

    prov = synthetic.provenance(community) if isinstance(community, pd.DataFrame) else None
    prov = prov or synthetic.provenance(base)
    poll = simulate_poll_means(c, n, n_sims, seed, levels)
    fixed = w["self"] * base["self"].to_numpy(float) + w["peer"] * base["peer"].to_numpy(float)
    _, true_poll, _ = community_moments(c, x)
    return Simulation(units=[str(u) for u in base.index], poll=poll, composite=fixed + w["poll"] * poll,
                      true_poll=true_poll, true_composite=fixed + w["poll"] * true_poll,
                      poll_sd_theory=poll_sd(c, n, levels), weights=w, poll_size=int(n),
                      households=c.sum(axis=1), provenance=prov)


def _size_grid(households: int, article: int) -> list[int]:
    grid = {m * 10**e for e in range(1, 7) for m in (1, 2, 5)}
    grid = {g for g in grid if g < households} | {article, households}
    return sorted(g for g in grid if 1 <= g <= households)


def stability_curve(community, base: pd.DataFrame, *, sizes: Sequence[int] | None = None, weights=None,
                    n_sims: int = 2_000, seed=0, levels=None, register=None) -> pd.DataFrame:
    """How the stability of the ranking grows with the number of households polled.

    Parameters
    ----------
    sizes : sequence of int, optional
        Poll sizes to try (default: a geometric grid from 10 to the whole
        community, including the article's size).

    Returns
    -------
    DataFrame
        Indexed by ``poll_size``: ``p_same_ranking`` (whole ranking right),
        ``p_top_correct``, ``p_closest_pair`` (the closest neighbours in the
        right order) and ``max_swap`` (the highest swap rate of any pair of
        neighbours).
    """
    c = _counts(community)
    N = int(c.sum(axis=1).min())
    if sizes is None:
        sizes = _size_grid(N, min(default_poll_size(register), N))
    rng = np.random.default_rng(seed)
    rows = []
    for n in sizes:
        sim = simulate_quarters(community, base, weights=weights, poll_size=int(n), n_sims=n_sims,
                                seed=rng, levels=levels, register=register)
        adj = sim.adjacent_pairs()
        a, b = sim.closest_pair()
        rows.append({"poll_size": int(n), "p_same_ranking": sim.p_same_ranking(),
                     "p_top_correct": sim.p_top_correct(), "p_closest_pair": 1 - sim.swap_rate(a, b),
                     "max_swap": float(adj["swap_rate"].max())})
    return pd.DataFrame(rows).set_index("poll_size")


def stable_poll_size(curve: pd.DataFrame, confidence: float, column: str = "p_same_ranking") -> int | None:
    """The smallest poll size in *curve* at which *column* reaches *confidence* (None if never)."""
    if not 0 < confidence < 1:
        raise ParameterError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")
    ok = curve.index[curve[column] >= confidence]
    return int(ok.min()) if len(ok) else None
