"""Exercises of the lesson ``xiamen-127`` (厦门“127”机制): answers computed from the register,
the framework and :mod:`govlib.evaluation`, with the notebook's own parameters."""

from __future__ import annotations

from govlib.exercises.core import discussion, exercise
from govlib.exercises.worked import Worked, num, paper, products, worked

LESSON = "xiamen-127"
#: notebook parameters that fix the example units and the simulation
SIM_PARAMS = ("n_units", "households", "poll_households", "seed", "n_sims", "weights_source",
              "w_self", "w_peer", "w_poll")


def _weights(weights_source, w_self, w_peer, w_poll):
    from govlib.evaluation import choose_weights

    return choose_weights(weights_source, w_self, w_peer, w_poll)


def _example(n_units, households, poll_households, seed):
    from govlib.evaluation import lesson_quarter

    return lesson_quarter(n_units=n_units, households=households, poll_households=poll_households, seed=seed)


@exercise("xiamen-127-1", lesson=LESSON, variable="ans_xm1", kind="recompute", answer="number",
          prompt_zh="某组团单位本季自评58分，互评均分49分，民意测评均分41分。按文章规定的权重，它的最终考核成绩是多少分？",
          hint_zh="最终成绩 = 自评权重×自评分 + 互评权重×互评均分 + 民意测评权重×民意测评均分；权重见本课第一节的表。",
          tol=0.05, unit="分", decimals=1, uses=("xm-weight-self", "xm-weight-peer", "xm-weight-poll"))
def _xm1():
    from govlib.evaluation import composite, default_weights

    # hypothetical scores typed in the question; the weights come from the register
    return composite(58, 49, 41, default_weights())


@worked("xiamen-127-1")
def _xm1_worked():
    from govlib.evaluation import composite, default_weights

    w = default_weights()
    total = composite(58, 49, 41, w)
    return Worked(steps_zh=(products([(w["self"], 58), (w["peer"], 49), (w["poll"], 41)], total, decimals=1,
                                     unit="分"),))


@exercise("xiamen-127-2", lesson=LESSON, variable="ans_xm2", kind="apply", answer="int",
          prompt_zh="组团会议有{n_reps}名代表参加表决。按文章的表决门槛，并把“以上”理解为{vote_reading}，"
                    "项目要获得通过，至少需要几名代表同意？",
          hint_zh="含本数：同意人数 ≥ 门槛×人数，向上取整；不含本数：同意人数 > 门槛×人数。",
          tol=0, params=("n_reps", "vote_reading"), unit="名", uses=("xm-vote-threshold",),
          prompt_values={"vote_reading": {"inclusive": "含本数", "exclusive": "不含本数"}})
def _xm2(n_reps, vote_reading):
    from govlib.evaluation import min_agree

    return min_agree(n_reps, reading=vote_reading)


@worked("xiamen-127-2")
def _xm2_worked(n_reps, vote_reading):
    from govlib.evaluation import min_agree, vote_threshold

    t = float(vote_threshold())
    need = min_agree(n_reps, reading=vote_reading)
    rule = "同意人数不少于该数，向上取整" if vote_reading == "inclusive" else "同意人数须多于该数"
    return Worked(steps_zh=(f"{num(t, 4)}×{n_reps} = {num(t * n_reps, 2)}（{rule}）→ 至少{need}名",))


@exercise("xiamen-127-3", lesson=LESSON, variable="ans_xm3", kind="interpret", answer="bool",
          prompt_zh="在第四节模拟的季度中，按真实成绩排第一和第二的两个虚构单位，名次不颠倒的季度占多大比例？"
                    "这个比例是否达到{confidence:.0%}的把握？并想一想：只凭一个季度的成绩给前者发荣誉证书、"
                    "不给后者，稳妥吗？",
          hint_zh="先用 `sim.true_order()` 找出真实的前两名，再用 `sim.swap_rate(a, b)` 求颠倒的比例；"
                  "不颠倒的比例 = 1 − 颠倒的比例，再与所要求的把握比较。",
          params=SIM_PARAMS + ("confidence",), needs_notebook=True)
def _xm3(n_units, households, poll_households, seed, n_sims, weights_source, w_self, w_peer, w_poll,
         confidence):
    w = _weights(weights_source, w_self, w_peer, w_poll)
    sim = _example(n_units, households, poll_households, seed).simulate(weights=w, n_sims=n_sims, seed=seed)
    a, b = sim.true_order()[:2]
    return 1 - sim.swap_rate(a, b) >= confidence


@worked("xiamen-127-3")
def _xm3_worked(n_units, households, poll_households, seed, n_sims, weights_source, w_self, w_peer, w_poll,
                confidence):
    w = _weights(weights_source, w_self, w_peer, w_poll)
    sim = _example(n_units, households, poll_households, seed).simulate(weights=w, n_sims=n_sims, seed=seed)
    a, b = sim.true_order()[:2]
    swap = sim.swap_rate(a, b)
    keep = 1 - swap
    verdict = "达到" if keep >= confidence else "未达到"
    return Worked(
        quantities_zh=(f"真实成绩前两名：{a}、{b}", f"名次不颠倒的季度比例：{num(keep * 100, 1)}%（{n_sims}个模拟季度）",
                       f"是否达到{num(confidence * 100, 0)}%：{'是' if keep >= confidence else '否'}"),
        steps_zh=(f"1 − 颠倒比例 {num(swap * 100, 1)}% = {num(keep * 100, 1)}%，{verdict}{num(confidence * 100, 0)}%",))


@exercise("xiamen-127-4", lesson=LESSON, variable="ans_xm4", kind="diagnose", answer="choice",
          prompt_zh="季度末，各组团单位依照职责清单，给彼此的服务态度、执行能力等打分。"
                    "按“127”机制的结构，这项工作属于管理、协商、服务中的哪一块？",
          hint_zh="在机制图中找到“组团单位互评”，沿连线向上找到它所属的一级板块。",
          choices=("管理", "协商", "服务"), format_zh="填写“管理”“协商”或“服务”（文章的小标题写法也可以）。",
          synonyms={"管理": ("一分管理",), "协商": ("两分协商",), "服务": ("七分服务",)})
def _xm4():
    from govlib.evaluation import part_of

    return part_of("eval-peer")


XM5_PARAMS = ("n_units", "households", "seed", "confidence", "weights_source", "w_self", "w_peer", "w_poll")


def _xm5_inputs(n_units, households, seed, weights_source, w_self, w_peer, w_poll):
    """The gap of the true composites of the top two units, their household SDs, the poll weight."""
    w = _weights(weights_source, w_self, w_peer, w_poll)
    ex = _example(n_units, households, 0, seed)
    tc = ex.true_composite(w).sort_values(ascending=False)
    a, b = tc.index[:2]
    sd = ex.household_sd()
    return tc[a] - tc[b], sd[a], sd[b], w["poll"], (tc[a], tc[b])


def _xm5_from_page(n_units, households, seed, confidence, weights_source, w_self, w_peer, w_poll):
    """What a student reaches from the page's table (two decimals) and a z read from a table (two or three)."""
    from scipy.stats import norm

    from govlib.evaluation import required_poll_size

    _, sd_a, sd_b, w, (ta, tb) = _xm5_inputs(n_units, households, seed, weights_source, w_self, w_peer, w_poll)
    z = norm.ppf(confidence)
    gap = round(ta, 2) - round(tb, 2)
    vals = []
    for zz in (z, round(z, 2), round(z, 3)):
        for g, sa, sb in ((gap, round(sd_a, 2), round(sd_b, 2)),):
            if g <= 0:
                continue
            # the same formula with the page's rounded inputs: confidence chosen so that its quantile is zz
            vals.append(required_poll_size(g, sa, sb, households=households, confidence=float(norm.cdf(zz)),
                                           poll_weight=w))
    return {"本页表中保留两位小数的数字和查表所得的 z 值": (min(vals), max(vals))} if vals else {}


@exercise("xiamen-127-5", lesson=LESSON, variable="ans_xm5", kind="apply", answer="int",
          prompt_zh="若要以{confidence:.0%}的把握，让真实成绩第一、第二的两个虚构单位在一次民意测评后不颠倒名次，"
                    "每个单位至少要调查多少户？用正态近似并考虑有限总体校正：两单位综合成绩之差的标准差为 "
                    "w × √((σa² + σb²)/n × (N − n)/(N − 1))，其中 w 为民意测评权重，σa、σb 为两个社区住户评分的"
                    "标准差，N 为每个社区的住户数；要求真实差距不小于这个标准差的 z 倍（z 为标准正态分布在"
                    "{confidence:.0%}处的分位数）。所需数据见第四节的表（真实成绩与住户评分标准差）。",
          hint_zh="差距取两者的真实综合成绩之差；标准差取两个社区住户评分的标准差；民意测评在综合成绩中的权重要乘进去。",
          tol=0, params=XM5_PARAMS, unit="户", decimals_shown=2, accept=_xm5_from_page)
def _xm5(n_units, households, seed, confidence, weights_source, w_self, w_peer, w_poll):
    from govlib.evaluation import required_poll_size

    gap, sd_a, sd_b, w, _ = _xm5_inputs(n_units, households, seed, weights_source, w_self, w_peer, w_poll)
    return required_poll_size(gap, sd_a, sd_b, households=households, confidence=confidence, poll_weight=w)


@worked("xiamen-127-5")
def _xm5_worked(n_units, households, seed, confidence, weights_source, w_self, w_peer, w_poll):
    from scipy.stats import norm

    from govlib.evaluation import required_poll_size

    gap, sd_a, sd_b, w, _ = _xm5_inputs(n_units, households, seed, weights_source, w_self, w_peer, w_poll)
    z = float(norm.ppf(confidence))
    n = required_poll_size(gap, sd_a, sd_b, households=households, confidence=confidence, poll_weight=w)
    c = (gap / z) ** 2 * (households - 1) / (w**2 * (sd_a**2 + sd_b**2))
    return Worked(
        quantities_zh=(f"真实差距 {num(gap, 3)}分，σa = {num(sd_a, 3)}，σb = {num(sd_b, 3)}，w = {num(w, 2)}，"
                       f"z = {num(z, 3)}，N = {households}户",),
        steps_zh=(f"c = ({num(gap, 3)}÷{num(z, 3)})² × ({households} − 1) ÷ ({num(w, 2)}² × ({num(sd_a, 3)}² + "
                  f"{num(sd_b, 3)}²)) = {num(c, 4)}",
                  f"n ≥ {households} ÷ (1 + {num(c, 4)}) = {num(households / (1 + c), 2)} → 至少{n}户"))


discussion(
    "xiamen-127-6", lesson=LESSON, variable="ans_xm6",
    prompt_zh="厦门的考评把一半权重交给随机抽户的民意测评，并据此颁发荣誉证书、责令限期整改。"
              "结合本课的模拟，谈谈这一设计的长处与风险：一个季度的成绩能否作为奖惩依据？"
              "如果由你来完善这套考评，你会调整什么（权重、抽样户数、评定方式、公示内容等），为什么？",
    rubric_zh=(
        "能说明民意测评权重最大的用意：让居民的感受主导评价，约束组团单位“自说自话”；自评权重小，虚报自评分的作用有限。",
        "能用模拟结果说明抽样误差：真实差距小的单位名次常会颠倒，分数靠近表彰线或整改线的单位，其评定可能随抽样而变。",
        "能区分“排名靠前”与“确实更好”：一次测评的差距要与其波动幅度比较后再下结论。",
        "能提出具体、可操作的改进并说明代价，如扩大抽样户数、多季度滚动平均、设置“待定区间”复核、公布误差范围，并顾及基层的工作量。",
        "能联系三级督导与“七分服务”的定位，说明考评是为改进服务，而不是为排名而排名。",
    ),
)


# the printed handout: how the exercise that needs the notebook is answered on paper
paper("xiamen-127-3", "看第四节“名次颠倒的季度比例”图中真实第一、第二两个单位那一栏，用1减去图上的颠倒比例，再与所要求的把握比较。")
