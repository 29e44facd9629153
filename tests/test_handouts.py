"""Handouts an instructor can print and trust: the instructor edition's checks, formatted output, the answer key.

No kernel and no build here (notebooks made by hand, the exercise banks);
the course-level page and PDF checks are in ``tests/test_handout_pages.py``.
"""

from __future__ import annotations

import re
from statistics import NormalDist

import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from govlib.publish import editions as ed
from govlib.publish.pagetext import plain_outputs, repr_lines, repr_outputs

# ----------------------------------------------------------------------------- the instructor edition


def _exercise_notebook():
    nb = new_notebook()
    pending = new_code_cell('ans_qp1 = None\ncheck("quanzhou-practice-1", ans_qp1)', metadata={"tags": ["exercise"]},
                            outputs=[new_output("stream", name="stdout",
                                                text="【提示】 quanzhou-practice-1：尚未作答：把答案赋给 ans_qp1 后重新运行本格。\n")])
    talk = new_code_cell('check("quanzhou-practice-7", ans_qp7)', metadata={"tags": ["exercise"]},
                         outputs=[new_output("stream", name="stdout",
                                             text="练习村24个\n【提示】 quanzhou-practice-7：这是讨论题，不自动评分；请在课堂上与同学交流你的观点。\n")])
    other = new_code_cell("print(1)", outputs=[new_output("stream", name="stdout", text="【提示】 x-1：别的格\n")])
    nb.cells = [pending, talk, other]
    return nb


def test_instructor_edition_drops_the_pending_check_and_keeps_other_output():
    nb = ed.instructor_notebook(_exercise_notebook())
    assert nb.cells[0].outputs == []
    assert [o.text for o in nb.cells[1].outputs] == ["练习村24个\n"]
    assert nb.cells[2].outputs[0].text == "【提示】 x-1：别的格\n"  # not an exercise cell: untouched
    assert "尚未作答" in _exercise_notebook().cells[0].outputs[0].text  # the input is not changed


def test_solution_shows_the_check_on_the_worked_answer_with_its_unit():
    from govlib.exercises import solution

    good = solution("quanzhou-practice-1", 4933 / 415)
    assert "【正确】 练习1：本格算得 11.89名" in good.plain
    assert "算式：4933名 ÷ 415个 = 11.89名/个（推算）" in good.plain
    bad = solution("quanzhou-practice-1", 12.5)
    assert "【再想想】" in bad.plain and "【正确】" not in bad.plain
    named = solution("intro-3", "over")  # the solution cell computes the register's code word
    assert "本格算得 “超过”" in named.plain and "over" not in named.plain
    yes_no = solution("chengdu-2", False)
    assert "本格算得 否" in yes_no.plain and "False" not in yes_no.plain


# ----------------------------------------------------------------------------- no Python repr on a page

@pytest.mark.parametrize("text", [
    "{'inclusive': True, 'exclusive': False}", "True", "None", "(10000, 10)", "500", "1.0", "33", "11.89",
    "['小事在村里评', '大事在镇里评', '难事在市里评'] → 难事在市里评", "over 3.0",
    "主体    2.57\n能力    3.23\n机制    3.51\nName: 示例社区B, dtype: float64",
    "subject    2.1\ndtype: float64", "<Figure size 640x480 with 1 Axes>", "array([1, 2])",
    "   a  b\n0  1  2\n1  3  4\n\n[2 rows x 2 columns]",
])
def test_a_repr_is_found(text):
    assert repr_lines(text)


@pytest.mark.parametrize("text", [
    "40名代表中34名同意：按“含本数”读，通过；按“不含本数”读，不通过。",
    "规则来源：登记表；按户数计", "11.8%（推算）", "区间：49.8% – 56.0%", "共模拟10000个季度，每季10个虚构单位。",
    "乡镇（街道）干部：与本组全部公布数字相容的最小样本量 n = 516（推算）", "三级阶梯：小事在村里评 → 大事在镇里评 → 难事在市里评",
    "（交互控件：在 JupyterLab 中运行本格，拖动滑块即可调整权重和抽样户数。）",
])
def test_prose_is_not_a_repr(text):
    assert repr_lines(text) == []


def test_plain_outputs_are_read_from_the_page_with_their_cell_tags():
    page = ('<div class="jp-Cell jp-CodeCell celltag_solution"><div class="jp-OutputArea">'
            '<div class="jp-RenderedText jp-OutputArea-output" data-mime-type="text/plain"><pre>33\n</pre></div>'
            '<div class="jp-RenderedHTMLCommon" data-mime-type="text/html"><p>33个月</p></div></div></div>'
            '<div class="jp-Cell jp-CodeCell"><div data-mime-type="text/plain"><pre>共5个</pre></div></div>')
    assert [(o.tags, o.text.strip()) for o in plain_outputs(page)] == [(("solution",), "33"), ((), "共5个")]
    assert repr_outputs(page) == ["[solution] 33"]


def test_value_table_has_no_row_numbers_and_formats_values():
    import pandas as pd

    from govlib.display import value_table

    t = value_table(pd.DataFrame({"单位": ["甲", "乙"], "成绩": [45.912, 41.0]}), decimals=1)
    assert "<th>单位</th><th>成绩</th>" in t.html and "<td>45.9</td>" in t.html and "<td>0</td>" not in t.html
    s = value_table(pd.Series({"主体": 2.571, "能力": 3.0}, name="平均得分"), index_label="维度")
    assert "<th>维度</th><th>平均得分</th>" in s.html and "<td>2.57</td>" in s.html and "dtype" not in repr(s)
    assert repr_lines(repr(s)) == []


# ----------------------------------------------------------------------------- the answer key

#: prompts that ask for a quantity even when the graded answer is a verdict or a sentence
ASKS_NUMBER = re.compile(r"多少|多大|比例是|比值|区间|系数|有几")


def _default_key(lesson_id):
    from govlib.exercises import answer_key
    from govlib.publish import load_syllabus
    from govlib.publish.params import read_parameters

    lesson = load_syllabus().lesson(lesson_id)
    values = read_parameters(lesson.notebook).defaults()
    values.update(lesson.params.get("default") or {})
    return answer_key(lesson_id, values)


LESSONS = ["intro", "xiamen-127", "pujiang", "yihe", "chengdu", "quanzhou-practice", "quanzhou-survey", "cross-case"]


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_key_row_that_asks_for_a_number_gives_one(lesson):
    missing = []
    for e in _default_key(lesson):
        if not e.graded:
            assert e.rubric_zh, f"{e.id}: a discussion question keeps its rubric"
            continue
        if re.search(r"\d", e.expected_zh):
            continue
        if ASKS_NUMBER.search(e.prompt_zh) and not any(re.search(r"\d", q) for q in e.quantities_zh):
            missing.append(e.id)
    assert missing == []


def _row(lesson, number):
    return next(e for e in _default_key(lesson) if e.number == number)


def _wilson(p, n, conf):
    """Wilson interval from the textbook formula (percent in, percent out)."""
    z = NormalDist().inv_cdf(1 - (1 - conf) / 2)
    p /= 100
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def test_key_worked_steps_against_hand_computation():
    # 厦门: weights 10% / 40% / 50% (the article); 58, 49, 41 typed in the question
    assert _row("xiamen-127", 1).steps_zh == ("0.1×58 + 0.4×49 + 0.5×41 = 45.9分",)
    # 85%以上 of 20 representatives (notebook default), counting the threshold itself: 17
    assert "0.85×20 = 17" in _row("xiamen-127", 2).steps_zh[0] and _row("xiamen-127", 2).expected_zh == "17名"
    # 泉州: 8.5% + 3.3% of township cadres; 4933 arbiters in 415 rooms; 193 unit grids × 300 households
    assert _row("quanzhou-survey", 1).steps_zh == ("8.5% + 3.3% = 11.8%（推算）",)
    assert _row("quanzhou-practice", 1).steps_zh == ("4933名 ÷ 415个 = 11.89名/个（推算）",)
    assert _row("quanzhou-practice", 2).steps_zh == ("193个 × 300户 = 57900户（按规则推算的下限）",)
    # 南安: 3372 unit grids over 3365 second-level grids = 1.002
    assert "比值：1.002" in _row("quanzhou-practice", 4).quantities_zh[0]
    # 成都: 2018年3月 to 2020年12月 = 2×12 + 9 = 33 months
    assert _row("chengdu", 1).steps_zh == ("(2020 − 2018)×12 + (12 − 3) = 33个月",)
    # 导论: 40% + 50%
    assert _row("intro", 1).steps_zh == ("40% + 50% = 90%",)


def test_key_gives_the_interval_the_verdict_rests_on():
    low, high = _wilson(52.9, 1000, 0.95)  # the notebook's default n_township and conf_level
    row = _row("quanzhou-survey", 2)
    assert row.expected_zh == ("是" if low > 50 else "否")
    assert f"{low:.1f}%–{high:.1f}%" in row.quantities_zh[0]
    five = _row("quanzhou-survey", 5)
    assert any("系数" in q and "p = " in q for q in five.quantities_zh)
    three = _row("xiamen-127", 3)
    assert any(re.search(r"不颠倒的季度比例：\d+(\.\d)?%", q) for q in three.quantities_zh)


def test_key_html_shows_quantities_and_steps():
    from govlib.publish.answers import key_html

    page = key_html(_default_key("quanzhou-survey"))
    assert "gv-key-quantities" in page and "算式" in page and "8.5% + 3.3% = 11.8%（推算）" in page


def test_kernel_tables_have_no_row_numbers_and_series_no_repr():
    import pandas as pd
    from IPython.core.interactiveshell import InteractiveShell

    from govlib.display import use_page_formats

    shell = InteractiveShell()  # a shell of its own, not the global instance (get_ipython() stays None)
    assert use_page_formats(shell) is True
    frame, _ = shell.display_formatter.format(pd.DataFrame({"网格": ["甲", "乙"], "户数": [300, 420]}))
    assert "<th>0</th>" not in frame["text/html"] and "<td>甲</td>" in frame["text/html"]
    labelled, _ = shell.display_formatter.format(pd.DataFrame({"户数": [300]}, index=pd.Index(["甲"], name="网格")))
    assert "<th>甲</th>" in labelled["text/html"]  # an index of labels stays
    series, _ = shell.display_formatter.format(pd.Series({"主体": 2.571}, name="平均得分"))
    assert "dtype" not in series["text/plain"] and "<td>2.57</td>" in series["text/html"]
    assert use_page_formats(object()) is False  # not a kernel: nothing to do


def test_exercises_done_at_the_computer_say_so_and_give_a_paper_method():
    from govlib.exercises import catalog, show_exercise
    from govlib.exercises.worked import PAPER

    for lesson in ("xiamen-127", "pujiang", "quanzhou-practice", "quanzhou-survey"):
        for ex in catalog(lesson):
            if ex.needs_notebook:
                assert ex.id in PAPER, f"{ex.id}: no paper alternative"
    page = show_exercise("quanzhou-practice-3", rule_source="register", rule_basis="households", custom_low=300,
                         custom_high=500, n_units=24, exercise_seed=11, n_large=2, mean_households=200)
    assert "本题在电脑上运行笔记本完成。纸上作答：" in page.plain and "gv-exercise-paper" in page.html
    assert "纸上作答" not in show_exercise("quanzhou-practice-1").plain  # answerable from the page itself
