"""Exercises of the lesson ``yihe`` (一核多元): the article publishes no figures, so every answer is
computed from the framework file ``data/frameworks/yihe.yaml``."""

from __future__ import annotations

from govlib.exercises.core import discussion, exercise

LESSON = "yihe"


def _fw():
    from govlib.data import load_framework

    return load_framework("yihe")


def sections():
    """The paths the introduction lists (children of the ``mechanisms`` node), in order."""
    from govlib.frameworks import find_node

    return find_node(_fw(), "mechanisms").children


def _labels(node_id: str) -> tuple[str, ...]:
    from govlib.frameworks import find_node

    return tuple(c.label_zh for c in find_node(_fw(), node_id).children)


@exercise("yihe-1", lesson=LESSON, variable="ans_yh1", kind="diagnose", answer="int",
          prompt_zh="导言列出的几条路径中，现存文本真正写出了正文（而不只是标题或列表中的名称）的有几条？",
          hint_zh="在框架图中看“核心联结多元的机制”下的各个分组：哪些分组下面还有具体内容？", tol=0, unit="条")
def _yh1():
    return sum(1 for s in sections() if s.children)


@exercise("yihe-2", lesson=LESSON, variable="ans_yh2", kind="diagnose", answer="int",
          prompt_zh="在文本中断之前，作者一共展开了多少条具体机制（框架图中标为“机制”的节点）？",
          hint_zh="数一数紫色（机制）节点；“做法”类节点（如文体活动、评选活动）不算。", tol=0, unit="条")
def _yh2():
    from govlib.frameworks import count_kind, find_node

    return count_kind(find_node(_fw(), "mechanisms"), "mechanism")


@exercise("yihe-3", lesson=LESSON, variable="ans_yh3", kind="diagnose", answer="choice",
          prompt_zh="在“基层协商民主”一节，作者按“首先、其次、再次”提出三项做法。排在第二位的是哪一项？",
          hint_zh="框架图按原文顺序列出这三项。", format_zh="填写框架图中的名称（原文的说法也可以）。",
          choices=_labels("sec-consultation"),
          synonyms={"党组织嵌入居委会": ("推动基层党组织嵌入社区居民委员会", "基层党组织嵌入社区居民委员会",
                                  "党组织嵌入社区居民委员会", "嵌入居委会"),
                    "党建与协商民主相结合": ("将基层党建与协商民主有机结合", "基层党建与协商民主有机结合",
                                    "党建与协商民主有机结合")})
def _yh3():
    return _labels("sec-consultation")[1]


@exercise("yihe-4", lesson=LESSON, variable="ans_yh4", kind="apply", answer="choice",
          prompt_zh="某社区把辖区分成若干单元网格，每个网格落实到具体的人，按居民的个性需求上门服务。"
                    "按一核多元框架，这一做法属于哪一条路径？",
          hint_zh="回到原文：网格是在哪一小节里提出的？", format_zh="填写框架图中的路径名称。",
          choices=_labels("mechanisms"), synonyms={"党组织嵌入基层治理": ("党组织嵌入",)})
def _yh4():
    from govlib.frameworks import parent_of

    return parent_of(_fw(), "embed-grid").label_zh


@exercise("yihe-5", lesson=LESSON, variable="ans_yh5", kind="interpret", answer="bool",
          prompt_zh="文章题目说的是“实践偏差与破解路径”。现存文本是否写出了任何一项具体的实践偏差？"
                    "并想一想这对我们引用本文有什么影响。",
          hint_zh="框架图里有没有“困局/问题”类的节点？现存各小节讲的是偏差还是路径？")
def _yh5():
    from govlib.frameworks import count_kind

    return count_kind(_fw(), "problem") > 0


discussion(
    "yihe-6", lesson=LESSON, variable="ans_yh6",
    prompt_zh="文本在“社区‘再组织化’”处中断。请替作者补写这一小节的提纲：再组织化要把哪些人、以什么方式重新组织起来？"
              "它与前三节是什么关系？又如何避免“一核”变成“独核”？",
    rubric_zh=(
        "说明补写的是自己的推断，而不是原文内容；不把残缺部分当作作者已有的观点引用。",
        "提纲至少包含两类组织对象（如楼栋居民、社会组织、业委会与物业）和具体的组织方式。",
        "能把再组织化与前三节联系起来：例如以党组织嵌入为骨架、以协商为程序、以群众参与为目的。",
        "讨论“一核”与“多元”的边界：党组织统领方向，但不包办居委会、社会组织和居民自己能做的事。",
    ),
)
