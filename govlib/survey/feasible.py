"""Which sample sizes could have produced the published shares (GRIM for percentages).

A share printed as 8.5% with one decimal means that some whole number of
respondents *k* out of *n* gives ``100·k/n`` which rounds to 8.5.  For small
*n* many printed values are impossible: 3.3% needs at least 30 respondents.
This is the GRIM idea (Brown & Heathers 2017) applied to percentages and to
means of whole numbers (the average number of pledges signed).

Rounding rule (our assumption; the article does not say): ``half_up``
(default, 0.05 rounds up) or ``half_even`` (banker's rounding).  Each row's
``decimals`` in the register gives the printed precision (21% has none).

All arithmetic is on integers: with ``P`` the printed value times ``10^d``
and ``D = 2·100·10^d`` (or ``2·10^d`` for a mean), *k* rounds to the
printed value under ``half_up`` exactly when ``(2P-1)·n <= D·k < (2P+1)·n``.

Printed shares are checked one by one; shares that belong together are
checked jointly with the item specs of :mod:`govlib.survey.items` (the four
answers to the list question must add up to *n*; 22.0% and 19.1% must add up
to a count that rounds to 41.1%; "over 60%" must contain the 34.3%).  A
group's sample size is *feasible* when every one of its items is; that
assumes every respondent of a group answered every question (the article
says nothing about item non-response).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd

from govlib.data import Figure, Register, load_register
from govlib.errors import ParameterError
from govlib.survey.items import COLUMN_LABELS, Item, items_for

RULES = ("half_up", "half_even")
BOUND_QUALIFIERS = ("over", "at_least", "under", "verbal_over")


def check_rule(rule: str) -> str:
    """Return *rule* or raise :class:`ParameterError` naming the allowed rules."""
    if rule not in RULES:
        raise ParameterError(f"rounding rule must be one of {', '.join(RULES)}, got {rule!r}")
    return rule


def _as_n(n) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(n, dtype=np.int64))
    if (arr < 1).any():
        raise ParameterError(f"sample size n must be at least 1, got {int(arr.min())}")
    return arr


def _ceil_div(a, b):
    return -((-a) // b)


def printed_bounds(fig: Figure, n, rule: str = "half_up", *, per: int = 100):
    """The whole counts *k* whose share (or sum whose mean) rounds to a printed value.

    Parameters
    ----------
    fig : Figure
        An ``exact`` register row with ``decimals``.
    n : int or array of int
        Sample sizes.
    rule : {"half_up", "half_even"}
    per : int
        100 for a percentage (k/n·100), 1 for a mean (k is then the sum).

    Returns
    -------
    lo, hi : numpy arrays of int
        Smallest and largest *k*; the printed value is reachable for the n
        where ``lo <= hi``.  Not clipped to ``[0, n]``.
    """
    check_rule(rule)
    if fig.decimals is None or fig.value is None:
        raise ValueError(f"{fig.id}: a printed value needs value and decimals")
    n = _as_n(n)
    scale = 10 ** fig.decimals
    p = int(round(fig.value * scale))
    d = 2 * per * scale
    a, b = (2 * p - 1) * n, (2 * p + 1) * n
    if rule == "half_up":  # a tie rounds up: the lower tie is in, the upper out
        lower_in, upper_in = True, False
    else:  # a tie rounds to the even neighbour
        lower_in = upper_in = p % 2 == 0
    lo = _ceil_div(a, d) if lower_in else a // d + 1
    hi = b // d if upper_in else _ceil_div(b, d) - 1
    return lo, hi


def bound_range(fig: Figure, n):
    """Counts allowed by a stated inequality (超过90%, 一半以上, …).

    Parameters
    ----------
    fig : Figure
        A row with qualifier ``over``, ``verbal_over``, ``at_least`` or ``under``.
    n : int or array of int

    Returns
    -------
    lo, hi : numpy arrays of int, within ``[0, n]``.
    """
    n = _as_n(n)
    frac = Fraction(str(fig.value)) / 100
    a, b = frac.numerator * n, frac.denominator
    lo, hi = np.zeros_like(n), n.copy()
    if fig.qualifier in ("over", "verbal_over"):
        lo = a // b + 1
    elif fig.qualifier == "at_least":
        lo = _ceil_div(a, b)
    elif fig.qualifier == "under":
        hi = _ceil_div(a, b) - 1
    else:
        raise ValueError(f"{fig.id}: qualifier {fig.qualifier!r} is not an inequality")
    return np.maximum(lo, 0), np.minimum(hi, n)


def share_range(fig: Figure, n, rule: str = "half_up"):
    """Counts consistent with a share row of any qualifier, within ``[0, n]``.

    Exact rows use :func:`printed_bounds`; inequalities use :func:`bound_range`;
    approximate and derived rows do not constrain (``[0, n]``).
    """
    n = _as_n(n)
    if fig.derived or fig.qualifier in ("approx", "verbal_approx"):
        return np.zeros_like(n), n.copy()
    if fig.qualifier in BOUND_QUALIFIERS:
        return bound_range(fig, n)
    if fig.qualifier == "exact":
        lo, hi = printed_bounds(fig, n, rule)
        return np.maximum(lo, 0), np.minimum(hi, n)
    raise ValueError(f"{fig.id}: a {fig.qualifier} row cannot constrain a count")


# ----------------------------------------------------------------------------
# items as trees of sums: cells (leaves), totals, the whole
# ----------------------------------------------------------------------------

@dataclass
class _Node:
    key: str
    fig: str | None
    children: list["_Node"] = field(default_factory=list)


def _tree(item: Item) -> _Node:
    inside = {c for t in item.totals for c in t.cells}
    leaves = {c.key: _Node(c.key, c.fig) for c in item.cells}
    root = _Node("__all__", None)
    for t in item.totals:
        root.children.append(_Node(f"total:{t.fig}", t.fig, [leaves[c] for c in t.cells]))
    root.children += [leaves[c.key] for c in item.cells if c.key not in inside]
    return root


def _ranges(item: Item, n: np.ndarray, rule: str, reg: Register) -> dict[str, tuple]:
    """Bottom-up: the feasible range of every node's count, for each n."""
    out: dict[str, tuple] = {}

    def walk(node: _Node):
        if node.fig is not None:
            lo, hi = share_range(reg.figure(node.fig), n, rule)
        else:
            lo, hi = np.zeros_like(n), n.copy()
        if node.key == "__all__":
            lo, hi = n.copy(), n.copy()
        if node.children:
            sub = [walk(c) for c in node.children]
            lo = np.maximum(lo, sum(s[0] for s in sub))
            hi = np.minimum(hi, sum(s[1] for s in sub))
        out[node.key] = (lo, hi)
        return lo, hi

    if item.kind == "count":
        lo, hi = printed_bounds(reg.figure(item.mean_fig), n, rule, per=1)
        out["__sum__"] = (np.maximum(lo, 0), hi)
    else:
        walk(_tree(item))
    return out


def item_feasible(item: Item, n, rule: str = "half_up", register: Register | None = None) -> np.ndarray:
    """Whether some whole counts reproduce every printed share of an item jointly, for each n."""
    reg = register or load_register()
    n = _as_n(n)
    ok = np.ones(n.shape, dtype=bool)
    for lo, hi in _ranges(item, n, check_rule(rule), reg).values():
        ok &= lo <= hi
    return ok


def _printed_figs(items: list[Item], reg: Register) -> list[str]:
    """Printed exact rows of some items, each once, in order."""
    seen: list[str] = []
    for it in items:
        for fid in it.figs:
            f = reg.figure(fid)
            if f.qualifier == "exact" and not f.derived and fid not in seen:
                seen.append(fid)
    return seen


def feasibility(groups, n_max: int = 2000, rule: str = "half_up", *,
                register: Register | None = None, n_min: int = 1) -> pd.DataFrame:
    """Which n from ``n_min`` to ``n_max`` each constraint of some groups allows.

    Parameters
    ----------
    groups : str or sequence of str
        Group keys (``township``, ``village``, ``respondents``).
    n_max, n_min : int
        The range of sample sizes to test.
    rule : {"half_up", "half_even"}

    Returns
    -------
    pandas.DataFrame
        Indexed by n.  One boolean column per printed value taken alone
        (named by its register id), one per item taken jointly
        (``item:<group>:<column>``), and ``all`` (every item of the groups).
    """
    reg = register or load_register()
    check_rule(rule)
    if n_max < n_min:
        raise ParameterError(f"n_max ({n_max}) must be at least n_min ({n_min})")
    n = np.arange(max(1, n_min), n_max + 1, dtype=np.int64)
    items = items_for(groups)
    cols: dict[str, np.ndarray] = {}
    for fid in _printed_figs(items, reg):
        f = reg.figure(fid)
        if f.unit == "%":
            lo, hi = share_range(f, n, rule)
        else:  # a mean: the sum has no upper limit
            lo, hi = printed_bounds(f, n, rule, per=1)
            lo = np.maximum(lo, 0)
        cols[fid] = lo <= hi
    every = np.ones(n.shape, dtype=bool)
    for it in items:
        ok = item_feasible(it, n, rule, reg)
        cols[f"item:{it.group}:{it.column}"] = ok
        every &= ok
    cols["all"] = every
    return pd.DataFrame(cols, index=pd.Index(n, name="n"))


def feasible_ns(groups, rule: str = "half_up", *, n_max: int = 2000,
                register: Register | None = None) -> np.ndarray:
    """All feasible n up to ``n_max`` for some groups (every item jointly)."""
    f = feasibility(groups, n_max, rule, register=register)
    return f.index[f["all"]].to_numpy()


def smallest_feasible_n(groups, rule: str = "half_up", *, register: Register | None = None,
                        limit: int = 1_000_000) -> int:
    """The smallest n consistent with every question of some groups.

    Raises
    ------
    ValueError
        When none is found up to ``limit``.
    """
    start, step = 1, 2000
    while start <= limit:
        f = feasibility(groups, min(start + step - 1, limit), rule, register=register, n_min=start)
        hits = f.index[f["all"]]
        if len(hits):
            return int(hits[0])
        start += step
        step *= 2
    raise ValueError(f"no feasible sample size up to {limit} for {groups!r} under {rule}")


def nearest_feasible_n(groups, n: int, rule: str = "half_up", *, register: Register | None = None) -> int:
    """The feasible n closest to *n* (the smaller one on a tie)."""
    n = int(_as_n(n)[0])
    width = max(200, n // 10)
    while True:
        f = feasibility(groups, n + width, rule, register=register, n_min=max(1, n - width))
        hits = f.index[f["all"]].to_numpy()
        if len(hits):
            return int(hits[np.argmin(np.abs(hits - n) * 2 + (hits > n))])
        width *= 2


def failing_items(groups, n: int, rule: str = "half_up", *, register: Register | None = None) -> list[Item]:
    """The items of some groups that no whole counts can reproduce at this n."""
    reg = register or load_register()
    return [it for it in items_for(groups) if not item_feasible(it, n, rule, reg)[0]]


def constraint_labels(groups, register: Register | None = None) -> pd.DataFrame:
    """What each column of :func:`feasibility` checks: kind, Chinese label and ids."""
    from govlib.survey.questions import GROUPS, short_label

    reg = register or load_register()
    items = items_for(groups)
    rows = []
    for fid in _printed_figs(items, reg):
        f = reg.figure(fid)
        rows.append({"constraint": fid, "kind": "单项", "group": f.group,
                     "label": short_label(fid, reg), "ids": (fid,)})
    for it in items:
        rows.append({"constraint": f"item:{it.group}:{it.column}", "kind": "联合",
                     "group": GROUPS[it.group], "label": COLUMN_LABELS[it.column],
                     "ids": tuple(it.figs)})
    return pd.DataFrame(rows)


def feasibility_summary(groups, n_max: int = 2000, rule: str = "half_up", *,
                        register: Register | None = None) -> pd.DataFrame:
    """One row per constraint: how many n up to ``n_max`` it allows and the smallest.

    Columns: ``constraint, kind, group, label, ids, n_feasible, smallest``,
    then a last row ``all`` for the groups together.
    """
    reg = register or load_register()
    f = feasibility(groups, n_max, rule, register=reg)
    lab = constraint_labels(groups, reg)
    lab["n_feasible"] = [int(f[c].sum()) for c in lab["constraint"]]
    lab["smallest"] = [int(f.index[f[c]][0]) if f[c].any() else pd.NA for c in lab["constraint"]]
    whole = {"constraint": "all", "kind": "全部", "group": "、".join(sorted(set(lab["group"]))),
             "label": "同组全部题目", "ids": tuple(dict.fromkeys(i for t in lab["ids"] for i in t)),
             "n_feasible": int(f["all"].sum()),
             "smallest": int(f.index[f["all"]][0]) if f["all"].any() else pd.NA}
    return pd.concat([lab, pd.DataFrame([whole])], ignore_index=True)
