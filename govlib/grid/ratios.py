"""Ratios of published counts: one count divided by another for the same place.

Ratios are computed on the fly and never written back into the register.
:data:`RATIOS` lists the ratios the Quanzhou article's counts support and
:data:`NOT_COMPUTABLE` those a lesson might want but the counts do not
support, each with the reason.  :func:`ratio_table` and
:func:`not_computable_table` show them as HTML; the chart is
:func:`govlib.grid.charts.plot_ratios`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from govlib.data import Register, format_number, load_register
from govlib.display import _esc, fig_span, html_table


#: units whose values are stored in multiples (a value in 万人 counts ten thousands of people)
_SCALE = {"万人": (10_000, "人")}
#: qualifiers a ratio input may carry (a single number, not a rank, range or date)
_SINGLE = ("exact", "approx", "over", "at_least", "under")


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
    reg = register or load_register()
    rows = [(_esc(r.label_zh),
             fig_span(r.numerator, register=reg), fig_span(r.denominator, register=reg),
             _esc(r.text(decimals)),
             _esc(f"分子：{reg.cite(r.numerator)}；分母：{reg.cite(r.denominator)}"))
            for r in ratios(keys, register=reg)]
    return html_table(("比值", "分子（原文）", "分母（原文）", "推算结果", "出处"), rows, caption=caption,
                      plain=f"<{len(rows)} ratios>")


def not_computable_table():
    """An HTML table of the ratios the article's counts cannot support, with the reason."""
    rows = [(_esc(label), _esc(why)) for label, why in NOT_COMPUTABLE.values()]
    return html_table(("想算的比值", "为什么不能算"), rows, plain=f"<{len(NOT_COMPUTABLE)} ratios not computable>")
