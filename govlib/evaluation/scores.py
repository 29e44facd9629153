"""The scores of one quarter: composite scores, unit totals, ranks, flags; the six dimensions."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from govlib.errors import DataError, ParameterError, Problem
from govlib.evaluation._common import FRAMEWORK, check_columns, is_real, keep_marks, reg
from govlib.evaluation.weights import COMPONENTS, weights_or_default

__all__ = ["DIMENSIONS_ID", "STATUS_ZH", "dimensions", "composite", "score_quarter", "unit_totals", "rank",
           "flag_units"]

#: register id of the number of evaluation dimensions
DIMENSIONS_ID = "xm-eval-dimensions"
#: status codes of :func:`flag_units` and their Chinese names
STATUS_ZH: dict[str, str] = {"commend": "表彰", "pass": "合格", "rectify": "限期整改"}

_DIMENSION_NODE = "eval-dimensions"


def dimensions(framework=None, *, register=None) -> list[str]:
    """The six evaluation dimensions, from the framework file, checked against the register.

    Parameters
    ----------
    framework : govlib.schemas.Framework, optional
        Default: ``load_framework("xiamen-127")``.

    Returns
    -------
    list of str
        Dimension labels in the article's order.

    Raises
    ------
    DataError
        When the framework has no ``eval-dimensions`` node or its number of
        children differs from the register's count (:data:`DIMENSIONS_ID`).
    """
    from govlib.data import load_framework
    from govlib.frameworks.tree import find_node

    r = reg(register)
    fw = framework if framework is not None else load_framework(FRAMEWORK, register=r)
    where = f"data/frameworks/{FRAMEWORK}.yaml"
    try:
        node = find_node(fw.root, _DIMENSION_NODE)
    except KeyError:
        raise DataError(Problem(where, f"no node with id '{_DIMENSION_NODE}'")) from None
    labels = [c.label_zh for c in node.children]
    n = int(r.value(DIMENSIONS_ID))
    if len(labels) != n:
        raise DataError(Problem(where, f"node '{_DIMENSION_NODE}' has {len(labels)} children but the "
                                f"register ({DIMENSIONS_ID}) counts {n} dimensions", column=_DIMENSION_NODE))
    return labels


def composite(self_score, peer, poll, weights=None, *, register=None):
    """The final score: weighted sum of self-score, peer mean and poll mean.

    Parameters
    ----------
    self_score, peer, poll : float or array-like
        Broadcast against each other.
    weights : mapping or sequence, optional
        Default: the article's weights (:func:`default_weights`).

    Returns
    -------
    float or numpy.ndarray
    """
    w = weights_or_default(weights, register)
    out = (w["self"] * np.asarray(self_score, dtype=float) + w["peer"] * np.asarray(peer, dtype=float)
           + w["poll"] * np.asarray(poll, dtype=float))
    return float(out) if np.ndim(out) == 0 else out


def composite_of(df: pd.DataFrame, weights=None, *, register=None):
    """:func:`composite` of the columns ``self``, ``peer`` and ``poll`` of *df* (an array)."""
    return composite(df["self"], df["peer"], df["poll"], weights, register=register)


def score_quarter(scores: pd.DataFrame, weights=None, *, register=None) -> pd.DataFrame:
    """The composite score of every unit on every dimension.

    Parameters
    ----------
    scores : DataFrame
        Columns ``unit``, ``dimension``, ``self``, ``peer``, ``poll``: one row
        per unit and dimension; ``peer`` and ``poll`` are already means (of
        the other units' ratings and of the polled households).  Where the
        poll gives one satisfaction score per unit, repeat it on each row.
    weights : optional
        Default: the article's.

    Returns
    -------
    DataFrame
        A copy with a ``composite`` column (marks of synthetic data are kept).
    """
    check_columns(scores, ["unit", "dimension", *COMPONENTS], "scores")
    out = scores.copy()
    out["composite"] = composite_of(out, weights, register=register)
    return keep_marks(scores, out)


def rank(values, *, ascending: bool = False) -> pd.Series:
    """Ranks, 1 for the best (highest by default); ties share the better rank."""
    s = pd.Series(values)
    return s.rank(ascending=ascending, method="min").astype(int)


def unit_totals(scores: pd.DataFrame, weights=None, *, dimension_weights: Mapping[str, float] | None = None,
                register=None) -> pd.DataFrame:
    """Each unit's overall self, peer, poll and composite score, and its rank.

    The article does not say how the six dimensions are combined; by default
    every dimension counts equally.  Because the composite is linear, the
    overall composite equals the weighted mean of the dimension composites.

    Parameters
    ----------
    scores : DataFrame
        As for :func:`score_quarter`.
    dimension_weights : mapping, optional
        Dimension -> weight (non-negative, summing to 1).

    Returns
    -------
    DataFrame
        Indexed by unit (in first-appearance order): ``self``, ``peer``,
        ``poll``, ``composite``, ``rank``.
    """
    check_columns(scores, ["unit", "dimension", *COMPONENTS], "scores")
    dims = list(dict.fromkeys(scores["dimension"]))
    if dimension_weights is None:
        dw = {d: 1 / len(dims) for d in dims}
    else:
        unknown = sorted(set(dimension_weights) - set(dims))
        missing = [d for d in dims if d not in dimension_weights]
        if unknown or missing:
            raise ParameterError(f"dimension_weights: unknown {unknown or '-'}; missing {missing or '-'}")
        dw = {d: float(dimension_weights[d]) for d in dims}
        if any(v < 0 for v in dw.values()) or abs(sum(dw.values()) - 1) > 1e-6:
            raise ParameterError("dimension_weights must be non-negative and sum to 1")
    df = scores.copy()
    df["_w"] = df["dimension"].map(dw)
    units = list(dict.fromkeys(df["unit"]))
    out = pd.DataFrame(index=pd.Index(units, name="unit"))
    for c in COMPONENTS:
        df["_x"] = df[c].astype(float) * df["_w"]
        out[c] = df.groupby("unit", sort=False)["_x"].sum() / df.groupby("unit", sort=False)["_w"].sum()
    out["composite"] = composite_of(out, weights, register=register)
    out["rank"] = rank(out["composite"])
    return keep_marks(scores, out)


def flag_units(totals: pd.DataFrame, *, commend_at: float, rectify_below: float,
               column: str = "composite") -> pd.DataFrame:
    """Mark units for commendation or rectification by thresholds the instructor sets.

    The article commends units with excellent results and orders failing
    units to rectify, but publishes neither line; both are required here.

    Parameters
    ----------
    totals : DataFrame
        Output of :func:`unit_totals` (or any frame with *column*).
    commend_at : float
        A unit scoring at least this is commended.
    rectify_below : float
        A unit scoring below this must rectify.

    Returns
    -------
    DataFrame
        A copy with ``status`` (``commend``/``pass``/``rectify``) and ``status_zh``.

    Raises
    ------
    ParameterError
        When a threshold is not a number or ``rectify_below > commend_at``.
    """
    for name, v in (("commend_at", commend_at), ("rectify_below", rectify_below)):
        if not is_real(v) or not math.isfinite(v):
            raise ParameterError(f"{name} must be a finite number, got {v!r}")
    if rectify_below > commend_at:
        raise ParameterError(f"rectify_below ({rectify_below}) must not exceed commend_at ({commend_at})")
    if column not in totals.columns:
        raise ParameterError(f"totals has no column {column!r}")
    out = totals.copy()
    x = out[column].astype(float)
    out["status"] = np.where(x >= commend_at, "commend", np.where(x < rectify_below, "rectify", "pass"))
    out["status_zh"] = out["status"].map(STATUS_ZH)
    return keep_marks(totals, out)
