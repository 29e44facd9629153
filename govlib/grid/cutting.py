"""Drawing unit grids the way the Taishang article describes: across old boundaries.

The Quanzhou article says Taishang drew its unit grids by size (a range of
households, or of villager groups, per grid) and *broke the old villager-group
boundaries* to do it, so that every household falls in some grid (seamless
coverage).  :func:`cut_grids` models that procedure:

1. walk along the units in their order (the households form one line);
2. a *stretch* between two village boundaries can hold ``m`` grids when
   ``total / high <= m <= total / low``; it is cut into ``m`` nearly equal
   grids, which splits villages at ``m - 1`` places (a stretch of whole
   villages that fits the rule needs no split);
3. choose the stretches (exact dynamic programming over village
   boundaries) so that, in order, the fewest villages are split and grid
   sizes stay closest to the middle of the range — villages are cut only
   where the rule leaves no other way;
4. when no choice keeps every grid inside the rule (e.g. all units add up
   to less than ``low``), cut the whole line into the number of grids
   :func:`choose_grid_count` gives and flag the grids that break it.

Every household is placed; units cut by a grid boundary are listed with the
part that goes to each grid.  The whole-unit method of
:func:`govlib.grid.sizing.size_grids` is kept for comparison: it glues whole
villages and may leave some out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from govlib.errors import ParameterError
from govlib.grid.rule import GridRule
from govlib.grid.sizing import _carry_mark, _check_units


@dataclass
class CutPlan:
    """The result of :func:`cut_grids` (columns in Chinese, ready to show).

    Attributes
    ----------
    rule : GridRule
    grids : pandas.DataFrame
        One row per grid: 网格, 起始单元, 结束单元, 涉及单元数, 组成 (unit
        names with the amount taken from each), 合计 (rule column),
        符合规则 (是/否).
    pieces : pandas.DataFrame
        One row per (grid, unit) piece: 网格, 单元, 份额, 单元合计, 是否拆分.
    split_units : pandas.DataFrame
        Units cut by a grid boundary: 单元, 单元合计, 分入网格, 各部分.
    """

    rule: GridRule
    grids: pd.DataFrame
    pieces: pd.DataFrame
    split_units: pd.DataFrame
    total: int

    @property
    def n_grids(self) -> int:
        """Number of grids (every household is in one)."""
        return len(self.grids)

    @property
    def n_outside_rule(self) -> int:
        """Grids whose total breaks the rule (only when no grid count satisfies it)."""
        return int((self.grids["符合规则"] == "否").sum())

    def summary(self) -> pd.DataFrame:
        """项目/数值 table: units, grids, grids breaking the rule, split units, total, smallest/largest grid."""
        lab = self.rule.label_zh
        rows = [("网格数", self.n_grids), ("不符合规则的网格数", self.n_outside_rule),
                ("被拆分的单元数", len(self.split_units)), ("未入格的" + lab, 0),
                (f"网格{lab}最小值", int(self.grids["合计"].min())),
                (f"网格{lab}最大值", int(self.grids["合计"].max())), (f"全部{lab}合计", self.total)]
        return pd.DataFrame(rows, columns=["项目", "数值"], dtype=object)


def choose_grid_count(total: int, low: float, high: float) -> tuple[int, bool]:
    """The number of grids for *total* under [low, high], and whether the rule can be met.

    Returns
    -------
    (k, feasible)
        ``feasible`` is True when every grid can lie in [low, high].

    Examples
    --------
    >>> choose_grid_count(800, 300, 500)   # 2 grids of 400
    (2, True)
    >>> choose_grid_count(550, 300, 500)   # 1 grid is 50 too big, 2 grids are 25 too small each
    (2, False)
    """
    if total <= 0:
        raise ParameterError(f"the units add up to {total}; there is nothing to divide into grids")
    target = (low + high) / 2
    lo_k = max(1, math.ceil(total / high))
    hi_k = math.floor(total / low) if low > 0 else lo_k + int(total)
    ks = range(lo_k, hi_k + 1)
    if ks:
        return min(ks, key=lambda k: (abs(total / k - target), k)), True

    def miss(k):  # how far the mean size falls outside the range
        m = total / k
        return max(low - m, m - high, 0)
    cands = [k for k in (lo_k - 1, lo_k, hi_k, hi_k + 1) if k >= 1]
    return min(cands, key=lambda k: (miss(k), k)), False


def _equal_cuts(start: int, total: int, m: int) -> list[int]:
    """Edges cutting [start, start + total) into m nearly equal whole parts (first ones larger)."""
    base, extra = divmod(total, m)
    out, acc = [], start
    for g in range(m - 1):
        acc += base + (1 if g < extra else 0)
        out.append(acc)
    return out


def _stretch_grids(total: int, low: float, high: float) -> int | None:
    """The fewest grids a stretch of *total* can form within [low, high], or None."""
    if total <= 0:
        return None
    m = max(1, math.ceil(total / high))
    return m if total / m >= low else None


def _plan_edges(h: list[int], low: float, high: float) -> list[int]:
    """Grid edges (positions on the household line, 0 … total) for units *h*.

    Dynamic programming over village boundaries: minimise (villages split,
    squared deviation of grid sizes from the middle of the range).
    """
    n = len(h)
    prefix = [0]
    for x in h:
        prefix.append(prefix[-1] + x)
    total = prefix[-1]
    target = (low + high) / 2
    inf = (math.inf, math.inf)
    best = [(0, 0.0)] + [inf] * n
    back = [(-1, 0)] * (n + 1)
    for j in range(1, n + 1):
        for i in range(j):
            if best[i] == inf:
                continue
            span = prefix[j] - prefix[i]
            m = _stretch_grids(span, low, high)
            if m is None:
                continue
            cand = (best[i][0] + m - 1, best[i][1] + m * (span / m - target) ** 2)
            if cand < best[j]:
                best[j], back[j] = cand, (i, m)
    if best[n] == inf:  # no plan keeps every grid in the rule: cut the whole line evenly, flag the grids
        k, _ = choose_grid_count(total, low, high)
        return [0, *_equal_cuts(0, total, k), total]
    edges, j = [total], n
    while j > 0:
        i, m = back[j]
        edges.extend(reversed(_equal_cuts(prefix[i], prefix[j] - prefix[i], m)))
        edges.append(prefix[i])
        j = i
    return edges[::-1]




def cut_grids(units: pd.DataFrame, rule: GridRule, *, name_col: str = "name", table: str = "单位表") -> CutPlan:
    """Divide units in order into grids of the rule's size, splitting units where needed.

    Parameters
    ----------
    units : pandas.DataFrame
        One row per unit with ``name_col`` and ``rule.column`` (non-negative
        whole numbers), in their order on the ground.
    rule : GridRule
    name_col : str
    table : str
        Name of the table in error messages.

    Returns
    -------
    CutPlan

    Raises
    ------
    DataError
        As :func:`~govlib.grid.sizing.size_grids` (bad table).
    ParameterError
        A rule that is not a GridRule, or units that add up to zero.

    Examples
    --------
    Three villages of 250 households, grids of 300–500 households: two grids
    of 375, the middle village split 125 + 125.

    >>> df = pd.DataFrame({"name": ["甲", "乙", "丙"], "households": [250, 250, 250]})
    >>> plan = cut_grids(df, GridRule(300, 500))
    >>> plan.grids["合计"].tolist(), plan.split_units["单元"].tolist()
    ([375, 375], ['乙'])
    """
    if not isinstance(rule, GridRule):
        raise ParameterError(f"rule must be a GridRule (see unit_grid_rule), got {type(rule).__name__}")
    c = rule.column
    df = _check_units(units, c, name_col, table)
    h = [int(x) for x in df[c]]
    names = df[name_col].astype(str).tolist()
    total = sum(h)
    if total <= 0:
        raise ParameterError(f"the units add up to {total}; there is nothing to divide into grids")
    edges = _plan_edges(h, rule.low, rule.high)
    pieces, starts, acc = [], [], 0
    for x in h:
        starts.append(acc)
        acc += x
    k = len(edges) - 1
    for g in range(k):
        a, b = edges[g], edges[g + 1]
        for i, (s0, x) in enumerate(zip(starts, h)):
            part = min(b, s0 + x) - max(a, s0)
            if part > 0 or (x == 0 and a <= s0 < b):
                pieces.append({"网格": g + 1, "单元": names[i], "_i": i, "份额": int(part), "单元合计": x})
    pz = pd.DataFrame(pieces)
    n_grids_of = pz.groupby("_i")["网格"].nunique()
    pz["是否拆分"] = ["是" if n_grids_of[i] > 1 else "否" for i in pz["_i"]]
    rows = []
    for g, sub in pz.groupby("网格", sort=True):
        tot = int(sub["份额"].sum())
        parts = "、".join(f"{u}{'（' + str(p) + '）' if s == '是' else ''}"
                         for u, p, s in zip(sub["单元"], sub["份额"], sub["是否拆分"]))
        rows.append({"网格": int(g), "起始单元": sub["单元"].iloc[0], "结束单元": sub["单元"].iloc[-1],
                     "涉及单元数": len(sub), "组成": parts, "合计": tot,
                     "符合规则": "是" if rule.low <= tot <= rule.high else "否"})
    grids = pd.DataFrame(rows)
    split = pz[pz["是否拆分"] == "是"].groupby("_i", sort=True)
    srows = [{"单元": sub["单元"].iloc[0], "单元合计": int(sub["单元合计"].iloc[0]),
              "分入网格": "、".join(str(x) for x in sub["网格"]),
              "各部分": " + ".join(str(x) for x in sub["份额"])} for _, sub in split]
    split_units = pd.DataFrame(srows, columns=["单元", "单元合计", "分入网格", "各部分"])
    pz = pz.drop(columns="_i").reset_index(drop=True)
    plan = CutPlan(rule=rule, grids=grids, pieces=pz, split_units=split_units, total=total)
    _carry_mark(units, plan.grids, plan.pieces, plan.split_units)
    return plan
