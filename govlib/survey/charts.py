"""Charts of the questionnaire: published shares, feasible n, intervals, p-values, synthetic data.

Every chart carries a caption in the figure: register citations
(:func:`govlib.display.cites`) for published figures, and the synthetic
label (:func:`govlib.synthetic.caption`) for anything drawn from synthetic
respondents.  Rankings (图1, 图5) are never drawn as bars: the article gives
their order, not their values.
"""

from __future__ import annotations

import numpy as np

from govlib.data import Register, derived_ids, load_register
from govlib.display import cites
from govlib.figcache import cached
from govlib.survey.questions import GROUPS, group_key, question, short_label
from govlib.survey.respondents import RULE_ZH

RED, GREY, BLUE = "#b22222", "#9e9e9e", "#1f5f8b"
_GROUP_SHORT = {GROUPS["township"]: "乡镇", GROUPS["village"]: "村", GROUPS["respondents"]: "受访者",
                GROUPS["both"]: "两级", GROUPS["residents"]: "群众"}


def _wrap(text: str, width: int) -> list[str]:
    """Break text into lines of about ``width`` Chinese characters (Latin letters count half)."""
    lines, line, used = [], "", 0.0
    for ch in text:
        w = 0.55 if ord(ch) < 0x2E80 else 1.0
        if used + w > width and line:
            lines.append(line.rstrip())
            line, used = "", 0.0
        line += ch
        used += w
    if line:
        lines.append(line)
    return lines


def add_caption(fig, text: str, *, width: int | None = None) -> None:
    """Write a wrapped caption under a figure (kept by ``bbox_inches='tight'``)."""
    if width is None:
        width = max(30, int(fig.get_figwidth() * 7.5))
    wrapped = "\n".join(_wrap(text, width))
    renderer = fig.canvas.get_renderer()
    bottom = fig.get_tightbbox(renderer).y0 / fig.get_figheight()  # below labels and legends
    fig.text(0.01, bottom - 0.03, wrapped, ha="left", va="top", fontsize=8, color="#333333")


def _log_n_axis(ax, ns, steps=(10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000)) -> None:
    """A log-scaled n axis with a few plain tick labels (fast, and readable)."""
    from matplotlib.ticker import NullLocator

    ax.set_xscale("log")
    ticks = [t for t in steps if ns.min() <= t <= ns.max()]
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlim(ns.min(), ns.max())


def printed_sources(ids, reg: Register) -> list[str]:
    """The ids with each derived row replaced by the printed rows it comes from (for captions)."""
    out: list[str] = []
    for fid in ids:
        f = reg.figure(fid)
        for i in (derived_ids(f.derived_from) if f.derived else [fid]):
            if i not in out:
                out.append(i)
    return out


def _refuse_rank(ids, reg):
    for fid in ids:
        f = reg.figure(fid)
        if f.qualifier == "rank":
            raise ValueError(f"{fid} is a rank (the article gives the order only); "
                             "show it with ranking_html, never as a bar")


def plot_shares(ids, *, title: str | None = None, register: Register | None = None, with_group: bool = True,
                caption: str | None = None):
    """Horizontal bars of published shares, each labelled with its published wording.

    Shares stated as inequalities (超过90%, 一半以上) are drawn hatched up
    to their bound; derived rows in grey.  Ranks are refused.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from govlib.plotting import bar_figures

    reg = register or load_register()
    ids = list(ids)
    _refuse_rank(ids, reg)
    labels = [short_label(i, reg) + (f"（{_GROUP_SHORT.get(reg.figure(i).group, '')}）" if with_group else "")
              for i in ids]
    fig, ax = plt.subplots(figsize=(8.5, 0.9 + 0.5 * len(ids)))
    bar_figures(ids, labels=labels, ax=ax, register=reg, title=title)
    bound = False
    for patch, fid in zip(ax.patches, ids):
        f = reg.figure(fid)
        if f.qualifier != "exact":
            patch.set_facecolor("white")
            patch.set_edgecolor(RED)
            patch.set_hatch("///")
            bound = True
        elif f.derived:
            patch.set_color(GREY)
    ax.set_xlim(0, 112)
    ax.set_xlabel("%")
    ax.grid(axis="y", visible=False)
    note = "斜线条：文中只给出下限或约数，条长为该界限。" if bound else ""
    add_caption(fig, (caption or "") + note + "出处：" + cites(printed_sources(ids, reg), register=reg))
    return fig


def plot_means(*, register: Register | None = None):
    """The one-vote-veto and pledge means of both groups, as two panels (units differ)."""
    import matplotlib.pyplot as plt

    from govlib.plotting import bar_figures

    reg = register or load_register()
    pairs = [("qz-veto-township", "qz-veto-village"), ("qz-pledge-township", "qz-pledge-village")]
    fig, axes = plt.subplots(1, 2, figsize=(9, 2.4))
    for ax, ids in zip(axes, pairs):
        bar_figures(list(ids), labels=[_GROUP_SHORT[reg.figure(i).group] for i in ids], ax=ax, register=reg,
                    title=short_label(ids[0], reg), xlabel=reg.figure(ids[0]).unit)
        ax.grid(axis="y", visible=False)
    fig.tight_layout()
    add_caption(fig, "问卷均值（每人签订数的平均）。出处：" + cites([i for p in pairs for i in p], register=reg))
    return fig


def plot_wechat(*, register: Register | None = None):
    """Stacked bars of the WeChat work-group distribution, township and village.

    The two printed bands are solid; the remainder is grey and labelled as
    derived (推算), as the article does not print it.
    """
    import matplotlib.pyplot as plt

    reg = register or load_register()
    fig, ax = plt.subplots(figsize=(9, 2.6))
    ids = []
    for y, g in enumerate(("village", "township")):
        parts = [f"qz-wechat-{g}-over20", f"qz-wechat-{g}-10to20", f"qz-wechat-{g}-under10"]
        ids += parts
        left = 0.0
        for fid, colour in zip(parts, (RED, "#e07b39", "#d9d9d9")):
            f = reg.figure(fid)
            ax.barh(y, f.value, left=left, color=colour, edgecolor="white",
                    label=short_label(fid, reg) + ("（推算）" if f.derived else "") if y == 0 else None)
            ax.text(left + f.value / 2, y, f.text, ha="center", va="center", fontsize=9,
                    color="white" if colour == RED else "black")
            left += f.value
    ax.set_yticks([0, 1], [GROUPS["village"], GROUPS["township"]])
    ax.set_xlim(0, 100)
    ax.set_xlabel("%")
    ax.grid(False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=3, fontsize=9, frameon=False)
    ax.set_title(question("wechat").title_zh)
    printed = [i for i in ids if not reg.figure(i).derived]
    add_caption(fig, "灰色一档是用全体减去两档公布比例得到的推算值，假定没有缺答。出处："
                + cites(printed, register=reg))
    return fig


def plot_question(key: str, *, register: Register | None = None):
    """The chart of one question; rankings and loosely stated frequencies are refused.

    Raises
    ------
    ValueError
        For ranking questions (图1, 图5) and frequency statements: show them
        as tables.
    """
    q = question(key)
    if q.kind == "ranking":
        raise ValueError(f"question {key!r} ({q.figure}) is a ranking: the article gives the order, not "
                         "values; use ranking_html")
    if q.kind == "frequency":
        raise ValueError(f"question {key!r} is stated in words and counts per week/month; show it as a table")
    if q.kind == "means":
        return plot_means(register=register)
    if key == "wechat":
        return plot_wechat(register=register)
    return plot_shares(q.ids, title=(q.figure + " " if q.figure else "") + q.title_zh, register=register)


def plot_feasibility(groups, n_max: int = 600, rule: str = "half_up", *, register: Register | None = None):
    """Which n up to ``n_max`` each constraint allows (a raster: dark = possible)."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    from govlib.survey.feasible import constraint_labels, feasibility

    reg = register or load_register()
    f = feasibility(groups, n_max, rule, register=reg)
    lab = constraint_labels(groups, reg)
    names = [("联合·" if k == "联合" else "") + lbl for k, lbl in zip(lab["kind"], lab["label"])] + ["全部题目同时成立"]
    cols = list(lab["constraint"]) + ["all"]
    mat = f[cols].to_numpy().T.astype(int)
    fig, ax = plt.subplots(figsize=(10, 0.8 + 0.3 * len(cols)))
    ax.imshow(mat, aspect="auto", cmap=ListedColormap(["#f2f2f2", BLUE]), interpolation="nearest",
              extent=(0.5, n_max + 0.5, len(cols) - 0.5, -0.5))
    ax.set_yticks(range(len(cols)), names, fontsize=8)
    ax.set_xlabel("假设样本量 n")
    ax.grid(False)
    if f["all"].any():
        first = int(f.index[f["all"]][0])
        ax.axvline(first, color=RED, lw=1)
        ax.text(first, -0.7, f" 最小可行 n={first}", color=RED, fontsize=9, va="bottom")
    ids = [i for t in lab["ids"] for i in t]
    add_caption(fig, f"蓝色：存在某个整数人数使该比例（或该题各比例同时）按“{RULE_ZH.get(rule, rule)}”舍入后与公布值一致。"
                     "n 为假设值，文章未公布样本量。出处：" + cites(dict.fromkeys(ids), register=reg))
    return fig


@cached
def plot_intervals(ids, n_assumed: dict, conf: float = 0.95, *, ns=None, register: Register | None = None):
    """Wilson intervals of published shares over a range of assumed n (small multiples).

    Sixteen panels cost a kernel about 1.7 CPU-s, the same for every student who keeps
    a parameter set, so in a student's kernel a prepared PNG is shown instead when there
    is one (:mod:`govlib.figcache`; never in a course build).

    Parameters
    ----------
    ids : sequence of str
        Printed exact shares.
    n_assumed : dict
        Group key -> the lesson's assumed n (marked on each panel).

    Returns
    -------
    matplotlib.figure.Figure or None
        None when a prepared PNG was shown instead of drawing.
    """
    import matplotlib.pyplot as plt

    from govlib.survey.inference import interval_curves

    reg = register or load_register()
    ids = list(ids)
    ns = np.unique(np.geomspace(20, 5000, 60).astype(int)) if ns is None else np.asarray(ns)
    cur = interval_curves(ids, ns, conf, register=reg)
    cols = 4
    rows = int(np.ceil(len(ids) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(11, 2.3 * rows), sharex=True, squeeze=False)
    for ax, fid in zip(axes.flat, ids):
        f = reg.figure(fid)
        d = cur[cur["id"] == fid]
        ax.fill_between(d["n"], d["low"], d["high"], color=BLUE, alpha=0.25, lw=0)
        ax.axhline(f.value, color=RED, lw=1)
        na = n_assumed.get(group_key(f.group))
        if na:
            ax.axvline(na, color="#555555", lw=0.8, ls="--")
        _log_n_axis(ax, ns, (20, 100, 500, 2000))
        ax.set_title(f"{short_label(fid, reg)}（{_GROUP_SHORT[f.group]}）{f.text}", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(ids):]:
        ax.axis("off")
    for ax in axes[-1]:
        ax.set_xlabel("假设样本量 n（对数刻度）", fontsize=8)
    fig.tight_layout()
    add_caption(fig, f"蓝色带：把公布比例当作样本比例时的 Wilson {conf:.0%} 置信区间；红线：公布比例；"
                     "虚线：本课假设的 n。样本量为假设值。出处：" + cites(ids, register=reg), width=95)
    return fig


def lesson_charts(values: dict) -> list[tuple]:
    """The quanzhou-survey calls :func:`govlib.figcache.prepare` draws ahead, for one set's parameter values.

    Returns
    -------
    list of (function, args, kwargs)
        The calls the lesson's cells make with these values.
    """
    from govlib.survey.inference import assumed_sizes, interval_ids

    sizes = assumed_sizes(values["n_township"], values["n_village"])
    return [(plot_intervals, (interval_ids(), sizes, values["conf_level"]), {})]


def plot_p_values(keys, conf: float = 0.95, *, ns=None, register: Register | None = None):
    """p-values of township-vs-village comparisons over equal assumed n per group."""
    import matplotlib.pyplot as plt

    from govlib.survey.inference import comparison, p_value_curves, significance_n

    reg = register or load_register()
    ns = np.unique(np.geomspace(20, 5000, 80).astype(int)) if ns is None else np.asarray(ns)
    cur = p_value_curves(keys, ns, register=reg)
    fig, ax = plt.subplots(figsize=(8.5, 4))
    ids = []
    for k, colour in zip(keys, (RED, BLUE, "#e07b39", "#4d9221", "#7b3294")):
        d = cur[cur["key"] == k]
        ax.plot(d["n"], d["p_value"], color=colour, label=comparison(k).title(reg))
        nstar = significance_n(k, conf, register=reg)
        if nstar <= ns.max():
            ax.axvline(nstar, color=colour, lw=0.8, ls=":")
        ids += list(comparison(k).ids)
    ax.axhline(1 - conf, color="black", lw=0.8, ls="--")
    ax.text(ns.min(), 1 - conf, f" 显著性水平 {1 - conf:.2f}", va="bottom", fontsize=8)
    _log_n_axis(ax, ns)
    ax.set_yscale("log")
    ax.set_ylim(1e-4, 1.5)
    ax.set_xlabel("每组假设样本量 n（两组相等，对数刻度）")
    ax.set_ylabel("p 值（对数刻度）")
    ax.legend(fontsize=8, loc="lower left")
    add_caption(fig, "把公布比例当作样本比例、按假设样本量计算的检验 p 值；点线为差异开始显著的 n。"
                     "样本量为假设值。出处：" + cites(printed_sources(ids, reg), register=reg))
    return fig


def plot_crosstab(tab, title: str):
    """Stacked row-percentage bars of a synthetic cross-tab (caption says it is synthetic)."""
    import matplotlib.pyplot as plt

    from govlib.synthetic import caption

    body = tab.drop(index="合计", errors="ignore").drop(columns="合计", errors="ignore")
    pct = body.div(body.sum(axis=1), axis=0) * 100
    fig, ax = plt.subplots(figsize=(8.5, 0.9 + 0.55 * len(pct)))
    left = np.zeros(len(pct))
    colours = ["#d9d9d9", "#e07b39", RED, BLUE, "#4d9221"]
    for j, c in enumerate(pct.columns):
        ax.barh(range(len(pct)), pct[c], left=left, color=colours[j % len(colours)], label=str(c))
        left += pct[c].to_numpy()
    ax.set_yticks(range(len(pct)), [str(i) for i in pct.index])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("行百分比（%）")
    ax.grid(False)
    ax.legend(title=pct.columns.name, fontsize=8, title_fontsize=8, loc="upper center",
              bbox_to_anchor=(0.5, -0.25), ncol=len(pct.columns), frameon=False)
    ax.set_title(title)
    add_caption(fig, caption(f"{title}。各题之间的关联由生成假设决定，不是调查发现", tab))
    return fig
