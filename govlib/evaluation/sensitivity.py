"""How much the ranking owes to the weights: other weight schemes, self-score inflation, rank ranges."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from govlib.errors import ParameterError
from govlib.evaluation._common import check_columns, keep_marks
from govlib.evaluation.scores import composite_of, rank
from govlib.evaluation.weights import COMPONENTS, weight_scenarios, weights_or_default

__all__ = ["ranks_under_weights", "inflation_shift", "self_inflation", "weight_grid", "rank_ranges"]


def ranks_under_weights(totals: pd.DataFrame, scenarios: Mapping[str, Mapping] | None = None,
                        *, register=None) -> pd.DataFrame:
    """Composite and rank of every unit under several weight schemes.

    Returns
    -------
    DataFrame
        Indexed by unit; columns are a MultiIndex (``composite``/``rank``, scheme).
    """
    check_columns(totals, list(COMPONENTS), "totals")
    scen = weight_scenarios(register) if scenarios is None else scenarios
    comp = pd.DataFrame({name: composite_of(totals, w) for name, w in scen.items()}, index=totals.index)
    ranks = comp.apply(lambda s: rank(s.to_numpy()).to_numpy()).set_axis(totals.index)
    out = pd.concat({"composite": comp, "rank": ranks}, axis=1)
    return keep_marks(totals, out)


def inflation_shift(delta: float, weights=None, *, register=None) -> float:
    """How far raising the self-score by *delta* points moves the composite (``w_self · delta``)."""
    w = weights_or_default(weights, register)
    return w["self"] * float(delta)


def self_inflation(totals: pd.DataFrame, *, to: float, weights=None, register=None) -> pd.DataFrame:
    """What each unit would gain by rating itself *to* (e.g. full marks) while others do not.

    Returns
    -------
    DataFrame
        Indexed by unit: ``rank``, ``shift`` (composite gain), ``new_composite``,
        ``new_rank`` (its rank if it alone inflated), ``ranks_gained``.
    """
    check_columns(totals, list(COMPONENTS), "totals")
    w = weights_or_default(weights, register)
    comp = np.asarray(composite_of(totals, w), float)
    shift = w["self"] * np.maximum(float(to) - totals["self"].to_numpy(float), 0)
    new = comp + shift
    old_rank = rank(comp).to_numpy()
    new_rank = np.array([1 + int(np.sum(np.delete(comp, i) > new[i])) for i in range(len(comp))])
    out = pd.DataFrame({"rank": old_rank, "shift": shift, "new_composite": new, "new_rank": new_rank,
                        "ranks_gained": old_rank - new_rank}, index=totals.index)
    return keep_marks(totals, out)


def weight_grid(step: float = 0.05) -> np.ndarray:
    """All weight sets (self, peer, poll) on a grid of the simplex, shape (G, 3)."""
    if not 0 < step <= 0.5:
        raise ParameterError(f"step must lie in (0, 0.5], got {step!r}")
    k = int(round(1 / step))
    a = np.arange(k + 1)
    ws, wp = np.meshgrid(a, a, indexing="ij")
    keep = ws + wp <= k
    return np.stack([ws[keep], wp[keep], k - ws[keep] - wp[keep]], axis=1) / k


def rank_ranges(totals: pd.DataFrame, *, step: float = 0.05, weights=None, register=None) -> pd.DataFrame:
    """The best and worst rank each unit reaches over every weight set of a grid.

    Parameters
    ----------
    step : float
        Grid step of the weights (0.05: 231 weight sets).
    weights : optional
        The reference weights (default: the article's).

    Returns
    -------
    DataFrame
        Indexed by unit: ``rank`` (under *weights*), ``best``, ``worst``,
        ``share_first`` (share of grid weight sets under which it comes first).
    """
    check_columns(totals, list(COMPONENTS), "totals")
    W = weight_grid(step)
    X = totals[list(COMPONENTS)].to_numpy(float)        # (U, 3)
    comp = W @ X.T                                      # (G, U)
    ranks = 1 + (comp[:, None, :] > comp[:, :, None]).sum(axis=2)   # (G, U), ties share the better rank
    w = weights_or_default(weights, register)
    ref = composite_of(totals, w)
    out = pd.DataFrame({"rank": rank(np.asarray(ref, float)).to_numpy(), "best": ranks.min(axis=0),
                        "worst": ranks.max(axis=0), "share_first": (ranks == 1).mean(axis=0)},
                       index=totals.index)
    return keep_marks(totals, out)
