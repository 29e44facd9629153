"""Tests for govlib.exercises: registering, matching answers, check(), leak strings.

The fixture lesson ``demo`` (tests/data/grading/govlib_demo_bank.py) is loaded
the way an instructor adds a bank: GOVLIB_EXERCISE_BANKS + PYTHONPATH.  Its
expected answers, computed by hand:

- demo-1 (percent): 100 * 37 / 90 = 41.111…
- demo-2 (int, households): ceil(1000 / 300) = ceil(3.33) = 4; ceil(600 / 300) = 2
- demo-3 (choice): p = 0.03 < 0.05 -> "拒绝原假设"
- demo-4 (bool): True
- demo-5 (number, 户, rtol 1%): 12500 / 4 = 3125; tolerance 0.01 * 3125 = 31.25
"""

from __future__ import annotations

import importlib
import re
import os
import subprocess
import sys
from pathlib import Path

import pytest

from govlib.errors import ParameterError
from govlib.exercises import (Exercise, catalog, check, discussion, exercise, expected_answer_strings, get,
                              grade_answer, register)
from govlib.exercises import core

GRADING = Path(__file__).resolve().parent / "data" / "grading"


def _forget(lesson):
    for k in [k for k, e in core._REGISTRY.items() if e.lesson == lesson]:
        del core._REGISTRY[k]


@pytest.fixture
def scratch():
    """Exercises registered under lesson ``scratch`` are removed after the test."""
    yield "scratch"
    _forget("scratch")


# ----------------------------------------------------------------------------
# percent answers
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("answer", [41.11, 41.1, "41.1%", "41.11 %", "４１.１％", "约41.1%", 41.111111,
                                    "41.1个百分点"])
def test_percent_accepts_the_percent_in_several_spellings(demo, answer):
    assert grade_answer("demo-1", answer).correct is True


@pytest.mark.parametrize("answer", [0.4111, "0.411", 0.41111])
def test_percent_given_as_a_fraction_is_understood(demo, answer):
    res = grade_answer("demo-1", answer)
    assert res.correct is True
    assert "小数按百分数" in res.message


@pytest.mark.parametrize("answer", [41.2, 40.0, 0.5, 0.42, "50%", -41.11])
def test_percent_outside_tolerance_is_wrong(demo, answer):
    # tolerance 0.05: |41.2 - 41.111| = 0.089, 40 is 1.1 off, 0.42 -> 42 is 0.889 off
    res = grade_answer("demo-1", answer)
    assert res.correct is False
    assert "满意人数除以受访人数" in res.message  # the hint


@pytest.mark.parametrize("answer", ["abc", [41.11], {"a": 1}, True, float("nan"), float("inf"), "41.1人"])
def test_not_a_percent_is_wrong_with_a_clear_message(demo, answer):
    res = grade_answer("demo-1", answer)
    assert res.correct is False
    assert "数字" in res.message or "百分数" in res.message


@pytest.mark.parametrize("answer", [None, ...])
def test_unanswered_is_neither_right_nor_wrong(demo, answer):
    res = grade_answer("demo-1", answer)
    assert res.correct is None
    assert "ans_demo1" in res.message


def test_numpy_and_pandas_scalars_are_numbers(demo):
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    assert grade_answer("demo-1", np.float64(41.11)).correct is True
    assert grade_answer("demo-1", np.array([41.11])).correct is True
    assert grade_answer("demo-1", pd.Series([41.11])).correct is True
    assert grade_answer("demo-2", np.int64(4), households=1000).correct is True
    assert grade_answer("demo-1", np.array([41.11, 2.0])).correct is False


# ----------------------------------------------------------------------------
# int answers with a parameter
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("answer", [4, "4", 4.0, " 4 ", "4个"])
def test_int_with_parameter(demo, answer):
    assert grade_answer("demo-2", answer, households=1000).correct is True


def test_int_expected_follows_the_parameter(demo):
    # ceil(600 / 300) = 2, ceil(601 / 300) = 3
    assert grade_answer("demo-2", 2, households=600).correct is True
    assert grade_answer("demo-2", 3, households=601).correct is True
    assert grade_answer("demo-2", 4, households=600).correct is False


def test_int_rejects_fractions_and_percent(demo):
    res = grade_answer("demo-2", 4.5, households=1000)
    assert res.correct is False and "整数" in res.message
    assert grade_answer("demo-2", "4%", households=1000).correct is False


def test_missing_or_unknown_parameter_is_a_clear_error(demo):
    with pytest.raises(ParameterError, match="还需要参数 households"):
        grade_answer("demo-2", 4)
    with pytest.raises(ParameterError, match="不认识参数 n_total"):
        grade_answer("demo-2", 4, households=1000, n_total=5)
    with pytest.raises(ParameterError, match="需要的参数：无"):
        grade_answer("demo-1", 41.1, households=1000)


# ----------------------------------------------------------------------------
# choice, bool, number with unit, discussion
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("answer,ok", [("拒绝原假设", True), ("  拒绝原假设 ", True), ("“拒绝原假设”", True),
                                       ("不拒绝原假设", False)])
def test_choice(demo, answer, ok):
    assert grade_answer("demo-3", answer).correct is ok


def test_choice_outside_the_choices_says_the_format_and_lists_no_option(demo):
    for answer in ("接受", 3, "A"):
        res = grade_answer("demo-3", answer)
        assert res.correct is False
        assert "作答格式" in res.message
        assert "拒绝原假设" not in res.message  # listing the options would turn it into a guess


@pytest.mark.parametrize("answer,ok", [(True, True), ("是", True), ("对", True), ("TRUE", True), (1, True),
                                       (False, False), ("否", False), (0, False)])
def test_bool(demo, answer, ok):
    assert grade_answer("demo-4", answer).correct is ok


def test_bool_numpy_and_nonsense(demo):
    np = pytest.importorskip("numpy")
    assert grade_answer("demo-4", np.bool_(True)).correct is True
    res = grade_answer("demo-4", "也许")
    assert res.correct is False and "True 或 False" in res.message
    assert grade_answer("demo-4", 2).correct is False


@pytest.mark.parametrize("answer", [3125, "3125户", "3,125", "0.3125万", 3100, 3150, "３１２５"])
def test_number_with_unit_and_relative_tolerance(demo, answer):
    # rtol 1 %: 3125 +- 31.25, so 3100 (25 off) and 3150 (25 off) pass
    assert grade_answer("demo-5", answer).correct is True


def test_number_outside_relative_tolerance_or_wrong_unit(demo):
    assert grade_answer("demo-5", 3090).correct is False  # 35 off > 31.25
    res = grade_answer("demo-5", "3125人")
    assert res.correct is False and "户" in res.message


def test_number_off_by_a_factor_of_100_gets_a_unit_hint(demo):
    # 312500 / 100 = 3125 and 31.25 * 100 = 3125
    for answer in (312500, 31.25):
        res = grade_answer("demo-5", answer)
        assert res.correct is False and "100倍" in res.message


def test_discussion_is_not_auto_graded(demo):
    res = grade_answer("demo-6", "我认为……")
    assert res.correct is None and "讨论题" in res.message
    assert get("demo-6").rubric_zh and not get("demo-6").graded


# ----------------------------------------------------------------------------
# feedback never gives the answer away
# ----------------------------------------------------------------------------

WRONG = {"demo-1": [50, 0.5, "abc", None], "demo-2": [3, 4.5, "x", None], "demo-3": ["不拒绝原假设", "x"],
         "demo-4": [False, "x"], "demo-5": [1, "3125人", 312500, None]}


def test_feedback_never_contains_the_expected_answer(demo):
    for ex_id, answers in WRONG.items():
        params = {"households": 1000} if ex_id == "demo-2" else {}
        secrets = expected_answer_strings(ex_id, **params)
        ex = get(ex_id)
        if ex.answer == "choice":
            secrets = [ex.expected_value(**params)]
        for a in answers:
            msg = grade_answer(ex_id, a, **params).message
            for s in secrets:
                assert s not in msg, (ex_id, a, msg)


def test_check_prints_feedback_in_chinese(demo, capsys):
    check("demo-1", 41.11)
    check("demo-1", 50)
    check("demo-1", None)
    check("demo-2", 4, households=1000)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "【正确】 demo-1：正确。"
    assert out[1].startswith("【再想想】 demo-1：还不对。提示：")
    assert out[2].startswith("【提示】 demo-1：尚未作答")
    assert out[3] == "【正确】 demo-2：正确。"
    assert check("demo-1", 41.11) is None


# ----------------------------------------------------------------------------
# the registry
# ----------------------------------------------------------------------------

def test_catalog_and_get(demo):
    exs = catalog("demo")
    assert [e.id for e in exs] == [f"demo-{n}" for n in range(1, 7)]
    assert {e.kind for e in exs} == {"recompute", "interpret", "apply", "diagnose", "discuss"}
    assert get("demo-3").choices == ("拒绝原假设", "不拒绝原假设")
    assert exs[1].params == ("households",) and exs[1].number == 2
    with pytest.raises(KeyError, match="没有编号为“demo-99”的练习"):
        get("demo-99")


def _ex(**kw):
    base = dict(id="scratch-1", lesson="scratch", variable="ans_scr1", kind="recompute", answer="number",
                prompt_zh="？", expected=lambda: 1.0)
    base.update(kw)
    return Exercise(**base)


@pytest.mark.parametrize("kw,match", [
    (dict(id="Scratch-1"), "must look like"),
    (dict(id="scratch-x"), "must look like"),
    (dict(id="other-1"), "lesson id 'scratch'"),
    (dict(id="scratch-a-1"), "lesson id 'scratch'"),
    (dict(variable="answer1"), "ans_"),
    (dict(kind="guess"), "kind 'guess'"),
    (dict(answer="text"), "answer 'text'"),
    (dict(answer="choice"), "needs choices"),
    (dict(expected=None), "discussion questions have no expected"),
    (dict(answer="discussion", kind="discuss"), "discussion questions have no expected"),
    (dict(answer="discussion", kind="discuss", expected=None), "needs a rubric"),
    (dict(tol=-1), "tol and rtol"),
])
def test_register_rejects_bad_exercises(scratch, kw, match):
    with pytest.raises(ValueError, match=match):
        register(_ex(**kw))


def test_register_ids_and_variables_are_unique(scratch):
    one = register(_ex())
    assert register(one) is one  # the same exercise again is fine
    with pytest.raises(ValueError, match="registered twice"):
        register(_ex(prompt_zh="另一道题"))
    with pytest.raises(ValueError, match="already used by scratch-1"):
        register(_ex(id="scratch-2"))


def test_reimporting_a_bank_module_is_fine(demo):
    mod = sys.modules["govlib_demo_bank"]
    importlib.reload(mod)  # new function objects, same definitions
    assert get("demo-1").expected_value() == pytest.approx(100 * 37 / 90)


def test_decorator_and_discussion_register(scratch):
    @exercise("scratch-1", lesson="scratch", variable="ans_scr1", kind="apply", answer="int",
              prompt_zh="？", params=("n",))
    def _(n):
        return n * 2

    d = discussion("scratch-2", lesson="scratch", variable="ans_scr2", prompt_zh="谈谈看法",
                   rubric_zh=["要点一", "要点二"])
    assert get("scratch-1").expected_value(n=3) == 6
    assert d.rubric_zh == ("要点一", "要点二") and d.expected is None
    assert grade_answer("scratch-1", 6, n=3).correct is True


# ----------------------------------------------------------------------------
# strings a leak test searches for
# ----------------------------------------------------------------------------

def test_expected_answer_strings(demo):
    # 41.111… -> "41.1", "41.11" (not integral)
    assert expected_answer_strings("demo-1") == ["41.1", "41.11"]
    # 3125 -> "3125.0", "3125.00", "3125"
    assert expected_answer_strings(get("demo-5")) == ["3125.0", "3125.00", "3125"]
    # 4 -> "4.0", "4.00"; "4" is shorter than 3 characters
    assert expected_answer_strings("demo-2", households=1000) == []  # 4: one digit, too common
    # 2 with 600 households
    assert expected_answer_strings("demo-2", households=600) == []
    for ex_id in ("demo-3", "demo-4", "demo-6"):
        assert expected_answer_strings(ex_id) == []


def test_expected_answer_strings_rounding_and_negatives(scratch):
    register(_ex(id="scratch-1", variable="ans_scr1", expected=lambda: 12.345))
    register(_ex(id="scratch-2", variable="ans_scr2", expected=lambda: -0.5))
    register(_ex(id="scratch-3", variable="ans_scr3", expected=lambda: 0.999))
    assert expected_answer_strings("scratch-1") == ["12.3", "12.35"]
    assert expected_answer_strings("scratch-2") == ["-0.5", "-0.50"]
    assert expected_answer_strings("scratch-3") == ["1.0", "1.00"]


# ----------------------------------------------------------------------------
# a student kernel stays light
# ----------------------------------------------------------------------------

def test_checking_a_demo_answer_imports_no_other_bank(demo):
    code = ("import sys\nfrom govlib.exercises import check\ncheck('demo-1', 41.11)\n"
            "print(sorted(m for m in sys.modules if m.startswith('govlib.exercises.bank.')))\n"
            "print('pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy(),
                         timeout=60, check=True).stdout.splitlines()
    assert out == ["【正确】 demo-1：正确。", "[]", "False"]


# ----------------------------------------------------------------------------
# smoke check over the lessons' real exercise banks
# ----------------------------------------------------------------------------

def _real_lessons() -> dict[str, list[Exercise]]:
    out: dict[str, list[Exercise]] = {}
    for e in catalog():
        if e.lesson not in ("demo", "scratch"):
            out.setdefault(e.lesson, []).append(e)
    return out


def _notebook_params(lesson: str) -> dict:
    """Default parameter values: the notebook's parameters cell, then the syllabus' default set."""
    from govlib import paths
    from govlib.publish.params import read_parameters

    values: dict = {}
    nb = paths.NOTEBOOKS / f"{lesson.replace('-', '_')}.md"
    try:
        from govlib.syllabus import load_syllabus

        les = load_syllabus(check_notebooks=False).lesson(lesson)
        nb = paths.ROOT / les.notebook
        syllabus_default = dict(les.params.get("default") or {})
    except Exception:
        syllabus_default = {}
    if nb.exists():
        values.update(read_parameters(nb).defaults())
    values.update(syllabus_default)
    return values


@pytest.mark.slow  # imports every bank (pandas, scipy, statsmodels)
def test_every_real_bank_has_the_required_kinds_of_exercises():
    lessons = _real_lessons()
    if not lessons:
        pytest.skip("no exercise bank yet")
    for lesson, exs in lessons.items():
        kinds = [e.kind for e in exs]
        assert len(exs) >= 4, f"{lesson}: {len(exs)} exercises, at least 4 needed"
        assert kinds.count("discuss") == 1, f"{lesson}: needs exactly one discussion question ({kinds})"
        assert len(set(kinds) - {"discuss"}) >= 2, f"{lesson}: needs several kinds of exercise ({kinds})"
        assert sorted(e.number for e in exs) == list(range(1, len(exs) + 1)), f"{lesson}: exercise numbers have gaps"


@pytest.mark.slow  # computes every lesson's answers (simulations included)
def test_every_real_expected_answer_computes_and_grades_as_correct():
    lessons = _real_lessons()
    if not lessons:
        pytest.skip("no exercise bank yet")
    for lesson, exs in lessons.items():
        values = _notebook_params(lesson)
        for e in exs:
            if not e.graded:
                continue
            missing = [p for p in e.params if p not in values]
            assert not missing, f"{e.id}: parameter(s) {missing} are not notebook parameters of {lesson}"
            params = {p: values[p] for p in e.params}
            exp = e.expected_value(**params)
            assert exp is not None, e.id
            if e.answer == "choice":
                assert exp in e.choices, f"{e.id}: expected {exp!r} is not one of its choices"
            res = grade_answer(e.id, exp, **params)
            assert res.correct is True, f"{e.id}: its own expected answer grades as {res}"
            strings = expected_answer_strings(e, **params)
            if e.answer in ("percent", "number", "int"):
                assert all(len(s) >= 3 for s in strings), e.id


# ---------------------------------------------------------------------------- the answer key

def test_answer_key_shows_hand_computed_values_with_units(demo):
    key = {e.id: e for e in core.answer_key("demo", {"households": 1000, "unused": 3})}
    assert key["demo-1"].expected_zh == "41.11%"      # 100 * 37 / 90
    assert key["demo-2"].expected_zh == "4"           # ceil(1000 / 300)
    assert key["demo-3"].expected_zh == "拒绝原假设"    # 0.03 < 0.05
    assert key["demo-4"].expected_zh == "是"
    assert key["demo-5"].expected_zh == "3125户"       # 12500 / 4
    assert key["demo-6"].expected_zh == "" and not key["demo-6"].graded
    assert key["demo-6"].rubric_zh and key["demo-6"].rubric_zh[0].startswith("指出网格规模")
    assert [e.number for e in key.values()] == sorted(e.number for e in key.values())


def test_answer_key_follows_the_parameter_set(demo):
    assert core.format_expected("demo-2", households=1201) == "5"  # ceil(1201 / 300)


# ----------------------------------------------------------------------------
# matching a careful student's answer: numerals, units, wording, rounding, format
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("text,value", [("三", 3), ("十二", 12), ("二十", 20), ("一百零四", 104), ("两万", 20000),
                                        ("二〇二一", 2021), ("十", 10), ("三十三", 33)])
def test_chinese_numerals(text, value):
    assert core._cn_int(text) == value
    assert core._parse_number(text + "条").value == value


def test_units_of_the_same_kind_are_synonyms(scratch):
    register(_ex(answer="int", unit="名", expected=lambda: 17, tol=0))
    for answer in ("17名", "17人", "17位", "十七人", 17):
        assert grade_answer("scratch-1", answer).correct is True, answer
    res = grade_answer("scratch-1", "17户")
    assert res.correct is False and "名" in res.message


def test_synonyms_and_containment_name_an_option(scratch):
    register(_ex(answer="choice", choices=("主体", "能力", "机制"), expected=lambda: "主体",
                 synonyms=(("机制", ("运行机制",)),)))
    for answer in ("主体", "主体维度", " “主体” ", '"主体"', "'主体'", "主体。"):
        res = grade_answer("scratch-1", answer)
        assert res.correct is True, (answer, res)
    assert grade_answer("scratch-1", "运行机制").correct is False  # a synonym of a wrong option is wrong
    assert grade_answer("scratch-1", "主體").correct is True  # typed from the Traditional page
    assert grade_answer("scratch-1", "機制").correct is False


def test_a_wrong_format_choice_answer_gets_the_format_not_the_options(scratch):
    register(_ex(answer="choice", choices=("管理", "协商", "服务"), expected=lambda: "协商",
                 format_zh="填写“管理”“协商”或“服务”。"))
    for answer in (2, "第二项", "B"):
        res = grade_answer("scratch-1", answer)
        assert res.correct is False and "作答格式" in res.message, answer
    register(_ex(id="scratch-2", variable="ans_scr2", answer="choice", choices=("甲方案", "乙方案"),
                 expected=lambda: "甲方案"))
    msg = grade_answer("scratch-2", "丙").message
    assert "甲方案" not in msg and "乙方案" not in msg and "作答格式" in msg


def test_alternative_methods_and_neighbours_are_accepted_with_a_note(scratch):
    register(_ex(answer="int", unit="人", tol=0, expected=lambda: 104,
                 accept=lambda: {"不合并标准误的 z 检验": 102}))
    assert grade_answer("scratch-1", 104).message == "正确。"
    res = grade_answer("scratch-1", 102)
    assert res.correct is True and "不合并标准误" in res.message
    assert grade_answer("scratch-1", 103).correct is False
    register(_ex(id="scratch-2", variable="ans_scr2", answer="int", tol=0, expected=lambda: 244, neighbours=1,
                 decimals_shown=2))
    assert grade_answer("scratch-2", 243).correct is True and "舍入" in grade_answer("scratch-2", 243).message
    assert grade_answer("scratch-2", 245).correct is True
    res = grade_answer("scratch-2", 246)
    assert res.correct is False and "舍入" in res.message and "两位小数" in res.message
    assert "舍入" not in grade_answer("scratch-2", 300).message


def test_one_decimal_fewer_is_accepted_and_a_rounding_miss_is_named(scratch):
    # 4933 / 415 = 11.8867…; two decimals asked: 11.89
    register(_ex(answer="number", tol=0.01, decimals=2, expected=lambda: 4933 / 415))
    assert grade_answer("scratch-1", 11.89).message == "正确。"
    res = grade_answer("scratch-1", 11.9)
    assert res.correct is True and "两位小数" in res.message
    res = grade_answer("scratch-1", 11.87)  # 0.017 off: a rounding slip, not the method
    assert res.correct is False and "舍入" in res.message and "两位小数" in res.message
    res = grade_answer("scratch-1", 12.5)
    assert res.correct is False and "舍入" not in res.message


def test_unknown_id_is_a_chinese_error_with_close_ids(demo, capsys):
    with pytest.raises(core.UnknownExercise) as err:
        get("demo-11")
    assert "没有编号为“demo-11”的练习" in str(err.value) and "demo-1" in str(err.value)
    assert isinstance(err.value, KeyError)
    check("dmeo-1", 41.1)
    out = capsys.readouterr().out
    assert out.startswith("【再想想】 没有编号为“dmeo-1”的练习") and "demo-1" in out
    assert "KeyError" not in out and "no exercise" not in out


def test_a_missing_parameter_in_check_is_a_chinese_message(demo, capsys):
    check("demo-2", 4)
    out = capsys.readouterr().out
    assert "还需要参数 households" in out and "Traceback" not in out


def test_prompt_placeholders_take_the_page_values_in_words(scratch):
    register(_ex(answer="int", params=("n", "reading", "conf"), expected=lambda n, reading, conf: n,
                 prompt_zh="有{n}人，按{reading}理解，置信水平{conf:.0%}。",
                 prompt_values=(("reading", (("inclusive", "含本数"),)),)))
    ex = get("scratch-1")
    assert ex.prompt(n=20, reading="inclusive", conf=0.95) == "有20人，按含本数理解，置信水平95%。"
    assert "（本页参数 n）" in ex.prompt()
    with pytest.raises(ValueError, match="placeholder"):
        register(_ex(id="scratch-2", variable="ans_scr2", prompt_zh="{m}？"))


def test_show_exercise_rubric_and_solution(demo):
    from govlib.exercises import show_exercise, show_rubric, solution

    page = show_exercise("demo-2", households=1000).html
    assert 'data-exercise="demo-2"' in page and "练习2（应用模型）" in page and "每个网格不超过300户" in page
    assert "整数" in page  # the answer format
    rubric = show_rubric("demo-6")
    assert "练习6评分要点" in rubric.html and "<li>指出网格规模与人力成本之间的权衡</li>" in rubric.html
    sol = solution("demo-5", 3125)
    assert '<span class="gv-answer-value">3125户</span>' in sol.html and "一致" in sol.html
    bad = solution("demo-5", 1)
    assert "不一致" in bad.html
    with pytest.raises(ValueError):
        solution("demo-6")


# ----------------------------------------------------------------------------
# the rendered pages: solution cells, shown exercises, answerable from the page
# ----------------------------------------------------------------------------

def _cell(tags, source_html, output_html):
    cls = " ".join(f"celltag_{t}" for t in tags)
    return (f'<div class="jp-Cell jp-CodeCell jp-Notebook-cell {cls}"><div class="jp-Cell-inputWrapper">'
            f'<div class="jp-InputArea"><pre>{source_html}</pre></div></div>'
            f'<div class="jp-Cell-outputWrapper"><div class="jp-OutputArea">{output_html}</div></div></div>')


def test_solution_problems_on_a_page():
    from govlib.exercises.pages import solution_problems

    good = _cell(["solution"], "solution(…)", '<div class="gv-answer"><span class="gv-answer-value">41.11%</span></div>')
    wrong = _cell(["solution"], "check(…)", "<pre>【再想想】 demo-1：还不对。</pre>")
    empty = _cell(["solution"], "x = 1", "<pre>1</pre>")
    unanswered_exercise = _cell(["exercise"], "check(…)", "<pre>【提示】 demo-1：尚未作答</pre>")
    assert solution_problems(good + unanswered_exercise) == []
    problems = solution_problems(good + wrong + empty)
    assert len(problems) == 3  # 【再想想】 and no value in cell 1, no value in cell 2
    assert "【再想想】" in problems[0] and "no reference value" in problems[1] and "cell 2" in problems[2]


def test_unanswerable_exercises_on_a_page(demo, scratch):
    from govlib.exercises.pages import unanswerable_exercises

    register(_ex(uses=("xm-weight-peer",)))
    register(_ex(id="scratch-2", variable="ans_scr2", uses=("xm-weight-poll",), needs_notebook=True))
    shows = ('<div class="jp-Cell jp-CodeCell"><div class="jp-Cell-outputWrapper">'
             '<div class="gv-exercise" data-exercise="scratch-1"></div><div class="gv-exercise" data-exercise="scratch-2">'
             '</div></div></div>')
    fig = '<div class="jp-Cell jp-MarkdownCell"><span class="gv-fig" data-fig="xm-weight-peer">40%</span></div>'
    assert unanswerable_exercises("scratch", shows + fig) == []
    assert unanswerable_exercises("scratch", shows) == ["scratch-1: page does not show xm-weight-peer"]
    assert unanswerable_exercises("scratch", fig) == ["scratch-1: prompt not shown", "scratch-2: prompt not shown"]


# ----------------------------------------------------------------------------
# every exercise of every lesson: the expected value (by hand), neighbours, wording, a wrong answer
# ----------------------------------------------------------------------------

def _wilson_low(p, n, conf):
    """Wilson lower bound, written out here from the textbook formula (percent in, percent out)."""
    from statistics import NormalDist

    z = NormalDist().inv_cdf(1 - (1 - conf) / 2)
    p = p / 100
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
    return 100 * (centre - half)


def _crosscase_levels():
    """Levels straight from data/crosscase.yaml (not through govlib)."""
    import yaml

    from govlib import paths

    raw = yaml.safe_load((paths.DATA / "crosscase.yaml").read_text(encoding="utf-8"))
    dims = [d["id"] for d in raw["dimensions"]]
    return dims, {case: [cells[d]["level"] for d in dims] for case, cells in raw["coding"].items()}


# (id, params, accepted answers, rejected answers); values by hand from the register's published figures:
#   xm weights 10% / 40% / 50%, vote threshold 85%以上; pj demonstration sites 2 + 5 + 2 + 4 + 3;
#   cd social-enterprise opinion 2018年3月, regulation 2020年12月1日, report 2月27日, 3年多 (over);
#   qz list 8.5% + 3.3%, village list 22%, grid integration 52.9%, Jinjiang 4933人 / 415个, Tai 193 unit grids
#   × 300户 (lower bound of 300-500户), Nan'an 3372 / 3365, post ladder of four rungs.
HAND = [
    ("intro-1", {}, [90, "90%", 0.9, "九十"], [50, 40, 10]),                        # 40 + 50
    ("intro-2", {}, ["一核多元：实践偏差与路径", "一核多元", "“一核多元”", "yihe"], ["厦门", "泉州"]),
    ("intro-3", {}, ["超过", "超过（不含本数）", "over", "严格大于"], ["以上", "约数", "确切数"]),
    ("intro-4", {}, [5, "5个", "五个", "五"], [4, 6]),
    ("xiamen-127-1", {}, [45.9, "45.9分", 45.90, 45.88], [46.5, 41, 49]),          # 5.8 + 19.6 + 20.5
    ("xiamen-127-2", {"n_reps": 20, "vote_reading": "inclusive"}, [17, "17名", "17人", "十七"], [16, 18]),
    ("xiamen-127-2", {"n_reps": 20, "vote_reading": "exclusive"}, [18, "18人"], [17]),  # > 0.85 × 20 = 17
    ("xiamen-127-4", {}, ["协商", "两分协商", "“协商”"], ["管理", "服务", "七分服务"]),
    ("pujiang-1", {}, [16, "16个", "十六"], [19, 13, 15]),                              # 2+5+2+4+3; not + the 3 inside
    ("yihe-1", {}, [3, "三条", "3条"], [5, 2]),
    ("yihe-3", {}, ["党组织嵌入居委会", "推动基层党组织嵌入社区居民委员会", "嵌入居委会"],
     ["党建与协商民主相结合", "吸纳企业与社会组织参与"]),
    ("yihe-4", {}, ["党组织嵌入基层治理", "党组织嵌入"], ["基层协商民主", "关注群众“强参与”"]),
    ("yihe-5", {}, [False, "否", "没有", "False"], [True, "是"]),
    ("chengdu-1", {}, [33, "33个月", "三十三个月"], [32, 34, 21]),                        # 2×12 + (12 − 3)
    ("chengdu-2", {}, [False, "不可能", "否"], [True, "可能"]),
    ("chengdu-3", {}, [2021, "2021年", "二〇二一年"], [2020, 2022]),                      # 2月27日 before 12月1日
    ("chengdu-4", {}, ["充实社区改革资源体系", "资源体系"], ["完善社区改革投入体系", "寻求社区改革的发展体系"]),
    ("chengdu-5", {}, ["派出机构负责人考核反馈权", "职能部门派出机构负责人考核意见反馈权", "考核反馈权", "考核权"],
     ["重大决策建议权", "下沉社区事项统筹协调权"]),
    ("quanzhou-survey-1", {}, [11.8, "11.8%", 0.118], [8.5, 22, 30.3]),
    ("quanzhou-survey-3", {"conf_level": 0.95}, [104, "104人", "一百零四", 102], [50, 110]),  # pooled 104, unpooled 102
    ("quanzhou-survey-4", {}, ["工作方法简单", "工作方法简单，管理机制有待完善", "方法简单"], ["权责不匹配", "基层财力不足"]),
    ("quanzhou-practice-1", {}, [11.89, 11.9, "11.89名", "11.89人", 11.88], [12, 11.5, 0.08]),
    ("quanzhou-practice-2", {}, [57900, "57900户", "5.79万"], [96500, 193]),            # 193 × 300
    ("quanzhou-practice-4", {}, ["两级数量几乎相同：平均每个二级网格大约只对应一个单元网格", "两级数量几乎相同"],
     ["平均每个二级网格下设七八个单元网格", "单元网格比二级网格少"]),
    ("quanzhou-practice-5", {}, ["难事在市里评", "难事市里评", "市里", "市级"], ["大事在镇里评", "镇里", "小事村里评"]),
    ("quanzhou-practice-6", {}, [3, "3次", "三次"], [4, 2]),
    # warm-ups early in the lessons: cd 五个方面 + 六项体系 + 三个方面; qz 石狮 235名 + 318名 + 733名;
    # crosscase.yaml 5 articles × 9 dimensions
    ("chengdu-7", {}, [14, "14个", "十四"], [13, 15, 8]),
    ("quanzhou-practice-8", {}, [1286, "1286名", "1286人"], [1285, 1287, 553]),
    ("cross-case-6", {}, [45, "45格", "四十五"], [44, 46, 14]),
]


@pytest.mark.slow
@pytest.mark.parametrize(("ex_id", "params", "right", "wrong"), HAND, ids=[f"{h[0]}-{i}" for i, h in enumerate(HAND)])
def test_each_exercise_accepts_what_a_careful_student_reaches(ex_id, params, right, wrong):
    for answer in right:
        res = grade_answer(ex_id, answer, **params)
        assert res.correct is True, (ex_id, answer, res.message)
        assert "Error" not in res.message
    for answer in wrong:
        res = grade_answer(ex_id, answer, **params)
        assert res.correct is False, (ex_id, answer, res.message)


@pytest.mark.slow
@pytest.mark.parametrize(("n", "conf"), [(1000, 0.95), (5000, 0.95), (200, 0.9)])
def test_wilson_exercise_against_the_formula(n, conf):
    # 52.9% of n township cadres: is the Wilson lower bound above 50%?
    truth = _wilson_low(52.9, n, conf) > 50
    assert grade_answer("quanzhou-survey-2", truth, n_township=n, conf_level=conf).correct is True
    assert grade_answer("quanzhou-survey-2", not truth, n_township=n, conf_level=conf).correct is False


@pytest.mark.slow
@pytest.mark.parametrize("case", ["pujiang", "xiamen", "yihe", "chengdu", "quanzhou"])
def test_crosscase_exercises_against_the_coding_file(case):
    dims, levels = _crosscase_levels()
    core = sum(1 for lv in levels[case] if lv == 3)  # ordinal codes: count cells, do not average
    assert grade_answer("cross-case-1", core, case=case).correct is True
    assert grade_answer("cross-case-1", core + 1, case=case).correct is False
    other = "quanzhou" if case != "quanzhou" else "pujiang"
    differ = sum(1 for a, b in zip(levels[case], levels[other]) if a != b)
    assert grade_answer("cross-case-3", differ, case_a=case, case_b=other).correct is True
    assert grade_answer("cross-case-3", differ + 1, case_a=case, case_b=other).correct is False
    scm = dict(zip(dims, levels[case]))
    best = max(("subject", "capacity", "mechanism"), key=lambda d: (scm[d], -("subject", "capacity", "mechanism").index(d)))
    label = {"subject": "主体", "capacity": "能力", "mechanism": "机制"}[best]
    assert grade_answer("cross-case-4", label, case=case).correct is True
    assert grade_answer("cross-case-4", label + "维度", case=case).correct is True
    wrong = next(x for x in ("主体", "能力", "机制") if x != label)
    assert grade_answer("cross-case-4", wrong, case=case).correct is False


@pytest.mark.slow
@pytest.mark.parametrize("dim", ["grid", "party", "services"])
def test_crosscase_count_against_the_coding_file(dim):
    dims, levels = _crosscase_levels()
    n = sum(1 for lv in levels.values() if lv[dims.index(dim)] >= 2)
    assert grade_answer("cross-case-2", n, dimension=dim).correct is True
    assert grade_answer("cross-case-2", f"{n}篇", dimension=dim).correct is True
    assert grade_answer("cross-case-2", n + 2, dimension=dim).correct is False


# exercises whose value depends on a model or on synthetic data: neighbours relative to the computed value
MODEL = ["pujiang-2", "pujiang-3", "pujiang-4", "pujiang-5", "xiamen-127-3", "xiamen-127-5", "quanzhou-survey-5",
         "quanzhou-practice-3", "yihe-2"]


@pytest.mark.slow
@pytest.mark.parametrize("ex_id", MODEL)
def test_model_exercises_accept_neighbours_and_reject_far_values(ex_id):
    ex = get(ex_id)
    values = _notebook_params(ex.lesson)
    params = {p: values[p] for p in ex.params}
    v = ex.expected_value(**params)
    if ex.answer == "number":
        assert grade_answer(ex_id, round(v, ex.decimals), **params).correct is True
        assert grade_answer(ex_id, round(v, ex.decimals - 1), **params).correct is True  # one decimal fewer
        assert grade_answer(ex_id, round(v + 0.5, 2), **params).correct is False
    elif ex.answer == "int":
        assert grade_answer(ex_id, int(v), **params).correct is True
        for alt in ex.alternatives(**params).values():
            lo, hi = alt if isinstance(alt, tuple) else (alt, alt)
            assert grade_answer(ex_id, lo, **params).correct is True and grade_answer(ex_id, hi, **params).correct
        assert grade_answer(ex_id, int(v) + 10, **params).correct is False
    elif ex.answer == "bool":
        assert grade_answer(ex_id, bool(v), **params).correct is True
        assert grade_answer(ex_id, "是" if v else "否", **params).correct is True
        assert grade_answer(ex_id, not v, **params).correct is False
    else:
        assert grade_answer(ex_id, v, **params).correct is True
        assert grade_answer(ex_id, f"{v}维度", **params).correct is True
        assert grade_answer(ex_id, next(c for c in ex.choices if c != v), **params).correct is False


@pytest.mark.slow
def test_every_real_graded_exercise_is_covered_here():
    covered = {h[0] for h in HAND} | set(MODEL) | {"quanzhou-survey-2", "cross-case-1", "cross-case-2", "cross-case-3",
                                                   "cross-case-4"}
    graded = {e.id for exs in _real_lessons().values() for e in exs if e.graded}
    assert graded - covered == set(), f"exercises without a fair-check test: {sorted(graded - covered)}"


@pytest.mark.slow
def test_no_student_visible_feedback_is_in_english():
    words = re.compile(r"[A-Za-z]{3,}")
    # the Python answer values students type, and statistics' proper names; code stands between backticks
    allowed = {"True", "False", "Wilson"}
    for exs in _real_lessons().values():
        for ex in exs:
            values = _notebook_params(ex.lesson)
            params = {p: values[p] for p in ex.params}
            for answer in (None, "？？", 10**9, "x" if ex.answer != "choice" else 5):
                msg = grade_answer(ex.id, answer, **params).message
                bad = set(words.findall(re.sub(r"`[^`]*`", "", msg.replace(ex.variable, "")))) - allowed
                assert not bad, (ex.id, answer, msg)
            for shown in (ex.answer_format(), ex.prompt(**params), ex.hint_zh):
                bad = set(words.findall(re.sub(r"`[^`]*`", "", shown))) - allowed
                assert not bad, (ex.id, shown)


def test_answer_key_quotes_prompts_with_the_sets_values_filled_in():
    # values as in notebooks/pujiang.md's parameters cell, with community C chosen
    values = {"community": "示例社区C", "focus_dimension": "能力", "seed": 2024, "alpha_threshold": 0.7}
    key = {e.id: e for e in core.answer_key("pujiang", values)}
    assert "{" not in "".join(e.prompt_zh for e in key.values())
    assert "示例社区C" in key["pujiang-2"].prompt_zh and "能力" in key["pujiang-2"].prompt_zh


def test_bool_prompts_show_true_and_false_as_code(demo):
    from govlib.exercises.show import show_exercise

    page = show_exercise("demo-4").html
    assert "<code>True</code>" in page and "`" not in page
