"""Cutting a lesson into slides (govlib.publish.slides) and the pptx writer, on small notebooks."""

from __future__ import annotations

import base64
import io

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from govlib.publish.pptx_deck import render_pptx
from govlib.publish.slides import build_deck, render_reveal


def _png() -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def _nb(cells):
    nb = new_notebook(cells=cells)
    return nbformat.from_dict(nb)


def _tagged(cell, *tags):
    cell.metadata["tags"] = list(tags)
    return cell


def _lesson():
    chart = new_code_cell("bar(title='示范对象')", outputs=[new_output("display_data", data={"image/png": _png(),
                                                                                               "text/plain": "<Figure>"})])
    return _nb([
        new_markdown_cell("# 课题\n\n导言与目标。"),
        _tagged(new_code_cell("n: int = 3  # 参数"), "parameters"),
        _tagged(new_markdown_cell("**教学提示（约45分钟）** 先讲框架。"), "instructor"),
        new_markdown_cell("## 一、概况\n\n文章介绍了县情。"),
        new_code_cell("say(...)", outputs=[new_output("display_data", data={"text/html": "<p>常住人口25.5万</p>",
                                                                            "text/plain": "x"})]),
        chart, nbformat.from_dict(dict(chart, id="chart2")),
        new_markdown_cell("## 二、练习\n\n练习1：合计多少个？"),
        _tagged(new_code_cell("ans = None\ncheck('x-1', ans)", outputs=[new_output("stream", name="stdout",
                                                                                   text="【正确】16")]), "exercise"),
        _tagged(new_code_cell("ans = 16", outputs=[new_output("execute_result", data={"text/plain": "16"},
                                                              execution_count=1)]), "solution"),
        _tagged(new_markdown_cell("参考答案：16"), "solution"),
        new_markdown_cell("跳过我"),
    ])


def test_default_cut_title_objectives_headings_notes_and_no_answers():
    nb = _lesson()
    nb.cells[-1].metadata["slideshow"] = {"slide_type": "skip"}
    deck = build_deck(nb, lesson_title="课题", course_title="课程", objectives=["目标甲", "目标乙"], minutes=45,
                      set_name="default")
    titles = [s.title for s in deck]
    assert titles[:3] == ["课题", "学习目标", "一、概况"]
    assert "二、练习" in titles
    assert titles.count("一、概况（续）") == 1  # the second chart continues on its own slide
    assert deck[1].notes and "先讲框架" in deck[1].notes[0]  # instructor cell -> speaker notes
    html = render_reveal(deck, lesson_title="课题", course_title="课程")
    assert "【正确】" not in html and "参考答案" not in html and "ans = 16" not in html
    assert "跳过我" not in html and "check(" not in html
    assert html.count('<section class="gv-') == len(deck)
    assert 'alt="图表：示范对象"' in html or 'alt="示范对象"' in html


def test_declared_slides_win_over_defaults():
    nb = _lesson()
    nb.cells[5].metadata["slideshow"] = {"slide_type": "slide"}  # first chart starts a slide
    nb.cells[2].metadata["slideshow"] = {"slide_type": "skip"}  # the teaching note leaves the deck
    deck = build_deck(nb, lesson_title="课题", course_title="课程", objectives=[], minutes=None, set_name="s")
    assert not any("先讲框架" in n for s in deck for n in s.notes)
    assert [s.title for s in deck][:2] == ["课题", "一、概况"]


def test_pptx_is_deterministic_with_notes():
    from pptx import Presentation

    deck = build_deck(_lesson(), lesson_title="课题", course_title="课程", objectives=["目标"], minutes=45,
                      set_name="default")
    a, b = render_pptx(deck), render_pptx(deck)
    assert a == b
    prs = Presentation(io.BytesIO(a))
    assert len(prs.slides) == len(deck)
    assert "先讲框架" in prs.slides[1].notes_slide.notes_text_frame.text


def test_pptx_tables_stay_on_the_slide_and_say_when_they_are_cut():
    from pptx import Presentation
    from pptx.util import Emu

    long = "各题样本方差之和除以总分方差后再与题目数相乘的结果" * 3  # wraps over several lines
    rows = "".join(f"<tr><td>第{i}行</td><td>{long}</td></tr>" for i in range(30))
    nb = _nb([new_markdown_cell("# 课题"), new_markdown_cell("## 一、长表"),
              new_code_cell("t", outputs=[new_output("display_data", data={
                  "text/html": f"<table><tr><th>行</th><th>内容</th></tr>{rows}</table>", "text/plain": "t"})])])
    deck = build_deck(nb, lesson_title="课题", course_title="课程", objectives=["目标"], minutes=10, set_name="default")
    prs = Presentation(io.BytesIO(render_pptx(deck)))
    tables = [s for slide in prs.slides for s in slide.shapes if s.has_table]
    assert tables
    for shape in tables:
        assert shape.top + shape.height <= prs.slide_height, Emu(shape.top + shape.height).inches
        cells = [shape.table.cell(r, 0).text for r in range(len(shape.table.rows))]
        assert cells[-1].startswith("……（共 30 行")  # 30 long rows cannot fit one 16:9 slide
