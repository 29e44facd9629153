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
