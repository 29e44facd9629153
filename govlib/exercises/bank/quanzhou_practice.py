"""Exercises of the lesson ``quanzhou-practice`` (泉州基层治理实践): answers computed with govlib.grid."""

from __future__ import annotations

from govlib.exercises.core import discussion, exercise
from govlib.exercises.worked import Worked, num, paper, worked

LESSON = "quanzhou-practice"

#: the notebook parameters that define the grid-sizing exercise data and rule
SIZING_PARAMS = ("rule_source", "rule_basis", "custom_low", "custom_high", "n_units", "exercise_seed",
                 "n_large", "mean_households")

_NANAN_CHOICES = (
    "两级数量几乎相同：平均每个二级网格大约只对应一个单元网格",
    "平均每个二级网格下设七八个单元网格",
    "单元网格比二级网格少",
)


def _node(node_id: str):
    from govlib.data import load_framework
    from govlib.frameworks import find_node

    return find_node(load_framework("quanzhou"), node_id)


def exercise_units(*, rule_source, rule_basis, custom_low, custom_high, n_units, exercise_seed, n_large,
                   mean_households):
    """The rule and the hypothetical units of the grid-sizing exercise (shared by notebook and bank)."""
    from govlib import grid

    rule = grid.unit_grid_rule(rule_source, basis=rule_basis, low=custom_low, high=custom_high)
    units = grid.hypothetical_units(n_units, seed=exercise_seed, rule=rule, n_large=n_large,
                                    mean_households=mean_households, prefix="练习村")
    return rule, units


@exercise("quanzhou-practice-1", lesson=LESSON, variable="ans_qp1", kind="recompute", answer="number",
          prompt_zh="晋江市平均每个评理调解室有多少名评理员？",
          hint_zh="评理员人数 ÷ 评理调解室个数，两个数都是晋江市的。", tol=0.01, decimals=2, unit="名",
          uses=("qz-jinjiang-arbiters", "qz-jinjiang-rooms"))
def _qp1():
    from govlib import grid

    return grid.ratios(["jinjiang-arbiters-per-room"])[0].value


def _ratio_steps(key: str, unit_num: str, unit_den: str, decimals: int) -> str:
    """``a名 ÷ b个 = c`` for a register ratio (the same :func:`govlib.grid.ratios` the answer uses)."""
    from govlib import grid
    from govlib.data import value

    r = grid.ratios([key])[0]
    return f"{num(value(r.numerator), 2)}{unit_num} ÷ {num(value(r.denominator), 2)}{unit_den} = {num(r.value, decimals)}"


@worked("quanzhou-practice-1")
def _qp1_worked():
    return Worked(steps_zh=(_ratio_steps("jinjiang-arbiters-per-room", "名", "个", 2) + "名/个（推算）",))


@exercise("quanzhou-practice-2", lesson=LESSON, variable="ans_qp2", kind="apply", answer="int",
          prompt_zh="假如台商投资区的每个单元网格都恰好守住划分规则的户数下限，全区单元网格合计至少覆盖多少户？"
                    "（这是按规则推出的下限，不是文章公布的户数。）",
          hint_zh="单元网格个数 × 规则的户数下限。", tol=0, unit="户",
          uses=("qz-tai-unit-grids", "qz-tai-grid-households"))
def _qp2():
    from govlib import grid

    return int(grid.implied_totals("qz-tai-unit-grids", grid.unit_grid_rule())["low"])


@worked("quanzhou-practice-2")
def _qp2_worked():
    from govlib import grid

    rule = grid.unit_grid_rule()
    t = grid.implied_totals("qz-tai-unit-grids", rule)
    return Worked(steps_zh=(f"{num(t['grids'], 0)}个 × {num(rule.low, 0)}户 = {num(t['low'], 0)}户（按规则推算的下限）",))


@exercise("quanzhou-practice-3", lesson=LESSON, variable="ans_qp3", kind="apply", answer="int",
          prompt_zh="用下面的练习数据（“练习村”，随机种子{exercise_seed}）和本课选定的规则，按精确方法划分连续的"
                    "单元网格。一共能形成多少个网格？",
          hint_zh="对练习数据调用 `grid.size_grids`（用默认的精确方法），看结果的 `n_grids`。",
          tol=0, unit="个", params=SIZING_PARAMS, needs_notebook=True)
def _qp3(**params):
    from govlib import grid

    rule, units = exercise_units(**params)
    return grid.size_grids(units, rule).n_grids


@worked("quanzhou-practice-3")
def _qp3_worked(**params):
    from govlib import grid

    rule, units = exercise_units(**params)
    n = grid.size_grids(units, rule).n_grids
    return Worked(quantities_zh=(f"练习村{len(units)}个，每个单元网格{rule.label_zh}{num(rule.low, 0)}–{num(rule.high, 0)}"
                                 f"（含端点），按精确方法划分：{n}个网格",))


@exercise("quanzhou-practice-4", lesson=LESSON, variable="ans_qp4", kind="interpret", answer="choice",
          prompt_zh="南安市单元网格数与二级网格数之比说明了什么？请先算出比值，再从下面三句中选一句。",
          hint_zh="用两项公布数字相除，看比值比1大多少。", choices=_NANAN_CHOICES, show_choices=True,
          format_zh="从下面三句中选一句，复制整句（只写冒号前的半句也可以）。",
          uses=("qz-nanan-grids-unit", "qz-nanan-grids-l2"))
def _qp4():
    from govlib import grid

    r = grid.ratios(["nanan-unit-per-l2"])[0].value
    if r < 1:
        return _NANAN_CHOICES[2]
    return _NANAN_CHOICES[0] if r < 1.5 else _NANAN_CHOICES[1]


@worked("quanzhou-practice-4")
def _qp4_worked():
    from govlib import grid

    r = grid.ratios(["nanan-unit-per-l2"])[0].value
    return Worked(quantities_zh=(f"比值：{num(r, 3)}（推算），比1只大{num(r - 1, 3)}",),
                  steps_zh=(_ratio_steps("nanan-unit-per-l2", "个", "个", 3),))


@exercise("quanzhou-practice-5", lesson=LESSON, variable="ans_qp5", kind="diagnose", answer="choice",
          prompt_zh="一起征地补偿纠纷牵涉几个镇，村里评不下来，镇里也评不下来。按晋江“三评三理”，应在哪一级评理？",
          hint_zh="三级评理按事情的大小难易逐级上移。",
          format_zh="填写图5阶梯上的那一级（照图中的文字，原文的说法也可以）。",
          choices=tuple(c.label_zh for c in _node("jinjiang-ladder").children),
          synonyms={"难事在市里评": ("难事市里评", "市里评", "市里", "市级", "市一级"),
                    "大事在镇里评": ("大事镇里评", "镇里评", "镇里", "镇级", "镇一级"),
                    "小事在村里评": ("小事村里评", "村里评", "村里", "村级", "村一级")})
def _qp5():
    return _node("ladder-city").label_zh


@exercise("quanzhou-practice-6", lesson=LESSON, variable="ans_qp6", kind="diagnose", answer="int",
          prompt_zh="一名社区工作者沿职务培养链一路走到最高一级，一共要晋升几次？",
          hint_zh="台阶数和晋升次数差一：从第一级出发，每上一级算一次。", tol=0, unit="次",
          uses=("qz-post-ladder-rungs",))
def _qp6():
    from govlib.data import value

    return int(value("qz-post-ladder-rungs")) - 1


@worked("quanzhou-practice-6")
def _qp6_worked():
    from govlib.data import value

    n = int(value("qz-post-ladder-rungs"))
    return Worked(steps_zh=(f"{n}级 − 1 = {n - 1}次",))


discussion(
    "quanzhou-practice-7", lesson=LESSON, variable="ans_qp7",
    prompt_zh="台商投资区划分单元网格时，可以按户数，也可以按村民小组数。设想一个老旧小区密集的城区街道和一个"
              "居住分散的山区乡镇，你分别会选哪种口径？划分时还要考虑什么？",
    rubric_zh=(
        "能说出两种口径的差别：户数口径看服务对象多少，村民小组口径沿用熟人社会和原有组织边界。",
        "城区能联系楼栋密集、流动人口多等特点，山区能联系居住分散、路程远、小组户数少等特点，并说明选择理由。",
        "能指出规则之外的考虑：界限清晰、无缝覆盖、网格员的工作量与配备、与警务网格和工作片“同格”对应。",
        "能用本课的划分工具或数字（带出处）支撑观点，分清公布数字、按规则推算的数字和虚构示例。",
    ),
)


# a warm-up on what the lesson shows first (石狮市), so feedback comes within the first ten code cells
@exercise("quanzhou-practice-8", warmup=True, lesson=LESSON, variable="ans_qp8", kind="recompute", answer="int",
          prompt_zh="石狮市为“两长一员”一共选聘了多少人（党员街巷长、党员楼长与红色网格员合计）？",
          hint_zh="把上文石狮市三类人员的选聘人数相加。", tol=0, unit="名",
          uses=("qz-shishi-lane-heads", "qz-shishi-building-heads", "qz-shishi-grid-workers"))
def _qp8():
    from govlib.data import value

    return int(value("qz-shishi-lane-heads") + value("qz-shishi-building-heads") + value("qz-shishi-grid-workers"))


# the printed handout: how the exercise that needs the notebook is answered on paper
paper("quanzhou-practice-3", "用本题下面印出的练习村表，按顺序把相邻的村连成一组，每组合计落在规则范围之内"
                             "（单独就超过上限的村另列、不计入），尽量让更多的村划进网格，数出组数。")
