"""The vote rule: a project passes when a high share of the units' representatives agree.

Reading of 以上: in "85%以上代表同意" the word 以上 is read *inclusively*
(85% itself passes), as in Chinese legal usage (the register records the
figure with qualifier ``at_least``).  :func:`vote_passes` takes
``reading="exclusive"`` for the other reading.  All arithmetic is exact
(:class:`fractions.Fraction`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction

import numpy as np
import pandas as pd

from govlib.errors import ParameterError
from govlib.evaluation._common import check_whole, reg

__all__ = ["VOTE_THRESHOLD_ID", "READINGS", "vote_threshold", "count_votes", "vote_passes", "min_agree",
           "exact_threshold_size", "vote_table"]

#: register id of the share of representatives that must agree
VOTE_THRESHOLD_ID = "xm-vote-threshold"
#: readings of 以上 in "85%以上"
READINGS: tuple[str, ...] = ("inclusive", "exclusive")


def vote_threshold(register=None) -> Fraction:
    """The share of representatives that must agree, as an exact fraction (from the register)."""
    fig = reg(register).figure(VOTE_THRESHOLD_ID)
    return Fraction(str(fig.number())) / 100


def threshold_or_default(threshold, register) -> Fraction:
    """*threshold* as an exact share in [0, 1], or the register's (:func:`vote_threshold`) when None."""
    if threshold is None:
        return vote_threshold(register)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, Fraction, np.integer, np.floating)):
        raise ParameterError(f"threshold must be a number between 0 and 1, got {threshold!r}")
    t = threshold if isinstance(threshold, Fraction) else Fraction(str(float(threshold)))
    if not 0 <= t <= 1:
        raise ParameterError(f"threshold must be a share between 0 and 1, got {threshold!r}")
    return t


def check_reading(reading: str) -> str:
    """*reading* when it is one of :data:`READINGS`, else ParameterError."""
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
    check_reading(reading)
    if votes is not None and (agree is not None or total is not None):
        raise ParameterError("give either votes or agree/total, not both")
    if votes is not None:
        agree, total = count_votes(votes)
    elif agree is None or total is None:
        raise ParameterError("give a list of votes, or both agree and total")
    for name, v in (("agree", agree), ("total", total)):
        check_whole(v, name, 0)
    if total == 0:
        raise ParameterError("total must be at least 1 (no representative voted)")
    if agree > total:
        raise ParameterError(f"agree ({agree}) cannot exceed total ({total})")
    share = Fraction(int(agree), int(total))
    t = threshold_or_default(threshold, register)
    return share >= t if reading == "inclusive" else share > t


def min_agree(total: int, *, threshold=None, reading: str = "inclusive", register=None) -> int:
    """The fewest agreeing representatives that approve a project among *total*.

    Exact arithmetic: inclusive reading ``ceil(t·n)``, exclusive ``floor(t·n) + 1``.
    A result above *total* means no vote can pass (e.g. an exclusive 100%).
    """
    check_whole(total, "total", 1)
    t = threshold_or_default(threshold, register) * int(total)
    return math.ceil(t) if check_reading(reading) == "inclusive" else math.floor(t) + 1


def exact_threshold_size(*, avoid: Iterable[int] | int = (), threshold=None, register=None) -> int:
    """The smallest number of representatives for which the threshold share is a whole number of votes.

    Only then can a vote land *exactly* on the threshold, which is where the
    two readings of 以上 differ.  Sizes in *avoid* are skipped (e.g. a size an
    exercise asks about).
    """
    t = threshold_or_default(threshold, register)
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
