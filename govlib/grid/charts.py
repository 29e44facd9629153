"""Charts of the grid arithmetic: ratios, grid structures and grid plans.

matplotlib is imported only when a chart is drawn (:func:`_pyplot`), so
importing :mod:`govlib.grid` stays light.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from govlib.data import Register, format_number, load_register
from govlib.grid.ratios import ratios
from govlib.grid.sizing import GridPlan
from govlib.grid.structure import STRUCTURES, structure_table


def _pyplot():
    """matplotlib.pyplot with the CJK font in use, imported only when a chart is drawn."""
    import matplotlib.pyplot as plt

    from govlib.plotting import use_cjk_font

    use_cjk_font()
    return plt


def _finish(fig, title: str | None):
    """Give a figure its title, if any, tighten its layout and return it."""
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


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
    plt = _pyplot()
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


def plot_structures(*, register: Register | None = None, title: str | None = None):
    """One panel per place: grids per level, labelled with the published wording.

    Counts differ by two orders of magnitude between levels, so each place
    gets its own panel and its own scale.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _pyplot()
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
    return _finish(fig, title)


def plot_plan(plan: GridPlan, *, title: str | None = None):
    """Two panels: each unit's value coloured by its grid, and each grid's total against the rule.

    Units left out are drawn hatched in grey.  Returns the figure.
    """
    from matplotlib.patches import Patch

    plt = _pyplot()
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
    return _finish(fig, title)
