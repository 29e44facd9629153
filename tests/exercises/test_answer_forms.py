"""Answers as people write them, for every exercise of the course (its default parameter set).

Each row is (exercise, answer, verdict, a fragment the message must contain).
verdict True: accepted; False: refused; None: not auto-graded.

The values typed here are the published figures or hand computations:

- intro-1: 90 % of the lessons' figures … as the intro bank states (九成 = 90 %)
- xiamen-127-1: 45.9分; xiamen-127-2: 17名 (published)
- yihe-1: 3条, yihe-2: 8条 (counted in the article's list)
- chengdu-1: 两年零九个月 = 2 × 12 + 9 = 33个月; chengdu-3: the report's month-day falls before
  the regulation's, so the year after it, 2021
- quanzhou-survey-1: 100 − 72.2 − 16.0 = 11.8 %
- quanzhou-survey-3: 104人 by the pooled z test the prompt names, 102人 by the unpooled one
  (n > z²(p1q1 + p2q2)/(p1 − p2)²), 103 by neither
- quanzhou-practice-2: 57900户 (published)
- warm-ups: chengdu-7 5 + 6 + 3 = 14个; quanzhou-practice-8 235 + 318 + 733 = 1286名;
  cross-case-6 5 articles × 9 dimensions = 45格

Values that come from a simulation or a model run on the page (pujiang, cross-case,
xiamen-127-5, quanzhou-practice-3, …) are written with ``{v}``: the row tests how the
answer is *read*, the value itself is tested with its topic module.
"""

from __future__ import annotations

import functools

import pytest

from govlib.exercises import catalog, get, grade_answer

RIGHT, WRONG, OPEN = True, False, None

FORMS = [
    # --- intro
    ("intro-1", "九成", RIGHT, "正确"),
    ("intro-1", "百分之九十", RIGHT, "正确"),
    ("intro-1", "90%", RIGHT, "正确"),
    ("intro-1", "0.9", RIGHT, "小数按百分数"),
    ("intro-1", "八成", WRONG, "还不对"),
    ("intro-2", "一核多元", RIGHT, "正确"),
    ("intro-2", "成都", WRONG, "还不对"),
    ("intro-3", "超过", RIGHT, "正确"),
    ("intro-3", "“多于”", RIGHT, "正确"),
    ("intro-3", "约数", WRONG, "还不对"),
    ("intro-4", "五个", RIGHT, "正确"),
    ("intro-4", "共5个", RIGHT, "正确"),
    ("intro-4", "5人", WRONG, "单位不对"),
    ("intro-5", "我认为……", OPEN, "讨论题"),
    # --- xiamen-127
    ("xiamen-127-1", "四十五点九分", RIGHT, "正确"),
    ("xiamen-127-1", "45.9", RIGHT, "正确"),
    ("xiamen-127-1", "约45.9分", RIGHT, "正确"),
    ("xiamen-127-1", "45.9人", WRONG, "单位不对"),
    ("xiamen-127-1", "四十六点九分", WRONG, "还不对"),
    ("xiamen-127-2", "十七名", RIGHT, "正确"),
    ("xiamen-127-2", "17人", RIGHT, "正确"),
    ("xiamen-127-2", "共17位", RIGHT, "正确"),
    ("xiamen-127-2", "17户", WRONG, "单位不对"),
    ("xiamen-127-3", "不", RIGHT, "正确"),
    ("xiamen-127-3", "是", WRONG, "还不对"),
    ("xiamen-127-4", "「协商」", RIGHT, "正确"),
    ("xiamen-127-4", "两分协商", RIGHT, "正确"),
    ("xiamen-127-4", "服务", WRONG, "还不对"),
    ("xiamen-127-5", "{v}户", RIGHT, "正确"),
    ("xiamen-127-5", "约{v}户", RIGHT, "正确"),
    ("xiamen-127-5", "{v+40}", WRONG, "还不对"),
    ("xiamen-127-6", "……", OPEN, "讨论题"),
    # --- pujiang
    ("pujiang-1", "{v}个", RIGHT, "正确"),
    ("pujiang-1", "共{v}个", RIGHT, "正确"),
    ("pujiang-1", "{v+30}个", WRONG, "还不对"),
    ("pujiang-2", "{v}", RIGHT, "正确"),
    ("pujiang-2", "约{v}", RIGHT, "正确"),
    ("pujiang-2", "{v+1}", WRONG, "还不对"),
    ("pujiang-3", "{v}", RIGHT, "正确"),
    ("pujiang-3", "{v+1}", WRONG, "还不对"),
    ("pujiang-4", "主体维度", RIGHT, "正确"),
    ("pujiang-4", "能力", WRONG, "还不对"),
    ("pujiang-5", "{v}个", RIGHT, "正确"),
    ("pujiang-5", "{v+20}个", WRONG, "还不对"),
    ("pujiang-6", "……", OPEN, "讨论题"),
    # --- yihe
    ("yihe-1", "三条", RIGHT, "正确"),
    ("yihe-1", "共3条", RIGHT, "正确"),
    ("yihe-1", "五条", WRONG, "还不对"),
    ("yihe-2", "共8条", RIGHT, "正确"),
    ("yihe-2", "共八条", RIGHT, "正确"),
    ("yihe-2", "8项", RIGHT, "正确"),
    ("yihe-2", "8人", WRONG, "单位不对"),
    ("yihe-2", "二十条", WRONG, "还不对"),
    ("yihe-3", "嵌入居委会", RIGHT, "正确"),
    ("yihe-3", "党建与协商民主相结合", WRONG, "还不对"),
    ("yihe-4", "党组织嵌入", RIGHT, "正确"),
    ("yihe-4", "创新党建平台", WRONG, "还不对"),
    ("yihe-5", "不是的", RIGHT, "正确"),
    ("yihe-5", "对", WRONG, "还不对"),
    ("yihe-6", "……", OPEN, "讨论题"),
    # --- chengdu
    ("chengdu-1", "两年零九个月", RIGHT, "正确"),
    ("chengdu-1", "2年9个月", RIGHT, "正确"),
    ("chengdu-1", "两年九个月", RIGHT, "正确"),
    ("chengdu-1", "三十三个月", RIGHT, "正确"),
    ("chengdu-1", "33", RIGHT, "正确"),
    ("chengdu-1", "兩年零九個月", RIGHT, "正确"),
    ("chengdu-1", "3年9个月", WRONG, "还不对"),
    ("chengdu-1", "33年", WRONG, "单位不对"),
    ("chengdu-2", "不能说", RIGHT, "正确"),
    ("chengdu-2", "不", RIGHT, "正确"),
    ("chengdu-2", "能", WRONG, "还不对"),
    ("chengdu-3", "2021年", RIGHT, "正确"),
    ("chengdu-3", "二〇二一年", RIGHT, "正确"),
    ("chengdu-3", "二零二一", RIGHT, "正确"),
    ("chengdu-3", "2020", WRONG, "还不对"),
    ("chengdu-3", "2022年", WRONG, "还不对"),
    ("chengdu-4", "充实社区改革资源体系", RIGHT, "正确"),
    ("chengdu-4", "资源体系", RIGHT, "正确"),
    ("chengdu-4", "人才体系", WRONG, "还不对"),
    ("chengdu-5", "考核权", RIGHT, "正确"),
    ("chengdu-5", "决策建议权", WRONG, "还不对"),
    ("chengdu-6", "……", OPEN, "讨论题"),
    ("chengdu-7", "十四个", RIGHT, "正确"),
    ("chengdu-7", "共14个", RIGHT, "正确"),
    ("chengdu-7", "11", WRONG, "还不对"),
    # --- quanzhou-practice
    ("quanzhou-practice-1", "{v}名", RIGHT, "正确"),
    ("quanzhou-practice-1", "约{v}", RIGHT, "正确"),
    ("quanzhou-practice-1", "{v+1}", WRONG, "还不对"),
    ("quanzhou-practice-2", "57900户", RIGHT, "正确"),
    ("quanzhou-practice-2", "5.79万户", RIGHT, "正确"),
    ("quanzhou-practice-2", "五万七千九百户", RIGHT, "正确"),
    ("quanzhou-practice-2", "57,900", RIGHT, "正确"),
    ("quanzhou-practice-2", "57900人", WRONG, "单位不对"),
    ("quanzhou-practice-3", "{v}个", RIGHT, "正确"),
    ("quanzhou-practice-3", "{v+30}", WRONG, "还不对"),
    ("quanzhou-practice-4", "单元网格比二级网格少", WRONG, "还不对"),
    ("quanzhou-practice-4", "两级数量几乎相同", RIGHT, "正确"),
    ("quanzhou-practice-5", "市里评", RIGHT, "正确"),
    ("quanzhou-practice-5", "镇里", WRONG, "还不对"),
    ("quanzhou-practice-6", "{v}次", RIGHT, "正确"),
    ("quanzhou-practice-6", "共{v}次", RIGHT, "正确"),
    ("quanzhou-practice-6", "{v+10}次", WRONG, "还不对"),
    ("quanzhou-practice-7", "……", OPEN, "讨论题"),
    ("quanzhou-practice-8", "一千二百八十六名", RIGHT, "正确"),
    ("quanzhou-practice-8", "共1286人", RIGHT, "正确"),
    ("quanzhou-practice-8", "968", WRONG, "还不对"),
    # --- quanzhou-survey
    ("quanzhou-survey-1", "百分之十一点八", RIGHT, "正确"),
    ("quanzhou-survey-1", "十一点八%", RIGHT, "正确"),
    ("quanzhou-survey-1", "百分之11.8", RIGHT, "正确"),
    ("quanzhou-survey-1", "十一点八", RIGHT, "正确"),
    ("quanzhou-survey-1", "约11.8%", RIGHT, "正确"),
    ("quanzhou-survey-1", "１１．８％", RIGHT, "正确"),
    ("quanzhou-survey-1", "0.118", RIGHT, "小数按百分数"),
    ("quanzhou-survey-1", "11.8个百分点", RIGHT, "正确"),
    ("quanzhou-survey-1", "百分之八十八点二", WRONG, "还不对"),
    ("quanzhou-survey-1", "11.8人", WRONG, "百分数"),
    ("quanzhou-survey-2", "不能", RIGHT, "正确"),
    ("quanzhou-survey-2", "不显著", RIGHT, "正确"),
    ("quanzhou-survey-2", "是", WRONG, "还不对"),
    ("quanzhou-survey-3", "104", RIGHT, "正确。"),
    ("quanzhou-survey-3", "至少104人", RIGHT, "正确"),
    ("quanzhou-survey-3", "每组104人", RIGHT, "正确"),
    ("quanzhou-survey-3", "一百零四人", RIGHT, "正确"),
    ("quanzhou-survey-3", "102", RIGHT, "不合并标准误"),
    ("quanzhou-survey-3", "每组至少102人", RIGHT, "不合并标准误"),
    ("quanzhou-survey-3", "103", WRONG, "还不对"),
    ("quanzhou-survey-3", "104户", WRONG, "单位不对"),
    ("quanzhou-survey-4", "方法简单", RIGHT, "正确"),
    ("quanzhou-survey-4", "权责不对等", WRONG, "还不对"),
    ("quanzhou-survey-5", "否", RIGHT, "正确"),
    ("quanzhou-survey-5", "是的", WRONG, "还不对"),
    ("quanzhou-survey-6", "……", OPEN, "讨论题"),
    # --- cross-case
    ("cross-case-1", "{v}", RIGHT, "正确"),
    ("cross-case-1", "{v+1}", WRONG, "还不对"),
    ("cross-case-2", "{v}篇", RIGHT, "正确"),
    ("cross-case-2", "共{v}篇", RIGHT, "正确"),
    ("cross-case-2", "{v+20}篇", WRONG, "还不对"),
    ("cross-case-3", "{v}", RIGHT, "正确"),
    ("cross-case-3", "{v+1}", WRONG, "还不对"),
    ("cross-case-4", "“机制”", RIGHT, "正确"),
    ("cross-case-4", "主体", WRONG, "还不对"),
    ("cross-case-5", "……", OPEN, "讨论题"),
    ("cross-case-6", "四十五格", RIGHT, "正确"),
    ("cross-case-6", "共45格", RIGHT, "正确"),
    ("cross-case-6", "40", WRONG, "还不对"),
]


@functools.cache
def _defaults(lesson: str) -> dict:
    """The lesson's default parameter set, as the build hands it out (notebook defaults + the set)."""
    from govlib.publish.params import read_parameters, validate_parameter_set
    from govlib.syllabus import load_syllabus

    syl = load_syllabus()
    les = syl.lesson(lesson)
    nbp = read_parameters(syl.notebook_path(les))
    values, errs = validate_parameter_set(nbp, les.params["default"], lesson=lesson, set_name="default")
    assert not errs, errs
    return {**{k: s.default for k, s in nbp.specs.items()}, **values}


def _params(ex_id: str) -> dict:
    ex = get(ex_id)
    vals = _defaults(ex.lesson)
    return {p: vals[p] for p in ex.params}


def _fill(ex_id: str, answer: str) -> str:
    """``{v}`` / ``{v+k}``: the expected value (plus k) written as the exercise asks for it."""
    if "{v" not in answer:
        return answer
    ex = get(ex_id)
    v = float(ex.expected_value(**_params(ex_id)))
    head, rest = answer.split("{v", 1)
    offset, tail = rest.split("}", 1)
    v += float(offset or 0)
    d = 0 if ex.answer == "int" else (ex.decimals if ex.decimals is not None else 2)
    return f"{head}{v:.{d}f}{tail}"


def test_the_table_is_large_and_covers_every_exercise():
    assert len(FORMS) >= 60
    ids = {e.id for e in catalog()}
    have = {row[0] for row in FORMS}
    assert ids - have == set(), sorted(ids - have)
    graded = {e.id for e in catalog() if e.graded}
    right = {row[0] for row in FORMS if row[2] is RIGHT}
    wrong = {row[0] for row in FORMS if row[2] is WRONG}
    assert graded - right == set() and graded - wrong == set(), (sorted(graded - right), sorted(graded - wrong))


@pytest.mark.parametrize("ex_id,answer,verdict,fragment", FORMS, ids=[f"{r[0]}:{r[1]}" for r in FORMS])
def test_answer_form(ex_id, answer, verdict, fragment):
    text = _fill(ex_id, answer)
    res = grade_answer(ex_id, text, **_params(ex_id))
    assert res.correct is verdict, (text, res.message)
    assert fragment in res.message, (text, res.message)
    if verdict is WRONG:
        assert "只差一点" not in res.message  # a ±1 hint gives the answer away


def test_a_miss_between_two_accepted_values_is_told_what_a_miss_beside_them_is_told():
    # 102 and 104 are right; 103, 101 and 105 are all "close" in the same words: no side is singled out
    p = _params("quanzhou-survey-3")
    msgs = {a: grade_answer("quanzhou-survey-3", a, **p).message for a in (101, 103, 105)}
    assert len(set(msgs.values())) == 1, msgs


def test_a_year_is_never_told_it_is_close():
    # chengdu-3: 2020 and 2022 get the plain "还不对", the same as a year far away
    plain = grade_answer("chengdu-3", 1990).message
    for year in (2020, 2022, "2020年"):
        assert grade_answer("chengdu-3", year).message == plain


def test_close_int_answers_leave_many_candidates():
    # quanzhou-survey-3: "close" covers at least 3 whole numbers on each side of the accepted ones
    p = _params("quanzhou-survey-3")
    close = [a for a in range(80, 130) if "方向对了" in grade_answer("quanzhou-survey-3", a, **p).message]
    assert min(close) <= 102 - 3 and max(close) >= 104 + 3
    assert set(range(min(close), max(close) + 1)) - set(close) == {102, 104}


def test_the_key_says_which_values_are_right_and_why_not_103():
    from govlib.exercises import answer_key

    key = {e.id: e for e in answer_key("quanzhou-survey", _defaults("quanzhou-survey"))}
    e = key["quanzhou-survey-3"]
    assert e.expected_zh == "104人"
    assert e.also_zh == ("不合并标准误的 z 检验：102人",)
    assert "介于两者之间的103人都不对" in e.note_zh  # 102 < 103 < 104: neither method's smallest n


def test_the_instructor_key_page_shows_the_other_method_and_the_note():
    from govlib.exercises import answer_key
    from govlib.publish.answers import key_html

    page = key_html(answer_key("quanzhou-survey", _defaults("quanzhou-survey")))
    assert "也算对：不合并标准误的 z 检验：102人" in page
    assert "103人都不对" in page
