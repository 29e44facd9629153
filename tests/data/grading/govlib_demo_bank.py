"""A fixture exercise bank: lesson ``demo``, used by the exercise and grading tests.

Imported through ``GOVLIB_EXERCISE_BANKS=govlib_demo_bank`` with this folder
on ``PYTHONPATH``, the way an instructor adds a bank of their own.  The
expected answers are small pure-Python computations (no pandas), so a kernel
running a fixture submission starts quickly.

Hand-computed expected answers (used in the tests):

- demo-1: 37 of 90 respondents satisfied -> 100 * 37 / 90 = 41.111... (percent)
- demo-2: households / 300 per grid, rounded up -> households=1000: 1000/300 = 3.33 -> 4 grids
- demo-3: p = 0.03 < 0.05 -> "拒绝原假设"
- demo-4: "网格员" is one of the two roles listed -> True
- demo-5: 12.5 thousand households / 4 townships = 12500 / 4 = 3125 households (rtol 1%)
- demo-6: discussion, not auto-graded

Points: demo-1 is worth 1 and gives half of it (0.5) for a rounding
near-miss (41 instead of 41.1); demo-2 is worth 2; demo-6 (marked by hand)
is worth 2; the others 1 -- 8 in all.
"""

import math

from govlib.exercises import discussion, exercise

LESSON = "demo"


@exercise("demo-1", lesson=LESSON, variable="ans_demo1", kind="recompute", answer="percent",
          prompt_zh="90名受访者中37人表示满意，满意比例是百分之多少？", hint_zh="满意人数除以受访人数，再乘以100。",
          part_credit=0.5)
def _demo1():
    return 100 * 37 / 90


@exercise("demo-2", lesson=LESSON, variable="ans_demo2", kind="apply", answer="int",
          prompt_zh="每个网格不超过300户，社区需要划分几个网格？", hint_zh="户数除以300后向上取整。",
          params=("households",), points=2)
def _demo2(households):
    return math.ceil(households / 300)


@exercise("demo-3", lesson=LESSON, variable="ans_demo3", kind="interpret", answer="choice",
          prompt_zh="检验的 p 值为0.03，显著性水平为0.05，结论是什么？", hint_zh="比较 p 值与显著性水平。",
          choices=("拒绝原假设", "不拒绝原假设"))
def _demo3():
    return "拒绝原假设" if 0.03 < 0.05 else "不拒绝原假设"


@exercise("demo-4", lesson=LESSON, variable="ans_demo4", kind="diagnose", answer="bool",
          prompt_zh="在示例框架中，“网格员”属于执行层角色吗？", hint_zh="查看框架树的执行层节点。")
def _demo4():
    return "网格员" in ("网格员", "楼栋长")


@exercise("demo-5", lesson=LESSON, variable="ans_demo5", kind="recompute", answer="number",
          prompt_zh="1.25万户平均分到4个乡镇，每个乡镇多少户？", hint_zh="先把万户换算成户。",
          unit="户", rtol=0.01)
def _demo5():
    return 12.5 * 1000 / 4


discussion("demo-6", lesson=LESSON, variable="ans_demo6",
           prompt_zh="网格越小越好吗？结合本课的数据谈谈你的看法。",
           rubric_zh=("指出网格规模与人力成本之间的权衡", "引用至少一个本课给出的数据",
                      "提出一个可操作的建议"), points=2)
