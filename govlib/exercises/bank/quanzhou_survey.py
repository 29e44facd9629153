"""Exercises of the lesson ``quanzhou-survey`` (the Quanzhou cadre questionnaire).

Every expected answer is computed from the register or from govlib, with the
notebook's parameters where the answer depends on them.
"""

from __future__ import annotations

from govlib.exercises.core import discussion, exercise
from govlib.exercises.worked import Worked, num, paper, worked

LESSON = "quanzhou-survey"

# the five constraints of 图1, as the framework labels them (words, not figures)
CONSTRAINTS = ("权责不匹配", "基层财力不足", "人力资源不充分", "工作方法简单", "服务场所不足")


@exercise("quanzhou-survey-1", lesson=LESSON, variable="ans_qs1", kind="recompute", answer="percent",
          prompt_zh="乡镇干部中，认为权责清单“没有得到执行”（已公布未执行，加上未公布未执行）的合计比例是多少？",
          hint_zh="把权责清单问题中两个“未执行”选项的比例相加；这是推算值，不是文章印出的数字。",
          uses=("qz-list-published-not-enforced", "qz-list-not-published"))
def _list_not_enforced():
    from govlib.data import value

    return value("qz-list-published-not-enforced") + value("qz-list-not-published")


@worked("quanzhou-survey-1")
def _qs1_worked():
    from govlib.data import value

    a, b = value("qz-list-published-not-enforced"), value("qz-list-not-published")
    return Worked(steps_zh=(f"{num(a, 1)}% + {num(b, 1)}% = {num(a + b, 1)}%（推算）",))


@exercise("quanzhou-survey-2", lesson=LESSON, variable="ans_qs2", kind="interpret", answer="bool",
          prompt_zh="按本页假设的乡镇干部样本量（{n_township}人），“网格化横向联系不紧、需要整合”这一比例的"
                    "{conf_level:.0%} Wilson 置信区间是否整个落在50%以上？也就是说，能否据此说“多数乡镇干部”这样认为？",
          hint_zh="看区间下限是否高于50%；区间随假设的 n 变宽或变窄。",
          params=("n_township", "conf_level"), uses=("qz-grid-integration-weak",))
def _grid_majority(n_township, conf_level):
    from govlib.data import value
    from govlib.survey.inference import wilson

    low, _ = wilson(value("qz-grid-integration-weak"), n_township, conf_level)
    return bool(low > 50)


@worked("quanzhou-survey-2")
def _qs2_worked(n_township, conf_level):
    from govlib.data import value
    from govlib.survey.inference import wilson

    p = value("qz-grid-integration-weak")
    low, high = (float(x) for x in wilson(p, n_township, conf_level))
    above = low > 50
    return Worked(
        quantities_zh=(f"{num(conf_level * 100, 0)}% Wilson 区间：{low:.1f}%–{high:.1f}%（假设 n = {n_township}人）",
                       f"整个落在50%以上：{'是' if above else '否'}"),
        steps_zh=(f"公布比例 {num(p, 1)}%，n = {n_township} → 区间下限 {low:.1f}% {'>' if above else '≤'} 50%",))


def _unpooled_n(conf_level):
    """The same question answered with the other common z test (each group's own standard error).

    Smallest whole n with |p1 - p2| / sqrt((p1 q1 + p2 q2) / n) > z, i.e. n > z² (p1 q1 + p2 q2) / (p1 - p2)².
    """
    import math

    from scipy.stats import norm

    from govlib.data import value

    p1 = (value("qz-list-published-not-enforced") + value("qz-list-not-published")) / 100
    p2 = value("qz-village-list-not-implemented") / 100
    z = norm.ppf(1 - (1 - conf_level) / 2)
    n = z**2 * (p1 * (1 - p1) + p2 * (1 - p2)) / (p1 - p2) ** 2
    return {"不合并标准误的 z 检验": math.floor(n) + 1}


@exercise("quanzhou-survey-3", lesson=LESSON, variable="ans_qs3", kind="apply", answer="int",
          prompt_zh="把练习1的乡镇比例与村干部“相关清单没有落实到位”的比例相比。两组样本量相等，"
                    "用双侧两比例 z 检验（两组合并估计标准误，即 `proportions_ztest` 的做法），"
                    "每组至少要多少人，差异才在{conf_level:.0%}置信水平对应的显著性水平上显著？"
                    "（提示：`survey.significance_n`，比较项 `\"list-not-done\"`。）",
          hint_zh="用 `survey.significance_n`，比较项为 `\"list-not-done\"`；从小到大找第一个 p 值低于显著性水平的 n。",
          params=("conf_level",), unit="人", accept=_unpooled_n,
          key_note_zh="两种做法各得一个“最少人数”，都算对。{between}都不对：按题目指定的合并标准误检验，"
                      "这些人数下差异还不显著；按不合并标准误的检验，较小的那个人数已经显著，更大的人数"
                      "就不是“至少”要多少人。",
          uses=("qz-list-published-not-enforced", "qz-list-not-published", "qz-village-list-not-implemented"))
def _list_significance(conf_level):
    from govlib.survey.inference import significance_n

    return significance_n("list-not-done", conf_level)


@worked("quanzhou-survey-3")
def _qs3_worked(conf_level):
    from govlib.data import value
    from govlib.survey.inference import significance_n, test_at

    p1 = value("qz-list-published-not-enforced") + value("qz-list-not-published")
    p2 = value("qz-village-list-not-implemented")
    n = significance_n("list-not-done", conf_level)
    alpha = 1 - conf_level
    p_n = float(test_at("list-not-done", n)["p_value"])
    p_before = float(test_at("list-not-done", n - 1)["p_value"])
    return Worked(
        quantities_zh=(f"比较：乡镇 {p1:.1f}% 与村 {p2:.1f}%，显著性水平 {num(alpha, 3)}",
                       f"每组至少 {n}人"),
        steps_zh=(f"n = {n - 1}：p = {num(p_before, 4)} ≥ {num(alpha, 3)}；n = {n}：p = {num(p_n, 4)} < {num(alpha, 3)}",))


def _constraint_of(fig_id: str) -> str:
    from govlib.frameworks import find_node, iter_nodes

    for node in find_node("quanzhou", "constraints").children:
        if any(fig_id in n.figures for n in iter_nodes(node)):
            return node.label_zh
    raise KeyError(f"{fig_id} is under no constraint of the quanzhou framework")


@exercise("quanzhou-survey-4", lesson=LESSON, variable="ans_qs4", kind="diagnose", answer="choice",
          prompt_zh="在泉州框架中，“网格化横向联系不紧、需要整合”这一问卷结果被放在图1的哪一个制约因素之下？",
          hint_zh="看框架图中“制约因素”下的五个分支，各自挂着哪些问卷结果。",
          format_zh="填写图1排序表中的一个因素名称（原文的小标题写法也可以）。",
          choices=CONSTRAINTS,
          synonyms={"工作方法简单": ("工作方法简单，管理机制有待完善", "方法简单"),
                    "权责不匹配": ("权责不对等",), "人力资源不充分": ("人力资源不足",)})
def _grid_constraint():
    return _constraint_of("qz-grid-integration-weak")


@exercise("quanzhou-survey-5", lesson=LESSON, variable="ans_qs5", kind="apply", answer="bool",
          prompt_zh="在上面生成的村干部合成数据上拟合逻辑回归：因变量为“加入工作群较多”，自变量为一票否决事项数、"
                    "责任状张数、认为清单未落实、曾作为责任主体。“责任状张数”的系数在{conf_level:.0%}置信水平对应的"
                    "显著性水平上显著吗？并想一想：这个答案说明了泉州的什么？",
          hint_zh="用 `survey.fit_logit(df, \"village\", \"wechat_many\", [...])`，看 `pledge` 一行的 p 值。",
          params=("n_village", "seed", "assoc_rho", "rounding", "conf_level"), needs_notebook=True)
def _logit_pledge(n_village, seed, assoc_rho, rounding, conf_level):
    from govlib.survey.respondents import fit_logit, synthesize, usable_n

    n, _ = usable_n("village", n_village, rounding)
    df = synthesize({"village": n}, seed=seed, rule=rounding, rho=assoc_rho)
    _, table = fit_logit(df, "village", "wechat_many", ["veto", "pledge", "list_not_implemented", "responsible"],
                         conf=conf_level)
    return bool(table.loc[table["term"] == "pledge", "p_value"].iloc[0] < 1 - conf_level)


@worked("quanzhou-survey-5")
def _qs5_worked(n_village, seed, assoc_rho, rounding, conf_level):
    from govlib.survey.respondents import fit_logit, synthesize, usable_n

    n, _ = usable_n("village", n_village, rounding)
    df = synthesize({"village": n}, seed=seed, rule=rounding, rho=assoc_rho)
    _, table = fit_logit(df, "village", "wechat_many", ["veto", "pledge", "list_not_implemented", "responsible"],
                         conf=conf_level)
    row = table.loc[table["term"] == "pledge"].iloc[0]
    p, alpha = float(row["p_value"]), 1 - conf_level
    return Worked(
        quantities_zh=(f"“责任状张数”系数 {num(row['coef'], 3)}（比值比 {num(row['odds_ratio'], 2)}），"
                       f"p = {num(p, 3)}（合成数据，n = {n}人）",
                       f"显著：{'是' if p < alpha else '否'}（显著性水平 {num(alpha, 3)}）"),
        steps_zh=(f"p = {num(p, 3)} {'<' if p < alpha else '≥'} {num(alpha, 3)}",))


discussion("quanzhou-survey-6", lesson=LESSON, variable="ans_qs6",
           prompt_zh="文章说图4那一题有一定比例的“受访者”认为提高收入并与任务量挂钩最有效，却没有说明受访者是哪一级干部，"
                     "全文也没有给出任何样本量。假如你要把这组问卷结果写进给县委的调研报告，你会如何表述？"
                     "又会向课题组追问哪些信息？",
           rubric_zh=(
               "指出没有样本量就给不出误差范围；报告中应写明“样本量未公布”，必要时给出几种假设样本量下的区间；",
               "区分乡镇干部、村干部与层级不明的“受访者”，不把图4的比例直接当成村干部的意见；",
               "区分问卷统计、访谈反映（如月工资）与只有次序没有数值的排序（图1、图5）；",
               "追问抽样方法、各层样本量、缺答处理、题目原文、是否多选以及舍入方式；",
               "能用本课算出的可行样本量或置信区间支撑自己的表述，而不是另编数字。",
           ))


# the printed handout: how the exercise that needs the notebook is answered on paper
paper("quanzhou-survey-5", "逻辑回归要在电脑上拟合；没有电脑时，看教师展示的系数表中“责任状张数”一行的 p 值，"
                           "与显著性水平比较，再回答后半问（合成数据能说明泉州什么）。")
