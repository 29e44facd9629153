"""Exercises of the opening lesson ``intro``: reading the register.

Every answer is computed from ``data/figures.csv`` and ``data/sources.csv``.
"""

from __future__ import annotations

from govlib.exercises.core import discussion, exercise
from govlib.exercises.worked import Worked, num, worked

LESSON = "intro"

#: the register's qualifier codes in the words the lesson uses (the choices of intro-3)
QUALIFIER_ZH = {
    "exact": "确切数", "over": "超过", "at_least": "以上（含本数）", "under": "不足", "approx": "约数",
    "range": "区间", "verbal_approx": "文字表述的约数", "verbal_over": "文字表述的超过", "rank": "名次",
    "date": "日期",
}
_QUALIFIER_SYNONYMS = {
    "超过": ("超过（不含本数）", "严格大于", "大于", "多于", "over"),
    "以上（含本数）": ("以上", "不少于", "大于等于", "at_least"),
    "不足": ("不到", "少于", "低于", "严格小于", "under"),
    "约数": ("约", "大约", "左右", "近似", "approx"),
    "确切数": ("确切值", "精确值", "确数", "exact"),
    "区间": ("范围", "range"),
    "名次": ("排序", "次序", "rank"),
    "日期": ("date",),
}


def _reg():
    from govlib.data import load_register

    return load_register()


def _article_names() -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """The five articles by their short names (sources.csv ``short_zh``); place names and ids as synonyms."""
    src = _reg().sources
    choices = tuple(src["short_zh"])
    synonyms = {s: (sid, s.split("：")[0]) for sid, s in zip(src["id"], src["short_zh"])}
    return choices, synonyms


_ARTICLES, _ARTICLE_SYNONYMS = _article_names()


@exercise("intro-1", lesson=LESSON, variable="ans_in1", kind="recompute", answer="percent",
          prompt_zh="厦门“127”机制的季度考评中，互评均分与民意测评均分两项权重合计占最终成绩的百分之几？",
          hint_zh="在登记表的厦门部分找到三项权重，去掉自评那一项，把其余两项相加。",
          uses=("xm-weight-peer", "xm-weight-poll"))
def _in1():
    reg = _reg()
    return reg.value("xm-weight-peer") + reg.value("xm-weight-poll")


@worked("intro-1")
def _in1_worked():
    reg = _reg()
    a, b = reg.value("xm-weight-peer"), reg.value("xm-weight-poll")
    return Worked(steps_zh=(f"{num(a, 1)}% + {num(b, 1)}% = {num(a + b, 1)}%",))


@exercise("intro-2", lesson=LESSON, variable="ans_in2", kind="interpret", answer="choice",
          choices=_ARTICLES, synonyms=_ARTICLE_SYNONYMS,
          prompt_zh="五篇文章中，哪一篇没有任何可登记的数字？",
          format_zh="填写文章的简称（第一节表中“简称”一栏的写法，只写冒号前的地名或关键词也可以）。",
          hint_zh="看第一节文章一览表的“登记数字”一栏，或逐篇浏览登记表。")
def _in2():
    reg = _reg()
    empty = [sid for sid in reg.sources["id"] if not reg.ids(sid)]
    if len(empty) != 1:
        raise ValueError(f"expected exactly one article without figures, found {empty}")
    return reg.source(empty[0])["short_zh"]


@exercise("intro-3", lesson=LESSON, variable="ans_in3", kind="interpret", answer="choice",
          choices=tuple(QUALIFIER_ZH.values()), synonyms=_QUALIFIER_SYNONYMS, show_choices=True,
          prompt_zh="泉州问卷中，认为综合执法队伍管理效率不高的乡镇（街道）干部比例，在登记表中属于哪一种限定方式？"
                    "先在第三节的登记表里找到这一行，读它的原文措辞。",
          hint_zh="“超过”表示严格大于，与“以上”（含本数）不同。",
          uses=("qz-enforcement-inefficient-over60",))
def _in3():
    return QUALIFIER_ZH[_reg().figure("qz-enforcement-inefficient-over60").qualifier]


@exercise("intro-4", lesson=LESSON, variable="ans_in4", kind="recompute", answer="int", unit="个",
          prompt_zh="成都一文中登记了几个日期类数字（包括没有印出年份的日期）？",
          hint_zh="在成都部分的登记表中数一数“数字”一栏是日期的行。", tol=0,
          uses=("cd-report-date", "cd-politburo-opinion", "cd-regulation-date", "cd-since-2017",
                "cd-social-enterprise-opinion"))
def _in4():
    figs = _reg().figures
    return int(((figs["source"] == "chengdu") & (figs["qualifier"] == "date")).sum())


@worked("intro-4")
def _in4_worked():
    figs = _reg().figures
    n = int(((figs["source"] == "chengdu") & (figs["qualifier"] == "date")).sum())
    return Worked(steps_zh=(f"数登记表中来源为成都、限定方式为“日期”的行：共{n}个",))


discussion(
    "intro-5", lesson=LESSON, variable="ans_in5",
    prompt_zh="本课程要求所有数字都从登记表调取、不许手工抄录。请结合一个具体数字，谈谈这样做对教学和研究各有什么好处，又有什么局限。",
    rubric_zh=(
        "能举出登记表中的一个具体数字，并说出它的原文出处（文章、小节、图号）。",
        "说明可追溯的好处：便于核对、发现抄录错误、原文修订时只改一处。",
        "说明限定方式为什么要一并登记，避免把“超过”当成等于。",
        "指出局限：登记表只收原文明确给出的数字；缺失的信息（如样本量）不能补造，只能作为参数或标注清楚的合成数据。",
    ),
)
