"""The parameters cell: parsed with ast (never executed), parameter sets checked against it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from govlib.publish.params import (extract_parameters_source, parse_parameters, read_parameters,
                                 validate_parameter_set)
from govlib.errors import ParameterError

FIX = Path(__file__).resolve().parents[1] / "data" / "course_fixture" / "notebooks"

CELL = '''\
n: int = 3  # 样本量 [1, 100]
label: str = "甲"  # 标签 {"甲", "乙"}
ratio: float = 0.5  # 比例 [0, 1]
show: bool = True  # 是否展示
seed: int = 7  # 随机种子 [0, None]
'''


def test_parse_types_defaults_ranges_and_choices():
    specs = parse_parameters(CELL)
    assert list(specs) == ["n", "label", "ratio", "show", "seed"]
    assert specs["n"].type == "int" and specs["n"].default == 3 and (specs["n"].low, specs["n"].high) == (1, 100)
    assert specs["n"].help == "样本量"
    assert specs["label"].choices == ("乙", "甲") or set(specs["label"].choices) == {"甲", "乙"}
    assert specs["ratio"].type == "float" and specs["ratio"].default == 0.5
    assert specs["show"].type == "bool" and specs["show"].default is True
    assert specs["seed"].low == 0 and specs["seed"].high is None
    assert specs["n"].expected() == "整数，1 到 100"
    assert specs["seed"].expected() == "整数，不小于 0"
    assert specs["label"].expected() == '文字，取值之一："乙"、"甲"'


def test_parse_never_executes(tmp_path):
    marker = tmp_path / "pwned"
    src = f'n: int = __import__("pathlib").Path({str(marker)!r}).touch()  # 不可执行\n'
    with pytest.raises(ParameterError, match="参数 n 的默认值须直接写出"):
        parse_parameters(src, "nb.md")
    assert not marker.exists()


@pytest.mark.parametrize(("src", "message"), [
    ("n = 3  # 无类型\n", "参数单元第 1 行应写成 `名称: 类型 = 默认值  # 说明`"),
    ("n: list = [1]  # 列表\n", "参数 n 的类型写的是 `list`"),
    ("n: int = 3\n", "参数 n 需要一句说明注释"),
    ("n: int = 'a'  # 文字\n", "参数 n 的默认值应为整数，收到文字"),
    ("n: int = True  # 布尔不是整数\n", "参数 n 的默认值应为整数，收到是非值"),
    ("n: int = 500  # 超出 [1, 100]\n", "参数 n 的默认值应为整数，1 到 100，收到 500"),
    ("n: int = 3  # 样本\nn: int = 4  # 又一次\n", "第 2 行：参数 n 重复声明"),
    ("s: str = 'a'  # 范围不适用 [1, 2]\n", "参数 s 是文字，取值范围"),
    ("print('x')\n", "参数单元第 1 行应写成"),
    ("n: int = (  # 语法错误\n", "参数单元第 1 行有语法错误"),
    ("# 只有注释\n", "参数单元没有声明任何参数"),
])
def test_parse_rejects_malformed_cells(src, message):
    with pytest.raises(ParameterError, match=message) as info:
        parse_parameters(src, "notebooks/x.md")
    assert "notebooks/x.md" in str(info.value)


def test_float_accepts_int_and_int_is_not_bool():
    nbp = read_parameters(FIX / "alpha.md")
    values, problems = validate_parameter_set(nbp, {"ratio": 1, "n": 5}, lesson="alpha", set_name="big")
    assert problems == []
    assert values == {"ratio": 1.0, "n": 5} and isinstance(values["ratio"], float)
    _, problems = validate_parameter_set(nbp, {"n": True}, lesson="alpha", set_name="big")
    assert len(problems) == 1 and "参数 n 应为整数，收到是非值" in problems[0]
    _, problems = validate_parameter_set(nbp, {"show": 1}, lesson="alpha", set_name="big")
    assert "参数 show 应为是非值（True/False），收到整数 1" in problems[0]


@pytest.mark.parametrize(("values", "message"), [
    ({"sample": 3}, "没有参数 sample；.*alpha.md 声明的参数：.*n（整数）"),
    ({"n": "3"}, '参数 n 应为整数，收到文字 "3"'),
    ({"n": 0}, "参数 n 应为整数，1 到 100，收到 0"),
    ({"ratio": 1.5}, "参数 ratio 应为数，0 到 1，收到 1.5"),
    ({"label": "丙"}, '参数 label 应为文字，取值之一：.*收到 "丙"'),
])
def test_validation_names_lesson_set_parameter_and_type(values, message):
    nbp = read_parameters(FIX / "alpha.md")
    _, problems = validate_parameter_set(nbp, values, lesson="alpha", set_name="big")
    assert len(problems) == 1
    assert "课程 alpha 的参数集 big：" in problems[0]
    import re

    assert re.search(message, problems[0]), problems[0]


def test_light_reader_agrees_with_jupytext():
    """The build finds the parameters cell without jupytext; it must read it exactly as jupytext does."""
    import jupytext

    from govlib import paths

    notebooks = sorted(FIX.glob("*.md")) + sorted(paths.NOTEBOOKS.glob("*.md"))
    assert notebooks
    for nb_path in notebooks:
        nb = jupytext.read(nb_path)
        cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(cells) == 1, nb_path
        assert extract_parameters_source(nb_path).strip() == cells[0].source.strip(), nb_path


def test_light_reader_handles_yaml_options_and_ipynb(tmp_path):
    import jupytext
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["jupytext"] = {"text_representation": {"extension": ".md", "format_name": "myst"}}
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# 标题"),
                nbformat.v4.new_code_cell("x: int = 1  # 甲", metadata={"tags": ["parameters"], "other": {"a": 1}}),
                nbformat.v4.new_code_cell("print(x)")]
    md = tmp_path / "n.md"
    jupytext.write(nb, md, fmt="md:myst")
    assert extract_parameters_source(md) == "x: int = 1  # 甲"
    ipynb = tmp_path / "n.ipynb"
    nbformat.write(nb, ipynb)
    assert extract_parameters_source(ipynb) == "x: int = 1  # 甲"


def test_zero_or_two_parameters_cells_is_an_error(tmp_path):
    text = (FIX / "beta.md").read_text(encoding="utf-8")
    two = tmp_path / "two.md"
    two.write_text(text + "\n```{code-cell} ipython3\n:tags: [parameters]\n\ny: int = 1  # 乙\n```\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="应有且只有一个带 `parameters` 标签的代码单元（参数单元），找到 2 个"):
        read_parameters(two)
    none = tmp_path / "none.md"
    none.write_text(text.replace(":tags: [parameters]\n", ""), encoding="utf-8")
    with pytest.raises(ParameterError, match="找到 0 个"):
        read_parameters(none)


def test_params_module_imports_no_heavy_library():
    import subprocess

    code = ("import sys, govlib.publish.params, govlib.syllabus, govlib.publish.runner, govlib.publish.cli;"
            "heavy = [m for m in ('nbformat', 'jupytext', 'papermill', 'nbconvert', 'pandas') if m in sys.modules];"
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
