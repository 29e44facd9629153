"""Exercises of the opening lesson ``intro``: reading the register.

Every answer is computed from ``data/figures.csv`` and ``data/sources.csv``.
"""

from __future__ import annotations

from govlib.exercises.core import discussion, exercise

LESSON = "intro"


def _reg():
    from govlib.data import load_register

    return load_register()


@exercise("intro-1", lesson=LESSON, variable="ans_in1", kind="recompute", answer="percent",
          prompt_zh="厦门“127”机制的季度考评中，互评均分与民意测评均分两项权重合计占最终成绩的百分之几？",
          hint_zh="在登记表的厦门部分找到三项权重，去掉自评那一项，把其余两项相加。")
def _in1():
    reg = _reg()
    return reg.value("xm-weight-peer") + reg.value("xm-weight-poll")


@exercise("intro-2", lesson=LESSON, variable="ans_in2", kind="interpret", answer="choice",
          choices=("pujiang", "xiamen", "yihe", "chengdu", "quanzhou"),
          prompt_zh="五篇文章中，哪一篇没有任何可登记的数字？请填写文章编号（如 pujiang）。",
          hint_zh="看文章一览表的“登记数字”一栏，或逐篇浏览登记表。")
def _in2():
    reg = _reg()
    empty = [sid for sid in reg.sources["id"] if not reg.ids(sid)]
    if len(empty) != 1:
        raise ValueError(f"expected exactly one article without figures, found {empty}")
    return empty[0]


@exercise("intro-3", lesson=LESSON, variable="ans_in3", kind="interpret", answer="choice",
          choices=("exact", "over", "at_least", "under", "approx", "range", "verbal_approx",
                   "verbal_over", "rank", "date"),
          prompt_zh="泉州问卷中“超过60%的乡镇（街道）干部认为综合执法队伍管理效率不高”，这个数字在登记表中的限定方式（qualifier）是什么？",
          hint_zh="“超过”表示严格大于，与“以上”（含本数）不同；看登记表的 qualifier 一栏。")
def _in3():
    return _reg().figure("qz-enforcement-inefficient-over60").qualifier


@exercise("intro-4", lesson=LESSON, variable="ans_in4", kind="recompute", answer="int",
          prompt_zh="成都一文中登记了几个日期类数字（包括没有印出年份的日期）？",
          hint_zh="在成都部分的登记表中数一数“数字”一栏是日期的行。", tol=0)
def _in4():
    figs = _reg().figures
    return int(((figs["source"] == "chengdu") & (figs["qualifier"] == "date")).sum())


discussion(
    "intro-5", lesson=LESSON, variable="ans_in5",
    prompt_zh="本课程要求所有数字都从登记表调取、不许手工抄录。请结合一个具体数字，谈谈这样做对教学和研究各有什么好处，又有什么局限。",
    rubric_zh=(
        "能举出登记表中的一个具体数字，并说出它的原文出处（文章、小节、图号）。",
        "说明可追溯的好处：便于核对、发现抄录错误、原文修订时只改一处。",
        "说明限定方式（超过、约、以上、区间）为什么要一并登记，避免把“超过60%”当成60%。",
        "指出局限：登记表只收原文明确给出的数字；样本量等缺失信息不能补造，只能作为参数或合成数据并加以标注。",
    ),
)
