"""Exercises of the lesson ``cross-case`` (跨案例比较): answers computed from ``data/crosscase.yaml``,
so they follow an instructor's edits of the coding."""

from __future__ import annotations

from govlib.exercises.core import discussion, exercise
from govlib.exercises.worked import Worked, worked

LESSON = "cross-case"
SCM = ("subject", "capacity", "mechanism")


def _cc():
    from govlib.frameworks import load_crosscase

    return load_crosscase()


def _words() -> tuple[dict[str, str], dict[str, str]]:
    """Chinese words for the case and dimension parameters, shown in the prompts instead of their codes."""
    cc = _cc()
    return ({c.id: cc.label(c.id) for c in cc.cases}, {d.id: cc.label(d.id) for d in cc.dimensions})


_CASE_WORDS, _DIMENSION_WORDS = _words()


@exercise("cross-case-1", lesson=LESSON, variable="ans_cc1", kind="recompute", answer="int",
          prompt_zh="在编码矩阵的全部维度中，{case}一文有几个维度被编为“核心主题”（等级3）？"
                    "（等级是有顺序的类别，这里数格子，不求平均。）",
          hint_zh="在热图中看该案例的一列，数等级为3（核心主题）的格子。", tol=0, unit="个", params=("case",),
          prompt_values={"case": _CASE_WORDS})
def _cc1(case):
    cc = _cc()
    cid = cc.case_id(case)
    return sum(1 for d in cc.dimensions if cc.coding[cid][d.id].level == 3)


@worked("cross-case-1")
def _cc1_worked(case):
    cc = _cc()
    cid = cc.case_id(case)
    core = [cc.label(d.id) for d in cc.dimensions if cc.coding[cid][d.id].level == 3]
    return Worked(quantities_zh=(f"核心主题的维度：{'、'.join(core) if core else '无'}",),
                  steps_zh=(f"共{len(core)}个（全部{len(cc.dimensions)}个维度中）",))


@exercise("cross-case-2", lesson=LESSON, variable="ans_cc2", kind="interpret", answer="int",
          prompt_zh="在“{dimension}”维度上，有几篇文章达到了“展开论述”或更高的等级？"
                    "这说明该维度在五篇文章中是共同关注，还是个别文章的特色？",
          hint_zh="看热图中该维度一行：等级2（展开论述）和3（核心主题）都算。", tol=0, unit="篇",
          params=("dimension",), prompt_values={"dimension": _DIMENSION_WORDS})
def _cc2(dimension):
    from govlib.frameworks import count_at_least

    return count_at_least(_cc(), dimension, 2)


@exercise("cross-case-3", lesson=LESSON, variable="ans_cc3", kind="apply", answer="int",
          prompt_zh="逐个维度比较{case_a}与{case_b}两篇文章的编码等级：有几个维度上两者的等级不同？"
                    "（逐行数格子即可，不求平均。）",
          hint_zh="把两篇文章的两列并排，逐行看等级是否相同，数出不同的行。",
          tol=0, unit="个", params=("case_a", "case_b"),
          prompt_values={"case_a": _CASE_WORDS, "case_b": _CASE_WORDS})
def _cc3(case_a, case_b):
    cc = _cc()
    a, b = cc.case_id(case_a), cc.case_id(case_b)
    return sum(1 for d in cc.dimensions if cc.coding[a][d.id].level != cc.coding[b][d.id].level)


@worked("cross-case-3")
def _cc3_worked(case_a, case_b):
    cc = _cc()
    a, b = cc.case_id(case_a), cc.case_id(case_b)
    diff = [d for d in cc.dimensions if cc.coding[a][d.id].level != cc.coding[b][d.id].level]
    far = [d for d in diff if abs(cc.coding[a][d.id].level - cc.coding[b][d.id].level) >= 2]
    return Worked(quantities_zh=(f"等级不同的维度：{len(diff)}个（其中相差两级或以上的{len(far)}个）",),
                  steps_zh=("、".join(f"{cc.label(d.id)} {cc.coding[a][d.id].level}对{cc.coding[b][d.id].level}"
                                     for d in diff) or "无",))


def _scm_labels() -> tuple[str, ...]:
    cc = _cc()
    return tuple(cc.label(d) for d in SCM)


@exercise("cross-case-4", lesson=LESSON, variable="ans_cc4", kind="diagnose", answer="choice",
          prompt_zh="用蒲江的“主体-能力-机制”三维框架去读{case}一文：它在这三维中着墨最多的是哪一维？"
                    "（等级并列时取三维中排在前面的一维。）",
          hint_zh="只比较主体、能力、机制三行在该案例一列中的等级。",
          choices=_scm_labels(), params=("case",), prompt_values={"case": _CASE_WORDS},
          format_zh="填写维度名称：主体、能力或机制。",
          synonyms={lab: (f"{lab}维度", f"{lab}维") for lab in _scm_labels()})
def _cc4(case):
    cc = _cc()
    cid = cc.case_id(case)
    best = max(SCM, key=lambda d: (cc.coding[cid][d].level, -SCM.index(d)))
    return cc.label(best)


discussion(
    "cross-case-5", lesson=LESSON, variable="ans_cc5",
    prompt_zh="编码矩阵是研究者的判断，不是文章自己给出的数字。请任选矩阵中的一格，回到原文对应段落，"
              "说明你同意还是不同意这一等级，并提出你认为更合适的等级与理由；再谈谈：五篇文章体裁不同，"
              "直接比较等级高低有什么风险？",
    rubric_zh=(
        "能按出处找到原文段落，用自己的话复述该段与该维度有关的内容。",
        "改动或维持等级的理由与等级定义（未涉及/提及/展开论述/核心主题）对应，而不是凭印象。",
        "指出体裁与篇幅对编码的影响：短的新闻摘编、残缺文本容易显得“未涉及”，不等于当地没有这项工作。",
        "提出至少一项改进比较的办法，如两人独立编码再核对、按篇幅加权、只比较同类文本。",
    ),
)


# a warm-up on what the lesson shows first (the dimensions and the level rules), so feedback comes
# within the first ten code cells
@exercise("cross-case-6", warmup=True, lesson=LESSON, variable="ans_cc6", kind="recompute", answer="int",
          prompt_zh="编码矩阵的每一格，是一篇文章在一个维度上的编码等级。按上面列出的文章和维度，矩阵一共有多少格？",
          hint_zh="文章篇数 × 维度个数：篇数看第一张表，维度个数看列出各维度含义的那张表。", tol=0, unit="格")
def _cc6():
    cc = _cc()
    return len(cc.cases) * len(cc.dimensions)
