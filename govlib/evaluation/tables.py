"""The lesson's pages: its settings in words, and tables with Chinese column names and honest captions."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from govlib.errors import ParameterError
from govlib.evaluation._common import reg
from govlib.evaluation.examples import resolve_poll_size
from govlib.evaluation.poll import POLL_SIZE_ID
from govlib.evaluation.vote import VOTE_THRESHOLD_ID, check_reading
from govlib.evaluation.weights import SOURCE_ZH, WEIGHT_IDS, WEIGHT_SOURCES, validate_weights, weights_label

__all__ = ["describe_settings", "table"]

_READING_ZH = {"inclusive": "含本数（达到门槛即通过）", "exclusive": "不含本数（须超过门槛）"}


def describe_settings(*, weights_source: str, weights, poll_households: int, vote_reading: str,
                      register=None):
    """The lesson's settings in a short paragraph; published settings appear with their citations.

    Parameters
    ----------
    weights_source : str
        As for :func:`choose_weights`.
    weights : mapping
        The weights in use.
    poll_households : int
        0 for the article's poll size.
    vote_reading : {"inclusive", "exclusive"}

    Returns
    -------
    govlib.display.HTML
    """
    from govlib.display import HTML, note, say

    r = reg(register)
    w = validate_weights(weights)
    parts = []
    if weights_source == "register":
        parts.append(say("权重：采用文章的规定，自评分{a}、互评均分{b}、民意测评均分{c}。", register=r,
                         a=WEIGHT_IDS["self"], b=WEIGHT_IDS["peer"], c=WEIGHT_IDS["poll"]))
    else:
        if weights_source not in SOURCE_ZH:
            raise ParameterError(f"weights_source must be one of {', '.join(WEIGHT_SOURCES)}, not {weights_source!r}")
        parts.append(note(f"权重：本次改用“{SOURCE_ZH[weights_source]}”——{weights_label(w)}"
                          "（教师设定，不是文章的规定）。"))
    n = resolve_poll_size(poll_households, register=r)
    if poll_households == 0:
        parts.append(say("民意测评：每季度随机抽取{n}居民，与文章相同（文章未说明各单位是否共用同一批住户，"
                         "本课假设每个单位各自独立抽取这么多户）。", register=r, n=POLL_SIZE_ID))
    else:
        parts.append(note(f"民意测评：本次每季度为每个单位随机抽取{n}户（教师设定，不是文章的户数）。"))
    parts.append(say("表决：项目须获{t}代表同意；本课把“以上”理解为" + _READING_ZH[check_reading(vote_reading)] + "。",
                     register=r, t=VOTE_THRESHOLD_ID))
    return HTML("".join(p.html for p in parts), "；".join(p.plain for p in parts))


_COL_ZH = {"unit": "单位", "dimension": "维度", "self": "自评分", "peer": "互评均分",
           "poll": "民意测评均分", "composite": "综合成绩", "rank": "名次", "status_zh": "评定",
           "true_poll": "社区真实满意度", "poll_sd_sim": "民意均分标准差（模拟）",
           "poll_sd_theory": "民意均分标准差（公式）", "true_composite": "真实综合成绩",
           "composite_sd_sim": "综合成绩标准差（模拟）", "composite_sd_theory": "综合成绩标准差（公式）",
           "low": "模拟区间下限", "high": "模拟区间上限", "household_sd": "住户评分标准差",
           "share": "比重", "amount": "分配量", "part": "板块", "shift": "综合成绩上升",
           "new_composite": "虚报后综合成绩", "new_rank": "虚报后名次", "ranks_gained": "名次上升",
           "true_status": "按真实成绩的评定", "commend": "获表彰的季度比例", "pass": "合格的季度比例",
           "rectify": "被整改的季度比例", "best": "最好名次", "worst": "最差名次",
           "share_first": "居首的权重组合比例", "better": "真实较好者", "worse": "真实较差者", "gap": "真实差距",
           "swap_rate": "名次互换比例", "total": "代表人数", "inclusive": "至少同意人数（含本数）",
           "exclusive": "至少同意人数（不含本数）", "poll_size": "抽样户数",
           "p_same_ranking": "整体名次全对的比例", "p_top_correct": "第一名判对的比例",
           "p_closest_pair": "最接近一对不互换的比例", "max_swap": "相邻单位最高互换比例"}


def table(df: pd.DataFrame, caption: str, *, decimals: int = 1, percent: Sequence[str] = (),
          index: bool = True):
    """An HTML table with Chinese column names and a caption that says what the data are.

    Parameters
    ----------
    df : DataFrame
        Columns named as in this module are translated (``self`` → 自评分 …).
    caption : str
        Passed through :func:`govlib.synthetic.caption`, so hypothetical and
        synthetic frames are labelled.
    decimals : int
        Decimals of float columns.
    percent : sequence of str
        Columns holding shares (0–1) to show as percentages.

    Returns
    -------
    govlib.display.HTML
    """
    import html as _html

    from govlib import synthetic
    from govlib.display import HTML

    cap = synthetic.caption(caption, df)
    show = df.copy()
    if isinstance(show.columns, pd.MultiIndex):
        show.columns = [f"{_COL_ZH.get(a, a)}·{b}" for a, b in show.columns]
    for c in show.columns:
        if c in percent:
            show[c] = [f"{100 * v:.{decimals}f}%" for v in show[c]]
        elif pd.api.types.is_float_dtype(show[c]):
            show[c] = [f"{v:.{decimals}f}" for v in show[c]]
    if index:
        show = show.reset_index()
    show = show.rename(columns=_COL_ZH)
    body = show.to_html(index=False, escape=True, border=0)
    body = re.sub(r"^<table[^>]*>", f'<table class="gv-table"><caption>{_html.escape(cap)}</caption>', body,
                  count=1)
    body = body.replace('<tr style="text-align: right;">', "<tr>")
    return HTML(body, cap)
