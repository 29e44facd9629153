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
        assert [e.number for e in exs] == list(range(1, len(exs) + 1)), f"{lesson}: exercise numbers have gaps"


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
