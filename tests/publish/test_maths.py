"""Formulas as MathML at build time (issue 11)."""

from __future__ import annotations

from govlib.publish.maths import markdown_maths


def test_display_and_inline_formulas_become_mathml():
    src = "公式：\n\n$$\\alpha = \\frac{k}{k-1}$$\n\n其中 $k$ 是题目数，$s_i^2$ 是方差。"
    out = markdown_maths(src)
    assert "$" not in out and "\\frac" not in out
    assert out.count("<math") == 3
    assert 'display="block"' in out and "<mfrac>" in out and "<msubsup>" in out


def test_code_and_lone_dollars_untouched():
    src = "价格 5$ 与 `x = $a$` 以及\n```\nprint('$b$')\n```\n"
    assert markdown_maths(src) == src


def test_rendered_page_keeps_the_mathml_whole():
    """nbconvert re-parses inline HTML tag by tag when it embeds images; the formula must survive."""
    from pathlib import Path

    from nbformat.v4 import new_markdown_cell, new_notebook

    from govlib.publish.editions import render_html

    nb = new_notebook(cells=[new_markdown_cell("前文\n\n$$\\alpha = \\frac{k}{k-1}$$\n\n其中 $k$ 是题目数")])
    page = render_html(nb, edition="student", course_title="课程", lesson_title="课", set_name="default", values={},
                       index_href="index.html", links=[], notebook_dir=Path("."))
    assert "<mfrac><mrow><mi>k</mi></mrow><mrow><mi>k</mi>" in page
    assert "<math" in page and "</math>" in page and "GVMATH" not in page
