"""HTML tables of the questionnaire lesson; every published value is a ``gv-fig`` span.

Computed values (intervals, test statistics, feasible n) are ours and are
labelled as such in the captions; tables made from synthetic respondents
carry :func:`govlib.synthetic.caption`.
"""

from __future__ import annotations

import pandas as pd

from govlib.data import Register, format_number, load_register
from govlib.display import HTML, _esc, fig_span, figure_table, html_table
from govlib.survey.questions import QUESTIONS, question, questionnaire_ids, short_label
from govlib.survey.respondents import RULE_ZH


def _table(head: list[str], rows: list[list[str]], caption: str | None, plain: str) -> HTML:
    return html_table(head, rows, caption=caption, plain=plain)


def question_html(key: str, *, register: Register | None = None) -> HTML:
    """The register rows of one question (label, group, published wording, citation)."""
    q = question(key)
    if q.kind == "ranking":
        return ranking_html(key, register=register)
    cap = (q.figure + " " if q.figure else "") + q.title_zh
    return figure_table(q.ids, register=register or load_register(), caption=cap)


def ranking_html(key: str, *, register: Register | None = None) -> HTML:
    """A ranking (图1, 图5) as an ordered table: position, item, group, citation — no values."""
    reg = register or load_register()
    q = question(key)
    ids = sorted(q.ids, key=lambda i: reg.value(i))
    rows = [[fig_span(i, register=reg), _esc(short_label(i, reg)), _esc(reg.figure(i).group),
             _esc(reg.cite(i))] for i in ids]
    return _table(["位次", "项目", "对象", "出处"], rows,
                  f"{q.figure} {q.title_zh}：文章只给出先后次序，没有给出比例", f"<ranking {key}>")


def feasibility_html(groups, n_max: int = 2000, rule: str = "half_up", *, register: Register | None = None) -> HTML:
    """Per constraint: the printed values involved, how many n up to ``n_max`` fit, the smallest."""
    from govlib.survey.feasible import feasibility_summary

    reg = register or load_register()
    s = feasibility_summary(groups, n_max, rule, register=reg)
    rows = []
    for r in s.to_dict("records"):
        vals = "、".join(fig_span(i, register=reg) for i in r["ids"]) if r["constraint"] != "all" else "（以上全部）"
        smallest = "无" if pd.isna(r["smallest"]) else str(r["smallest"])
        rows.append([_esc(r["label"]), _esc(r["kind"]), _esc(r["group"]), vals, str(r["n_feasible"]), smallest])
    return _table(["题目", "检查方式", "对象", "公布数字", f"1–{n_max}中可行的n个数", "最小可行n"], rows,
                  f"哪些样本量能得出公布的比例（舍入规则：{RULE_ZH.get(rule, rule)}，为我们的假定；可行n为推算）",
                  f"<feasibility {groups}>")


def intervals_html(ids, n, conf: float = 0.95, *, register: Register | None = None) -> HTML:
    """Wilson intervals of printed shares at the assumed n (our computation, labelled)."""
    from govlib.survey.inference import interval_table

    reg = register or load_register()
    t = interval_table(ids, n, conf, register=reg)
    rows = [[_esc(r["label"]), _esc(r["group"]), fig_span(r["id"], register=reg), str(r["n"]),
             f"{r['low']:.1f}%", f"{r['high']:.1f}%"] for r in t.to_dict("records")]
    return _table(["所测内容", "对象", "公布比例", "假设n", "区间下限", "区间上限"], rows,
                  f"Wilson {conf:.0%} 置信区间（按假设样本量计算，n 不是文章给出的）", "<intervals>")


def comparisons_html(keys, n_township: int, n_village: int, conf: float = 0.95, power: float = 0.8, *,
                     register: Register | None = None) -> HTML:
    """Township vs village: shares, test at the assumed n, n where significant, n for the power."""
    from govlib.survey.inference import comparison, comparison_table

    reg = register or load_register()
    t = comparison_table(keys, n_township, n_village, conf, register=reg, power=power)
    rows = []
    for r in t.to_dict("records"):
        c = comparison(r["key"])

        def side(cats):
            return " ／ ".join(" + ".join(fig_span(i, register=reg) for i in cat) for cat in cats)

        stat = f"χ²={r['statistic']:.2f}（自由度{r['df']}）" if r["test"] == "chi2" else f"z={r['statistic']:.2f}"
        rows.append([_esc(r["title"]), side(c.township), side(c.village), stat, f"{r['p_value']:.3f}",
                     "是" if r["significant"] else "否", str(r["n_significant"]), str(r["n_power"])])
    return _table(["比较", "乡镇干部", "村干部", "检验统计量", "p值", f"在{1 - conf:.2f}水平显著",
                   "开始显著的每组n", f"{power:.0%}检验效能所需每组n"], rows,
                  f"乡镇与村两级干部的比较（假设每组样本量：乡镇{n_township}，村{n_village}；统计量与n均为推算）",
                  "<comparisons>")


def synthetic_html(frame: pd.DataFrame, title: str, source: pd.DataFrame | None = None, *,
                   decimals: int = 2) -> HTML:
    """A table made from synthetic data, its caption saying so."""
    from govlib.synthetic import caption

    src = source if source is not None else frame
    shown = frame.copy()
    for c in shown.columns:
        if pd.api.types.is_float_dtype(shown[c]):
            shown[c] = shown[c].map(lambda v: format_number(v, decimals))
    body = shown.to_html(escape=True, border=0, classes="gv-table gv-synthetic")
    cap = f"<caption>{_esc(caption(title, src))}</caption>"
    return HTML(body.replace("<thead>", cap + "<thead>", 1), caption(title, src))


def margins_html(df: pd.DataFrame, rule: str = "half_up", *, register: Register | None = None) -> HTML:
    """Synthetic margins next to the published figures (spans): the reproduction check."""
    from govlib.survey.respondents import synthetic_margins
    from govlib.synthetic import caption

    reg = register or load_register()
    m = synthetic_margins(df, rule, register=reg)
    rows = []
    for r in m.to_dict("records"):
        unit = "" if r["column"] in ("veto", "pledge") else "%"
        rows.append([_esc(r["group"]), fig_span(r["id"], register=reg), f"{r['count']}／{r['n']}",
                     f"{r['share']:.3f}{unit}", "是" if r["reproduces"] else "否"])
    return _table(["对象", "公布数字", "合成数据人数（或合计）／n", "合成数据比例（或均值）", "按公布精度还原"], rows,
                  caption("合成数据的边际与公布数字逐项对照", m), "<margins>")


def overview_html(*, register: Register | None = None) -> HTML:
    """Every question of the questionnaire: figure number, groups asked, and its register figures."""
    reg = register or load_register()
    questionnaire_ids(reg)  # the mapping agrees with the register
    kinds = {"ranking": "排序（只有次序）", "shares": "比例", "means": "平均数", "frequency": "频次（文字表述）"}
    rows = []
    for q in QUESTIONS.values():
        groups = "、".join(dict.fromkeys(reg.figure(i).group for i in q.ids))
        figs = "；".join(f"{_esc(reg.figure(i).label_zh)} {fig_span(i, register=reg)}" for i in q.ids)
        rows.append([_esc(q.title_zh), _esc(q.figure or "—"), _esc(groups), _esc(kinds[q.kind]), figs])
    return _table(["题目", "文中图号", "作答对象", "类型", "登记的数字"], rows,
                  "泉州问卷：文章公布的全部结果（每个数字可追溯到登记表）", "<questionnaire overview>")


def logit_html(table: pd.DataFrame, title: str, source: pd.DataFrame, conf: float = 0.95) -> HTML:
    """A logistic-regression table from :func:`govlib.survey.respondents.fit_logit`, in Chinese.

    The caption names the terms with p below ``1 - conf`` and says the data
    are synthetic.
    """
    alpha = 1 - conf
    shown = pd.DataFrame({
        "变量": table["label"], "系数": table["coef"], "优势比": table["odds_ratio"],
        f"优势比{conf:.0%}区间下限": table["or_low"], f"优势比{conf:.0%}区间上限": table["or_high"],
        "p值": table["p_value"],
    }).set_index("变量")
    sig = [lab for lab, term, p in zip(table["label"], table["term"], table["p_value"])
           if term != "Intercept" and p < alpha]
    note_ = f"；在{alpha:.2f}水平上“显著”的变量：{'、'.join(sig) if sig else '无'}"
    return synthetic_html(shown, title + note_, source, decimals=3)
