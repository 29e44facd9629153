"""The Xiamen "127" mechanism in numbers: quarterly scores, the vote rule, the resident poll.

The Xiamen article (source ``xiamen``) describes a quarterly evaluation of
the partner units (组团单位) of a community: each unit is scored on six
dimensions by itself, by the other units and by a satisfaction poll of
randomly chosen households, and the three are combined with fixed weights
into the final score.  Projects are approved when a high share of the
units' representatives agree.  The whole mechanism divides the work of
community governance 1:2:7 between management, consultation and service.

Every published figure used here -- the three weights, the vote threshold,
the poll size, the number of dimensions, the 1:2:7 shares -- is read from
the register (``data/figures.csv``) at run time through the ids in
:data:`WEIGHT_IDS`, :data:`VOTE_THRESHOLD_ID`, :data:`POLL_SIZE_ID`,
:data:`DIMENSIONS_ID` and :data:`SHARE_IDS`; the names of the six dimensions
come from the framework file ``data/frameworks/xiamen-127.yaml``.

What the article does *not* give is never filled in silently:

* no unit's scores are published, so examples come from
  :func:`hypothetical_quarter`, marked ``hypothetical``;
* no score scale, commendation line or failing line is published, so
  :func:`flag_units` takes both thresholds from the instructor;
* the article does not say how the six dimensions are combined, so unit
  totals use equal dimension weights unless told otherwise;
* the article does not give the number of households of a community nor the
  questionnaire's answer scale; both are parameters (:data:`POLL_LEVELS` is
  this lesson's assumed five-level scale).

Reading of 以上: in "85%以上代表同意" the word 以上 is read *inclusively*
(85% itself passes), as in Chinese legal usage (the register records the
figure with qualifier ``at_least``).  :func:`vote_passes` takes
``reading="exclusive"`` for the other reading.

Randomness is vectorised: :func:`simulate_quarters` draws all simulated
polls for all units at once from the multivariate hypergeometric
distribution (households are sampled without replacement from a finite
community), so 10,000 quarters for 10 units take a fraction of a second
(``benchmarks/poll_simulation.py``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from govlib.errors import DataError, ParameterError, Problem

__all__ = [
    "COMPONENTS", "COMPONENT_ZH", "WEIGHT_IDS", "VOTE_THRESHOLD_ID", "POLL_SIZE_ID",
    "DIMENSIONS_ID", "SHARE_IDS", "PART_NODES", "READINGS", "POLL_LEVELS", "WEIGHT_SOURCES",
    "default_weights", "validate_weights", "weight_scenarios", "choose_weights", "weights_label",
    "dimensions", "poll_size", "composite", "score_quarter", "unit_totals", "rank",
    "flag_units", "STATUS_ZH",
    "vote_threshold", "count_votes", "vote_passes", "min_agree", "exact_threshold_size", "vote_table",
    "community_counts", "tilted_probs", "poll_sd", "simulate_poll_means", "simulate_quarters",
    "Simulation", "stability_curve", "stable_poll_size", "required_poll_size",
    "ranks_under_weights", "self_inflation", "inflation_shift", "weight_grid", "rank_ranges",
    "allocation_shares", "allocate", "part_of",
    "describe_settings", "Example", "hypothetical_quarter", "lesson_quarter", "resolve_poll_size", "unit_names", "table",
    "plot_quarter", "plot_dimensions", "plot_vote_rule", "plot_poll_spread", "plot_poll_histogram",
    "plot_status_frequencies", "plot_swap_rates", "plot_stability", "plot_rank_bump",
    "plot_rank_ranges", "plot_allocation", "weights_explorer",
]

#: the three sources of a unit's score, in the article's order
COMPONENTS: tuple[str, ...] = ("self", "peer", "poll")
#: their Chinese names as used on pages
COMPONENT_ZH: dict[str, str] = {"self": "自评分", "peer": "互评均分", "poll": "民意测评均分"}
#: register ids of the weights of the three components
WEIGHT_IDS: dict[str, str] = {"self": "xm-weight-self", "peer": "xm-weight-peer",
                              "poll": "xm-weight-poll"}
#: register id of the share of representatives that must agree
VOTE_THRESHOLD_ID = "xm-vote-threshold"
#: register id of the number of households polled each quarter
POLL_SIZE_ID = "xm-poll-households"
#: register id of the number of evaluation dimensions
DIMENSIONS_ID = "xm-eval-dimensions"
#: part of the mechanism -> register id of its share (1:2:7 as 10%/20%/70%)
SHARE_IDS: dict[str, str] = {"管理": "xm-share-management", "协商": "xm-share-consultation",
                             "服务": "xm-share-service"}
#: part of the mechanism -> id of its node in data/frameworks/xiamen-127.yaml
PART_NODES: dict[str, str] = {"管理": "management", "协商": "consultation", "服务": "service"}
#: readings of 以上 in "85%以上"
READINGS: tuple[str, ...] = ("inclusive", "exclusive")
#: the answer scale assumed for the satisfaction questionnaire (the article gives none):
#: label and the score (out of 100) a household's answer counts for
POLL_LEVELS: tuple[tuple[str, float], ...] = (
    ("非常满意", 100.0), ("满意", 75.0), ("一般", 50.0), ("不满意", 25.0), ("很不满意", 0.0),
)
#: the weight schemes a lesson can choose from
WEIGHT_SOURCES: tuple[str, ...] = ("register", "equal", "poll-only", "custom")
#: status codes of :func:`flag_units` and their Chinese names
STATUS_ZH: dict[str, str] = {"commend": "表彰", "pass": "合格", "rectify": "限期整改"}

FRAMEWORK = "xiamen-127"
_DIMENSION_NODE = "eval-dimensions"


def _reg(register=None):
    if register is not None:
        return register
    from govlib.data import load_register

    return load_register()


# ----------------------------------------------------------------------------
# weights
# ----------------------------------------------------------------------------

def default_weights(register=None) -> dict[str, float]:
    """The article's weights of self-score, peer mean and poll mean, as fractions.

    Read from the register rows in :data:`WEIGHT_IDS` (published as percentages).

    Returns
    -------
    dict
        ``{"self": …, "peer": …, "poll": …}``, validated to sum to 1.
    """
    reg = _reg(register)
    w = {}
    for comp, fid in WEIGHT_IDS.items():
        fig = reg.figure(fid)
        if fig.unit != "%":
            raise DataError(Problem("data/figures.csv", f"weight {fid} must be in %", column="unit",
                                    value=fig.unit))
        w[comp] = fig.number() / 100
    return validate_weights(w, name="register weights (" + ", ".join(WEIGHT_IDS.values()) + ")")


def validate_weights(weights, *, name: str = "weights") -> dict[str, float]:
    """Check a set of weights and return it as a dict.

    Parameters
    ----------
    weights : mapping or sequence
        ``{"self": …, "peer": …, "poll": …}`` or three numbers in that order.
    name : str
        How the weights are named in error messages (a parameter name).

    Returns
    -------
    dict
        ``{"self": float, "peer": float, "poll": float}``.

    Raises
    ------
    ParameterError
        Unknown or missing components, a value that is not a finite number,
        a negative weight, or weights that do not sum to 1 (within 1e-6).
    """
    if isinstance(weights, Mapping):
        keys = set(weights)
        if keys != set(COMPONENTS):
            missing = [c for c in COMPONENTS if c not in keys]
            extra = sorted(str(k) for k in keys - set(COMPONENTS))
            parts = []
            if missing:
                parts.append("missing " + ", ".join(missing))
            if extra:
                parts.append("unknown " + ", ".join(extra))
            raise ParameterError(f"{name}: expected the components self, peer, poll ({'; '.join(parts)})")
        vals = [weights[c] for c in COMPONENTS]
    elif isinstance(weights, (str, bytes)) or not isinstance(weights, Iterable):
        raise ParameterError(f"{name}: expected a mapping or three numbers, got {type(weights).__name__}")
    else:
        vals = list(weights)
        if len(vals) != len(COMPONENTS):
            raise ParameterError(f"{name}: expected three weights (self, peer, poll), got {len(vals)}")
    out = {}
    for comp, v in zip(COMPONENTS, vals):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise ParameterError(f"{name}: weight of {comp} must be a number, got {v!r}")
        v = float(v)
        if not math.isfinite(v):
            raise ParameterError(f"{name}: weight of {comp} must be finite, got {v!r}")
        if v < 0:
            raise ParameterError(f"{name}: weight of {comp} must not be negative, got {v!r}")
        out[comp] = v
    total = sum(out.values())
    if abs(total - 1) > 1e-6:
        raise ParameterError(f"{name}: weights must sum to 1, got {total:.6g} "
                             f"(self {out['self']:g} + peer {out['peer']:g} + poll {out['poll']:g})")
    return out


def weight_scenarios(register=None) -> dict[str, dict[str, float]]:
    """Three weight schemes to compare: the article's, equal weights, poll only.

    Returns
    -------
    dict
        Chinese label -> weights.  The article's scheme comes from the register.
    """
    return {"文章权重": default_weights(register),
            "三项等权": {c: 1 / 3 for c in COMPONENTS},
            "只看民意测评": {"self": 0.0, "peer": 0.0, "poll": 1.0}}


def choose_weights(source: str = "register", w_self: float | None = None, w_peer: float | None = None,
                   w_poll: float | None = None, *, register=None) -> dict[str, float]:
    """The weights a lesson's parameters ask for.

    Parameters
    ----------
    source : {"register", "equal", "poll-only", "custom"}
        ``register``: the article's weights; ``equal``: a third each;
        ``poll-only``: the poll alone; ``custom``: *w_self*, *w_peer*, *w_poll*.
    w_self, w_peer, w_poll : float, optional
        Used only with ``custom`` (and then required).

    Raises
    ------
    ParameterError
        For an unknown *source* or invalid custom weights.
    """
    if source not in WEIGHT_SOURCES:
        raise ParameterError(f"weights_source must be one of {', '.join(WEIGHT_SOURCES)}, not {source!r}")
    if source == "custom":
        return validate_weights({"self": w_self, "peer": w_peer, "poll": w_poll},
                                name="custom weights (w_self, w_peer, w_poll)")
    key = {"register": "文章权重", "equal": "三项等权", "poll-only": "只看民意测评"}[source]
    return weight_scenarios(register)[key]


def weights_label(weights) -> str:
    """A short Chinese label of a weight set, e.g. ``自评0.05·互评0.35·民意0.6``."""
    w = validate_weights(weights)
    return f"自评{w['self']:.2g}·互评{w['peer']:.2g}·民意{w['poll']:.2g}"


# ----------------------------------------------------------------------------
# published settings other than weights
# ----------------------------------------------------------------------------

def poll_size(register=None) -> int:
    """Households polled each quarter, from the register (:data:`POLL_SIZE_ID`)."""
    return int(_reg(register).value(POLL_SIZE_ID))


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

    reg = _reg(register)
    fw = framework if framework is not None else load_framework(FRAMEWORK, register=reg)
    where = f"data/frameworks/{FRAMEWORK}.yaml"
    try:
        node = find_node(fw.root, _DIMENSION_NODE)
    except KeyError:
        raise DataError(Problem(where, f"no node with id '{_DIMENSION_NODE}'")) from None
    labels = [c.label_zh for c in node.children]
    n = int(reg.value(DIMENSIONS_ID))
    if len(labels) != n:
        raise DataError(Problem(where, f"node '{_DIMENSION_NODE}' has {len(labels)} children but the "
                                f"register ({DIMENSIONS_ID}) counts {n} dimensions", column=_DIMENSION_NODE))
    return labels


def part_of(node_id: str, framework=None) -> str:
    """Which part of 1:2:7 (``管理``, ``协商`` or ``服务``) a framework node belongs to.

    Raises
    ------
    KeyError
        When the node is not in the framework or not under one of the three parts.
    """
    from govlib.frameworks.tree import as_framework, find_node, iter_nodes

    fw = as_framework(framework if framework is not None else FRAMEWORK)
    find_node(fw, node_id)  # KeyError naming near ids when unknown
    for part, nid in PART_NODES.items():
        if any(n.id == node_id for n in iter_nodes(find_node(fw, nid))):
            return part
    raise KeyError(f"node {node_id!r} is not under {', '.join(PART_NODES.values())}")


# ----------------------------------------------------------------------------
# scores of one quarter
# ----------------------------------------------------------------------------

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
    w = default_weights(register) if weights is None else validate_weights(weights)
    out = (w["self"] * np.asarray(self_score, dtype=float) + w["peer"] * np.asarray(peer, dtype=float)
           + w["poll"] * np.asarray(poll, dtype=float))
    return float(out) if np.ndim(out) == 0 else out


def _check_columns(df: pd.DataFrame, needed, name: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise ParameterError(f"{name} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise ParameterError(f"{name} is missing column(s) {', '.join(missing)}; "
                             f"it has {', '.join(map(str, df.columns))}")
    for c in needed:
        if c in ("unit", "dimension"):
            continue
        vals = pd.to_numeric(df[c], errors="coerce")
        bad = vals.isna()
        if bad.any():
            i = bad.to_numpy().nonzero()[0][0]
            raise ParameterError(f"{name}: column '{c}' must hold numbers; row {i} has {df[c].iloc[i]!r}")


def _keep_marks(src: pd.DataFrame, out: pd.DataFrame) -> pd.DataFrame:
    from govlib import synthetic

    info = synthetic.provenance(src)
    if info:
        synthetic.mark(out, info["kind"], info["how"])
    return out


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
    _check_columns(scores, ["unit", "dimension", *COMPONENTS], "scores")
    out = scores.copy()
    out["composite"] = composite(out["self"], out["peer"], out["poll"], weights, register=register)
    return _keep_marks(scores, out)


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
    _check_columns(scores, ["unit", "dimension", *COMPONENTS], "scores")
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
    out["composite"] = composite(out["self"], out["peer"], out["poll"], weights, register=register)
    out["rank"] = rank(out["composite"])
    return _keep_marks(scores, out)


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
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or not math.isfinite(v):
            raise ParameterError(f"{name} must be a finite number, got {v!r}")
    if rectify_below > commend_at:
        raise ParameterError(f"rectify_below ({rectify_below}) must not exceed commend_at ({commend_at})")
    if column not in totals.columns:
        raise ParameterError(f"totals has no column {column!r}")
    out = totals.copy()
    x = out[column].astype(float)
    out["status"] = np.where(x >= commend_at, "commend", np.where(x < rectify_below, "rectify", "pass"))
    out["status_zh"] = out["status"].map(STATUS_ZH)
    return _keep_marks(totals, out)


# ----------------------------------------------------------------------------
# the vote rule
# ----------------------------------------------------------------------------

def vote_threshold(register=None) -> Fraction:
    """The share of representatives that must agree, as an exact fraction (from the register)."""
    fig = _reg(register).figure(VOTE_THRESHOLD_ID)
    return Fraction(str(fig.number())) / 100


def _threshold(threshold, register) -> Fraction:
    if threshold is None:
        return vote_threshold(register)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, Fraction, np.integer, np.floating)):
        raise ParameterError(f"threshold must be a number between 0 and 1, got {threshold!r}")
    t = threshold if isinstance(threshold, Fraction) else Fraction(str(float(threshold)))
    if not 0 <= t <= 1:
        raise ParameterError(f"threshold must be a share between 0 and 1, got {threshold!r}")
    return t


def _reading(reading: str) -> str:
    if reading not in READINGS:
        raise ParameterError(f"reading must be one of {', '.join(READINGS)}, not {reading!r}")
    return reading


_AGREE = {"同意", "赞成", "yes", "y", "agree", "1", "true"}
_NOT = {"反对", "不同意", "弃权", "no", "n", "against", "abstain", "0", "false"}


def count_votes(votes: Iterable) -> tuple[int, int]:
    """Count agreeing votes and all votes.

    Parameters
    ----------
    votes : iterable
        ``True``/``False``, ``1``/``0`` or words: 同意/赞成 (agree);
        反对/不同意/弃权 (not agree).  An abstention counts as a vote that
        does not agree: the article counts representatives who agree.

    Returns
    -------
    (agree, total)

    Raises
    ------
    ParameterError
        Naming the position of a vote that is none of the above.
    """
    agree = total = 0
    for i, v in enumerate(votes):
        if isinstance(v, (bool, np.bool_)):
            yes = bool(v)
        elif isinstance(v, (int, np.integer)) and v in (0, 1):
            yes = bool(v)
        elif isinstance(v, str) and v.strip().lower() in _AGREE | _NOT:
            yes = v.strip().lower() in _AGREE
        else:
            raise ParameterError(f"votes[{i}] = {v!r} is not a vote; use True/False, 1/0, 同意/反对/弃权")
        agree += yes
        total += 1
    return agree, total


def vote_passes(votes: Iterable | None = None, *, agree: int | None = None, total: int | None = None,
                threshold=None, reading: str = "inclusive", register=None) -> bool:
    """Whether a project is approved under the article's vote rule.

    Give either a list of *votes* or the counts *agree* and *total*.

    Parameters
    ----------
    threshold : float, optional
        Share of representatives who must agree (default: the register's,
        :data:`VOTE_THRESHOLD_ID`, as an exact fraction).
    reading : {"inclusive", "exclusive"}
        How to read 以上: ``inclusive`` -- a share equal to the threshold
        passes (this lesson's default, as in Chinese legal usage);
        ``exclusive`` -- the share must exceed it.

    Raises
    ------
    ParameterError
        For both or neither of votes and counts, counts that are not whole
        numbers, ``agree > total``, no votes at all, or an unknown reading.
    """
    _reading(reading)
    if votes is not None and (agree is not None or total is not None):
        raise ParameterError("give either votes or agree/total, not both")
    if votes is not None:
        agree, total = count_votes(votes)
    elif agree is None or total is None:
        raise ParameterError("give a list of votes, or both agree and total")
    for name, v in (("agree", agree), ("total", total)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
            raise ParameterError(f"{name} must be a whole number ≥ 0, got {v!r}")
    if total == 0:
        raise ParameterError("total must be at least 1 (no representative voted)")
    if agree > total:
        raise ParameterError(f"agree ({agree}) cannot exceed total ({total})")
    share = Fraction(int(agree), int(total))
    t = _threshold(threshold, register)
    return share >= t if reading == "inclusive" else share > t


def min_agree(total: int, *, threshold=None, reading: str = "inclusive", register=None) -> int:
    """The fewest agreeing representatives that approve a project among *total*.

    Exact arithmetic: inclusive reading ``ceil(t·n)``, exclusive ``floor(t·n) + 1``.
    A result above *total* means no vote can pass (e.g. an exclusive 100%).
    """
    if isinstance(total, bool) or not isinstance(total, (int, np.integer)) or total < 1:
        raise ParameterError(f"total must be a whole number ≥ 1, got {total!r}")
    t = _threshold(threshold, register) * int(total)
    return math.ceil(t) if _reading(reading) == "inclusive" else math.floor(t) + 1


def exact_threshold_size(*, avoid: Iterable[int] | int = (), threshold=None, register=None) -> int:
    """The smallest number of representatives for which the threshold share is a whole number of votes.

    Only then can a vote land *exactly* on the threshold, which is where the
    two readings of 以上 differ.  Sizes in *avoid* are skipped (e.g. a size an
    exercise asks about).
    """
    t = _threshold(threshold, register)
    skip = {avoid} if isinstance(avoid, (int, np.integer)) else set(avoid)
    n = t.denominator
    while n in skip:
        n += t.denominator
    return int(n)


def vote_table(sizes: Iterable[int], *, threshold=None, register=None) -> pd.DataFrame:
    """Agreeing votes needed for each committee size, under both readings.

    Returns
    -------
    DataFrame
        Indexed by ``total``: ``inclusive``, ``exclusive`` (votes needed) and
        the corresponding shares ``inclusive_share``, ``exclusive_share`` (0–1).
    """
    sizes = [int(s) for s in sizes]
    out = pd.DataFrame(index=pd.Index(sizes, name="total"))
    for r in READINGS:
        out[r] = [min_agree(n, threshold=threshold, reading=r, register=register) for n in sizes]
        out[f"{r}_share"] = out[r] / out.index
    return out


# ----------------------------------------------------------------------------
# the resident poll as a sample
# ----------------------------------------------------------------------------

def _levels(levels) -> tuple[list[str], np.ndarray]:
    levels = POLL_LEVELS if levels is None else levels
    labels = [str(a) for a, _ in levels]
    scores = np.array([float(b) for _, b in levels])
    if len(labels) < 2 or len(set(labels)) != len(labels):
        raise ParameterError("levels must name at least two distinct answers")
    return labels, scores


def tilted_probs(mean: float, levels=None) -> np.ndarray:
    """Answer probabilities with a given mean score, as even as possible otherwise.

    The maximum-entropy distribution on the level scores with the given
    mean (``p_k ∝ exp(θ·score_k)``), found by bisection on θ.

    Raises
    ------
    ParameterError
        When *mean* is not strictly between the lowest and highest score.
    """
    _, x = _levels(levels)
    lo, hi = x.min(), x.max()
    if not lo < mean < hi:
        raise ParameterError(f"mean must lie strictly between {lo:g} and {hi:g}, got {mean!r}")
    z = (x - x.mean()) / (hi - lo)

    def probs(theta):
        e = np.exp(theta * z - np.max(theta * z))
        return e / e.sum()

    a, b = -200.0, 200.0
    for _ in range(200):
        m = (a + b) / 2
        if probs(m) @ x < mean:
            a = m
        else:
            b = m
    return probs((a + b) / 2)


def community_counts(probs, households: int) -> np.ndarray:
    """Households per answer level in a community of *households* (largest-remainder rounding).

    Parameters
    ----------
    probs : array-like, shape (K,) or (U, K)
        Answer probabilities (rows non-negative, summing to 1).
    households : int
        Households in the community.

    Returns
    -------
    numpy.ndarray of int, same shape as *probs*, rows summing to *households*.
    """
    if isinstance(households, bool) or not isinstance(households, (int, np.integer)) or households < 1:
        raise ParameterError(f"households must be a whole number ≥ 1, got {households!r}")
    p = np.atleast_2d(np.asarray(probs, dtype=float))
    if (p < 0).any() or not np.allclose(p.sum(axis=1), 1, atol=1e-9):
        raise ParameterError("probs: every row must be non-negative and sum to 1")
    raw = p * households
    base = np.floor(raw).astype(np.int64)
    left = households - base.sum(axis=1)
    order = np.argsort(-(raw - base), axis=1, kind="stable")
    for i, k in enumerate(left):
        base[i, order[i, :k]] += 1
    return base if np.ndim(probs) == 2 else base[0]


def _counts_matrix(counts) -> np.ndarray:
    c = np.atleast_2d(np.asarray(counts))
    if not np.issubdtype(c.dtype, np.integer):
        if not np.allclose(c, np.round(c)):
            raise ParameterError("counts must be whole numbers of households")
        c = np.round(c).astype(np.int64)
    if (c < 0).any():
        raise ParameterError("counts must not be negative")
    if (c.sum(axis=1) < 1).any():
        raise ParameterError("every unit needs at least one household")
    return c.astype(np.int64)


def poll_sd(counts, poll_size: int, levels=None) -> np.ndarray:
    """Standard deviation of the poll mean, by the normal approximation.

    For a sample of *n* of *N* households drawn without replacement, the
    poll mean has variance ``σ²/n · (N − n)/(N − 1)``, σ² being the
    community's variance of household scores (finite-population correction).

    Returns
    -------
    numpy.ndarray, one value per unit (row of *counts*).
    """
    _, x = _levels(levels)
    c = _counts_matrix(counts)
    N = c.sum(axis=1)
    mu = c @ x / N
    var = c @ x**2 / N - mu**2
    n = _check_poll_size(poll_size, N)
    fpc = np.where(N > 1, (N - n) / np.maximum(N - 1, 1), 0.0)
    return np.sqrt(np.maximum(var, 0) / n * fpc)


def _check_poll_size(n, N) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ParameterError(f"poll_size must be a whole number ≥ 1, got {n!r}")
    if np.any(n > np.asarray(N)):
        raise ParameterError(f"poll_size ({n}) exceeds the households of the community ({int(np.min(N))})")
    return int(n)


def simulate_poll_means(counts, poll_size: int, n_sims: int, rng, levels=None) -> np.ndarray:
    """Simulate many quarterly polls: each a random sample of households without replacement.

    Vectorised over units and simulations: the multivariate hypergeometric
    draw is made level by level with numpy's hypergeometric sampler.

    Parameters
    ----------
    counts : array-like of int, shape (U, K)
        Households of each unit's community per answer level.
    poll_size : int
        Households polled per quarter (and per unit).
    n_sims : int
        Number of simulated quarters.
    rng : numpy.random.Generator or int
        A generator, or a seed.

    Returns
    -------
    numpy.ndarray, shape (n_sims, U)
        The simulated poll means.
    """
    _, x = _levels(levels)
    c = _counts_matrix(counts)
    if c.shape[1] != len(x):
        raise ParameterError(f"counts have {c.shape[1]} levels but the scale has {len(x)}")
    if isinstance(n_sims, bool) or not isinstance(n_sims, (int, np.integer)) or n_sims < 1:
        raise ParameterError(f"n_sims must be a whole number ≥ 1, got {n_sims!r}")
    n = _check_poll_size(poll_size, c.sum(axis=1))
    rng = np.random.default_rng(rng)
    U, K = c.shape
    left_n = np.full((n_sims, U), n, dtype=np.int64)
    left_pop = np.broadcast_to(c.sum(axis=1), (n_sims, U)).astype(np.int64)
    total = np.zeros((n_sims, U))
    for k in range(K - 1):
        good = np.broadcast_to(c[:, k], (n_sims, U))
        bad = left_pop - good
        draw = rng.hypergeometric(good, bad, left_n)
        total += draw * x[k]
        left_n -= draw
        left_pop = bad
    total += left_n * x[K - 1]
    return total / n


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
        if self.provenance:
            from govlib import synthetic

            synthetic.mark(df, self.provenance["kind"], self.provenance["how"])
        return df

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
        order = np.argsort(-self.composite, axis=1, kind="stable")
        r = np.empty_like(order)
        rows = np.arange(order.shape[0])[:, None]
        r[rows, order] = np.arange(1, order.shape[1] + 1)
        return r

    def true_ranks(self) -> np.ndarray:
        """Ranks by true composite (1 = best)."""
        order = np.argsort(-self.true_composite, kind="stable")
        r = np.empty_like(order)
        r[order] = np.arange(1, len(order) + 1)
        return r

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
    _check_columns(base, ["self", "peer"], "base")
    w = default_weights(register) if weights is None else validate_weights(weights)
    n = poll_size if poll_size is not None else _default_poll_size(register)
    counts = community.to_numpy() if isinstance(community, pd.DataFrame) else community
    c = _counts_matrix(counts)
    if c.shape[0] != len(base):
        raise ParameterError(f"community has {c.shape[0]} units but base has {len(base)}")
    if isinstance(community, pd.DataFrame) and list(community.index) != list(base.index):
        raise ParameterError("community and base must list the same units in the same order")
    _, x = _levels(levels)
    from govlib import synthetic

    prov = synthetic.provenance(community) if isinstance(community, pd.DataFrame) else None
    prov = prov or synthetic.provenance(base)
    poll = simulate_poll_means(c, n, n_sims, seed, levels)
    fixed = w["self"] * base["self"].to_numpy(float) + w["peer"] * base["peer"].to_numpy(float)
    true_poll = c @ x / c.sum(axis=1)
    return Simulation(units=[str(u) for u in base.index], poll=poll, composite=fixed + w["poll"] * poll,
                      true_poll=true_poll, true_composite=fixed + w["poll"] * true_poll,
                      poll_sd_theory=poll_sd(c, n, levels), weights=w, poll_size=int(n),
                      households=c.sum(axis=1), provenance=prov)


def _default_poll_size(register=None) -> int:
    return poll_size(register)


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
    c = _counts_matrix(community.to_numpy() if isinstance(community, pd.DataFrame) else community)
    N = int(c.sum(axis=1).min())
    if sizes is None:
        sizes = _size_grid(N, min(_default_poll_size(register), N))
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


def required_poll_size(gap: float, sd_a: float, sd_b: float, *, households: int, confidence: float,
                       poll_weight: float = 1.0) -> int:
    """Households to poll so that two units come out in the right order with a given confidence.

    Normal approximation: the poll means of two independently polled units
    differ by the true difference plus an error of variance
    ``(σa² + σb²)/n · (N − n)/(N − 1)``; their composites differ by
    *gap* plus *poll_weight* times that error.  The pair keeps its order
    with probability ``Φ(gap / sd)``; solving ``sd ≤ gap / z`` for *n*
    gives ``n ≥ N / (1 + c)`` with ``c = (gap / z)² (N − 1) / (w² (σa² + σb²))``.

    Parameters
    ----------
    gap : float
        True difference of the composites (> 0).
    sd_a, sd_b : float
        Standard deviations of household scores in the two communities.
    households : int
        Households in the community (N).
    confidence : float
        Wanted probability of the right order, in (0.5, 1).
    poll_weight : float
        The poll's weight in the composite.

    Returns
    -------
    int
        The smallest such *n* (at most N: polling everyone leaves no error).
    """
    from scipy.stats import norm

    if not gap > 0:
        raise ParameterError(f"gap must be positive, got {gap!r}")
    if not 0.5 < confidence < 1:
        raise ParameterError(f"confidence must lie strictly between 0.5 and 1, got {confidence!r}")
    if isinstance(households, bool) or not isinstance(households, (int, np.integer)) or households < 2:
        raise ParameterError(f"households must be a whole number ≥ 2, got {households!r}")
    if not 0 < poll_weight <= 1:
        raise ParameterError(f"poll_weight must lie in (0, 1], got {poll_weight!r}")
    v = poll_weight**2 * (sd_a**2 + sd_b**2)
    if v == 0:
        return 1
    z = norm.ppf(confidence)
    c = (gap / z) ** 2 * (households - 1) / v
    n = math.ceil(households / (1 + c) - 1e-9)
    return int(min(max(n, 1), households))


# ----------------------------------------------------------------------------
# weight sensitivity
# ----------------------------------------------------------------------------

def ranks_under_weights(totals: pd.DataFrame, scenarios: Mapping[str, Mapping] | None = None,
                        *, register=None) -> pd.DataFrame:
    """Composite and rank of every unit under several weight schemes.

    Returns
    -------
    DataFrame
        Indexed by unit; columns are a MultiIndex (``composite``/``rank``, scheme).
    """
    _check_columns(totals, list(COMPONENTS), "totals")
    scen = weight_scenarios(register) if scenarios is None else scenarios
    comp = pd.DataFrame({name: composite(totals["self"], totals["peer"], totals["poll"], w)
                         for name, w in scen.items()}, index=totals.index)
    ranks = comp.apply(lambda s: rank(s.to_numpy()).to_numpy()).set_axis(totals.index)
    out = pd.concat({"composite": comp, "rank": ranks}, axis=1)
    return _keep_marks(totals, out)


def inflation_shift(delta: float, weights=None, *, register=None) -> float:
    """How far raising the self-score by *delta* points moves the composite (``w_self · delta``)."""
    w = default_weights(register) if weights is None else validate_weights(weights)
    return w["self"] * float(delta)


def self_inflation(totals: pd.DataFrame, *, to: float, weights=None, register=None) -> pd.DataFrame:
    """What each unit would gain by rating itself *to* (e.g. full marks) while others do not.

    Returns
    -------
    DataFrame
        Indexed by unit: ``rank``, ``shift`` (composite gain), ``new_composite``,
        ``new_rank`` (its rank if it alone inflated), ``ranks_gained``.
    """
    _check_columns(totals, list(COMPONENTS), "totals")
    w = default_weights(register) if weights is None else validate_weights(weights)
    comp = composite(totals["self"], totals["peer"], totals["poll"], w)
    comp = np.asarray(comp, float)
    shift = w["self"] * np.maximum(float(to) - totals["self"].to_numpy(float), 0)
    new = comp + shift
    old_rank = rank(comp).to_numpy()
    new_rank = np.array([1 + int(np.sum(np.delete(comp, i) > new[i])) for i in range(len(comp))])
    out = pd.DataFrame({"rank": old_rank, "shift": shift, "new_composite": new, "new_rank": new_rank,
                        "ranks_gained": old_rank - new_rank}, index=totals.index)
    return _keep_marks(totals, out)


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
    _check_columns(totals, list(COMPONENTS), "totals")
    W = weight_grid(step)
    X = totals[list(COMPONENTS)].to_numpy(float)        # (U, 3)
    comp = W @ X.T                                      # (G, U)
    ranks = 1 + (comp[:, None, :] > comp[:, :, None]).sum(axis=2)   # (G, U), ties share the better rank
    w = default_weights(register) if weights is None else validate_weights(weights)
    ref = composite(totals["self"], totals["peer"], totals["poll"], w)
    out = pd.DataFrame({"rank": rank(np.asarray(ref, float)).to_numpy(), "best": ranks.min(axis=0),
                        "worst": ranks.max(axis=0), "share_first": (ranks == 1).mean(axis=0)},
                       index=totals.index)
    return _keep_marks(totals, out)


# ----------------------------------------------------------------------------
# 1:2:7
# ----------------------------------------------------------------------------

def allocation_shares(register=None) -> dict[str, float]:
    """The shares of management, consultation and service (fractions, from the register)."""
    reg = _reg(register)
    out = {part: reg.value(fid) / 100 for part, fid in SHARE_IDS.items()}
    if abs(sum(out.values()) - 1) > 1e-9:
        raise DataError(Problem("data/figures.csv", "the shares of " + ", ".join(SHARE_IDS.values())
                                + " do not sum to 100%"))
    return out


def allocate(total: float, *, shares: Mapping[str, float] | None = None, step: float | None = None,
             register=None) -> pd.DataFrame:
    """Split a working week or a budget 1:2:7 (or by other shares).

    Parameters
    ----------
    total : float
        Hours, days, yuan … (≥ 0).
    shares : mapping, optional
        Part -> share (default: the register's, :func:`allocation_shares`).
    step : float, optional
        Round every amount to a multiple of *step* (e.g. 0.5 hour, 100 yuan)
        keeping the total, by largest remainders; *total* must then be a
        multiple of *step*.

    Returns
    -------
    DataFrame
        Indexed by part: ``share`` and ``amount``.
    """
    if isinstance(total, bool) or not isinstance(total, (int, float, np.integer, np.floating)) \
            or not math.isfinite(total) or total < 0:
        raise ParameterError(f"total must be a finite number ≥ 0, got {total!r}")
    sh = allocation_shares(register) if shares is None else dict(shares)
    vals = np.array(list(sh.values()), float)
    if (vals < 0).any() or abs(vals.sum() - 1) > 1e-6:
        raise ParameterError("shares must be non-negative and sum to 1")
    raw = vals * float(total)
    if step is None:
        amount = raw
    else:
        if not step > 0:
            raise ParameterError(f"step must be positive, got {step!r}")
        units_total = total / step
        if abs(units_total - round(units_total)) > 1e-9:
            raise ParameterError(f"total ({total}) is not a multiple of step ({step})")
        u = raw / step
        base = np.floor(u + 1e-9)
        left = int(round(units_total - base.sum()))
        order = np.argsort(-(u - base), kind="stable")
        base[order[:left]] += 1
        amount = base * step
    return pd.DataFrame({"share": vals, "amount": amount}, index=pd.Index(list(sh), name="part"))


# ----------------------------------------------------------------------------
# hypothetical units
# ----------------------------------------------------------------------------

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
        c = self.community.to_numpy(float)
        true_poll = c @ self.levels.to_numpy(float) / c.sum(axis=1)
        w = default_weights(register) if weights is None else validate_weights(weights)
        out = w["self"] * tot["self"] + w["peer"] * tot["peer"] + w["poll"] * pd.Series(true_poll, index=tot.index)
        return out.rename("true_composite")

    def household_sd(self) -> pd.Series:
        """Standard deviation of household scores in each unit's community."""
        c = self.community.to_numpy(float)
        x = self.levels.to_numpy(float)
        N = c.sum(axis=1)
        mu = c @ x / N
        return pd.Series(np.sqrt(c @ x**2 / N - mu**2), index=self.community.index, name="household_sd")


def resolve_poll_size(poll_households: int = 0, *, register=None) -> int:
    """A lesson's poll size: *poll_households*, or the article's (register) when it is 0."""
    if isinstance(poll_households, bool) or not isinstance(poll_households, (int, np.integer)) \
            or poll_households < 0:
        raise ParameterError(f"poll_households must be a whole number ≥ 0, got {poll_households!r}")
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

    if isinstance(n_units, bool) or not isinstance(n_units, (int, np.integer)) or n_units < 2:
        raise ParameterError(f"n_units must be a whole number ≥ 2, got {n_units!r}")
    labels, x = _levels(levels)
    n = poll_size if poll_size is not None else _default_poll_size(register)
    if isinstance(households, bool) or not isinstance(households, (int, np.integer)) or households < 2:
        raise ParameterError(f"households must be a whole number ≥ 2, got {households!r}")
    _check_poll_size(n, households)
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


# ----------------------------------------------------------------------------
# tables
# ----------------------------------------------------------------------------

_SOURCE_ZH = {"register": "文章权重", "equal": "三项等权", "poll-only": "只看民意测评", "custom": "自定义权重"}
_READING_ZH = {"inclusive": "含本数（达到门槛即通过）", "exclusive": "不含本数（须超过门槛）"}


def describe_settings(*, weights_source: str, weights, poll_households: int, vote_reading: str,
                      register=None):
    """The lesson's settings in a short paragraph; published settings appear with their citations.

    Parameters
    ----------
    weights_source : str
        As for :func:`choose_weights`.
    weights : mapping
        The weights in use.
    poll_households : int
        0 for the article's poll size.
    vote_reading : {"inclusive", "exclusive"}

    Returns
    -------
    govlib.display.HTML
    """
    from govlib.display import HTML, note, say

    reg = _reg(register)
    w = validate_weights(weights)
    parts = []
    if weights_source == "register":
        parts.append(say("权重：采用文章的规定，自评分{a}、互评均分{b}、民意测评均分{c}。", register=reg,
                         a=WEIGHT_IDS["self"], b=WEIGHT_IDS["peer"], c=WEIGHT_IDS["poll"]))
    else:
        if weights_source not in _SOURCE_ZH:
            raise ParameterError(f"weights_source must be one of {', '.join(WEIGHT_SOURCES)}, not {weights_source!r}")
        parts.append(note(f"权重：本次改用“{_SOURCE_ZH[weights_source]}”——{weights_label(w)}"
                          "（教师设定，不是文章的规定）。"))
    n = resolve_poll_size(poll_households, register=reg)
    if poll_households == 0:
        parts.append(say("民意测评：每季度随机抽取{n}居民，与文章相同（文章未说明各单位是否共用同一批住户，"
                         "本课假设每个单位各自独立抽取这么多户）。", register=reg, n=POLL_SIZE_ID))
    else:
        parts.append(note(f"民意测评：本次每季度为每个单位随机抽取{n}户（教师设定，不是文章的户数）。"))
    parts.append(say("表决：项目须获{t}代表同意；本课把“以上”理解为" + _READING_ZH[_reading(vote_reading)] + "。",
                     register=reg, t=VOTE_THRESHOLD_ID))
    return HTML("".join(p.html for p in parts), "；".join(p.plain for p in parts))


_COL_ZH = {"unit": "单位", "dimension": "维度", "self": "自评分", "peer": "互评均分",
           "poll": "民意测评均分", "composite": "综合成绩", "rank": "名次", "status_zh": "评定",
           "true_poll": "社区真实满意度", "poll_sd_sim": "民意均分标准差（模拟）",
           "poll_sd_theory": "民意均分标准差（公式）", "true_composite": "真实综合成绩",
           "composite_sd_sim": "综合成绩标准差（模拟）", "composite_sd_theory": "综合成绩标准差（公式）",
           "low": "模拟区间下限", "high": "模拟区间上限", "household_sd": "住户评分标准差",
           "share": "比重", "amount": "分配量", "part": "板块", "shift": "综合成绩上升",
           "new_composite": "虚报后综合成绩", "new_rank": "虚报后名次", "ranks_gained": "名次上升",
           "true_status": "按真实成绩的评定", "commend": "获表彰的季度比例", "pass": "合格的季度比例",
           "rectify": "被整改的季度比例", "best": "最好名次", "worst": "最差名次",
           "share_first": "居首的权重组合比例", "better": "真实较好者", "worse": "真实较差者", "gap": "真实差距",
           "swap_rate": "名次互换比例", "total": "代表人数", "inclusive": "至少同意人数（含本数）",
           "exclusive": "至少同意人数（不含本数）", "poll_size": "抽样户数",
           "p_same_ranking": "整体名次全对的比例", "p_top_correct": "第一名判对的比例",
           "p_closest_pair": "最接近一对不互换的比例", "max_swap": "相邻单位最高互换比例"}


def table(df: pd.DataFrame, caption: str, *, decimals: int = 1, percent: Sequence[str] = (),
          index: bool = True):
    """An HTML table with Chinese column names and a caption that says what the data are.

    Parameters
    ----------
    df : DataFrame
        Columns named as in this module are translated (``self`` → 自评分 …).
    caption : str
        Passed through :func:`govlib.synthetic.caption`, so hypothetical and
        synthetic frames are labelled.
    decimals : int
        Decimals of float columns.
    percent : sequence of str
        Columns holding shares (0–1) to show as percentages.

    Returns
    -------
    govlib.display.HTML
    """
    import html as _html

    from govlib import synthetic
    from govlib.display import HTML

    cap = synthetic.caption(caption, df)
    show = df.copy()
    if isinstance(show.columns, pd.MultiIndex):
        show.columns = [f"{_COL_ZH.get(a, a)}·{b}" for a, b in show.columns]
    for c in show.columns:
        if c in percent:
            show[c] = [f"{100 * v:.{decimals}f}%" for v in show[c]]
        elif pd.api.types.is_float_dtype(show[c]):
            show[c] = [f"{v:.{decimals}f}" for v in show[c]]
    if index:
        show = show.reset_index()
    show = show.rename(columns=_COL_ZH)
    body = show.to_html(index=False, escape=True, border=0)
    body = re.sub(r"^<table[^>]*>", f'<table class="gv-table"><caption>{_html.escape(cap)}</caption>', body,
                  count=1)
    body = body.replace('<tr style="text-align: right;">', "<tr>")
    return HTML(body, cap)


# ----------------------------------------------------------------------------
# charts
# ----------------------------------------------------------------------------

_COLORS = {"self": "#c9a227", "peer": "#4c72b0", "poll": "#b22222"}
_STATUS_COLORS = {"commend": "#2e7d32", "pass": "#9e9e9e", "rectify": "#c62828"}


def _plt():
    import matplotlib.pyplot as plt

    from govlib.plotting import use_cjk_font

    use_cjk_font()
    return plt


def _footer(fig, text: str | None, ax=None) -> None:
    """Write a caption under the x-axis label of *ax* (default: the first axes)."""
    if text:
        import textwrap

        ax = ax or fig.axes[0]
        ax.annotate("\n".join(textwrap.wrap(text, 60)), xy=(0, 0), xycoords="axes fraction",
                    xytext=(0, -44), textcoords="offset points", ha="left", va="top", fontsize=8,
                    color="#444444", annotation_clip=False)


def plot_quarter(totals: pd.DataFrame, *, weights=None, commend_at: float | None = None,
                 rectify_below: float | None = None, title: str = "", caption: str | None = None,
                 register=None):
    """Stacked bars of each unit's weighted self, peer and poll parts, best on top, with threshold lines.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _plt()
    w = default_weights(register) if weights is None else validate_weights(weights)
    t = totals.copy()
    t["composite"] = composite(t["self"], t["peer"], t["poll"], w)
    t = t.sort_values("composite")
    fig, ax = plt.subplots(figsize=(8, 0.5 + 0.42 * len(t)))
    left = np.zeros(len(t))
    y = np.arange(len(t))
    for c in COMPONENTS:
        part = w[c] * t[c].to_numpy(float)
        ax.barh(y, part, left=left, color=_COLORS[c], label=f"{COMPONENT_ZH[c]}×权重", height=0.7)
        left += part
    for yi, v in zip(y, t["composite"]):
        ax.text(v + 0.5, yi, f"{v:.1f}", va="center", fontsize=9)
    ax.set_yticks(y, [str(u) for u in t.index])
    lines = []
    if commend_at is not None:
        ax.axvline(commend_at, color=_STATUS_COLORS["commend"], ls="--", lw=1.5)
        lines.append(("表彰线", commend_at, _STATUS_COLORS["commend"]))
    if rectify_below is not None:
        ax.axvline(rectify_below, color=_STATUS_COLORS["rectify"], ls="--", lw=1.5)
        lines.append(("整改线", rectify_below, _STATUS_COLORS["rectify"]))
    for name, v, col in lines:
        ax.text(v, len(t) - 0.35, f"{name} {v:g}", color=col, ha="center", va="bottom", fontsize=9)
    ax.set_xlim(0, max(105, float(left.max()) + 8))
    ax.set_ylim(-0.6, len(t) + 0.3)
    ax.set_xlabel("综合成绩（满分100）")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=9, frameon=False)
    if title:
        ax.set_title(title, pad=30)
    _footer(fig, caption)
    return fig


def plot_dimensions(scored: pd.DataFrame, *, title: str = "", caption: str | None = None):
    """Heat map of composite scores: units × dimensions."""
    plt = _plt()
    piv = scored.pivot(index="unit", columns="dimension", values="composite")
    piv = piv.loc[list(dict.fromkeys(scored["unit"])), list(dict.fromkeys(scored["dimension"]))]
    fig, ax = plt.subplots(figsize=(1.2 + 1.05 * piv.shape[1], 0.6 + 0.42 * piv.shape[0]))
    im = ax.imshow(piv.to_numpy(float), cmap="RdYlGn", aspect="auto", vmin=float(np.nanmin(piv)) - 2,
                   vmax=float(np.nanmax(piv)) + 2)
    ax.set_xticks(range(piv.shape[1]), piv.columns, rotation=0, fontsize=9)
    ax.set_yticks(range(piv.shape[0]), piv.index)
    ax.grid(False)
    for i in range(piv.shape[0]):
        for j in range(piv.shape[1]):
            ax.text(j, i, f"{piv.iat[i, j]:.1f}", ha="center", va="center", fontsize=8)
    fig.colorbar(im, ax=ax, label="综合成绩", shrink=0.8)
    if title:
        ax.set_title(title)
    _footer(fig, caption)
    return fig


def plot_vote_rule(sizes: Iterable[int], *, threshold=None, highlight: str = "inclusive", title: str = "",
                   caption: str | None = None, register=None):
    """Agreeing votes needed (as a share) against the number of representatives, both readings."""
    plt = _plt()
    vt = vote_table(sizes, threshold=threshold, register=register)
    t = float(_threshold(threshold, register))
    fig, ax = plt.subplots(figsize=(8, 4))
    names = {"inclusive": "“以上”含本数", "exclusive": "“以上”不含本数"}
    styles = {"inclusive": dict(color="#b22222", marker="o"), "exclusive": dict(color="#4c72b0", marker="s")}
    for r in READINGS:
        lw = 2.2 if r == highlight else 1.2
        ax.plot(vt.index, 100 * vt[f"{r}_share"], lw=lw, ms=4, label=names[r], **styles[r])
    ax.axhline(100 * t, color="#444444", ls=":", lw=1.2)
    ax.text(vt.index.min(), 100 * t - 0.4, "文章的门槛", ha="left", va="top", fontsize=9, color="#444444")
    ax.set_xlabel("参加表决的代表人数")
    ax.set_ylabel("通过所需的最低同意比例（%）")
    ax.set_ylim(100 * t - 4, 101)
    ax.legend(fontsize=9, loc="upper right")
    if title:
        ax.set_title(title)
    _footer(fig, caption)
    return fig


def plot_poll_spread(sim: Simulation, *, commend_at: float | None = None, rectify_below: float | None = None,
                     level: float = 0.95, title: str = "", caption: str | None = None):
    """Each unit's true composite and the range its quarterly composite takes in the simulation."""
    plt = _plt()
    sp = sim.spread(level).sort_values("true_composite")
    fig, ax = plt.subplots(figsize=(8, 0.6 + 0.42 * len(sp)))
    y = np.arange(len(sp))
    ax.hlines(y, sp["low"], sp["high"], color="#4c72b0", lw=5, alpha=0.55,
              label=f"模拟季度综合成绩的{level:.0%}区间")
    ax.plot(sp["true_composite"], y, "o", color="#b22222", label="真实综合成绩（全社区调查）")
    if commend_at is not None:
        ax.axvline(commend_at, color=_STATUS_COLORS["commend"], ls="--", lw=1.5, label=f"表彰线 {commend_at:g}")
    if rectify_below is not None:
        ax.axvline(rectify_below, color=_STATUS_COLORS["rectify"], ls="--", lw=1.5,
                   label=f"整改线 {rectify_below:g}")
    ax.set_yticks(y, sp.index)
    ax.set_xlabel(f"综合成绩（每季每单位抽样{sim.poll_size}户，模拟{sim.n_sims}个季度）")
    ax.legend(fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
    if title:
        ax.set_title(title, pad=40)
    _footer(fig, caption)
    return fig


def plot_poll_histogram(sim: Simulation, unit: str, *, title: str = "", caption: str | None = None):
    """Histogram of one unit's simulated poll means with the normal approximation on top."""
    from scipy.stats import norm

    plt = _plt()
    i = sim.units.index(unit)
    x = sim.poll[:, i]
    fig, ax = plt.subplots(figsize=(7, 3.6))
    vals = np.unique(x)
    if len(vals) > 1:  # poll means lie on a lattice: align the bins with it to avoid aliasing
        step = float(np.min(np.diff(vals)))
        width = step * max(1, math.ceil((vals[-1] - vals[0]) / step / 40))
        edges = np.arange(vals[0] - step / 2, vals[-1] + width, width)
    else:
        edges = np.array([vals[0] - 0.5, vals[0] + 0.5])
    ax.hist(x, bins=edges, density=True, color="#4c72b0", alpha=0.6, label="模拟的民意测评均分")
    grid = np.linspace(edges[0], edges[-1], 200)
    ax.plot(grid, norm.pdf(grid, sim.true_poll[i], sim.poll_sd_theory[i]), color="#b22222", lw=2,
            label="正态近似（含有限总体校正）")
    ax.axvline(sim.true_poll[i], color="#444444", ls=":", lw=1.2)
    ax.set_xlabel(f"{unit}的民意测评均分")
    ax.set_ylabel("密度")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    _footer(fig, caption)
    return fig


def plot_status_frequencies(freq: pd.DataFrame, *, title: str = "", caption: str | None = None):
    """Stacked bars: share of simulated quarters in which each unit is commended, passes or rectifies."""
    plt = _plt()
    f = freq.sort_values("true_composite") if "true_composite" in freq else freq.iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.6 + 0.42 * len(f)))
    left = np.zeros(len(f))
    y = np.arange(len(f))
    for s in ("rectify", "pass", "commend"):
        v = 100 * f[s].to_numpy(float)
        ax.barh(y, v, left=left, color=_STATUS_COLORS[s], label=STATUS_ZH[s], height=0.7)
        left += v
    ax.set_yticks(y, [f"{u}（真实：{t}）" for u, t in zip(f.index, f["true_status"])])
    ax.set_xlim(0, 100)
    ax.set_xlabel("模拟季度中的比例（%）")
    ax.legend(fontsize=9, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    if title:
        ax.set_title(title, pad=28)
    _footer(fig, caption)
    return fig


def plot_swap_rates(sim: Simulation, *, title: str = "", caption: str | None = None):
    """Bars of the swap rate of each pair of neighbours in the true order, with their true gap."""
    plt = _plt()
    adj = sim.adjacent_pairs().iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.6 + 0.42 * len(adj)))
    y = np.arange(len(adj))
    ax.barh(y, 100 * adj["swap_rate"], color="#4c72b0", height=0.65)
    for yi, (r, g) in enumerate(zip(adj["swap_rate"], adj["gap"])):
        ax.text(100 * r + 0.8, yi, f"真实差距 {g:.1f} 分", va="center", fontsize=8)
    ax.set_yticks(y, [f"{a} 与 {b}" for a, b in zip(adj["better"], adj["worse"])])
    ax.set_xlim(0, max(55, 100 * float(adj["swap_rate"].max()) + 18))
    ax.set_xlabel("名次互换的季度比例（%）")
    if title:
        ax.set_title(title)
    _footer(fig, caption)
    return fig


def plot_stability(curve: pd.DataFrame, *, confidence: float | None = None, article_size: int | None = None,
                   title: str = "", caption: str | None = None):
    """Stability of the ranking against the number of households polled (log scale)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(8, 4))
    names = {"p_same_ranking": "整体名次全部正确", "p_top_correct": "第一名判对",
             "p_closest_pair": "真实差距最小的一对不互换"}
    for col, st in zip(names, ("o-", "s-", "^-")):
        ax.plot(curve.index, 100 * curve[col], st, ms=4, label=names[col])
    ax.set_xscale("log")
    from matplotlib.ticker import FixedLocator, NullLocator

    ticks = [v for v in (10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000)
             if curve.index.min() <= v <= curve.index.max()]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticks(ticks, [str(v) for v in ticks])
    if confidence is not None:
        ax.axhline(100 * confidence, color="#444444", ls=":", lw=1.2)
        ax.text(curve.index.max(), 100 * confidence - 1.5, f"把握 {confidence:.0%}", fontsize=9,
                color="#444444", ha="right", va="top")
    if article_size is not None:
        ax.axvline(article_size, color="#b22222", ls="--", lw=1.2)
        ax.text(article_size * 1.05, 50, "文章的抽样户数", color="#b22222", fontsize=9,
                bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.85))
    ax.set_ylim(0, 104)
    ax.set_xlabel("每单位抽样户数（对数刻度）")
    ax.set_ylabel("模拟季度中的比例（%）")
    ax.legend(fontsize=9, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    if title:
        ax.set_title(title, pad=28)
    _footer(fig, caption)
    return fig


def plot_rank_bump(ranks: pd.DataFrame, *, title: str = "", caption: str | None = None):
    """Bump chart: each unit's rank under each weight scheme (output of :func:`ranks_under_weights`)."""
    plt = _plt()
    r = ranks["rank"] if isinstance(ranks.columns, pd.MultiIndex) else ranks
    fig, ax = plt.subplots(figsize=(8, 0.8 + 0.45 * len(r)))
    xs = np.arange(r.shape[1])
    palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#8a7d00",
               "#0e7c86", "#ff7f0e"]
    colors = {u: palette[k % len(palette)] for k, u in enumerate(r.index)}
    for u, row in r.iterrows():
        ax.plot(xs, row.to_numpy(float), "o-", color=colors[u], lw=2)
    for x, col_name, ha, dx in ((xs[0], r.columns[0], "right", -0.08), (xs[-1], r.columns[-1], "left", 0.08)):
        for rk, grp in r.groupby(col_name, sort=True):
            names = list(grp.index)
            ax.text(x + dx, rk, "/".join(map(str, names)), ha=ha, va="center", fontsize=9,
                    color=colors[names[0]] if len(names) == 1 else "#222222")
    ax.set_xticks(xs, list(r.columns))
    ax.set_yticks(range(1, len(r) + 1))
    ax.set_ylim(len(r) + 0.6, 0.4)
    ax.set_xlim(-0.9, len(xs) - 0.1)
    ax.set_ylabel("名次（1为最好）")
    ax.grid(axis="x", visible=False)
    if title:
        ax.set_title(title)
    _footer(fig, caption)
    return fig


def plot_rank_ranges(rr: pd.DataFrame, *, title: str = "", caption: str | None = None):
    """Each unit's range of ranks over all weight sets, with its rank under the reference weights."""
    plt = _plt()
    r = rr.sort_values("rank", ascending=False)
    fig, ax = plt.subplots(figsize=(8, 0.6 + 0.42 * len(r)))
    y = np.arange(len(r))
    ax.hlines(y, r["best"], r["worst"], color="#4c72b0", lw=6, alpha=0.5, label="所有权重组合下的名次范围")
    ax.plot(r["rank"], y, "D", color="#b22222", ms=7, label="文章权重下的名次")
    ax.set_yticks(y, r.index)
    n = int(rr["worst"].max())
    ax.set_xticks(range(1, n + 1))
    ax.set_xlim(n + 0.5, 0.5)
    ax.set_xlabel("名次（1为最好）")
    ax.legend(fontsize=9, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
    if title:
        ax.set_title(title, pad=28)
    _footer(fig, caption)
    return fig


def plot_allocation(alloc: pd.DataFrame, *, unit: str, title: str = "", caption: str | None = None):
    """Horizontal stacked bar of a 1:2:7 split (output of :func:`allocate`)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(8, 1.9))
    left = 0.0
    colors = ["#c9a227", "#4c72b0", "#b22222", "#2e7d32"]
    total = float(alloc["amount"].sum())
    for k, (part, row) in enumerate(alloc.iterrows()):
        a = float(row["amount"])
        ax.barh([0], [a], left=left, color=colors[k % len(colors)], height=0.6)
        if a > 0:
            ax.text(left + a / 2, 0, f"{part}\n{a:,.4g}{unit}", ha="center", va="center", fontsize=9,
                    color="white" if a / max(total, 1e-12) > 0.12 else "black")
        left += a
    ax.set_xlim(0, total if total > 0 else 1)
    ax.set_yticks([])
    ax.set_xlabel(unit)
    if title:
        ax.set_title(title)
    _footer(fig, caption)
    return fig


# ----------------------------------------------------------------------------
# live exploration (JupyterLab)
# ----------------------------------------------------------------------------

def weights_explorer(example: Example, *, commend_at: float | None = None, rectify_below: float | None = None,
                     n_sims: int = 2_000, seed: int = 0, register=None):
    """Sliders for the weights and the poll size, redrawing the quarter and its simulated spread.

    The chart is drawn only when a slider moves (or the button is pressed),
    so running this cell without a live front end (papermill, nbconvert)
    draws nothing; static charts come from ordinary cells.  In a static
    page the widget shows as a one-line note.

    Returns
    -------
    ipywidgets.VBox
    """
    import ipywidgets as widgets
    from IPython.display import display

    w0 = default_weights(register)
    n0 = example.poll_size

    class _Explorer(widgets.VBox):
        def __repr__(self) -> str:  # shown where widgets cannot be displayed
            return "（交互控件：在 JupyterLab 中运行本格，拖动滑块即可调整权重和抽样户数。）"

    style = {"description_width": "initial"}
    s_self = widgets.FloatSlider(value=w0["self"], min=0, max=1, step=0.05, description="自评权重", style=style)
    s_peer = widgets.FloatSlider(value=w0["peer"], min=0, max=1, step=0.05, description="互评权重", style=style)
    s_n = widgets.IntSlider(value=n0, min=10, max=example.households, step=10, description="抽样户数",
                            style=style)
    info = widgets.HTML()
    button = widgets.Button(description="绘制")
    out = widgets.Output()

    def redraw(*_):
        plt = _plt()
        poll = round(1 - s_self.value - s_peer.value, 10)
        with out:
            out.clear_output(wait=True)
            if poll < 0:
                info.value = "<b>自评与互评权重之和超过1，请调小其中一项。</b>"
                return
            w = {"self": s_self.value, "peer": s_peer.value, "poll": poll}
            info.value = f"民意测评权重 = 1 − 自评 − 互评 = {poll:.2f}"
            sim = example.simulate(weights=w, poll_size=s_n.value, n_sims=n_sims, seed=seed, register=register)
            from govlib import synthetic

            cap = synthetic.caption("虚构单位", example.scores)
            fig = plot_poll_spread(sim, commend_at=commend_at, rectify_below=rectify_below,
                                   title=f"{weights_label(w)}，每单位抽样{s_n.value}户", caption=cap)
            display(fig)
            plt.close(fig)

    for s in (s_self, s_peer, s_n):
        s.observe(redraw, names="value")
    button.on_click(redraw)
    box = _Explorer([widgets.HBox([s_self, s_peer]), widgets.HBox([s_n, button]), info, out])
    box.redraw = redraw
    return box
