"""Designed decks (govlib.publish.slides, slideplan, pptx_deck, deckcheck) on small notebooks and the real plans."""

from __future__ import annotations

import base64
import io

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from govlib import paths
from govlib.exercises import KeyEntry
from govlib.publish.deckcheck import html_problems, notes_coverage, pptx_problems
from govlib.publish.pptx_deck import FONT, FONT_HANT, measure_lines, render_pptx
from govlib.publish.slideplan import PlanError, PlanSlide, SlidePlan, load_plan, plan_path
from govlib.publish.slides import (MORE, build_deck, projector_prompt, render_reveal, table_rows,
                                   traditional_deck)


def _png(w=40, h=20, color="red") -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (w, h), color).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def _nb():
    chart = new_code_cell("plot_demo(title='示范对象')", outputs=[new_output(
        "display_data", data={"image/png": _png(), "text/plain": "<Figure>"})])
    rows = "".join(f"<tr><th>{i}</th><td>第{i}项</td><td>{i * 3}</td></tr>" for i in range(12))
    table = new_code_cell("show_table(df)", outputs=[new_output("display_data", data={
        "text/html": f"<table><thead><tr><th></th><th>名称</th><th>数</th></tr></thead><tbody>{rows}</tbody></table>",
        "text/plain": "t"})])
    return nbformat.from_dict(new_notebook(cells=[new_markdown_cell("# 课题"), chart, table]))


KEY = [KeyEntry("demo-1", 1, "重算", "合计多少个？提示：`total(df)` 给出合计。", True, "16个", ()),
       KeyEntry("demo-2", 2, "解读", "哪一类最多（`ans_x` 写名称）？", True, "民族社区", ()),
       KeyEntry("demo-3", 3, "讨论", "谈谈这样分类的好处。", False, "", ("说出分类依据", "举出一个例子"))]


def _plan(**over):
    slides = [PlanSlide(title="一、概况", points=["县里有{fig:pj-area}"], notes="先讲县情。", minutes=5),
              PlanSlide(title="一、示范对象", chart="plot_demo(", caption="五类对象", minutes=5),
              PlanSlide(title="二、长表", table={"cell": "show_table(", "rows": 4}, minutes=5),
              PlanSlide(kind="exercise", exercise="demo-2", minutes=4),
              PlanSlide(kind="summary", title="小结", points=["要点一"], minutes=2)]
    return SlidePlan(lesson="demo", slides=over.get("slides", slides))


def _deck(plan=None, key=KEY):
    return build_deck(_nb(), plan=plan or _plan(), lesson="demo", lesson_title="课题", course_title="课程",
                      objectives=["目标甲", "目标乙"], minutes=45, set_description="默认参数的说明。", values={},
                      key=key)


# --------------------------------------------------------------------------- the deck


def test_title_objectives_planned_slides_and_every_exercise():
    deck = _deck()
    assert [s.kind for s in deck][:2] == ["title", "objectives"]
    assert "本版：默认参数的说明。" in deck[0].blocks[0].items and "课时约 45 分钟" in deck[0].blocks[0].items
    titles = [s.title for s in deck]
    # demo-2 where the plan put it; demo-1 and the discussion (not placed) before the 小结
    assert titles[2:] == ["一、概况", "一、示范对象", "二、长表", "练习2", "练习1", "讨论（练习3）", "小结"]
    assert {s.exercise for s in deck if s.exercise} == {"demo-1", "demo-2", "demo-3"}


def test_numbers_come_from_the_register_with_their_citation_in_the_notes():
    from govlib.data import cite, figure

    s = _deck()[2]
    assert s.blocks[0].items == [f"县里有{figure('pj-area').text}"]
    assert any(figure("pj-area").label_zh in n and cite("pj-area") in n for n in s.notes)
    assert "先讲县情。" in s.notes
    assert any("本课第0—5分钟" in n for n in s.notes)  # the plan's minutes, counted from the start


def test_exercise_slides_ask_without_code_and_notes_give_the_answer_or_rubric():
    deck = _deck()
    ex1 = next(s for s in deck if s.exercise == "demo-1")
    assert ex1.blocks[0].items[0] == "合计多少个？"
    assert any("参考答案" in n and "16个" in n for n in ex1.notes)
    ex2 = next(s for s in deck if s.exercise == "demo-2")
    assert ex2.blocks[0].items[0] == "哪一类最多？"
    disc = next(s for s in deck if s.exercise == "demo-3")
    assert disc.kind == "discussion" and any("评分要点" in n and "举出一个例子" in n for n in disc.notes)


def test_worked_steps_are_used_when_the_key_has_them():
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Entry(KeyEntry):  # a KeyEntry with the field the handouts may add
        steps: tuple = ()

    e = Entry("demo-1", 1, "重算", "合计多少个？", True, "16个", (), steps=("二加五得七", "再加九得十六"))
    s = next(x for x in _deck(key=[e]) if x.exercise == "demo-1")
    assert any("解题步骤：二加五得七；再加九得十六" in n for n in s.notes)


def test_chart_has_its_caption_and_table_is_an_excerpt_without_row_numbers():
    deck = _deck()
    chart = next(s for s in deck if s.title == "一、示范对象")
    assert [b.kind for b in chart.blocks] == ["image"] and chart.blocks[0].caption == "五类对象"
    table = next(s for s in deck if s.title == "二、长表").blocks[0]
    assert table.rows[0] == ["名称", "数"]  # the pandas row-number column is gone
    assert table.rows[1:] == [["第0项", "0"], ["第1项", "3"], ["第2项", "6"], ["第3项", "9"]]
    assert table.more == MORE


def test_a_meaningful_row_label_column_is_kept():
    html = ("<table><thead><tr><th></th><th>提及</th></tr></thead>"
            "<tbody><tr><th>蒲江</th><td>2</td></tr><tr><th>厦门</th><td>3</td></tr></tbody></table>")
    assert table_rows(html) == [["", "提及"], ["蒲江", "2"], ["厦门", "3"]]


def test_a_missing_chart_is_a_chinese_error_naming_the_lesson():
    plan = _plan(slides=[PlanSlide(title="一、图", chart="no_such_call(")])
    with pytest.raises(PlanError, match="课程 demo.*no_such_call"):
        _deck(plan)


def test_projector_prompt_drops_code_and_hints():
    assert projector_prompt("请计算α。请按公式自己计算，再用 `cronbach_alpha` 核对。") == "请计算α。"
    assert projector_prompt("每组至少多少人（提示：`survey.significance_n`）？") == "每组至少多少人？"
    assert projector_prompt("一共能形成多少个网格？") == "一共能形成多少个网格？"


def test_render_reveal_marks_slides_exercises_and_notes():
    deck = _deck()
    page = render_reveal(deck, lesson_title="课题", course_title="课程")
    assert page.count('<section class="gv-') == len(deck)
    assert page.count("data-gv-exercise=") == 3
    assert "<code" not in page[page.index('<div class="slides">'):page.index("<script>")]
    assert html_problems(page) == []
    with_notes, content = notes_coverage(page)
    assert with_notes == content == len(deck) - 1


def test_traditional_deck_converts_text_and_swaps_charts():
    from govlib.publish.hant import convert_text

    deck = _deck()
    simp = next(b for s in deck for b in s.blocks if b.kind == "image").png_b64
    trad_png = _png(color="blue")
    hant = traditional_deck(deck, convert_text, {simp: trad_png})
    assert hant[-1].title == "小結" and hant[1].title == "學習目標"
    assert next(b for s in hant for b in s.blocks if b.kind == "image").png_b64 == trad_png
    assert deck[-1].title == "小结"  # the Simplified deck is untouched


# --------------------------------------------------------------------------- the plan file


def test_plan_rejects_typed_numbers_heading_only_and_code():
    with pytest.raises(ValueError, match="手写的数字"):
        PlanSlide(title="一、概况", points=["常住人口25.5万"])
    PlanSlide(title="一、“127”机制", points=["人口{fig:pj-population}"])  # a quoted name and a placeholder
    with pytest.raises(ValueError, match="只有标题"):
        PlanSlide(title="一、空页")
    with pytest.raises(ValueError, match="代码"):
        PlanSlide(title="一、代码", points=["运行 `check()`"])


def test_load_plan_names_file_and_slide(tmp_path):
    nb = tmp_path / "demo.md"
    nb.write_text("# x\n", encoding="utf-8")
    assert load_plan(nb) is None
    plan_path(nb).write_text("lesson: intro\nslides:\n  - title: 一、概况\n    points: [第3项]\n", encoding="utf-8")
    with pytest.raises(PlanError, match=r"(?s)demo\.slides\.yaml.*第 1 页 points"):
        load_plan(nb)
    plan_path(nb).write_text("lesson: intro\nslides:\n  - title: 一、概况\n    points: ['{fig:no-such-id}']\n",
                             encoding="utf-8")
    with pytest.raises(PlanError, match="no-such-id"):
        load_plan(nb)


def _lessons():
    from govlib.syllabus import load_syllabus

    return load_syllabus().lessons


@pytest.mark.parametrize("lesson", _lessons(), ids=lambda les: les.id)
def test_every_lesson_has_a_valid_plan_that_fits_its_notebook_and_minutes(lesson):
    import jupytext

    nb_path = paths.ROOT / lesson.notebook
    plan = load_plan(nb_path, lesson=lesson.id)
    assert plan is not None, f"{lesson.id}: no slide plan beside {nb_path.name}"
    sources = [c.source for c in jupytext.read(nb_path).cells if c.cell_type == "code"]
    for s in plan.slides:
        for frag in filter(None, [s.chart, s.table.cell if s.table else None]):
            assert any(frag in src for src in sources), (lesson.id, s.title, frag)
    # the plan's timing is the lesson's: every minute planned, none beyond the syllabus
    assert sum(s.minutes or 0 for s in plan.slides) == lesson.minutes, lesson.id
    assert any(s.kind == "summary" for s in plan.slides) and any(s.kind == "discussion" for s in plan.slides)


# --------------------------------------------------------------------------- pptx


def test_pptx_is_deterministic_slide_for_slide_with_notes_and_fonts():
    from pptx import Presentation

    deck = _deck()
    a, b = render_pptx(deck), render_pptx(deck)
    assert a == b
    prs = Presentation(io.BytesIO(a))
    assert len(prs.slides) == len(deck)
    assert "先讲县情" in prs.slides[2].notes_slide.notes_text_frame.text
    xml = prs.slides[2].shapes[0]._element.xml
    assert f'<a:ea typeface="{FONT}"' in xml and 'charset="-122"' in xml
    hant = Presentation(io.BytesIO(render_pptx(traditional_deck(deck, lambda t: t, {}), hant=True)))
    assert f'<a:ea typeface="{FONT_HANT}"' in hant.slides[2].shapes[0]._element.xml


def test_pptx_shapes_stay_inside_even_for_long_text_and_tables(tmp_path):
    long = "各题样本方差之和除以总分方差后再与题目数相乘的结果，" * 4
    rows = "".join(f"<tr><td>第{i}行</td><td>{long}</td></tr>" for i in range(8))
    nb = nbformat.from_dict(new_notebook(cells=[new_code_cell("t()", outputs=[new_output("display_data", data={
        "text/html": f"<table><tr><th>行</th><th>内容</th></tr>{rows}</table>", "text/plain": "t"})]),
        new_code_cell("tall()", outputs=[new_output("display_data", data={"image/png": _png(20, 400)})])]))
    plan = SlidePlan(lesson="demo", slides=[
        PlanSlide(title="一、很长的表" * 4, table={"cell": "t()", "rows": 8}),
        PlanSlide(title="二、要点很长", points=[long] * 5),
        PlanSlide(title="三、高图", points=[long], chart="tall()", caption=long)])
    key = [KeyEntry("demo-1", 1, "重算", long * 3, True, "1个", ())]
    deck = build_deck(nb, plan=plan, lesson="demo", lesson_title="课题" * 12, course_title="课程", objectives=[long],
                      minutes=10, key=key)
    p = tmp_path / "d.pptx"
    p.write_bytes(render_pptx(deck))
    assert pptx_problems(p, ea_faces=(FONT,)) == []


def test_measure_lines_wraps_by_glyph_width():
    assert measure_lines("一" * 10, 10 / 72 * 24 * 1.2, 24) == 1  # ten one-em glyphs in a box of twelve em
    assert measure_lines("一" * 30, 10 / 72 * 24 * 1.2, 24) == 3
    assert measure_lines("iiii" * 10, 10 / 72 * 24 * 1.2, 24) == 1  # narrow Latin letters


# --------------------------------------------------------------------------- the checks


def test_html_problems_find_code_english_row_numbers_heading_only_and_missing_notes():
    page = """
<section class="gv-content" data-gv-slide="2"><div class="gv-frame"><h2>一、代码</h2>
<div class="gv-body"><p>答案写在变量 <code>ans_xm1</code> 中</p></div></div>
<aside class="notes"><p>讲解。</p></aside></section>
<section class="gv-content" data-gv-slide="3"><div class="gv-frame"><h2>二、英文</h2>
<div class="gv-body"><p>见 recode(answers, inst) 与 qz-guizhou-speech</p></div></div>
<aside class="notes"><p>见 data/crosscase.yaml</p></aside></section>
<section class="gv-content" data-gv-slide="4"><div class="gv-frame"><h2>三、表</h2>
<div class="gv-body"><table><tr><th></th><th>名称</th></tr><tr><td>0</td><td>甲</td></tr>
<tr><td>1</td><td>乙</td></tr></table></div></div></section>
<section class="gv-content" data-gv-slide="5"><div class="gv-frame"><h2>四、空</h2><div class="gv-body"></div></div>
<aside class="notes"><p>讲解。</p></aside></section>
<section class="gv-exercise" data-gv-slide="6" data-gv-exercise="x-1"><div class="gv-frame"><h2>练习1</h2>
<div class="gv-body"><p>多少？</p></div></div><aside class="notes"><p>先请学员回答。</p></aside></section>"""
    found = {(p.slide, p.problem.split("：")[0]) for p in html_problems(page)}
    assert (2, "显示了代码（code/pre）") in found
    assert (3, "显示了英文或标识符") in found and (3, "显示了文件名或代码样的文字") in found
    assert (3, "讲者备注里有文件名、代码或英文") in found
    assert (4, "表格有行号列") in found and (4, "没有讲者备注") in found
    assert (5, "只有标题，没有内容") in found
    assert (6, "练习页的备注没有参考答案") in found
