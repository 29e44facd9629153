"""The resident poll as a sample: answer scales, communities, the spread of a poll mean.

The article gives neither the number of households of a community nor the
questionnaire's answer scale; both are parameters (:data:`POLL_LEVELS` is
this lesson's assumed five-level scale).  Households are sampled without
replacement from a finite community: :func:`simulate_poll_means` draws from
the multivariate hypergeometric distribution, vectorised over units and
simulated quarters.
"""

from __future__ import annotations

import math

import numpy as np

from govlib.errors import ParameterError
from govlib.evaluation._common import check_whole, largest_remainder, reg

__all__ = ["POLL_SIZE_ID", "POLL_LEVELS", "poll_size", "tilted_probs", "community_counts", "poll_sd",
           "simulate_poll_means", "required_poll_size"]

#: register id of the number of households polled each quarter
POLL_SIZE_ID = "xm-poll-households"
#: the answer scale assumed for the satisfaction questionnaire (the article gives none):
#: label and the score (out of 100) a household's answer counts for
POLL_LEVELS: tuple[tuple[str, float], ...] = (
    ("非常满意", 100.0), ("满意", 75.0), ("一般", 50.0), ("不满意", 25.0), ("很不满意", 0.0),
)


def poll_size(register=None) -> int:
    """Households polled each quarter, from the register (:data:`POLL_SIZE_ID`)."""
    return int(reg(register).value(POLL_SIZE_ID))


def default_poll_size(register=None) -> int:
    """:func:`poll_size`, for functions whose parameter of that name hides it."""
    return poll_size(register)


def answer_levels(levels) -> tuple[list[str], np.ndarray]:
    """Labels and scores of an answer scale (default :data:`POLL_LEVELS`), checked."""
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
    _, x = answer_levels(levels)
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
    check_whole(households, "households", 1)
    p = np.atleast_2d(np.asarray(probs, dtype=float))
    if (p < 0).any() or not np.allclose(p.sum(axis=1), 1, atol=1e-9):
        raise ParameterError("probs: every row must be non-negative and sum to 1")
    base = np.vstack([largest_remainder(row, households) for row in p * households]).astype(np.int64)
    return base if np.ndim(probs) == 2 else base[0]


def counts_matrix(counts) -> np.ndarray:
    """Households per answer level as an int array of shape (U, K), checked."""
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


def community_moments(counts: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Households, mean score and variance of household scores of each community (row of *counts*).

    Returns
    -------
    (N, mean, variance) : numpy.ndarray each, shape (U,)
        The variance is the population variance (divided by N).
    """
    N = counts.sum(axis=1)
    mu = counts @ scores / N
    return N, mu, counts @ scores**2 / N - mu**2


def poll_sd(counts, poll_size: int, levels=None) -> np.ndarray:
    """Standard deviation of the poll mean, by the normal approximation.

    For a sample of *n* of *N* households drawn without replacement, the
    poll mean has variance ``σ²/n · (N − n)/(N − 1)``, σ² being the
    community's variance of household scores (finite-population correction).

    Returns
    -------
    numpy.ndarray, one value per unit (row of *counts*).
    """
    _, x = answer_levels(levels)
    c = counts_matrix(counts)
    N, _, var = community_moments(c, x)
    n = check_poll_size(poll_size, N)
    fpc = np.where(N > 1, (N - n) / np.maximum(N - 1, 1), 0.0)
    return np.sqrt(np.maximum(var, 0) / n * fpc)


def check_poll_size(n, N) -> int:
    """*n* as an int when it is a whole number ≥ 1 no larger than any of the households *N*."""
    check_whole(n, "poll_size", 1)
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
    _, x = answer_levels(levels)
    c = counts_matrix(counts)
    if c.shape[1] != len(x):
        raise ParameterError(f"counts have {c.shape[1]} levels but the scale has {len(x)}")
    check_whole(n_sims, "n_sims", 1)
    n = check_poll_size(poll_size, c.sum(axis=1))
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
    check_whole(households, "households", 2)
    if not 0 < poll_weight <= 1:
        raise ParameterError(f"poll_weight must lie in (0, 1], got {poll_weight!r}")
    v = poll_weight**2 * (sd_a**2 + sd_b**2)
    if v == 0:
        return 1
    z = norm.ppf(confidence)
    c = (gap / z) ** 2 * (households - 1) / v
    n = math.ceil(households / (1 + c) - 1e-9)
    return int(min(max(n, 1), households))
