"""Comparing an answer with the expected one: :func:`grade_answer` and the notebook's :func:`check`."""

from __future__ import annotations

import math
from typing import Any

from govlib.errors import ParameterError
from govlib.exercises.model import Exercise, Result, _decimals_zh
from govlib.exercises.parsing import _as_bool, _norm_choice, _parse_number, _same_unit, _simplified
from govlib.exercises.registry import UnknownExercise, get

def _match_choice(ex: Exercise, answer: str) -> tuple[str | None, bool]:
    """The option an answer names, and whether it named it in other words than the option itself.

    Exact wording (ignoring quotes, spaces, punctuation, width and case) or a
    listed synonym first; then an answer that contains exactly one option (or
    synonym), or that is a part of exactly one option.  An answer in
    Traditional characters is read as its Simplified form.
    """
    opt, reworded = _match_choice_text(ex, answer)
    if opt is None and any(ord(ch) > 0x2E80 for ch in answer):
        simple = _simplified(answer)
        if simple != answer:
            opt, _ = _match_choice_text(ex, simple)
            reworded = True
    return opt, reworded


def _match_choice_text(ex: Exercise, answer: str) -> tuple[str | None, bool]:
    got = _norm_choice(answer)
    if not got:
        return None, False
    words: list[tuple[str, str]] = [(_norm_choice(c), c) for c in ex.choices]
    for opt, syns in ex.synonyms:
        words += [(_norm_choice(w), opt) for w in syns]
    for key, opt in words:
        if key == got:
            return opt, _norm_choice(opt) != got
    inside = [(k, o) for k, o in words if len(k) >= 2 and k in got]
    # drop options contained in a longer one that is also named (不拒绝原假设 contains 拒绝原假设)
    inside = [(k, o) for k, o in inside if not any(k != k2 and k in k2 for k2, _ in inside)]
    if len({o for _, o in inside}) == 1:
        return inside[0][1], True
    if len(got) >= 2:
        around = {o for k, o in words if got in k}
        if len(around) == 1:
            return around.pop(), True
    return None, False


def _close_option(ex: Exercise, answer: str) -> bool:
    import difflib

    got = _norm_choice(answer)
    keys = [_norm_choice(c) for c in ex.choices] + [_norm_choice(w) for _, ws in ex.synonyms for w in ws]
    return bool(got) and bool(difflib.get_close_matches(got, keys, n=1, cutoff=0.6))


def _candidates(ex: Exercise, exp: Any, params: dict) -> list[tuple[str, float, float]]:
    """(说明, low, high) of every accepted value: the expected one first, then the alternatives."""
    out = [("", float(exp), float(exp))]
    for desc, v in ex.alternatives(**params).items():
        if isinstance(v, (tuple, list)):
            lo, hi = float(v[0]), float(v[1])
        else:
            lo = hi = float(v)
        out.append((str(desc), min(lo, hi), max(lo, hi)))
    return out


def _grade_number(ex: Exercise, answer: Any, exp: Any, hint: str, params: dict | None = None) -> Result:
    params = params or {}
    n = _parse_number(answer)
    fmt = ex.answer_format()
    if n.value is None:
        what = f"“{answer}”" if isinstance(answer, str) else "不是数字的内容"
        return Result(ex.id, False, f"答案应是一个数字，收到的是{what}。作答格式：{fmt}")
    if n.suffix and not n.pct:
        if ex.answer == "percent":
            return Result(ex.id, False, f"这道题的答案是一个百分数：写百分号前的数字，或带“%”的文字。{hint}")
        if ex.unit and not _same_unit(n.suffix, ex.unit):
            return Result(ex.id, False, f"单位不对：这道题的答案以“{ex.unit}”计。{hint}")
    if n.pct and ex.answer == "int":
        return Result(ex.id, False, f"这道题的答案是一个整数，不是百分数。{hint}")
    exp = float(exp)
    tol = max(ex.tol, ex.rtol * abs(exp)) + 1e-9
    readings = [(n.value, "")]
    if ex.answer == "percent" and not n.pct and abs(n.value) <= 1 and abs(exp) > 1:
        readings.append((n.value * 100, "（已把小数按百分数理解）"))
    elif ex.answer == "number" and n.pct:
        readings.append((n.value / 100, "（已把百分数换算成小数）"))
    cands = _candidates(ex, exp, params)
    if ex.answer == "int" and not float(n.value).is_integer():
        return Result(ex.id, False, f"这道题的答案是一个整数。{hint}")
    for got, note in readings:
        for i, (desc, lo, hi) in enumerate(cands):
            if ex.answer == "int":
                slack = ex.neighbours if i == 0 else 0
                ok = math.ceil(lo - 1e-9) - slack <= got <= math.floor(hi + 1e-9) + slack \
                    or (lo == hi and abs(got - round(lo)) <= slack)
            else:
                ok = lo - tol <= got <= hi + tol
            if ok:
                if i == 0 and ex.answer == "int" and got != round(exp):
                    note += "（与精确计算只差舍入：本页数字经过四舍五入，这个答案也算对）"
                if desc:
                    note += f"（按{desc}）"
                return Result(ex.id, True, f"正确{note}。")
    got = n.value
    d, k = ex.decimals, n.decimals
    if ex.answer != "int" and d and k is not None and 1 <= k < d and abs(got - round(exp, k)) <= 1e-9:
        if k == d - 1:
            return Result(ex.id, True, f"正确（题目要求保留{_decimals_zh(d)}，写满更好）。")
        return Result(ex.id, False, f"数值接近，只是舍入不同：题目要求保留{_decimals_zh(d)}。")
    if exp != 0 and (abs(got * 100 - exp) <= tol or abs(got / 100 - exp) <= tol):
        return Result(ex.id, False, "数量级差了100倍：检查百分数与小数的换算，以及题目要求的单位。")
    if ex.answer == "int":
        return Result(ex.id, False, _int_miss(ex, got, exp, cands, hint))
    if d is not None and k is not None and k >= d and abs(got - exp) <= 2 * 10.0 ** -d + tol:
        return Result(ex.id, False, f"数值接近，只是舍入不同：题目要求保留{_decimals_zh(d)}（四舍五入），"
                                    "请用未经取舍的数字计算，最后再取舍。")
    if d is None and k is not None and abs(got - round(exp, k)) <= 1e-9:
        return Result(ex.id, False, "数值接近，只是舍入不同：请多保留一位小数。")
    return Result(ex.id, False, f"还不对。{hint}")


#: units of an int answer that is a date: any closeness would give the answer away (2020 or 2022?)
_NO_NEAR_UNITS = frozenset({"年", "月", "日"})


def near_band(exp: float) -> int:
    """How far (in whole units) a wrong int answer may be from an accepted one to be told it is close.

    At least 3 and 5 % of the expected value, so "close" always leaves
    six or more candidates on both sides and never narrows the answer to
    one or two values (the old ±1 「只差一点」 gave 103 -> 104 away).
    """
    return max(3, math.ceil(0.05 * abs(float(exp))))


def _int_miss(ex: Exercise, got: float, exp: float, cands, hint: str) -> str:
    """The message for a wrong int answer: close or not, measured the same way from every accepted value."""
    if ex.unit in _NO_NEAR_UNITS:
        return f"还不对。{hint}"
    dist = min(max(lo - got, got - hi, 0.0) for _, lo, hi in cands)
    if dist <= near_band(exp) + ex.neighbours:
        if ex.decimals_shown is not None:
            return ("方向对了，但还不对：可能是舍入或所用数字不同，本页数字保留了"
                    f"{_decimals_zh(ex.decimals_shown)}，请检查取整方向和所用的数字。{hint}")
        return f"方向对了，但还不对：检查计数的起止、是否漏算或多算，以及取整的方向。{hint}"
    return f"还不对。{hint}"


def grade_answer(ex_id: str, answer: Any, **params) -> Result:
    """Compare an answer with the expected one.

    Percent answers accept ``41.1``, ``"41.1%"`` or the fraction ``0.411``;
    number answers accept numeric strings (``"1,234"``, ``"3.5万"``,
    ``"312户"`` when the exercise's unit is 户, and any unit of the same
    group in :data:`UNIT_GROUPS`: ``"17人"`` for ``名``) and a percent string
    for a proportion; int answers must be whole; every number may be
    written as :func:`govlib.exercises.parsing.read_number` reads it
    (``"三条"``, ``"百分之十一点八"``, ``"九成"``, ``"两年零九个月"``,
    ``"至少104人"``); values of the exercise's ``accept`` alternatives and the
    ``neighbours`` its page's rounding allows are correct too.  Choices ignore
    case, width, spaces, quotes and punctuation, take listed synonyms, and an
    answer that names exactly one option; bool answers accept True/False,
    1/0, 是/否, 对/错, 能/不能 ….  The message never contains the expected
    answer, never lists the options of a choice question, and says when a
    miss is only rounding or only wording.

    Parameters
    ----------
    ex_id : str
        The exercise id.
    answer : object
        The answer; None (or ``...``) means not answered yet.
    **params
        Values of the parameters the exercise declares.

    Returns
    -------
    Result
    """
    ex = get(ex_id)
    if ex.answer == "discussion":
        return Result(ex.id, None, "这是讨论题，不自动评分；请在课堂上与同学交流你的观点。")
    if answer is None or answer is Ellipsis:
        return Result(ex.id, None, f"尚未作答：把答案赋给 {ex.variable} 后重新运行本格。")
    exp = ex.expected_value(**params)
    hint = f"提示：{ex.hint_zh}" if ex.hint_zh else ""
    if ex.answer in ("percent", "number", "int"):
        return _grade_number(ex, answer, exp, hint, params)
    if ex.answer == "bool":
        got = _as_bool(answer)
        if got is None:
            return Result(ex.id, False, f"请回答 True 或 False（也可以写“是”或“否”）。{hint}")
        return Result(ex.id, got == bool(exp), "正确。" if got == bool(exp) else f"还不对。{hint}")
    if ex.answer == "choice":
        if exp not in ex.choices:
            raise ValueError(f"exercise {ex.id}: expected answer is not one of its choices")
        if not isinstance(answer, str):
            return Result(ex.id, False, f"这道题要填写文字（放在引号里）。作答格式：{ex.answer_format()}")
        opt, reworded = _match_choice(ex, answer)
        if opt is None:
            if _close_option(ex, answer):
                return Result(ex.id, False, f"写法与本页的名称不一致，可能只是措辞不同：{ex.answer_format()}")
            return Result(ex.id, False, f"没有认出“{answer.strip()}”指的是哪一项。作答格式：{ex.answer_format()}")
        ok = opt == exp
        if ok:
            return Result(ex.id, True, "正确（写法与本页略有不同，已按同一项理解）。" if reworded else "正确。")
        return Result(ex.id, False, f"还不对。{hint}")
    raise ValueError(f"unknown answer type {ex.answer!r}")  # pragma: no cover


def check(ex_id: str, answer: Any, **params) -> None:
    """Print immediate feedback on an answer, in Chinese.

    A mistyped exercise id or a missing parameter is reported in Chinese
    (with the ids that come close) instead of a traceback.

    Parameters
    ----------
    ex_id : str
        The exercise id, e.g. ``"quanzhou-survey-1"``.
    answer : object
        The student's answer (``None`` while unanswered).
    **params
        Values of the notebook parameters the exercise depends on.
    """
    try:
        res = grade_answer(ex_id, answer, **params)
    except (UnknownExercise, ParameterError) as e:
        print(f"【再想想】 {e}")
        return
    mark = {True: "【正确】", False: "【再想想】", None: "【提示】"}[res.correct]
    print(f"{mark} {ex_id}：{res.message}")

