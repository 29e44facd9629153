"""Exercises of the lesson ``pujiang`` (蒲江：主体-能力-机制): answers computed from the register,
the Pujiang framework and the synthetic class data (never typed)."""

from __future__ import annotations

from govlib.exercises.core import discussion, exercise
from govlib.exercises.worked import Worked, num, paper, worked

LESSON = "pujiang"
#: the five kinds of demonstration sites the article counts (the smart estate lies inside the resettlement areas)
DEMO_IDS = ("pj-demo-urban-communities", "pj-demo-ethnic-communities", "pj-demo-industrial-communities",
            "pj-demo-urban-estates", "pj-resettlement-areas")
_DIMS = ("主体", "能力", "机制")


def _data(seed: int):
    from govlib.frameworks import class_data

    return class_data(seed=seed)


def _inst():
    from govlib.frameworks import Instrument

    return Instrument("pujiang")


@exercise("pujiang-1", lesson=LESSON, variable="ans_pj1", kind="recompute", answer="int",
          prompt_zh="蒲江县分类推进的五类示范建设对象（城镇、民族、产业三类示范社区，示范城镇居民小区，"
                    "搬迁集中居住区）合计多少个？请用登记表中的数字计算，注意数字之间的包含关系。",
          hint_zh="把五类相加；首批智慧小区已经包含在搬迁集中居住区之内，不要重复计算。", tol=0, unit="个",
          uses=DEMO_IDS)
def _pj1():
    from govlib.data import value

    return int(sum(value(i) for i in DEMO_IDS))


@worked("pujiang-1")
def _pj1_worked():
    from govlib.data import value

    vals = [int(value(i)) for i in DEMO_IDS]
    return Worked(steps_zh=(" + ".join(str(v) for v in vals) + f" = {sum(vals)}个",))


@exercise("pujiang-2", lesson=LESSON, variable="ans_pj2", kind="apply", answer="number",
          prompt_zh="在合成班级数据中，{community}在“{focus_dimension}”维度上的平均得分是多少？"
                    "请先把反向题按6减原分转换。提示：`recode(answers, inst)` 给出转换后的答卷，"
                    "`inst.items_of(focus_dimension)` 给出该维度的题目编号。",
          hint_zh="先把反向题转换，再求每位答卷人在该维度各题的平均分，最后对该社区的答卷人求平均。",
          tol=0.01, decimals=2, params=("community", "focus_dimension", "seed"), needs_notebook=True)
def _pj2(community, focus_dimension, seed):
    from govlib.frameworks import community_scores

    scores = community_scores(_data(seed), _inst())
    return round(float(scores.loc[community, focus_dimension]), 2)


@worked("pujiang-2")
def _pj2_worked(community, focus_dimension, seed):
    from govlib.frameworks import community_scores

    v = float(community_scores(_data(seed), _inst()).loc[community, focus_dimension])
    return Worked(quantities_zh=(f"{community}“{focus_dimension}”维度平均得分：{num(v, 2)}分（合成数据，反向题已转换）",))


@exercise("pujiang-3", lesson=LESSON, variable="ans_pj3", kind="recompute", answer="number",
          prompt_zh="只用{community}的答卷，计算“{focus_dimension}”维度的克朗巴赫 α 系数（反向题先转换）。"
                    "请按上面的公式自己计算，再用 `cronbach_alpha` 核对。",
          hint_zh="α = k/(k−1)·(1 − 各题方差之和 / 总分方差)，方差用样本方差（`ddof=1`）。",
          tol=0.01, decimals=2, params=("community", "focus_dimension", "seed"), needs_notebook=True)
def _pj3(community, focus_dimension, seed):
    from govlib.frameworks import alpha_by_dimension

    a = alpha_by_dimension(_data(seed), _inst(), community=community)
    return round(float(a.loc[focus_dimension, "alpha"]), 2)


@worked("pujiang-3")
def _pj3_worked(community, focus_dimension, seed):
    from govlib.frameworks import alpha_by_dimension

    a = alpha_by_dimension(_data(seed), _inst(), community=community).loc[focus_dimension]
    return Worked(quantities_zh=(f"{community}“{focus_dimension}”维度 α = {num(a['alpha'], 2)}"
                                 f"（合成数据，{int(a['题目数'])}道题，{int(a['人数'])}人）",))


@exercise("pujiang-4", lesson=LESSON, variable="ans_pj4", kind="diagnose", answer="choice",
          prompt_zh="按合成班级数据，{community}最薄弱的是主体、能力、机制中的哪一维？",
          hint_zh="比较该社区三个维度的平均得分（反向题已转换，分数越高越好），取最低者。",
          choices=_DIMS, params=("community", "seed"), format_zh="填写维度名称：主体、能力或机制。",
          synonyms={d: (f"{d}维度", f"{d}维") for d in _DIMS}, needs_notebook=True)
def _pj4(community, seed):
    from govlib.frameworks import weakest_dimension

    return weakest_dimension(_data(seed), _inst(), community)


@exercise("pujiang-5", lesson=LESSON, variable="ans_pj5", kind="interpret", answer="int",
          prompt_zh="分别在三个示例社区内部计算“{focus_dimension}”维度的 α 系数。有几个社区达到了参考阈值"
                    "{alpha_threshold}？如果某个社区没有达到，你会怎样解读该社区在这一维度上的得分？",
          hint_zh="对每个社区单独计算该维度的 α，与参考阈值比较（大于或等于即算达到）。",
          tol=0, unit="个", params=("focus_dimension", "alpha_threshold", "seed"), needs_notebook=True)
def _pj5(focus_dimension, alpha_threshold, seed):
    from govlib.frameworks import alpha_by_dimension, communities

    data, inst = _data(seed), _inst()
    return sum(1 for c in communities(data)
               if alpha_by_dimension(data, inst, community=c).loc[focus_dimension, "alpha"] >= alpha_threshold)


@worked("pujiang-5")
def _pj5_worked(focus_dimension, alpha_threshold, seed):
    from govlib.frameworks import alpha_by_dimension, communities

    data, inst = _data(seed), _inst()
    alphas = {c: float(alpha_by_dimension(data, inst, community=c).loc[focus_dimension, "alpha"]) for c in communities(data)}
    met = [c for c, a in alphas.items() if a >= alpha_threshold]
    return Worked(quantities_zh=tuple(f"{c}：α = {num(a, 3)}（{'达到' if a >= alpha_threshold else '未达到'}"
                                      f"{num(alpha_threshold, 2)}）" for c, a in alphas.items()),
                  steps_zh=(f"达到阈值的社区：{len(met)}个",))


discussion(
    "pujiang-6", lesson=LESSON, variable="ans_pj6",
    prompt_zh="作者说蒲江真正参与得了社区治理的社会组织很少，近一半还依附政府。"
              "请用“主体-能力-机制”框架为你熟悉的一个社区设计一项为期一年的改进方案："
              "先指出最薄弱的维度和依据，再从文章的对策中选取两项，说明如何落地、如何检验成效。",
    rubric_zh=(
        "诊断有依据：指出一个最薄弱的维度，并给出事实、数据或量表得分作为依据；不把合成数据当作真实调查。",
        "对策与诊断对应：所选对策来自该维度（或说明跨维度联动的理由），能说出它针对哪一项困局。",
        "可操作：写明责任主体、时间安排和所需资源，并注意避免社会组织进一步依附行政。",
        "可检验：提出至少一个可观察的成效指标，并说明如何收集。",
    ),
)


# the printed handout: how exercises that need the notebook are answered on paper
paper("pujiang-2", "用本题下面印出的本社区该维度原始答卷，先把反向题换算成“6 − 原分”，"
                   "再求每人在该维度各题的平均分，最后求全体受访者的平均。")
paper("pujiang-3", "用同一张答卷表和第三节的 α 公式：先求每道题得分的方差并相加，再求每人该维度总分的方差，代入公式。")
paper("pujiang-4", "看第四节“三个示例社区的维度得分比较”图，找出本社区得分最低的一维。")
paper("pujiang-5", "三个社区的 α 值由教师在课上给出（教师版印有），学生在纸上与参考阈值逐一比较并写出解读。")
