"""Exercises of the lesson ``quanzhou-survey`` (the Quanzhou cadre questionnaire).

Every expected answer is computed from the register or from govlib, with the
notebook's parameters where the answer depends on them.
"""

from __future__ import annotations

from govlib.exercises.core import discussion, exercise

LESSON = "quanzhou-survey"

# the five constraints of 图1, as the framework labels them (words, not figures)
CONSTRAINTS = ("权责不匹配", "基层财力不足", "人力资源不充分", "工作方法简单", "服务场所不足")


@exercise("quanzhou-survey-1", lesson=LESSON, variable="ans_qs1", kind="recompute", answer="percent",
          prompt_zh="乡镇干部中，认为权责清单“没有得到执行”（已公布未执行，加上未公布未执行）的合计比例是多少？",
          hint_zh="把权责清单问题中两个“未执行”选项的比例相加；这是推算值，不是文章印出的数字。")
def _list_not_enforced():
    from govlib.data import value

    return value("qz-list-published-not-enforced") + value("qz-list-not-published")


@exercise("quanzhou-survey-2", lesson=LESSON, variable="ans_qs2", kind="interpret", answer="bool",
          prompt_zh="假设乡镇干部样本量为 n_township，认为网格化横向整合不足的比例的 Wilson 置信区间，"
                    "是否整个落在50%以上（即能否据此说“多数乡镇干部”这样认为）？",
          hint_zh="看区间下限是否高于50%；区间随假设的 n 变宽或变窄。",
          params=("n_township", "conf_level"))
def _grid_majority(n_township, conf_level):
    from govlib.data import value
    from govlib.survey.inference import wilson

    low, _ = wilson(value("qz-grid-integration-weak"), n_township, conf_level)
    return bool(low > 50)


@exercise("quanzhou-survey-3", lesson=LESSON, variable="ans_qs3", kind="apply", answer="int",
          prompt_zh="把练习1的乡镇比例与村干部“清单没有落实到位”的比例相比（两组样本量相等、双侧两比例z检验），"
                    "每组至少要多少人，差异才在 1 - conf_level 水平上显著？",
          hint_zh="用 govlib.survey.significance_n，比较项为 'list-not-done'；从小到大找第一个 p 值低于显著性水平的 n。",
          params=("conf_level",))
def _list_significance(conf_level):
    from govlib.survey.inference import significance_n

    return significance_n("list-not-done", conf_level)


def _constraint_of(fig_id: str) -> str:
    from govlib.frameworks import find_node, iter_nodes

    for node in find_node("quanzhou", "constraints").children:
        if any(fig_id in n.figures for n in iter_nodes(node)):
            return node.label_zh
    raise KeyError(f"{fig_id} is under no constraint of the quanzhou framework")


@exercise("quanzhou-survey-4", lesson=LESSON, variable="ans_qs4", kind="diagnose", answer="choice",
          prompt_zh="在泉州框架（data/frameworks/quanzhou.yaml）里，“网格化横向联系不紧、需要整合”这一问卷结果"
                    "被放在图1的哪一个制约因素之下？",
          hint_zh="用 govlib.frameworks.find_node('quanzhou', 'constraints') 逐个查看子节点及其 figures。",
          choices=CONSTRAINTS)
def _grid_constraint():
    return _constraint_of("qz-grid-integration-weak")


@exercise("quanzhou-survey-5", lesson=LESSON, variable="ans_qs5", kind="apply", answer="bool",
          prompt_zh="在本课生成的村干部合成数据上拟合逻辑回归（因变量：加入工作群较多；自变量：一票否决事项数、"
                    "责任状张数、认为清单未落实、曾作为责任主体），“责任状张数”的系数在 1 - conf_level 水平上显著吗？",
          hint_zh="用 govlib.survey.fit_logit(df, 'village', 'wechat_many', [...])，看 pledge 一行的 p 值。",
          params=("n_village", "seed", "assoc_rho", "rounding", "conf_level"))
def _logit_pledge(n_village, seed, assoc_rho, rounding, conf_level):
    from govlib.survey.respondents import fit_logit, synthesize, usable_n

    n, _ = usable_n("village", n_village, rounding)
    df = synthesize({"village": n}, seed=seed, rule=rounding, rho=assoc_rho)
    _, table = fit_logit(df, "village", "wechat_many", ["veto", "pledge", "list_not_implemented", "responsible"],
                         conf=conf_level)
    return bool(table.loc[table["term"] == "pledge", "p_value"].iloc[0] < 1 - conf_level)


discussion("quanzhou-survey-6", lesson=LESSON, variable="ans_qs6",
           prompt_zh="文章说“70.5%的受访者”认为提高收入并与任务量挂钩最有效，却没有说明受访者是哪一级干部，"
                     "全文也没有给出任何样本量。假如你要把这组问卷结果写进给县委的调研报告，你会如何表述？"
                     "又会向课题组追问哪些信息？",
           rubric_zh=(
               "指出缺少样本量就无法给出误差范围，报告中的比例应写明“样本量未公布”，必要时给出在几种假设样本量下的区间；",
               "区分乡镇干部、村干部与层级不明的“受访者”，不把70.5%直接当成村干部的意见；",
               "区分问卷统计、访谈反映（如月工资）与只有次序没有数值的排序（图1、图5）；",
               "追问抽样方法、各层样本量、缺答处理、题目原文与是否多选、舍入方式；",
               "能用本课的可行样本量或区间结果支撑自己的表述，而不是另编数字。",
           ))
