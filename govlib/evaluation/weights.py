"""The weights of self-score, peer mean and poll mean: the article's, alternatives, validation."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from govlib.errors import DataError, ParameterError, Problem
from govlib.evaluation._common import is_real, reg

__all__ = ["COMPONENTS", "COMPONENT_ZH", "WEIGHT_IDS", "WEIGHT_SOURCES", "default_weights", "validate_weights",
           "weight_scenarios", "choose_weights", "weights_label"]

#: the three sources of a unit's score, in the article's order
COMPONENTS: tuple[str, ...] = ("self", "peer", "poll")
#: their Chinese names as used on pages
COMPONENT_ZH: dict[str, str] = {"self": "自评分", "peer": "互评均分", "poll": "民意测评均分"}
#: register ids of the weights of the three components
WEIGHT_IDS: dict[str, str] = {"self": "xm-weight-self", "peer": "xm-weight-peer",
                              "poll": "xm-weight-poll"}
#: the weight schemes a lesson can choose from
WEIGHT_SOURCES: tuple[str, ...] = ("register", "equal", "poll-only", "custom")
#: their Chinese names (the first three are the labels of :func:`weight_scenarios`)
SOURCE_ZH: dict[str, str] = {"register": "文章权重", "equal": "三项等权", "poll-only": "只看民意测评",
                             "custom": "自定义权重"}


def default_weights(register=None) -> dict[str, float]:
    """The article's weights of self-score, peer mean and poll mean, as fractions.

    Read from the register rows in :data:`WEIGHT_IDS` (published as percentages).

    Returns
    -------
    dict
        ``{"self": …, "peer": …, "poll": …}``, validated to sum to 1.
    """
    r = reg(register)
    w = {}
    for comp, fid in WEIGHT_IDS.items():
        fig = r.figure(fid)
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
        if not is_real(v):
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


def weights_or_default(weights=None, register=None) -> dict[str, float]:
    """*weights* validated, or the article's (:func:`default_weights`) when None."""
    return default_weights(register) if weights is None else validate_weights(weights)


def weight_scenarios(register=None) -> dict[str, dict[str, float]]:
    """Three weight schemes to compare: the article's, equal weights, poll only.

    Returns
    -------
    dict
        Chinese label -> weights.  The article's scheme comes from the register.
    """
    return {SOURCE_ZH["register"]: default_weights(register),
            SOURCE_ZH["equal"]: {c: 1 / 3 for c in COMPONENTS},
            SOURCE_ZH["poll-only"]: {"self": 0.0, "peer": 0.0, "poll": 1.0}}


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
    return weight_scenarios(register)[SOURCE_ZH[source]]


def weights_label(weights) -> str:
    """A short Chinese label of a weight set, e.g. ``自评0.05·互评0.35·民意0.6``."""
    w = validate_weights(weights)
    return f"自评{w['self']:.2g}·互评{w['peer']:.2g}·民意{w['poll']:.2g}"
