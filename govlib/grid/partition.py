"""Partitioning units in order into contiguous groups whose totals lie in [low, high].

Plain arithmetic on a list of non-negative whole numbers, no tables: the
exact method (:func:`_dp_partition`), the one-pass greedy method it is
compared with (:func:`_greedy_partition`), and the reason each left-out unit
could not be placed (:func:`_reasons`, worded in :data:`_REASONS`).  Used by
:func:`govlib.grid.sizing.size_grids`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


#: why a unit is left out: reason code -> wording shown to readers
_REASONS = {
    "above_high": "单元本身超过上限，须拆分后才能入格",
    "tail_below_low": "排在末尾的剩余单元合计不足下限",
    "below_low": "被隔开的单元合计不足下限，且无法并入相邻网格",
    "no_fit": "与相邻单元无论怎样组合都落不进区间",
}


def _dp_partition(h: Sequence[int], low: float, high: float, target: float):
    """Exact partition of ``h`` into consecutive groups with sums in [low, high].

    Units may be left out.  Among all choices the plan minimises, in order:
    the total of left-out values, the number of left-out units, the sum of
    squared deviations of group totals from ``target``, the number of groups.
    A valid partition of every unit is therefore found whenever one exists.

    Returns
    -------
    list of (start, stop) or (index, None)
        Groups as half-open index ranges and left-out units as ``(i, None)``.
    """
    n = len(h)
    prefix = [0]
    for x in h:
        prefix.append(prefix[-1] + x)
    inf = (math.inf,)
    best: list[tuple] = [(0, 0, 0.0, 0)] + [inf] * n
    back: list[tuple[int, bool]] = [(0, False)] * (n + 1)
    for j in range(1, n + 1):
        b = best[j - 1]
        cand = (b[0] + h[j - 1], b[1] + 1, b[2], b[3])
        best[j], back[j] = cand, (j - 1, False)
        for i in range(j - 1, -1, -1):
            s = prefix[j] - prefix[i]
            if s > high:
                break  # values are non-negative: longer groups only grow
            if s < low or best[i] == inf:
                continue
            b = best[i]
            cand = (b[0], b[1], b[2] + (s - target) ** 2, b[3] + 1)
            if cand < best[j]:
                best[j], back[j] = cand, (i, True)
    out = []
    j = n
    while j > 0:
        i, grouped = back[j]
        out.append((i, j) if grouped else (i, None))
        j = i
    return out[::-1]


def _greedy_partition(h: Sequence[int], low: float, high: float):
    """Walk the units in order, closing a group before it would pass ``high``.

    A group that is closed below ``low`` is left out.  Fast and obvious, but
    it can leave units out where :func:`_dp_partition` places them all.
    """
    out, start, s = [], 0, 0

    def close(stop):  # the open run [start, stop), of total s, becomes a group or is left out
        if stop > start:
            out.extend([(start, stop)] if s >= low else [(k, None) for k in range(start, stop)])

    for j, x in enumerate(h):
        if s + x <= high:
            s += x
            continue
        close(j)
        start, s = j, x
        if x > high:
            out.append((j, None))
            start, s = j + 1, 0
    close(len(h))
    return out


def _reasons(h: Sequence[int], left: list[int], low: float, high: float) -> dict[int, str]:
    """Why each left-out unit could not be placed (a reason code per index)."""
    codes: dict[int, str] = {}
    left_set = set(left)
    n = len(h)
    i = 0
    while i < n:
        if i not in left_set:
            i += 1
            continue
        j = i
        while j < n and j in left_set:
            j += 1
        # run [i, j) of left-out units, split into sub-runs by oversized units
        k = i
        while k < j:
            if h[k] > high:
                codes[k] = "above_high"
                k += 1
                continue
            m = k
            while m < j and h[m] <= high:
                m += 1
            total = sum(h[k:m])
            if total < low:
                code = "tail_below_low" if m == n else "below_low"
            else:
                code = "no_fit"
            for q in range(k, m):
                codes[q] = code
            k = m
        i = j
    return codes
