"""Sizing grids from a table of units, comparing plans and staffing them.

:func:`size_grids` forms contiguous unit grids from units in their order
along a street or a township (villages, compounds) so that grid totals
respect a :class:`~govlib.grid.rule.GridRule`, and reports the units that
cannot be placed; the result is a :class:`GridPlan`.  :func:`compare_plans`
sets plans side by side and :func:`staff_plan` counts the staff a number of
grids needs at stated per-grid ratios.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from govlib.errors import DataError, ParameterError, Problem
from govlib.grid._checks import is_number, is_whole
from govlib.grid.partition import _REASONS, _dp_partition, _greedy_partition, _reasons
from govlib.grid.rule import GridRule


@dataclass
class GridPlan:
    """The result of :func:`size_grids`.

    Attributes
    ----------
    rule : GridRule
    method : str
        ``"dp"`` (exact) or ``"greedy"``.
    units : pandas.DataFrame
        The input table (same order) with ``grid`` (1, 2, … or <NA>) and
        ``reason`` (empty, or why the unit could not be placed).
    grids : pandas.DataFrame
        One row per grid: ``grid, first, last, n_units, members, total`` and,
        when the units have a ``population`` column, ``population``.
    unplaced : pandas.DataFrame
        The units that are in no grid, with ``reason_code`` and ``reason``.
    """

    rule: GridRule
    method: str
    units: pd.DataFrame
    grids: pd.DataFrame
    unplaced: pd.DataFrame
    name_col: str = "name"
    attrs: dict = field(default_factory=dict)

    @property
    def feasible(self) -> bool:
        """True when every unit is in a grid."""
        return self.unplaced.empty

    @property
    def n_grids(self) -> int:
        """Number of grids formed."""
        return len(self.grids)

    @property
    def uncovered(self) -> float:
        """Total of ``rule.column`` over the units left out."""
        return float(self.unplaced[self.rule.column].sum()) if not self.unplaced.empty else 0.0

    def summary(self) -> pd.DataFrame:
        """A two-column table (项目, 数值) describing the plan, in Chinese.

        Whole numbers are kept as integers (no trailing ``.0``); a plan without
        grids has NaN for the smallest and largest grid.
        """
        c = self.rule.column

        def num(v):  # whole numbers print without a trailing ".0"
            v = float(v)
            return int(v) if v.is_integer() else v

        rows = [("单元数", len(self.units)),
                ("形成网格数", self.n_grids),
                ("未能入格的单元数", len(self.unplaced)),
                (f"未入格单元的{self.rule.label_zh}合计", self.uncovered),
                (f"网格{self.rule.label_zh}最小值", self.grids["total"].min() if self.n_grids else float("nan")),
                (f"网格{self.rule.label_zh}最大值", self.grids["total"].max() if self.n_grids else float("nan")),
                (f"全部单元{self.rule.label_zh}合计", float(self.units[c].sum()))]
        return pd.DataFrame([(k, num(v) if v == v else v) for k, v in rows], columns=["项目", "数值"],
                            dtype=object)


def _check_units(units, column: str, name_col: str, table: str) -> pd.DataFrame:
    """Validate a units table; return a copy with a clean RangeIndex."""
    if not isinstance(units, pd.DataFrame):
        raise DataError(Problem(table, f"应是一张表（pandas DataFrame），现为 {type(units).__name__}"))
    if units.empty:
        raise DataError(Problem(table, "是空的；至少要有一个单位"))
    missing = [c for c in (name_col, column) if c not in units.columns]
    if missing:
        raise DataError([Problem(table, "缺少这一列", column=c) for c in missing])
    df = units.reset_index(drop=True).copy()
    vals = pd.to_numeric(df[column], errors="coerce")
    problems = []
    for i, (raw, v) in enumerate(zip(df[column], vals)):
        name = df.at[i, name_col]
        where = f"第 {i + 1} 行（{name}）"
        if pd.isna(v) or not math.isfinite(v):
            problems.append(Problem(table, f"{where}：应为数字", column=column, value=raw))
        elif v < 0:
            problems.append(Problem(table, f"{where}：不能是负数", column=column, value=raw))
        elif v != int(v):
            problems.append(Problem(table, f"{where}：应为整数", column=column, value=raw))
    if df[name_col].isna().any():
        i = int(np.flatnonzero(df[name_col].isna().to_numpy())[0])
        problems.append(Problem(table, f"第 {i + 1} 行：单位名称是空的", column=name_col))
    if problems:
        raise DataError(problems)
    df[column] = vals.astype("int64")
    return df


def _carry_mark(source: pd.DataFrame, *frames: pd.DataFrame) -> None:
    """Mark ``frames`` (in place) as synthetic or hypothetical when ``source`` is so marked."""
    from govlib.synthetic import mark, provenance

    info = provenance(source)
    if info:
        for frame in frames:
            mark(frame, info["kind"], info["how"])


def size_grids(units: pd.DataFrame, rule: GridRule, *, name_col: str = "name", method: str = "dp",
               table: str = "单位表") -> GridPlan:
    """Form contiguous unit grids from units in their given order.

    Units (villages, villager groups, compounds) keep the order they have in
    the table — the order along a street or across a township — and a grid
    is a run of consecutive units whose total of ``rule.column`` lies within
    ``[rule.low, rule.high]``.

    Parameters
    ----------
    units : pandas.DataFrame
        One row per unit with a name column and the rule's column
        (non-negative whole numbers).  A ``population`` column, if present,
        is summed per grid too.
    rule : GridRule
        From :func:`unit_grid_rule`.
    name_col : str
        Column with unit names.
    method : {"dp", "greedy"}
        ``dp`` (default) is exact: it places every unit whenever some
        partition allows it, and otherwise leaves out as few households (then
        units) as possible, keeping grid totals close to the middle of the
        range.  ``greedy`` fills each grid up to ``high`` in one pass; it is
        here to show why the exact method is needed.
    table : str
        Name used for the table in error messages.

    Returns
    -------
    GridPlan

    Raises
    ------
    DataError
        Empty table, missing column, a value that is negative, not a number
        or not whole (the message names the row and column).
    ParameterError
        Unknown method or a rule that is not a :class:`GridRule`.

    Examples
    --------
    >>> rule = GridRule(low=3, high=5, column="groups")
    >>> df = pd.DataFrame({"name": list("abcd"), "groups": [2, 1, 2, 3]})
    >>> size_grids(df, rule).grids["members"].tolist()
    ['a、b', 'c、d']
    """
    if not isinstance(rule, GridRule):
        raise ParameterError(f"rule must be a GridRule (see unit_grid_rule), got {type(rule).__name__}")
    if method not in ("dp", "greedy"):
        raise ParameterError(f"method must be 'dp' or 'greedy', got {method!r}")
    c = rule.column
    df = _check_units(units, c, name_col, table)
    h = df[c].tolist()
    parts = (_dp_partition(h, rule.low, rule.high, rule.target) if method == "dp"
             else _greedy_partition(h, rule.low, rule.high))
    grid_no = pd.array([pd.NA] * len(df), dtype="Int64")
    rows, left = [], []
    has_pop = "population" in df.columns
    for start, stop in parts:
        if stop is None:
            left.append(start)
            continue
        g = len(rows) + 1
        grid_no[start:stop] = g
        names = df[name_col].iloc[start:stop].astype(str).tolist()
        row = {"grid": g, "first": names[0], "last": names[-1], "n_units": stop - start,
               "members": "、".join(names), "total": int(sum(h[start:stop]))}
        if has_pop:
            pop = float(pd.to_numeric(df["population"].iloc[start:stop]).sum())
            row["population"] = int(pop) if pop.is_integer() else pop
        rows.append(row)
    codes = _reasons(h, left, rule.low, rule.high)
    df["grid"] = grid_no
    df["reason"] = [_REASONS[codes[i]] if i in codes else "" for i in range(len(df))]
    cols = ["grid", "first", "last", "n_units", "members", "total"] + (["population"] if has_pop else [])
    grids = pd.DataFrame(rows, columns=cols)
    unplaced = df.loc[left, [name_col, c]].copy()
    unplaced["reason_code"] = [codes[i] for i in left]
    unplaced["reason"] = [_REASONS[codes[i]] for i in left]
    plan = GridPlan(rule=rule, method=method, units=df, grids=grids, unplaced=unplaced, name_col=name_col)
    # results made from hypothetical units are hypothetical too
    _carry_mark(units, plan.units, plan.grids, plan.unplaced)
    return plan


def compare_plans(plans: Mapping[str, GridPlan]) -> pd.DataFrame:
    """Summaries of several plans side by side (one column per plan).

    Parameters
    ----------
    plans : mapping
        Column heading -> plan (e.g. ``{"精确方法": dp, "贪心方法": greedy}``).

    Returns
    -------
    pandas.DataFrame
        Indexed by the rows of :meth:`GridPlan.summary`.
    """
    if not plans:
        raise ParameterError("plans must hold at least one plan")
    cols = {name: p.summary().set_index("项目")["数值"] for name, p in plans.items()}
    out = pd.DataFrame(cols)
    out.index.name = "项目"
    first = next(iter(plans.values()))
    _carry_mark(first.units, out)
    return out


def staff_plan(plan: GridPlan | int, per_grid: Mapping[str, float]) -> pd.DataFrame:
    """Staff a set of grids needs at given per-grid ratios.

    The article gives no staffing ratio per grid (only that Taishang's police,
    grid workers and resident cadres work together, "三员协同"), so the ratios
    are assumptions the caller states; each role's total is rounded up.

    Parameters
    ----------
    plan : GridPlan, CutPlan or int
        A plan (its ``n_grids``), or a number of grids.  Note that a
        :class:`GridPlan` counts only the grids it formed: households left
        out of it are staffed by nobody.
    per_grid : mapping
        Role name -> people per grid (may be fractional, e.g. 0.5 for one
        person per two grids); must be non-negative.

    Returns
    -------
    pandas.DataFrame
        Columns ``role, per_grid, grids, staff``.
    """
    n = plan if isinstance(plan, (int, np.integer)) else getattr(plan, "n_grids", plan)
    if not is_whole(n) or n < 0:
        raise ParameterError(f"number of grids must be a non-negative whole number, got {n!r}")
    if not per_grid:
        raise ParameterError("per_grid must name at least one role")
    rows = []
    for role, k in per_grid.items():
        if not is_number(k) or k < 0:
            raise ParameterError(f"per_grid[{role!r}] must be a non-negative number, got {k!r}")
        rows.append({"role": role, "per_grid": float(k), "grids": int(n),
                     "staff": int(math.ceil(round(k * n, 9)))})
    return pd.DataFrame(rows)


#: English column names of the grid tables -> Chinese headings for the page
ZH_COLUMNS = {
    "name": "单元名称", "households": "户数", "groups": "村民小组数", "population": "人口",
    "grid": "网格", "first": "起始单元", "last": "结束单元", "n_units": "单元数", "members": "组成",
    "total": "合计", "reason": "原因", "reason_code": "原因代码",
    "role": "岗位", "per_grid": "每格人数", "grids": "网格数", "staff": "所需人数",
}


def zh_columns(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of a grid table with Chinese column headings (:data:`ZH_COLUMNS`), for showing on a page.

    Keeps the synthetic/hypothetical mark of the table.
    """
    out = df.rename(columns={k: v for k, v in ZH_COLUMNS.items() if k in df.columns})
    _carry_mark(df, out)
    return out
