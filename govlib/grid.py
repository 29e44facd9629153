"""Grid-governance arithmetic from the Quanzhou practices (网格化治理).

The Quanzhou article (施美萍 2022, section 一) reports how several places in the
city organise grids and street heads: Licheng's party street heads and its
community and micro grids, Shishi's "两长一员", Nan'an's three grid levels,
Taishang's unit-grid rule and Jinjiang's mediation rooms.  This module does
three things with those counts, always loading them from the register:

* **ratios** (:func:`ratio`, :data:`RATIOS`) — one published count divided by
  another *for the same place*, computed on the fly and never written back
  into the register.  Ratios the article's counts do not support are listed
  with the reason in :data:`NOT_COMPUTABLE`;
* **grid structures** (:data:`STRUCTURES`, :func:`structure_table`,
  :func:`plot_structures`) — the levels each place reports and how many grids
  of one level sit, on average, under a grid of the level above;
* **grid sizing** (:class:`GridRule`, :func:`unit_grid_rule`,
  :func:`size_grids`, :func:`staff_plan`) — given units in their order along a
  street or a township (villages, compounds), form contiguous unit grids whose
  totals respect the rule (by default Taishang's, read from the register) and
  report the units that cannot be placed.  :func:`hypothetical_units` makes a
  seeded example table, marked as hypothetical, because the article publishes
  no household counts of villages.

Every function that takes a table or bounds checks them and raises
:class:`~govlib.errors.DataError` (bad table) or
:class:`~govlib.errors.ParameterError` (bad bounds or options) naming the
parameter, row and column at fault.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from govlib.data import Register, format_number, load_register
from govlib.errors import DataError, ParameterError, Problem

__all__ = [
    "Ratio", "RATIOS", "NOT_COMPUTABLE", "ratio", "ratios", "ratio_table", "plot_ratios",
    "STRUCTURES", "structure_table", "plot_structures",
    "GridRule", "unit_grid_rule", "implied_totals",
    "GridPlan", "size_grids", "compare_plans", "staff_plan", "hypothetical_units", "plot_plan",
]

#: units whose values are stored in multiples (a value in 万人 counts ten thousands of people)
_SCALE = {"万人": (10_000, "人")}
#: qualifiers a ratio input may carry (a single number, not a rank, range or date)
_SINGLE = ("exact", "approx", "over", "at_least", "under")


# ----------------------------------------------------------------------------
# ratios of published counts
# ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Ratio:
    """A ratio of two published counts of the same place, computed on the fly.

    Attributes
    ----------
    key : str
        Short name (a key of :data:`RATIOS`, or ``"custom"``).
    label_zh : str
        What the ratio measures, in Chinese.
    numerator, denominator : str
        Register ids of the two counts.
    place : str
        The place both counts refer to (the register's ``group``).
    value : float
        numerator / denominator, after converting stored multiples (万人).
    unit : str
        Unit of the result, e.g. ``"户/条"``.
    approx : bool
        True when an input is itself approximate or a bound (约, 超过 …).
    """

    key: str
    label_zh: str
    numerator: str
    denominator: str
    place: str
    value: float
    unit: str
    approx: bool

    def text(self, decimals: int = 1) -> str:
        """The ratio as shown on a page with its unit, marked as derived: ``…户/条（推算）``."""
        sign = "约" if self.approx else ""
        return f"{sign}{format_number(self.value, decimals)}{self.unit}（推算）"


#: ratios the article's counts support: key -> (numerator id, denominator id, label, unit)
RATIOS: dict[str, tuple[str, str, str, str]] = {
    "licheng-households-per-lane": ("qz-licheng-households", "qz-licheng-lanes",
                                    "鲤城区：每条实行街巷长制的街巷平均覆盖住户", "户/条"),
    "licheng-shops-per-lane": ("qz-licheng-shops", "qz-licheng-lanes",
                               "鲤城区：每条实行街巷长制的街巷平均覆盖商户", "户/条"),
    "licheng-micro-per-community": ("qz-licheng-micro-grids", "qz-licheng-community-grids",
                                    "鲤城区：每个社区网格平均下设微网格", "个/个"),
    "shishi-grid-workers-per-lane-head": ("qz-shishi-grid-workers", "qz-shishi-lane-heads",
                                          "石狮市：红色网格员与党员街巷长人数之比", "名/名"),
    "shishi-building-heads-per-lane-head": ("qz-shishi-building-heads", "qz-shishi-lane-heads",
                                            "石狮市：党员楼长与党员街巷长人数之比", "名/名"),
    "nanan-l2-per-l1": ("qz-nanan-grids-l2", "qz-nanan-grids-l1",
                        "南安市：每个一级网格平均对应二级网格", "个/个"),
    "nanan-unit-per-l2": ("qz-nanan-grids-unit", "qz-nanan-grids-l2",
                          "南安市：单元网格与二级网格数之比", "个/个"),
    "tai-units-per-area": ("qz-tai-unit-grids", "qz-tai-grid-areas",
                           "台商投资区：每个网格片区平均包含单元网格", "个/个"),
    "jinjiang-arbiters-per-room": ("qz-jinjiang-arbiters", "qz-jinjiang-rooms",
                                   "晋江市：每个评理调解室平均评理员", "人/个"),
    "quanzhou-people-per-village": ("qz-population", "qz-villages-total",
                                    "泉州市：平均每个村（社区）的常住人口", "人/个"),
}

#: ratios a lesson might want but the article's counts do not support: key -> reason (Chinese)
NOT_COMPUTABLE: dict[str, tuple[str, str]] = {
    "licheng-households-per-street-head": (
        "鲤城区：每名党员街巷长覆盖住户",
        "文章给出街巷数和住户数，没有给出街巷长人数（一条街巷未必只有一名街巷长）。"),
    "shishi-households-per-head": (
        "石狮市：每名街巷长、楼长或网格员覆盖住户",
        "文章给出三类人员的人数，没有给出石狮市的住户数。"),
    "licheng-households-per-grid": (
        "鲤城区：每个社区网格或微网格的住户",
        "鲤城区公布的住户数是街巷长制覆盖的住户，不是网格覆盖的范围，两者口径不同，不能相除。"),
    "nanan-households-per-grid": (
        "南安市：每个单元网格的户数或人口",
        "文章没有给出南安市的户数或人口。"),
    "tai-households-per-grid": (
        "台商投资区：每个单元网格的实际户数",
        "文章只给出划分规则和网格数，没有给出全区户数；按规则只能推出一个区间，不是实测。"),
    "anxi-groups-per-estate": (
        "安溪县：每个小区的楼栋党小组",
        "楼栋党小组数是全县的数，设议事厅的小区数只涉及部分小区，两者范围不同。"),
    "jinjiang-cases-per-room": (
        "晋江市：每个评理室调处的纠纷",
        "文章没有给出调处纠纷的件数。"),
}


def _unit_kinds(reg: Register) -> dict[str, str]:
    return dict(zip(reg.units["unit"], reg.units["kind"]))


def ratio(numerator: str, denominator: str, *, label_zh: str | None = None, unit: str | None = None,
          key: str = "custom", register: Register | None = None) -> Ratio:
    """Divide one published count by another of the same place.

    Parameters
    ----------
    numerator, denominator : str
        Register ids of two counts (unit kind ``count``) with a single value.
    label_zh : str, optional
        What the ratio measures (default: built from the two labels).
    unit : str, optional
        Unit of the result (default ``"<num unit>/<den unit>"``).
    key : str
        Name recorded on the result.
    register : Register, optional

    Returns
    -------
    Ratio

    Raises
    ------
    ValueError
        When an id is a rank, range or date, not a count, when the two figures
        belong to different places (their ``group`` differs), or when the
        denominator is zero.
    """
    reg = register or load_register()
    kinds = _unit_kinds(reg)
    figs = []
    for role, fid in (("numerator", numerator), ("denominator", denominator)):
        f = reg.figure(fid)
        if f.qualifier not in _SINGLE:
            raise ValueError(f"{role} {fid} is a {f.qualifier} figure, not a single count; it cannot enter a ratio")
        if kinds.get(f.unit) != "count":
            raise ValueError(f"{role} {fid} has unit {f.unit!r} (kind {kinds.get(f.unit)}), not a count")
        figs.append(f)
    num, den = figs
    if num.group != den.group:
        raise ValueError(
            f"{numerator} is about {num.group!r} but {denominator} is about {den.group!r}; "
            "a ratio needs both counts for the same place")
    if den.number() == 0:
        raise ValueError(f"denominator {denominator} is zero")
    n_scale, n_unit = _SCALE.get(num.unit, (1, num.unit))
    d_scale, d_unit = _SCALE.get(den.unit, (1, den.unit))
    value = (num.number() * n_scale) / (den.number() * d_scale)
    return Ratio(key=key, label_zh=label_zh or f"{num.label_zh}÷{den.label_zh}",
                 numerator=numerator, denominator=denominator, place=num.group or "",
                 value=value, unit=unit or f"{n_unit}/{d_unit}",
                 approx=num.qualifier != "exact" or den.qualifier != "exact")


def ratios(keys: Sequence[str] | None = None, *, register: Register | None = None) -> list[Ratio]:
    """The named ratios of :data:`RATIOS` (all of them by default), in the given order.

    Raises
    ------
    KeyError
        For a key that is not in :data:`RATIOS`; a key of
        :data:`NOT_COMPUTABLE` gets the reason it cannot be computed.
    """
    out = []
    for k in (list(RATIOS) if keys is None else keys):
        if k in NOT_COMPUTABLE:
            raise KeyError(f"ratio {k!r} cannot be computed: {NOT_COMPUTABLE[k][1]}")
        if k not in RATIOS:
            raise KeyError(f"unknown ratio {k!r}; known: {', '.join(RATIOS)}")
        num, den, label, unit = RATIOS[k]
        out.append(ratio(num, den, label_zh=label, unit=unit, key=k, register=register))
    return out


def ratio_table(keys: Sequence[str] | None = None, *, decimals: int = 1, register: Register | None = None,
                caption: str | None = None):
    """An HTML table of ratios: each input shown in its published wording with its citation.

    The inputs appear as ``gv-fig`` spans (they are register figures); the
    ratio itself is marked ``（推算）`` because the article does not print it.

    Parameters
    ----------
    keys : sequence of str, optional
        Keys of :data:`RATIOS` (default: all).
    decimals : int
        Decimals of the ratio.
    caption : str, optional

    Returns
    -------
    govlib.display.HTML
    """
    from govlib.display import HTML, _esc, fig_span

    reg = register or load_register()
    rows = []
    for r in ratios(keys, register=reg):
        rows.append(
            "<tr>" + "".join(f"<td>{c}</td>" for c in (
                _esc(r.label_zh),
                fig_span(r.numerator, register=reg), fig_span(r.denominator, register=reg),
                _esc(r.text(decimals)),
                _esc(f"分子：{reg.cite(r.numerator)}；分母：{reg.cite(r.denominator)}"),
            )) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in ("比值", "分子（原文）", "分母（原文）", "推算结果", "出处"))
    cap = f"<caption>{_esc(caption)}</caption>" if caption else ""
    return HTML(f'<table class="gv-table">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>',
                f"<{len(rows)} ratios>")


def not_computable_table():
    """An HTML table of the ratios the article's counts cannot support, with the reason."""
    from govlib.display import HTML, _esc

    rows = "".join(f"<tr><td>{_esc(label)}</td><td>{_esc(why)}</td></tr>"
                   for label, why in NOT_COMPUTABLE.values())
    return HTML('<table class="gv-table"><thead><tr><th>想算的比值</th><th>为什么不能算</th></tr></thead>'
                f"<tbody>{rows}</tbody></table>", f"<{len(NOT_COMPUTABLE)} ratios not computable>")


def plot_ratios(keys: Sequence[str], *, ax=None, decimals: int = 1, title: str | None = None,
                register: Register | None = None):
    """Horizontal bars of derived ratios, each labelled as derived (推算).

    Ratios in different units are not comparable on one axis, so all keys
    must share a unit.

    Returns
    -------
    matplotlib.axes.Axes
    """
    rs = ratios(keys, register=register)
    units = {r.unit for r in rs}
    if len(units) > 1:
        raise ValueError(f"ratios in different units cannot share an axis: {', '.join(sorted(units))}")
    import matplotlib.pyplot as plt

    from govlib.plotting import use_cjk_font

    use_cjk_font()
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 0.6 + 0.5 * len(rs)))
    y = list(range(len(rs)))[::-1]
    ax.barh(y, [r.value for r in rs], color="#8c6d31")
    ax.set_yticks(y, [r.label_zh for r in rs])
    for yy, r in zip(y, rs):
        ax.text(r.value, yy, " " + r.text(decimals), va="center", fontsize=9)
    ax.set_xlim(0, max(r.value for r in rs) * 1.35)
    ax.set_xlabel(f"比值（{units.pop()}），由两项公布数字相除推算")
    if title:
        ax.set_title(title)
    return ax


# ----------------------------------------------------------------------------
# grid structures
# ----------------------------------------------------------------------------

#: grid levels each place reports, top level first: place -> [(level label, figure id)]
STRUCTURES: dict[str, list[tuple[str, str]]] = {
    "南安市": [("一级网格", "qz-nanan-grids-l1"), ("二级网格", "qz-nanan-grids-l2"),
             ("单元网格", "qz-nanan-grids-unit")],
    "台商投资区": [("网格片区", "qz-tai-grid-areas"), ("单元网格", "qz-tai-unit-grids")],
    "鲤城区": [("社区网格", "qz-licheng-community-grids"), ("微网格", "qz-licheng-micro-grids")],
}


def structure_table(place: str | None = None, *, register: Register | None = None) -> pd.DataFrame:
    """Levels and grid counts of the places in :data:`STRUCTURES`.

    Parameters
    ----------
    place : str, optional
        One place (default: all).

    Returns
    -------
    pandas.DataFrame
        Columns ``place, level, depth, id, count, per_parent`` where
        ``per_parent`` is count divided by the count of the level above
        (NaN for the top level) — a derived number.
    """
    reg = register or load_register()
    places = list(STRUCTURES) if place is None else [place]
    rows = []
    for p in places:
        if p not in STRUCTURES:
            raise KeyError(f"no grid structure for {p!r}; known: {', '.join(STRUCTURES)}")
        prev = None
        for depth, (level, fid) in enumerate(STRUCTURES[p], start=1):
            n = reg.value(fid)
            rows.append({"place": p, "level": level, "depth": depth, "id": fid, "count": n,
                         "per_parent": n / prev if prev else float("nan")})
            prev = n
    return pd.DataFrame(rows)


def plot_structures(*, register: Register | None = None, title: str | None = None):
    """One panel per place: grids per level, labelled with the published wording.

    Counts differ by two orders of magnitude between levels, so each place
    gets its own panel and its own scale.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from govlib.plotting import use_cjk_font

    use_cjk_font()
    reg = register or load_register()
    tab = structure_table(register=reg)
    places = list(STRUCTURES)
    heights = [len(STRUCTURES[p]) for p in places]
    fig, axes = plt.subplots(len(places), 1, figsize=(7.5, 1.0 + 0.62 * sum(heights)),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    for ax, p in zip(axes[:, 0], places):
        sub = tab[tab["place"] == p]
        y = list(range(len(sub)))[::-1]
        ax.barh(y, sub["count"], color="#2b6a99")
        ax.set_yticks(y, sub["level"])
        for yy, fid, n in zip(y, sub["id"], sub["count"]):
            ax.text(n, yy, " " + reg.figure(fid).text, va="center", fontsize=9)
        ax.set_xlim(0, sub["count"].max() * 1.3)
        ax.set_title(p, loc="left", fontsize=11)
        ax.tick_params(axis="x", labelsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------
# the unit-grid rule
# ----------------------------------------------------------------------------

#: rule bases the register supports: basis -> (column, figure id of the bounds, label)
_BASES = {
    "households": ("households", "qz-tai-grid-households", "户数"),
    "groups": ("groups", "qz-tai-grid-groups", "村民小组数"),
}


@dataclass(frozen=True)
class GridRule:
    """How big a unit grid may be: a total of ``column`` within [low, high].

    Parameters
    ----------
    low, high : float
        Inclusive bounds on a grid's total of ``column``.
    column : str
        The column of the units table that is summed (``households``).
    label_zh : str
        What the column counts, in Chinese (``户数``).
    source_ids : tuple of str
        Register ids the bounds come from (empty for custom bounds).
    population_target : float or None
        An approximate population per grid, if the rule states one.
    population_id : str or None
        Register id of that population figure.
    """

    low: float
    high: float
    column: str = "households"
    label_zh: str = "户数"
    source_ids: tuple[str, ...] = ()
    population_target: float | None = None
    population_id: str | None = None

    def __post_init__(self):
        for name in ("low", "high"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) \
                    or not math.isfinite(v):
                raise ParameterError(f"grid rule: {name} must be a finite number, got {v!r}")
        if self.low < 0:
            raise ParameterError(f"grid rule: low must not be negative, got {self.low!r}")
        if self.high <= 0:
            raise ParameterError(f"grid rule: high must be positive, got {self.high!r}")
        if self.low > self.high:
            raise ParameterError(
                f"grid rule is impossible: low ({self.low:g}) is greater than high ({self.high:g})")

    @property
    def target(self) -> float:
        """The size grids are balanced towards: the midpoint of [low, high]."""
        return (self.low + self.high) / 2

    @property
    def published(self) -> bool:
        """True when the bounds come from the register."""
        return bool(self.source_ids)

    def describe(self) -> str:
        """One Chinese sentence: the bounds and where they come from."""
        lo, hi = format_number(self.low, None), format_number(self.high, None)
        where = f"取自登记表 {', '.join(self.source_ids)}" if self.published else "自定义（非文章数字）"
        return f"每个单元网格的{self.label_zh}在 {lo}–{hi} 之间（含端点），{where}"


def unit_grid_rule(source: str = "register", *, basis: str = "households", low: float | None = None,
                   high: float | None = None, register: Register | None = None) -> GridRule:
    """The unit-grid rule: Taishang's published bounds, or custom ones.

    Parameters
    ----------
    source : {"register", "custom"}
        ``register``: bounds from the register (Taishang investment zone:
        a range of households, or a range of villager groups, per grid; the
        approximate population per grid is attached).  ``custom``: use
        ``low`` and ``high``; they are ignored otherwise.
    basis : {"households", "groups"}
        What a grid's size counts: households, or villager groups (村民小组).
    low, high : float, optional
        Custom bounds (required when ``source="custom"``).
    register : Register, optional

    Returns
    -------
    GridRule

    Raises
    ------
    ParameterError
        For an unknown source or basis, missing custom bounds, or an
        impossible rule (low > high, negative low, non-positive high).
    """
    if basis not in _BASES:
        raise ParameterError(f"basis must be one of {', '.join(_BASES)}, got {basis!r}")
    column, fid, label = _BASES[basis]
    if source == "custom":
        if low is None or high is None:
            raise ParameterError("source='custom' needs both low and high")
        return GridRule(low=low, high=high, column=column, label_zh=label)
    if source != "register":
        raise ParameterError(f"source must be 'register' or 'custom', got {source!r}")
    reg = register or load_register()
    f = reg.figure(fid)
    pop = reg.figure("qz-tai-grid-population")
    return GridRule(low=f.low, high=f.high, column=column, label_zh=label, source_ids=(fid,),
                    population_target=pop.value, population_id=pop.id)


def implied_totals(grid_count_id: str, rule: GridRule, *, register: Register | None = None) -> dict:
    """What a rule implies for a place's total if *every* grid obeyed it.

    E.g. Taishang's grid count times the household bounds gives the range of
    households the zone would have if each unit grid held between low and
    high households.  This is arithmetic on the rule, not a published total.

    Returns
    -------
    dict
        ``grids``, ``low``, ``high`` (totals of ``rule.column``) and
        ``population`` (grids × the rule's population target, or None).
    """
    reg = register or load_register()
    n = reg.value(grid_count_id)
    return {"grids": n, "low": n * rule.low, "high": n * rule.high,
            "population": n * rule.population_target if rule.population_target is not None else None}


# ----------------------------------------------------------------------------
# sizing grids from a table of units
# ----------------------------------------------------------------------------

_REASONS = {
    "above_high": "单元本身超过上限，须拆分后才能入格",
    "tail_below_low": "排在末尾的剩余单元合计不足下限",
    "below_low": "被隔开的单元合计不足下限，且无法并入相邻网格",
    "no_fit": "与相邻单元无论怎样组合都落不进区间",
}


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
        raise DataError(Problem(table, f"must be a pandas DataFrame, got {type(units).__name__}"))
    if units.empty:
        raise DataError(Problem(table, "the table of units is empty; give at least one unit"))
    missing = [c for c in (name_col, column) if c not in units.columns]
    if missing:
        raise DataError([Problem(table, "missing column", column=c) for c in missing])
    df = units.reset_index(drop=True).copy()
    vals = pd.to_numeric(df[column], errors="coerce")
    problems = []
    for i, (raw, v) in enumerate(zip(df[column], vals)):
        name = df.at[i, name_col]
        where = f"row {i + 1} ({name})"
        if pd.isna(v) or not math.isfinite(v):
            problems.append(Problem(table, f"{where}: must be a number", column=column, value=raw))
        elif v < 0:
            problems.append(Problem(table, f"{where}: must not be negative", column=column, value=raw))
        elif v != int(v):
            problems.append(Problem(table, f"{where}: must be a whole number", column=column, value=raw))
    if df[name_col].isna().any():
        i = int(np.flatnonzero(df[name_col].isna().to_numpy())[0])
        problems.append(Problem(table, f"row {i + 1}: unit name is empty", column=name_col))
    if problems:
        raise DataError(problems)
    df[column] = vals.astype("int64")
    return df


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
    for j, x in enumerate(h):
        if s + x <= high:
            s += x
            continue
        # close [start, j)
        if j > start:
            out += [(start, j)] if s >= low else [(k, None) for k in range(start, j)]
        start, s = j, x
        if x > high:
            out.append((j, None))
            start, s = j + 1, 0
    if len(h) > start:
        out += [(start, len(h))] if s >= low else [(k, None) for k in range(start, len(h))]
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


def size_grids(units: pd.DataFrame, rule: GridRule, *, name_col: str = "name", method: str = "dp",
               table: str = "units") -> GridPlan:
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
    from govlib.synthetic import mark, provenance

    info = provenance(units)
    if info:  # results made from hypothetical units are hypothetical too
        for frame in (plan.units, plan.grids, plan.unplaced):
            mark(frame, info["kind"], info["how"])
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
    from govlib.synthetic import mark, provenance

    info = provenance(first.units)
    return mark(out, info["kind"], info["how"]) if info else out


def staff_plan(plan: GridPlan | int, per_grid: Mapping[str, float]) -> pd.DataFrame:
    """Staff a set of grids needs at given per-grid ratios.

    The article gives no staffing ratio per grid (only that Taishang's police,
    grid workers and resident cadres work together, "三员协同"), so the ratios
    are assumptions the caller states; each role's total is rounded up.

    Parameters
    ----------
    plan : GridPlan or int
        A plan, or a number of grids.
    per_grid : mapping
        Role name -> people per grid (may be fractional, e.g. 0.5 for one
        person per two grids); must be non-negative.

    Returns
    -------
    pandas.DataFrame
        Columns ``role, per_grid, grids, staff``.
    """
    n = plan.n_grids if isinstance(plan, GridPlan) else plan
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ParameterError(f"number of grids must be a non-negative whole number, got {n!r}")
    if not per_grid:
        raise ParameterError("per_grid must name at least one role")
    rows = []
    for role, k in per_grid.items():
        if isinstance(k, bool) or not isinstance(k, (int, float, np.integer, np.floating)) \
                or not math.isfinite(k) or k < 0:
            raise ParameterError(f"per_grid[{role!r}] must be a non-negative number, got {k!r}")
        rows.append({"role": role, "per_grid": float(k), "grids": int(n),
                     "staff": int(math.ceil(round(k * n, 9)))})
    return pd.DataFrame(rows)


def hypothetical_units(n: int, *, seed: int, rule: GridRule | None = None, n_large: int = 0,
                       mean_households: float = 150, spread: float = 0.45, prefix: str = "示例村",
                       persons_per_household: tuple[float, float] = (2.6, 3.6)) -> pd.DataFrame:
    """A made-up, seeded table of units in order, marked hypothetical.

    The article publishes no household counts of villages, so examples and
    exercises use these.  Each unit has 1–2 villager groups, a household count
    drawn log-normally around ``mean_households`` and a population of
    households × a persons-per-household draw.  ``n_large`` units, at random
    positions, are made too big for one grid under ``rule``: their value in
    ``rule.column`` exceeds ``rule.high``.

    Parameters
    ----------
    n : int
        Number of units (at least 1).
    seed : int
        Seed of the random generator.
    rule : GridRule, optional
        Needed when ``n_large > 0``: the rule the large units must break.
    n_large : int
        Number of oversized units.
    mean_households : float
        Typical households per unit (an assumption, not a published figure).
    spread : float
        Log-scale standard deviation of households.
    prefix : str
        Unit names are ``prefix`` + a zero-padded number.
    persons_per_household : (float, float)
        Range of the uniform draw of persons per household.

    Returns
    -------
    pandas.DataFrame
        Columns ``name, households, groups, population``, marked with
        :func:`govlib.synthetic.mark` as ``hypothetical``.

    Raises
    ------
    ParameterError
        For n < 1, a non-positive mean, n_large outside [0, n], or n_large
        without a rule.
    """
    from govlib.synthetic import mark

    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ParameterError(f"n must be a whole number of at least 1, got {n!r}")
    if not (mean_households > 0 and spread >= 0):
        raise ParameterError("mean_households must be positive and spread non-negative")
    if n_large < 0 or n_large > n:
        raise ParameterError(f"n_large must be between 0 and n ({n}), got {n_large}")
    if n_large and not isinstance(rule, GridRule):
        raise ParameterError("n_large > 0 needs the rule the large units should break (rule=…)")
    rng = np.random.default_rng(seed)
    groups = rng.integers(1, 3, n)
    hh = np.maximum(1, np.round(mean_households * np.exp(rng.normal(0, spread, n) - spread ** 2 / 2))).astype(int)
    if n_large:
        where = rng.choice(n, size=n_large, replace=False)
        if rule.column == "groups":
            groups[where] = int(math.floor(rule.high)) + rng.integers(1, 3, n_large)
            hh[where] = np.round(mean_households * groups[where] / 1.5).astype(int)
        else:
            hh[where] = np.round(rule.high * rng.uniform(1.1, 1.6, n_large)).astype(int)
    lo, hi = persons_per_household
    pop = np.round(hh * rng.uniform(lo, hi, n)).astype(int)
    width = max(2, len(str(n)))
    df = pd.DataFrame({"name": [f"{prefix}{i + 1:0{width}d}" for i in range(n)],
                       "households": hh, "groups": groups, "population": pop})
    how = (f"随机种子 {seed}；{n} 个单元按给定顺序排列，户数围绕 {mean_households:g} 户随机生成"
           + (f"，其中 {n_large} 个单元故意超过规则上限" if n_large else "") + "。")
    return mark(df, "hypothetical", how)


def plot_plan(plan: GridPlan, *, title: str | None = None):
    """Two panels: each unit's value coloured by its grid, and each grid's total against the rule.

    Units left out are drawn hatched in grey.  Returns the figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from govlib.plotting import use_cjk_font

    use_cjk_font()
    rule, df, c = plan.rule, plan.units, plan.rule.column
    n = len(df)
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(max(7.5, 0.32 * n + 2), 6.2),
                                   gridspec_kw={"height_ratios": [1.1, 1]})
    palette = ["#2b6a99", "#d08c2f"]
    colors, hatches = [], []
    for g in df["grid"]:
        if pd.isna(g):
            colors.append("#bbbbbb")
            hatches.append("//")
        else:
            colors.append(palette[(int(g) - 1) % 2])
            hatches.append("")
    bars = ax1.bar(range(n), df[c], color=colors, edgecolor="white")
    for b, hatch in zip(bars, hatches):
        b.set_hatch(hatch)
    ax1.set_xticks(range(n), df[plan.name_col].astype(str), rotation=90, fontsize=8)
    ax1.set_ylabel(rule.label_zh)
    ax1.set_title("各单元（按原有顺序），颜色交替表示所属网格", loc="left", fontsize=10)
    ax1.legend(handles=[Patch(color=palette[0], label="网格（奇数号）"),
                        Patch(color=palette[1], label="网格（偶数号）"),
                        Patch(facecolor="#bbbbbb", hatch="//", label="未能入格")],
               fontsize=8, loc="upper right", ncol=3)
    ax1.set_ylim(0, df[c].max() * 1.3 if n else 1)
    if plan.n_grids:
        g = plan.grids
        ax2.bar(g["grid"], g["total"], color=[palette[(k - 1) % 2] for k in g["grid"]])
        ax2.set_xticks(g["grid"], [str(k) for k in g["grid"]], fontsize=8)
        ax2.set_xlim(0.3, max(g["grid"]) + 0.7)
        ax2.set_ylim(0, max(g["total"].max(), rule.high) * 1.15)
    ax2.axhspan(rule.low, rule.high, color="#4caf50", alpha=0.15, zorder=0,
                label=f"规则区间 {format_number(rule.low, None)}–{format_number(rule.high, None)}")
    ax2.set_xlabel("网格编号")
    ax2.set_ylabel(f"网格{rule.label_zh}合计")
    ax2.set_title("各网格合计与规则区间", loc="left", fontsize=10)
    ax2.legend(fontsize=8, loc="upper right")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
