"""Charts of the mechanism (matplotlib, loaded only when a chart is drawn).

Every function returns a :class:`matplotlib.figure.Figure`; *caption* is
written under the x-axis (say there whether the data are hypothetical).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from govlib.evaluation.scores import STATUS_ZH, composite_of
from govlib.evaluation.simulation import Simulation
from govlib.evaluation.vote import READINGS, threshold_or_default, vote_table
from govlib.evaluation.weights import COMPONENT_ZH, COMPONENTS, weights_or_default

__all__ = ["plot_quarter", "plot_dimensions", "plot_vote_rule", "plot_poll_spread", "plot_poll_histogram",
           "plot_status_frequencies", "plot_swap_rates", "plot_stability", "plot_rank_bump", "plot_rank_ranges",
           "plot_allocation"]

_COLORS = {"self": "#c9a227", "peer": "#4c72b0", "poll": "#b22222"}
_STATUS_COLORS = {"commend": "#2e7d32", "pass": "#9e9e9e", "rectify": "#c62828"}


def pyplot():
    """``matplotlib.pyplot``, imported on first use, with a font that shows Chinese."""
    import matplotlib.pyplot as plt

    from govlib.plotting import use_cjk_font

    use_cjk_font()
    return plt


def _footer(fig, text: str | None, ax=None) -> None:
    """Write a caption under the x-axis label of *ax* (default: the first axes)."""
    if text:
        import textwrap

        ax = ax or fig.axes[0]
        ax.annotate("\n".join(textwrap.wrap(text, 60)), xy=(0, 0), xycoords="axes fraction",
                    xytext=(0, -44), textcoords="offset points", ha="left", va="top", fontsize=8,
                    color="#444444", annotation_clip=False)


def _row_figure(plt, rows: int):
    """A figure 8 inches wide with one 0.42-inch band per row of a horizontal chart; ``(fig, ax)``."""
    return plt.subplots(figsize=(8, 0.6 + 0.42 * rows))


def _legend_above(ax, *, ncol: int, fontsize: float = 9) -> None:
    """A legend in *ncol* columns just above the axes, without a frame."""
    ax.legend(fontsize=fontsize, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=ncol, frameon=False)


def _finish(fig, ax, title: str, caption: str | None, *, pad: float | None = None):
    """Give *ax* its title (if any) and *fig* its caption (:func:`_footer`); return *fig*."""
    if title:
        ax.set_title(title, pad=pad)
    _footer(fig, caption)
    return fig


def plot_quarter(totals: pd.DataFrame, *, weights=None, commend_at: float | None = None,
                 rectify_below: float | None = None, title: str = "", caption: str | None = None,
                 register=None):
    """Stacked bars of each unit's weighted self, peer and poll parts, best on top, with threshold lines.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = pyplot()
    w = weights_or_default(weights, register)
    t = totals.copy()
    t["composite"] = composite_of(t, w)
    t = t.sort_values("composite")
    fig, ax = plt.subplots(figsize=(8, 0.5 + 0.42 * len(t)))
    left = np.zeros(len(t))
    y = np.arange(len(t))
    for c in COMPONENTS:
        part = w[c] * t[c].to_numpy(float)
        ax.barh(y, part, left=left, color=_COLORS[c], label=f"{COMPONENT_ZH[c]}×权重", height=0.7)
        left += part
    for yi, v in zip(y, t["composite"]):
        ax.text(v + 0.5, yi, f"{v:.1f}", va="center", fontsize=9)
    ax.set_yticks(y, [str(u) for u in t.index])
    lines = []
    if commend_at is not None:
        ax.axvline(commend_at, color=_STATUS_COLORS["commend"], ls="--", lw=1.5)
        lines.append(("表彰线", commend_at, _STATUS_COLORS["commend"]))
    if rectify_below is not None:
        ax.axvline(rectify_below, color=_STATUS_COLORS["rectify"], ls="--", lw=1.5)
        lines.append(("整改线", rectify_below, _STATUS_COLORS["rectify"]))
    for name, v, col in lines:
        ax.text(v, len(t) - 0.35, f"{name} {v:g}", color=col, ha="center", va="bottom", fontsize=9)
    ax.set_xlim(0, max(105, float(left.max()) + 8))
    ax.set_ylim(-0.6, len(t) + 0.3)
    ax.set_xlabel("综合成绩（满分100）")
    _legend_above(ax, ncol=3)
    return _finish(fig, ax, title, caption, pad=30)


def plot_dimensions(scored: pd.DataFrame, *, title: str = "", caption: str | None = None):
    """Heat map of composite scores: units × dimensions."""
    plt = pyplot()
    piv = scored.pivot(index="unit", columns="dimension", values="composite")
    piv = piv.loc[list(dict.fromkeys(scored["unit"])), list(dict.fromkeys(scored["dimension"]))]
    fig, ax = plt.subplots(figsize=(1.2 + 1.05 * piv.shape[1], 0.6 + 0.42 * piv.shape[0]))
    im = ax.imshow(piv.to_numpy(float), cmap="RdYlGn", aspect="auto", vmin=float(np.nanmin(piv)) - 2,
                   vmax=float(np.nanmax(piv)) + 2)
    ax.set_xticks(range(piv.shape[1]), piv.columns, rotation=0, fontsize=9)
    ax.set_yticks(range(piv.shape[0]), piv.index)
    ax.grid(False)
    for i in range(piv.shape[0]):
        for j in range(piv.shape[1]):
            ax.text(j, i, f"{piv.iat[i, j]:.1f}", ha="center", va="center", fontsize=8)
    fig.colorbar(im, ax=ax, label="综合成绩", shrink=0.8)
    return _finish(fig, ax, title, caption)


def plot_vote_rule(sizes: Iterable[int], *, threshold=None, highlight: str = "inclusive", title: str = "",
                   caption: str | None = None, register=None):
    """Agreeing votes needed (as a share) against the number of representatives, both readings."""
    plt = pyplot()
    vt = vote_table(sizes, threshold=threshold, register=register)
    t = float(threshold_or_default(threshold, register))
    fig, ax = plt.subplots(figsize=(8, 4))
    names = {"inclusive": "“以上”含本数", "exclusive": "“以上”不含本数"}
    styles = {"inclusive": dict(color="#b22222", marker="o"), "exclusive": dict(color="#4c72b0", marker="s")}
    for r in READINGS:
        lw = 2.2 if r == highlight else 1.2
        ax.plot(vt.index, 100 * vt[f"{r}_share"], lw=lw, ms=4, label=names[r], **styles[r])
    ax.axhline(100 * t, color="#444444", ls=":", lw=1.2)
    ax.text(vt.index.min(), 100 * t - 0.4, "文章的门槛", ha="left", va="top", fontsize=9, color="#444444")
    ax.set_xlabel("参加表决的代表人数")
    ax.set_ylabel("通过所需的最低同意比例（%）")
    ax.set_ylim(100 * t - 4, 101)
    ax.legend(fontsize=9, loc="upper right")
    return _finish(fig, ax, title, caption)


def plot_poll_spread(sim: Simulation, *, commend_at: float | None = None, rectify_below: float | None = None,
                     level: float = 0.95, title: str = "", caption: str | None = None):
    """Each unit's true composite and the range its quarterly composite takes in the simulation."""
    plt = pyplot()
    sp = sim.spread(level).sort_values("true_composite")
    fig, ax = _row_figure(plt, len(sp))
    y = np.arange(len(sp))
    ax.hlines(y, sp["low"], sp["high"], color="#4c72b0", lw=5, alpha=0.55,
              label=f"模拟季度综合成绩的{level:.0%}区间")
    ax.plot(sp["true_composite"], y, "o", color="#b22222", label="真实综合成绩（全社区调查）")
    if commend_at is not None:
        ax.axvline(commend_at, color=_STATUS_COLORS["commend"], ls="--", lw=1.5, label=f"表彰线 {commend_at:g}")
    if rectify_below is not None:
        ax.axvline(rectify_below, color=_STATUS_COLORS["rectify"], ls="--", lw=1.5,
                   label=f"整改线 {rectify_below:g}")
    ax.set_yticks(y, sp.index)
    ax.set_xlabel(f"综合成绩（每季每单位抽样{sim.poll_size}户，模拟{sim.n_sims}个季度）")
    _legend_above(ax, ncol=2, fontsize=8)
    return _finish(fig, ax, title, caption, pad=40)


def plot_poll_histogram(sim: Simulation, unit: str, *, title: str = "", caption: str | None = None):
    """Histogram of one unit's simulated poll means with the normal approximation on top."""
    from scipy.stats import norm

    plt = pyplot()
    i = sim.units.index(unit)
    x = sim.poll[:, i]
    fig, ax = plt.subplots(figsize=(7, 3.6))
    vals = np.unique(x)
    if len(vals) > 1:  # poll means lie on a lattice: align the bins with it to avoid aliasing
        step = float(np.min(np.diff(vals)))
        width = step * max(1, math.ceil((vals[-1] - vals[0]) / step / 40))
        edges = np.arange(vals[0] - step / 2, vals[-1] + width, width)
    else:
        edges = np.array([vals[0] - 0.5, vals[0] + 0.5])
    ax.hist(x, bins=edges, density=True, color="#4c72b0", alpha=0.6, label="模拟的民意测评均分")
    grid = np.linspace(edges[0], edges[-1], 200)
    ax.plot(grid, norm.pdf(grid, sim.true_poll[i], sim.poll_sd_theory[i]), color="#b22222", lw=2,
            label="正态近似（含有限总体校正）")
    ax.axvline(sim.true_poll[i], color="#444444", ls=":", lw=1.2)
    ax.set_xlabel(f"{unit}的民意测评均分")
    ax.set_ylabel("密度")
    ax.legend(fontsize=8)
    return _finish(fig, ax, title, caption)


def plot_status_frequencies(freq: pd.DataFrame, *, title: str = "", caption: str | None = None):
    """Stacked bars: share of simulated quarters in which each unit is commended, passes or rectifies."""
    plt = pyplot()
    f = freq.sort_values("true_composite") if "true_composite" in freq else freq.iloc[::-1]
    fig, ax = _row_figure(plt, len(f))
    left = np.zeros(len(f))
    y = np.arange(len(f))
    for s in ("rectify", "pass", "commend"):
        v = 100 * f[s].to_numpy(float)
        ax.barh(y, v, left=left, color=_STATUS_COLORS[s], label=STATUS_ZH[s], height=0.7)
        left += v
    ax.set_yticks(y, [f"{u}（真实：{t}）" for u, t in zip(f.index, f["true_status"])])
    ax.set_xlim(0, 100)
    ax.set_xlabel("模拟季度中的比例（%）")
    _legend_above(ax, ncol=3)
    return _finish(fig, ax, title, caption, pad=28)


def plot_swap_rates(sim: Simulation, *, title: str = "", caption: str | None = None):
    """Bars of the swap rate of each pair of neighbours in the true order, with their true gap."""
    plt = pyplot()
    adj = sim.adjacent_pairs().iloc[::-1]
    fig, ax = _row_figure(plt, len(adj))
    y = np.arange(len(adj))
    ax.barh(y, 100 * adj["swap_rate"], color="#4c72b0", height=0.65)
    for yi, (r, g) in enumerate(zip(adj["swap_rate"], adj["gap"])):
        ax.text(100 * r + 0.8, yi, f"真实差距 {g:.1f} 分", va="center", fontsize=8)
    ax.set_yticks(y, [f"{a} 与 {b}" for a, b in zip(adj["better"], adj["worse"])])
    ax.set_xlim(0, max(55, 100 * float(adj["swap_rate"].max()) + 18))
    ax.set_xlabel("名次互换的季度比例（%）")
    return _finish(fig, ax, title, caption)


def plot_stability(curve: pd.DataFrame, *, confidence: float | None = None, article_size: int | None = None,
                   title: str = "", caption: str | None = None):
    """Stability of the ranking against the number of households polled (log scale)."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8, 4))
    names = {"p_same_ranking": "整体名次全部正确", "p_top_correct": "第一名判对",
             "p_closest_pair": "真实差距最小的一对不互换"}
    for col, st in zip(names, ("o-", "s-", "^-")):
        ax.plot(curve.index, 100 * curve[col], st, ms=4, label=names[col])
    ax.set_xscale("log")
    from matplotlib.ticker import FixedLocator, NullLocator

    ticks = [v for v in (10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000)
             if curve.index.min() <= v <= curve.index.max()]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticks(ticks, [str(v) for v in ticks])
    if confidence is not None:
        ax.axhline(100 * confidence, color="#444444", ls=":", lw=1.2)
        ax.text(curve.index.max(), 100 * confidence - 1.5, f"把握 {confidence:.0%}", fontsize=9,
                color="#444444", ha="right", va="top")
    if article_size is not None:
        ax.axvline(article_size, color="#b22222", ls="--", lw=1.2)
        ax.text(article_size * 1.05, 50, "文章的抽样户数", color="#b22222", fontsize=9,
                bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.85))
    ax.set_ylim(0, 104)
    ax.set_xlabel("每单位抽样户数（对数刻度）")
    ax.set_ylabel("模拟季度中的比例（%）")
    _legend_above(ax, ncol=3)
    return _finish(fig, ax, title, caption, pad=28)


def plot_rank_bump(ranks: pd.DataFrame, *, title: str = "", caption: str | None = None):
    """Bump chart: each unit's rank under each weight scheme (output of :func:`ranks_under_weights`)."""
    plt = pyplot()
    r = ranks["rank"] if isinstance(ranks.columns, pd.MultiIndex) else ranks
    fig, ax = plt.subplots(figsize=(8, 0.8 + 0.45 * len(r)))
    xs = np.arange(r.shape[1])
    palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#8a7d00",
               "#0e7c86", "#ff7f0e"]
    colors = {u: palette[k % len(palette)] for k, u in enumerate(r.index)}
    for u, row in r.iterrows():
        ax.plot(xs, row.to_numpy(float), "o-", color=colors[u], lw=2)
    for x, col_name, ha, dx in ((xs[0], r.columns[0], "right", -0.08), (xs[-1], r.columns[-1], "left", 0.08)):
        for rk, grp in r.groupby(col_name, sort=True):
            names = list(grp.index)
            ax.text(x + dx, rk, "/".join(map(str, names)), ha=ha, va="center", fontsize=9,
                    color=colors[names[0]] if len(names) == 1 else "#222222")
    ax.set_xticks(xs, list(r.columns))
    ax.set_yticks(range(1, len(r) + 1))
    ax.set_ylim(len(r) + 0.6, 0.4)
    ax.set_xlim(-0.9, len(xs) - 0.1)
    ax.set_ylabel("名次（1为最好）")
    ax.grid(axis="x", visible=False)
    return _finish(fig, ax, title, caption)


def plot_rank_ranges(rr: pd.DataFrame, *, title: str = "", caption: str | None = None):
    """Each unit's range of ranks over all weight sets, with its rank under the reference weights."""
    plt = pyplot()
    r = rr.sort_values("rank", ascending=False)
    fig, ax = _row_figure(plt, len(r))
    y = np.arange(len(r))
    ax.hlines(y, r["best"], r["worst"], color="#4c72b0", lw=6, alpha=0.5, label="所有权重组合下的名次范围")
    ax.plot(r["rank"], y, "D", color="#b22222", ms=7, label="文章权重下的名次")
    ax.set_yticks(y, r.index)
    n = int(rr["worst"].max())
    ax.set_xticks(range(1, n + 1))
    ax.set_xlim(n + 0.5, 0.5)
    ax.set_xlabel("名次（1为最好）")
    _legend_above(ax, ncol=2)
    return _finish(fig, ax, title, caption, pad=28)


def plot_allocation(alloc: pd.DataFrame, *, unit: str, title: str = "", caption: str | None = None):
    """Horizontal stacked bar of a 1:2:7 split (output of :func:`allocate`)."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8, 1.9))
    left = 0.0
    colors = ["#c9a227", "#4c72b0", "#b22222", "#2e7d32"]
    total = float(alloc["amount"].sum())
    for k, (part, row) in enumerate(alloc.iterrows()):
        a = float(row["amount"])
        ax.barh([0], [a], left=left, color=colors[k % len(colors)], height=0.6)
        if a > 0:
            ax.text(left + a / 2, 0, f"{part}\n{a:,.4g}{unit}", ha="center", va="center", fontsize=9,
                    color="white" if a / max(total, 1e-12) > 0.12 else "black")
        left += a
    ax.set_xlim(0, total if total > 0 else 1)
    ax.set_yticks([])
    ax.set_xlabel(unit)
    return _finish(fig, ax, title, caption)
