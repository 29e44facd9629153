"""Exercises of the lesson ``chengdu`` (成都社区改革): answers computed from the register and the framework."""

from __future__ import annotations

from govlib.exercises.core import discussion, exercise
from govlib.exercises.worked import Worked, num, worked

LESSON = "chengdu"


def _children_labels(node_id: str) -> tuple[str, ...]:
    from govlib.data import load_framework
    from govlib.frameworks import find_node

    return tuple(c.label_zh for c in find_node(load_framework("chengdu"), node_id).children)


def _label(node_id: str) -> str:
    from govlib.data import load_framework
    from govlib.frameworks import find_node

    return find_node(load_framework("chengdu"), node_id).label_zh


@exercise("chengdu-1", lesson=LESSON, variable="ans_cd1", kind="recompute", answer="int",
          prompt_zh="从成都出台培育社会企业的意见，到《社区发展治理促进条例》颁布实施，相隔多少个整月？",
          hint_zh="两个日期都印到了月：用（年份差×12）加上月份差；条例的“日”不影响整月数。", tol=0, unit="个月",
          uses=("cd-social-enterprise-opinion", "cd-regulation-date"))
def _cd1():
    from govlib.timeline import months_between

    return months_between("cd-social-enterprise-opinion", "cd-regulation-date")


@worked("chengdu-1")
def _cd1_worked():
    from govlib.data import figure
    from govlib.timeline import months_between, parse_date

    y1, m1, _, _ = parse_date(figure("cd-social-enterprise-opinion").date)
    y2, m2, _, _ = parse_date(figure("cd-regulation-date").date)
    n = months_between("cd-social-enterprise-opinion", "cd-regulation-date")
    return Worked(steps_zh=(f"({y2} − {y1})×12 + ({m2} − {m1}) = {n}个月",))


@exercise("chengdu-2", lesson=LESSON, variable="ans_cd2", kind="interpret", answer="bool",
          prompt_zh="第六节引用了改革已推进的时长，登记表把它的限定方式记为“超过”。"
                    "报道时改革推进的时长可能恰好等于登记表中记下的数值吗？",
          hint_zh="“超过”表示严格大于所记数值。", uses=("cd-over-three-years",))
def _cd2():
    from govlib.data import figure

    return figure("cd-over-three-years").qualifier not in ("over", "under")


@exercise("chengdu-3", lesson=LESSON, variable="ans_cd3", kind="apply", answer="int",
          prompt_zh="报道日期只印了月日。报道中提到条例“已经”颁布实施，而报道日期在日历上排在条例颁布的月日之前。"
                    "据此推断：报道最早可能是哪一年？（只用本文的信息推理。）",
          hint_zh="条例颁布那年的这个月日还在条例之前；报道既然写到条例已实施，只能落在下一年或更晚。", tol=0,
          unit="年", format_zh="填写四位年份，例如 1999。", uses=("cd-regulation-date", "cd-report-date"))
def _cd3():
    from govlib.data import figure
    from govlib.timeline import parse_date

    y, m, d, _ = parse_date(figure("cd-regulation-date").date)
    _, rm, rd, _ = parse_date(figure("cd-report-date").date)
    return y + 1 if (rm, rd) < (m, d) else y


@worked("chengdu-3")
def _cd3_worked():
    from govlib.data import figure
    from govlib.timeline import parse_date

    y, m, d, _ = parse_date(figure("cd-regulation-date").date)
    _, rm, rd, _ = parse_date(figure("cd-report-date").date)
    if (rm, rd) < (m, d):
        return Worked(steps_zh=(f"条例{y}年{m}月{d}日颁布；报道日期{rm}月{rd}日排在其前 → 最早{y + 1}年",))
    return Worked(steps_zh=(f"条例{y}年{m}月{d}日颁布；报道日期{rm}月{rd}日不在其前 → 最早{y}年",))


@exercise("chengdu-4", lesson=LESSON, variable="ans_cd4", kind="diagnose", answer="choice",
          prompt_zh="某街道让社区企业的经营所得反哺社区服务，志愿者和新社会阶层也出力，并按贡献分享收益。"
                    "按报道的路线图，这主要属于六个体系中的哪一个？",
          hint_zh="看中篇：哪个体系讲的是“取之社会，用之社区”？",
          format_zh="填写体系名称，与第四节表格中的“名称”一致（只写关键的几个字也可以，如“××体系”）。",
          choices=_children_labels("part-roadmap"), synonyms={"寻求社区改革发展体系": ("寻求社区改革的发展体系",)})
def _cd4():
    return _label("sys-resources")


@exercise("chengdu-5", lesson=LESSON, variable="ans_cd5", kind="diagnose", answer="choice",
          prompt_zh="区里年终考核某职能部门派驻街道的负责人时，专门征求了社区的意见。"
                    "这用到了成都赋予社区“三权”中的哪一项？",
          hint_zh="三权分别关于重大决策、下沉事项和考核。", format_zh="填写图5中的权力名称（原文的说法也可以）。",
          choices=_children_labels("three-powers"),
          synonyms={"派出机构负责人考核反馈权": ("职能部门派出机构负责人考核意见反馈权", "派出机构负责人考核意见反馈权",
                                        "考核意见反馈权", "考核反馈权", "考核权"),
                    "下沉事项统筹协调权": ("下沉社区事项统筹协调权", "统筹协调权"),
                    "重大决策建议权": ("决策建议权",)})
def _cd5():
    return _label("power-appraisal")


discussion(
    "chengdu-6", lesson=LESSON, variable="ans_cd6",
    prompt_zh="成都社治委把“发展”放在“治理”之前，并用社区企业盘活资源。结合你所在地区，"
              "谈谈社区企业参与社区治理的好处与边界：什么事适合交给社区企业，什么事必须由党组织和居委会把关？",
    rubric_zh=(
        "能说明报道中“发展”与“治理”的关系：发展带来活力，治理提供秩序，二者相互促进。",
        "能举出至少一项适合社区企业承担的服务，并说明收益如何回到社区。",
        "能指出至少一条边界或风险（公益性被逐利挤压、少数人把持、账目不公开等），以及党组织、居委会的把关办法。",
        "能联系本地实际而不是复述报道；观点有依据，不编造数字。",
    ),
)


# a warm-up on what the lesson shows first (图2), so feedback comes within the first ten code cells
@exercise("chengdu-7", warmup=True, lesson=LESSON, variable="ans_cd7", kind="recompute", answer="int",
          prompt_zh="按图2，报道的上、中、下三篇一共展开了多少个条目（上篇的方面、中篇的体系与下篇的方面合计）？",
          hint_zh="把图2中三根柱子的数值相加；三个数都是条目个数，可以直接相加。", tol=0, unit="个",
          uses=("cd-part1-aspects", "cd-part2-systems", "cd-part3-aspects"))
def _cd7():
    from govlib.data import value

    return int(value("cd-part1-aspects") + value("cd-part2-systems") + value("cd-part3-aspects"))
