"""Scoring a diagnostic instrument: reverse coding, dimension scores, Cronbach's alpha, charts.

A reverse-coded item's answer *x* on a scale low–high becomes ``low + high − x``
(6 − x on 1–5) before anything is averaged, so every score reads "higher is
better".  A respondent's dimension score is the mean of its recoded items; a
community's score is the mean of its respondents' scores.
"""

from __future__ import annotations

from govlib.errors import ParameterError
from govlib.frameworks.instrument import COMMUNITY, RESPONDENT, Instrument, check_community, communities

# ----------------------------------------------------------------------------
# scoring
# ----------------------------------------------------------------------------

def recode(responses, instrument: Instrument):
    """Answers with reverse-coded items flipped (x → low + high − x), so higher = better.

    Returns a copy; non-item columns are kept.
    """
    lo, hi = instrument.scale
    out = responses.copy()
    for it in instrument.items:
        if it.reverse:
            out[it.id] = lo + hi - out[it.id]
    out.attrs.update(responses.attrs)
    return out


def _labels(instrument: Instrument, level: str) -> dict[str, list[str]]:
    instrument.axes(level)  # validates level
    groups: dict[str, list[str]] = {}
    for it in instrument.items:
        key = it.dimension_zh if level == "dimension" else it.group_zh
        groups.setdefault(key, []).append(it.id)
    return groups


def respondent_scores(responses, instrument: Instrument, *, level: str = "dimension",
                      community_col: str = COMMUNITY):
    """Score of each row on each dimension: the mean of its recoded items.

    Parameters
    ----------
    responses : DataFrame
        Checked responses (:func:`validate_responses`).
    level : {"dimension", "group"}
        ``dimension``: 主体/能力/机制; ``group``: 主体·困局, 主体·对策, ...

    Returns
    -------
    pandas.DataFrame
        The id columns, then one column per score label.
    """
    rec = recode(responses, instrument)
    ids = [c for c in (RESPONDENT, community_col) if c in rec.columns]
    out = rec[ids].copy()
    for label, cols in _labels(instrument, level).items():
        out[label] = rec[cols].mean(axis=1)
    out.attrs.update(responses.attrs)
    return out


def community_scores(responses, instrument: Instrument, *, level: str = "dimension",
                     community_col: str = COMMUNITY):
    """Mean score of each community on each dimension (rows: communities, in data order).

    Each respondent's dimension score is the mean of its recoded items; a
    community's score is the mean over its respondents.
    """
    per = respondent_scores(responses, instrument, level=level, community_col=community_col)
    labels = instrument.axes(level)
    out = per.groupby(community_col, sort=False)[labels].mean()
    out.index.name = "社区"
    out.attrs.update(responses.attrs)
    return out


def compare_communities(responses, instrument: Instrument, *, community_col: str = COMMUNITY):
    """A comparison table: respondents, score per dimension, overall mean and weakest dimension.

    Returns
    -------
    pandas.DataFrame
        Index: community; columns ``人数``, one per dimension, ``总均分``
        (mean of the dimension scores) and ``最弱维度``.
    """
    scores = community_scores(responses, instrument, community_col=community_col)
    dims = list(scores.columns)
    out = scores.copy()
    out.insert(0, "人数", responses.groupby(community_col, sort=False).size().reindex(out.index))
    out["总均分"] = scores[dims].mean(axis=1)
    out["最弱维度"] = scores[dims].idxmin(axis=1)
    out.attrs.update(responses.attrs)
    return out


def weakest_dimension(responses, instrument: Instrument, community: str, *,
                      community_col: str = COMMUNITY) -> str:
    """The dimension with the lowest score in one community (the first on a tie)."""
    check_community(responses, community, community_col=community_col)
    row = community_scores(responses, instrument, community_col=community_col).loc[community]
    return str(row.idxmin())


# ----------------------------------------------------------------------------
# internal consistency
# ----------------------------------------------------------------------------

def cronbach_alpha(items) -> float:
    """Cronbach's alpha of a set of items (columns) answered by respondents (rows).

    ``alpha = k / (k - 1) * (1 - sum(var_i) / var_total)`` with sample
    variances (ddof=1), where ``var_total`` is the variance of each row's sum.
    Reverse-coded items must be recoded first (:func:`recode`).

    Parameters
    ----------
    items : DataFrame or 2-D array
        At least two items and two respondents, no missing values.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        Fewer than two items or respondents, missing values, or a total score
        that does not vary (alpha undefined).
    """
    import numpy as np

    x = np.asarray(items, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"计算α系数要用一张二维表（答卷人 × 题目），这里是 {x.ndim} 维")
    n, k = x.shape
    if k < 2:
        raise ValueError(f"计算α系数至少要有 2 道题，这里只有 {k} 道")
    if n < 2:
        raise ValueError(f"计算α系数至少要有 2 名答卷人，这里只有 {n} 名")
    if np.isnan(x).any():
        raise ValueError("有缺答，无法计算α系数")
    var_items = x.var(axis=0, ddof=1).sum()
    var_total = x.sum(axis=1).var(ddof=1)
    if var_total == 0:
        raise ValueError("各答卷人的总分都一样，α系数没有定义")
    return float(k / (k - 1) * (1 - var_items / var_total))


def alpha_by_dimension(responses, instrument: Instrument, *, community: str | None = None,
                       community_col: str = COMMUNITY):
    """Cronbach's alpha of each dimension (after reverse coding).

    Parameters
    ----------
    responses : DataFrame
        One row per respondent.
    community : str, optional
        Use only this community's respondents.

    Returns
    -------
    pandas.DataFrame
        Index: dimension; columns ``题目数``, ``人数``, ``alpha``.
    """
    import pandas as pd

    if RESPONDENT not in responses.columns:
        raise ParameterError("计算α系数要每名答卷人一行（这份数据没有答卷人编号 respondent 列）")
    data = responses
    if community is not None:
        check_community(responses, community, community_col=community_col)
        data = responses[responses[community_col] == community]
    rec = recode(data, instrument)
    rows = []
    for dim_id, name in instrument.dimensions.items():
        cols = instrument.items_of(dim_id)
        rows.append({"维度": name, "题目数": len(cols), "人数": len(rec), "alpha": cronbach_alpha(rec[cols])})
    out = pd.DataFrame(rows).set_index("维度")
    out.attrs.update(responses.attrs)
    return out


# ----------------------------------------------------------------------------
# charts
# ----------------------------------------------------------------------------

_COLOURS = ["#b22222", "#1f5f99", "#2e8b57", "#c77c02", "#6a4c93", "#555555"]


def draw_radar(scores, *, communities=None, ax=None, title: str | None = None,
               scale: tuple[int, int] = (1, 5), caption: str | None = None):
    """Radar chart of community scores, one polygon per community.

    Parameters
    ----------
    scores : DataFrame
        Rows: communities; columns: score labels (from :func:`community_scores`).
        A marked (synthetic/hypothetical) frame gets the mark in its caption.
    communities : sequence of str, optional
        Which rows to draw (default all), in this order.
    ax : polar Axes, optional
    title : str, optional
    scale : tuple
        The answer scale; the radial axis runs over it.
    caption : str, optional
        Text under the chart (passed through :func:`govlib.synthetic.caption`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from govlib.plotting import use_cjk_font
    from govlib.synthetic import caption as mark_caption

    use_cjk_font()
    rows = list(scores.index) if communities is None else list(communities)
    missing = [c for c in rows if c not in scores.index]
    if missing:
        raise ParameterError(f"得分表里没有社区“{missing[0]}”；得分表里的社区：{'、'.join(map(str, scores.index))}")
    labels = list(scores.columns)
    if len(labels) < 3:
        raise ValueError(f"雷达图至少要有 3 条轴，这里只有 {len(labels)} 条")
    angles = np.linspace(0, 2 * np.pi, len(labels), endpoint=False).tolist()
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.6, 5.2), subplot_kw={"projection": "polar"})
    fig = ax.figure
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    for k, c in enumerate(rows):
        vals = scores.loc[c, labels].astype(float).tolist()
        colour = _COLOURS[k % len(_COLOURS)]
        ax.plot(angles + angles[:1], vals + vals[:1], color=colour, linewidth=1.8, label=str(c))
        ax.fill(angles + angles[:1], vals + vals[:1], color=colour, alpha=0.12)
    ax.set_xticks(angles, labels, fontsize=11)
    lo, hi = scale
    ax.set_ylim(lo, hi)
    ax.set_yticks(range(lo, hi + 1), [str(v) for v in range(lo, hi + 1)], fontsize=8, color="#666666")
    ax.set_rlabel_position(180 / len(labels))
    ax.legend(loc="upper right", bbox_to_anchor=(1.28, 1.12), fontsize=9, frameon=False)
    if title:
        ax.set_title(title, pad=36, fontsize=12)
    cap = mark_caption(caption or "", scores) if (caption or _marked(scores)) else None
    if cap:
        fig.text(0.5, 0.01, _wrap(cap, 34), ha="center", va="bottom", fontsize=8.5, color="#444444")
        fig.subplots_adjust(bottom=0.16)
    return fig


def draw_comparison(responses, instrument: Instrument, *, ax=None, title: str | None = None,
                    caption: str | None = None, community_col: str = COMMUNITY):
    """Grouped bars: each community's mean score per dimension with ±1 standard error.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from govlib.plotting import use_cjk_font
    from govlib.synthetic import caption as mark_caption

    use_cjk_font()
    per = respondent_scores(responses, instrument, community_col=community_col)
    dims = instrument.axes("dimension")
    names = communities(responses, community_col=community_col)
    g = per.groupby(community_col, sort=False)[dims]
    mean, se = g.mean().reindex(names), (g.std(ddof=1) / np.sqrt(g.size().to_numpy()[:, None])).reindex(names)
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4))
    fig = ax.figure
    width = 0.8 / len(names)
    x = np.arange(len(dims))
    for k, c in enumerate(names):
        ax.bar(x + (k - (len(names) - 1) / 2) * width, mean.loc[c], width * 0.95, yerr=se.loc[c],
               capsize=3, color=_COLOURS[k % len(_COLOURS)], alpha=0.85, label=str(c))
    lo, hi = instrument.scale
    ax.set_xticks(x, dims, fontsize=11)
    ax.set_ylim(lo, hi)
    ax.set_ylabel("维度得分（越高越好）")
    ax.legend(frameon=False, ncol=len(names), loc="upper center", bbox_to_anchor=(0.5, -0.1))
    if title:
        ax.set_title(title)
    cap = mark_caption(caption or "", responses) if (caption or _marked(responses)) else None
    if cap:
        fig.text(0.5, -0.09, _wrap(cap, 44), ha="center", va="top", fontsize=8.5, color="#444444")
    return fig


def _marked(df) -> bool:
    from govlib.synthetic import is_synthetic

    return is_synthetic(df)


def _wrap(text: str, width: int) -> str:
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))
