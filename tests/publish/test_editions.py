"""Normalising and splitting an executed notebook (no kernel: notebooks made by hand)."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from govlib.publish import editions as ed


def _executed():
    nb = new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                   "language_info": {"name": "python"},
                   "papermill": {"start_time": "2026-01-01T00:00:00", "duration": 3.2, "parameters": {"n": 5}},
                   "jupytext": {"text_representation": {"format_name": "myst"}},
                   "widgets": {"state": {}}}
    params = new_code_cell('n: int = 3  # 样本量 [1, 100]\nlabel: str = "甲"  # 标签', execution_count=1,
                           metadata={"tags": ["parameters"], "papermill": {"duration": 0.1}})
    injected = new_code_cell('# Parameters\nn = 5\nlabel = "\\u4e59"\n', execution_count=2,
                             metadata={"tags": ["injected-parameters"], "execution": {"iopub.status.busy": "x"}})
    prints = new_code_cell('print("a"); print("b")', execution_count=3, outputs=[
        new_output("stream", name="stdout", text="a\n"), new_output("stream", name="stdout", text="b\n"),
        new_output("stream", name="stderr", text="warn\n"), new_output("stream", name="stdout", text="c\n")])
    svg = ('<svg><metadata><dc:date>2026-11-22T04:00:00</dc:date></metadata>'
           '<clipPath id="p1a2b3c4d5e"/><g clip-path="url(#p1a2b3c4d5e)"/><clipPath id="pffffffffff"/></svg>')
    figure = new_code_cell("fig", execution_count=4, outputs=[
        new_output("display_data", data={"image/svg+xml": svg, "text/plain": "<Figure>"}, metadata={}),
        new_output("display_data", data={"text/html": '<p><span class="gv-fig" data-fig="pj-area">1</span>'
                                                       '<span data-fig="not-a-fig">x</span></p>'})])
    solution = new_code_cell('print("答案")', execution_count=5, metadata={"tags": ["solution"]},
                             outputs=[new_output("stream", name="stdout", text="答案\n")])
    figure.outputs[0]["transient"] = {"display_id": "abc"}  # as nbclient leaves it in memory
    note = new_markdown_cell("教学提示", metadata={"tags": ["instructor"]})
    exercise = new_code_cell("x = 1\nx", execution_count=6, metadata={"tags": ["exercise"]},
                             outputs=[new_output("execute_result", data={"text/plain": "1"}, execution_count=6)])
    nb.cells = [new_markdown_cell("# 标题"), params, injected, prints, figure, solution, note, exercise]
    for i, c in enumerate(nb.cells):
        c["id"] = f"random{i}x"
    return nb


META = {"lesson": "t", "params": "big", "values": {"n": 5, "label": "乙"}}


def test_normalise_strips_volatile_metadata_and_fixes_ids():
    nb = ed.normalise(_executed(), meta=META)
    assert set(nb.metadata) == {"kernelspec", "language_info", "govlib"}
    assert nb.metadata["govlib"] == META
    assert [c.id for c in nb.cells] == [f"cell-{i}" for i in range(len(nb.cells))]
    for c in nb.cells:
        assert set(c.metadata) <= {"tags"}
        for o in c.get("outputs", []):
            assert "transient" not in o
    nbformat.validate(nb)


def test_streams_are_coalesced_per_name_in_order():
    nb = ed.normalise(_executed(), meta=META)
    outs = nb.cells[3].outputs
    assert [(o.name, o.text) for o in outs] == [("stdout", "a\nb\n"), ("stderr", "warn\n"), ("stdout", "c\n")]


def test_svg_dates_and_random_ids_are_fixed():
    svg = ed.normalise(_executed(), meta=META).cells[4].outputs[0].data["image/svg+xml"]
    assert "dc:date" not in svg
    assert 'id="p0000000000"' in svg and "url(#p0000000000)" in svg and 'id="p0000000001"' in svg


def test_injected_parameters_are_shown_readably():
    nb = ed.normalise(_executed(), meta=META)
    assert nb.cells[2].source == '# 本次运行的参数\nn = 5\nlabel = "乙"\n'


def test_student_and_handout():
    clean = ed.normalise(_executed(), meta=META)
    student = ed.student_notebook(clean)
    text = nbformat.writes(student)
    assert "答案" not in text and "教学提示" not in text
    ex = student.cells[-1]
    assert ex.metadata["tags"] == ["exercise"] and ex.outputs == [] and ex.execution_count is None
    hand = ed.handout_notebook(student, values=META["values"])
    assert all(c.get("outputs", []) == [] for c in hand.cells)
    assert not any("injected-parameters" in c.metadata.get("tags", []) for c in hand.cells)
    assert hand.cells[1].source == 'n: int = 5  # 样本量 [1, 100]\nlabel: str = "乙"  # 标签'
    nbformat.validate(hand)


def test_figure_ids_only_from_gv_fig_spans():
    assert ed.figure_ids(ed.normalise(_executed(), meta=META)) == ["pj-area"]


def test_rewrite_parameters_keeps_comments_and_types():
    src = 'n: int = 3  # 样本量 [1, 100]\nr: float = 0.5  # 比例\nflag: bool = True  # 开关'
    assert ed.rewrite_parameters(src, {"r": 1.0, "flag": False}) == \
        'n: int = 3  # 样本量 [1, 100]\nr: float = 1.0  # 比例\nflag: bool = False  # 开关'


def test_to_traditional_converts_only_non_ascii_runs():
    page = ('<html lang="zh-Hans"><body><a class="gv-home" href="../../../index.html" data-gv-link="index">课程</a>'
            '<a href="student.html" data-gv-link="edition">学生版</a>'
            '<a data-gv-link="script" href="instructor.zh-Hant.html">繁體版</a>'
            '<img src="data:image/png;base64,5Lit5paH"><p>社区治理与党建引领</p></body></html>')
    out = ed.to_traditional(page)
    assert '<html lang="zh-Hant">' in out
    assert "社區治理與黨建引領" in out and "學生版" in out
    assert 'href="../../../index.zh-Hant.html"' in out
    assert 'href="student.zh-Hant.html"' in out
    assert 'href="instructor.html">簡體版<' in out
    assert "data:image/png;base64,5Lit5paH" in out


def test_to_traditional_keeps_the_anchor_of_a_retargeted_link():
    page = '<a class="gv-cite" data-gv-link="index" href="../../../references.html#ref-xiamen">厦门一文</a>'
    out = ed.to_traditional(page)
    assert 'href="../../../references.zh-Hant.html#ref-xiamen"' in out and "廈門" in out


def test_page_header_names_the_set_in_chinese_not_by_its_code():
    """The header says 默认版本/变体版本 and the syllabus' description; the code name ``brief`` is not shown."""
    from pathlib import Path

    from govlib.publish.answers import render_answers

    nb = new_notebook(cells=[new_markdown_cell("正文")])
    kw = dict(edition="student", course_title="课程", lesson_title="导论", values={"show_register": False},
              index_href="index.html", links=[], notebook_dir=Path("."))
    page = ed.render_html(nb, set_name="brief", set_description="登记表默认收起。", **kw)
    header = page.split('<span class="gv-params">', 1)[1].split("</span>", 1)[0]
    assert header.startswith("变体版本：登记表默认收起。") and "brief" not in header
    assert "<code>show_register = False</code>" in header
    assert "默认版本" in ed.render_html(nb, set_name="default", **kw).split('class="gv-params">', 1)[1][:20]
    answers = render_answers([], course_title="课程", lesson_title="导论", set_name="brief", vals=[], footer="",
                             set_description="登记表默认收起。")
    assert "变体版本：登记表默认收起。" in answers and "brief" not in answers


def test_index_names_sets_in_chinese_and_gives_the_command_to_type():
    from govlib.publish.site import render_index
    from govlib.syllabus import load_syllabus

    page = render_index(load_syllabus(check_notebooks=False), [], {})
    intro = page.split('id="lesson-intro"', 1)[1].split("</section>", 1)[0]
    assert "<th>默认版本</th><th>变体版本一</th><th>变体版本二</th>" in intro and "参数集 <code>" not in intro
    assert "学生领取这一版的命令" in intro
    assert "<code>govlib student intro</code>" in intro and "<code>govlib student intro --set brief</code>" in intro
