"""Whole counts for one sample size: the integer allocation behind synthetic respondents.

For an item (:mod:`govlib.survey.items`) and an n, :func:`allocate` picks
whole counts per answer category that reproduce every printed share of the
item at its printed precision (under the stated rounding rule) and add up
where they must.  It walks the same tree of sums as
:func:`govlib.survey.feasible.item_feasible`, so an n is allocatable exactly
when it is feasible.
"""

from __future__ import annotations

import numpy as np

from govlib.data import Figure, Register, load_register
from govlib.errors import ParameterError
from govlib.survey.feasible import BOUND_QUALIFIERS, _as_n, _Node, _ranges, _tree, check_rule
from govlib.survey.items import Item


# ----------------------------------------------------------------------------

def _nearest(target: float, lo: int, hi: int) -> int:
    k = int(np.floor(target + 0.5))
    return min(max(k, lo), hi)


def _check_assumed(fig: Figure, share: float) -> None:
    v = fig.value
    ok = {"over": share > v, "verbal_over": share > v, "at_least": share >= v,
          "under": share < v}.get(fig.qualifier, True)
    if not ok or not 0 <= share <= 100:
        raise ParameterError(f"assumed share {share} for {fig.id} contradicts the article's "
                             f"'{fig.wording}' ({fig.qualifier} {v:g})")


def allocate(item: Item, n: int, rule: str = "half_up", *, assumed: dict | None = None,
             register: Register | None = None) -> dict[str, int]:
    """Whole counts per category of an item that reproduce its printed shares at n.

    Each printed share gets the count closest to ``share·n/100`` that still
    rounds to it, adjusted (one unit at a time, least change first) so that
    counts add up where they must.  A share stated as an inequality gets
    the smallest count that satisfies it (``超过90%`` -> the first count above
    90%), unless ``assumed`` gives a share for its id.  Unprinted categories
    take what is left.

    Parameters
    ----------
    item : Item
    n : int
    rule : {"half_up", "half_even"}
    assumed : dict, optional
        Register id -> assumed share (percent) for rows stated as inequalities.

    Returns
    -------
    dict
        Category key -> count; for a ``count`` item, ``{"__sum__": total}``
        (the sum of the respondents' whole numbers).

    Raises
    ------
    ParameterError
        When no whole counts reproduce the item at this n.
    """
    reg = register or load_register()
    assumed = dict(assumed or {})
    arr = _as_n(n)
    n = int(arr[0])
    ranges = {k: (int(lo[0]), int(hi[0])) for k, (lo, hi) in _ranges(item, arr, check_rule(rule), reg).items()}
    bad = [k for k, (lo, hi) in ranges.items() if lo > hi]
    if bad:
        raise ParameterError(f"n={n} cannot reproduce item '{item.column}' ({', '.join(item.figs)}) "
                             f"under {rule} rounding")
    if item.kind == "count":
        lo, hi = ranges["__sum__"]
        return {"__sum__": _nearest(reg.value(item.mean_fig) * n, lo, hi)}

    def plan(node: _Node):
        """(preferred count or None for 'takes the rest', target for costs)."""
        lo, hi = ranges[node.key]
        if node.fig is None and not node.children:
            return None, None
        f = reg.figure(node.fig) if node.fig else None
        if f is not None and f.qualifier in BOUND_QUALIFIERS:
            if node.fig in assumed:
                _check_assumed(f, assumed[node.fig])
                t = assumed[node.fig] * n / 100
                return _nearest(t, lo, hi), t
            has_free = any(c.fig is None and not c.children for c in node.children)
            if has_free or not node.children:
                k = hi if f.qualifier == "under" else lo
                return k, float(k)
        elif f is not None and not f.derived:
            t = f.value * n / 100
            return _nearest(t, lo, hi), t
        subs = [plan(c) for c in node.children]
        if any(p is None for p, _ in subs):
            return None, None
        return min(max(sum(p for p, _ in subs), lo), hi), sum(t for _, t in subs)

    counts: dict[str, int] = {}

    def fill(node: _Node, s: int):
        if not node.children:
            counts[node.key] = s
            return
        kids = node.children
        plans = [plan(c) for c in kids]
        vals = [p if p is not None else ranges[c.key][0] for c, (p, _) in zip(kids, plans)]
        r = s - sum(vals)
        for i, (c, (p, _)) in enumerate(zip(kids, plans)):
            if p is None and r:
                lo, hi = ranges[c.key]
                move = min(max(r, lo - vals[i]), hi - vals[i])
                vals[i] += move
                r -= move
        while r:
            step = 1 if r > 0 else -1
            best, cost = None, None
            for i, (c, (_, t)) in enumerate(zip(kids, plans)):
                lo, hi = ranges[c.key]
                if not lo <= vals[i] + step <= hi:
                    continue
                d = 0.0 if t is None else abs(vals[i] + step - t) - abs(vals[i] - t)
                if cost is None or d < cost:
                    best, cost = i, d
            vals[best] += step  # a node's range lies within its children's sums
            r -= step
        for c, v in zip(kids, vals):
            fill(c, v)

    fill(_tree(item), n)
    return {c.key: counts[c.key] for c in item.cells}
