"""Exercises with immediate feedback: the registry, answer matching and ``check``.

An exercise is registered in a bank module (``govlib/exercises/bank/<lesson>.py``)
with a function that *computes* its expected answer from the register or from
govlib, so no answer value is typed anywhere and none appears in a student
notebook.  A student notebook only holds::

    ans_qs1 = None   # 你的答案
    check("quanzhou-survey-1", ans_qs1)

The grader (``govlib grade``) reads the answer *variables* from the executed
notebook and calls :func:`grade_answer` in its own process, so redefining
``check`` in a notebook changes nothing.

Besides the modules in ``govlib/exercises/bank/``, the bank loader imports the
modules named in the environment variable ``GOVLIB_EXERCISE_BANKS``
(comma-separated importable module names), so an instructor can add exercises
of their own, and the tests register a fixture lesson the same way.
"""

from __future__ import annotations

import math
import numbers
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from govlib.errors import ParameterError

AnswerType = Literal["percent", "number", "int", "choice", "bool", "discussion"]
Kind = Literal["recompute", "interpret", "apply", "diagnose", "discuss"]

ANSWER_TYPES = ("percent", "number", "int", "choice", "bool", "discussion")
KINDS = ("recompute", "interpret", "apply", "diagnose", "discuss")
#: Chinese names of the exercise kinds (for reports)
KIND_ZH = {"recompute": "重算", "interpret": "解读", "apply": "应用模型", "diagnose": "框架诊断",
           "discuss": "讨论"}
#: environment variable naming extra bank modules to import
BANKS_ENV = "GOVLIB_EXERCISE_BANKS"

_REGISTRY: dict[str, "Exercise"] = {}
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*-\d+$")
_VAR = re.compile(r"^ans_[a-z0-9_]+$")


@dataclass(frozen=True)
class Exercise:
    """One exercise.

    Parameters
    ----------
    id : str
        ``<lesson>-<n>``, e.g. ``quanzhou-survey-1``.
    lesson : str
        The lesson id in ``course/course.yml``.
    variable : str
        Name of the answer variable in the notebook (``ans_…``).
    kind : str
        recompute, interpret, apply, diagnose or discuss.
    answer : str
        How answers are compared: percent, number, int, choice, bool, discussion.
    prompt_zh : str
        The question, in Chinese (shown by the grader's report).
    hint_zh : str
        Shown when an answer is wrong.
    expected : callable or None
        Computes the expected answer; receives the values of ``params`` as
        keyword arguments.  None for discussion questions.
    tol : float
        Absolute tolerance for percent and number answers (in the answer's unit).
    choices : tuple of str
        Allowed answers for ``choice``.
    params : tuple of str
        Notebook parameters the expected value depends on.
    rubric_zh : tuple of str
        Marking points for discussion questions (instructor edition only).
    unit : str
        Unit a number answer may carry when given as text (e.g. ``"户"``:
        ``"312户"`` is read as 312; ``"312人"`` is rejected with a unit hint).
    rtol : float
        Relative tolerance, added to ``tol``: an answer is accepted when it is
        within ``max(tol, rtol * |expected|)``.
    """

    id: str
    lesson: str
    variable: str
    kind: Kind
    answer: AnswerType
    prompt_zh: str
    hint_zh: str = ""
    expected: Callable[..., Any] | None = None
    tol: float = 0.05
    choices: tuple[str, ...] = ()
    params: tuple[str, ...] = ()
    rubric_zh: tuple[str, ...] = field(default_factory=tuple)
    unit: str = ""
    rtol: float = 0.0

    @property
    def number(self) -> int:
        """The exercise's number within its lesson."""
        return int(self.id.rsplit("-", 1)[1])

    @property
    def graded(self) -> bool:
        """False for discussion questions, which are not auto-graded."""
        return self.answer != "discussion"

    def expected_value(self, **params) -> Any:
        """The expected answer for the given parameter values.

        Raises
        ------
        ParameterError
            When a declared parameter is missing or an undeclared one is given.
        """
        if self.expected is None:
            return None
        missing = [p for p in self.params if p not in params]
        if missing:
            raise ParameterError(f"exercise {self.id} needs parameter(s) {', '.join(missing)}: "
                                 f"pass them to check(), e.g. check({self.id!r}, {self.variable}, "
                                 f"{missing[0]}={missing[0]})")
        unknown = sorted(set(params) - set(self.params))
        if unknown:
            takes = ", ".join(self.params) or "none"
            raise ParameterError(f"exercise {self.id} got unknown parameter(s) {', '.join(unknown)}; "
                                 f"it takes: {takes}")
        return self.expected(**{p: params[p] for p in self.params})


def register(ex: Exercise) -> Exercise:
    """Add an exercise to the registry (ids and variables are unique).

    Registering the very same exercise twice is allowed (a module imported
    again); a different exercise under a used id or variable is an error.
    """
    if not _ID.match(ex.id):
        raise ValueError(f"exercise id {ex.id!r} must look like '<lesson>-<n>'")
    if not ex.id.startswith(ex.lesson + "-") or not ex.id[len(ex.lesson) + 1:].isdigit():
        raise ValueError(f"exercise id {ex.id!r} must be its lesson id {ex.lesson!r} plus '-<n>'")
    if not _VAR.match(ex.variable):
        raise ValueError(f"exercise {ex.id}: answer variable {ex.variable!r} must look like 'ans_…'")
    if ex.kind not in KINDS:
        raise ValueError(f"exercise {ex.id}: kind {ex.kind!r} is not one of {', '.join(KINDS)}")
    if ex.answer not in ANSWER_TYPES:
        raise ValueError(f"exercise {ex.id}: answer {ex.answer!r} is not one of {', '.join(ANSWER_TYPES)}")
    if (ex.answer == "discussion") != (ex.expected is None):
        raise ValueError(f"exercise {ex.id}: discussion questions have no expected value, others must")
    if ex.answer == "discussion" and not ex.rubric_zh:
        raise ValueError(f"exercise {ex.id}: a discussion question needs a rubric (rubric_zh)")
    if ex.answer == "choice" and not ex.choices:
        raise ValueError(f"exercise {ex.id}: a choice question needs choices")
    if not (ex.tol >= 0 and ex.rtol >= 0):
        raise ValueError(f"exercise {ex.id}: tol and rtol must be >= 0 (got {ex.tol}, {ex.rtol})")
    old = _REGISTRY.get(ex.id)
    if old is not None and not _same(old, ex):
        raise ValueError(f"exercise id {ex.id!r} registered twice")
    clash = [e.id for e in _REGISTRY.values() if e.variable == ex.variable and e.id != ex.id]
    if clash:
        raise ValueError(f"exercise {ex.id}: answer variable {ex.variable!r} already used by {clash[0]}")
    _REGISTRY[ex.id] = ex
    return ex


def _same(a: Exercise, b: Exercise) -> bool:
    """Equal, or the same definition re-imported (same function source location)."""
    if a == b:
        return True

    def key(e: Exercise):
        fn = e.expected
        code = getattr(fn, "__code__", None)
        where = (getattr(fn, "__module__", None), getattr(fn, "__qualname__", None),
                 code.co_filename if code else None, code.co_firstlineno if code else None)
        return (e.id, e.lesson, e.variable, e.kind, e.answer, e.prompt_zh, e.hint_zh, where, e.tol,
                e.choices, e.params, e.rubric_zh, e.unit, e.rtol)

    return key(a) == key(b)


def exercise(id: str, *, lesson: str, variable: str, kind: Kind, answer: AnswerType,
             prompt_zh: str, hint_zh: str = "", tol: float = 0.05, choices=(), params=(),
             unit: str = "", rtol: float = 0.0):
    """Decorator registering a function that computes an exercise's expected answer.

    The function receives the exercise's ``params`` as keyword arguments and
    returns the expected answer: a number (in percent for ``percent``), an
    int, one of ``choices``, or a bool.

    Examples
    --------
    >>> @exercise("quanzhou-survey-1", lesson="quanzhou-survey", variable="ans_qs1",
    ...           kind="recompute", answer="percent", prompt_zh="……", hint_zh="……")
    ... def _():
    ...     from govlib.data import value
    ...     return 100 - value("qz-wechat-township-over20") - value("qz-wechat-township-10to20")
    """

    def deco(fn):
        register(Exercise(id=id, lesson=lesson, variable=variable, kind=kind, answer=answer,
                          prompt_zh=prompt_zh, hint_zh=hint_zh, expected=fn, tol=tol,
                          choices=tuple(choices), params=tuple(params), unit=unit, rtol=rtol))
        return fn

    return deco


def discussion(id: str, *, lesson: str, variable: str, prompt_zh: str, rubric_zh) -> Exercise:
    """Register an open discussion question (not auto-graded) with its rubric."""
    return register(Exercise(id=id, lesson=lesson, variable=variable, kind="discuss",
                             answer="discussion", prompt_zh=prompt_zh, rubric_zh=tuple(rubric_zh)))


def _extra_banks() -> list[str]:
    return [m.strip() for m in os.environ.get(BANKS_ENV, "").split(",") if m.strip()]


def _load_bank(lesson: str | None = None) -> None:
    """Import bank modules.

    With *lesson*: its own module (``bank/<lesson>.py``) and the extra banks
    named in ``GOVLIB_EXERCISE_BANKS``; every module only if that finds no
    exercise of the lesson.  Without: every module.
    """
    import importlib
    import pkgutil

    from govlib.exercises import bank

    mods = sorted(m.name for m in pkgutil.iter_modules(bank.__path__))
    if lesson is not None:
        own = lesson.replace("-", "_")
        if own in mods:
            importlib.import_module(f"govlib.exercises.bank.{own}")
        for mod in _extra_banks():
            importlib.import_module(mod)
        if any(e.lesson == lesson for e in _REGISTRY.values()):
            return
    for mod in mods:
        importlib.import_module(f"govlib.exercises.bank.{mod}")
    for mod in _extra_banks():
        importlib.import_module(mod)


def _lesson_of(ex_id: str) -> str:
    return ex_id.rsplit("-", 1)[0] if "-" in ex_id else ex_id


def get(ex_id: str) -> Exercise:
    """Look an exercise up by id (loads its lesson's bank on first use)."""
    if ex_id not in _REGISTRY:
        _load_bank(_lesson_of(str(ex_id)))
    try:
        return _REGISTRY[ex_id]
    except KeyError:
        raise KeyError(f"no exercise {ex_id!r}; known: {', '.join(sorted(_REGISTRY)) or 'none'}") from None


def catalog(lesson: str | None = None) -> list[Exercise]:
    """All exercises (of one lesson), sorted by lesson and number."""
    _load_bank(lesson)
    return sorted((e for e in _REGISTRY.values() if lesson is None or e.lesson == lesson),
                  key=lambda e: (e.lesson, e.number))


# ----------------------------------------------------------------------------
# matching answers
# ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    """Outcome of one answer: ``correct`` is None when unanswered or not auto-graded."""

    exercise: str
    correct: bool | None
    message: str


# a number as text: optional "about", sign, digits, decimals, optional 万/亿, optional unit
_NUM = re.compile(r"^(?:约|大约|≈|~)?([-+]?(?:\d+(?:\.\d*)?|\.\d+))(万|亿)?(%|[^\W\d_]{0,6})$")
_SCALE = {"万": 1e4, "亿": 1e8}
_PCT_SUFFIX = {"%", "个百分点", "百分点"}


@dataclass(frozen=True)
class _Num:
    value: float | None
    pct: bool = False
    suffix: str = ""


def _as_number(x) -> tuple[float | None, bool]:
    """A number from an answer, and whether it carried a percent sign.

    Text is read after Unicode normalisation (full-width digits and ``％``),
    without thousands separators, with ``万``/``亿`` multipliers; a trailing
    unit is ignored here (see :func:`_parse_number`).
    """
    n = _parse_number(x)
    return n.value, n.pct


def _parse_number(x) -> _Num:
    if isinstance(x, bool):
        return _Num(None)
    if isinstance(x, numbers.Real):
        try:
            v = float(x)
        except (TypeError, ValueError, OverflowError):
            return _Num(None)
        return _Num(v) if math.isfinite(v) else _Num(None)
    if hasattr(x, "item") and callable(x.item) and getattr(x, "size", 1) == 1:  # numpy, pandas
        try:
            inner = x.item()
        except (TypeError, ValueError, AttributeError):
            return _Num(None)
        if inner is x:
            return _Num(None)
        return _parse_number(inner)
    if isinstance(x, str):
        s = unicodedata.normalize("NFKC", x).replace(",", "").replace(" ", "").strip()
        m = _NUM.match(s)
        if not m:
            return _Num(None)
        v = float(m.group(1)) * _SCALE.get(m.group(2) or "", 1.0)
        suffix = m.group(3)
        return _Num(v, suffix in _PCT_SUFFIX, suffix)
    return _Num(None)


_YES = {"是", "对", "正确", "真", "yes", "y", "true", "t", "1", "√", "✓"}
_NO = {"否", "不是", "不对", "错", "错误", "假", "no", "n", "false", "f", "0", "×", "✗"}


def _as_bool(x) -> bool | None:
    if hasattr(x, "item") and callable(x.item) and not isinstance(x, (str, bool, int)):
        try:
            x = x.item()
        except (TypeError, ValueError, AttributeError):
            return None
    if isinstance(x, str):
        s = unicodedata.normalize("NFKC", x).strip().lower()
        return True if s in _YES else False if s in _NO else None
    if isinstance(x, (bool, int)) and x in (0, 1):
        return bool(x)
    return None


def _norm_choice(x) -> str:
    return unicodedata.normalize("NFKC", str(x)).strip().strip("\"'“”‘’").strip().casefold()


def _grade_number(ex: Exercise, answer: Any, exp: Any, hint: str) -> Result:
    n = _parse_number(answer)
    if n.value is None:
        what = f"“{answer}”" if isinstance(answer, str) else type(answer).__name__
        return Result(ex.id, False, f"答案应是一个数字，收到的是 {what}。{hint}")
    if n.suffix and not n.pct:
        if ex.answer == "percent":
            return Result(ex.id, False, f"这道题的答案是一个百分数：写百分号前的数字，或带“%”的文字。{hint}")
        if ex.unit and n.suffix != ex.unit:
            return Result(ex.id, False, f"单位不对：这道题的答案以“{ex.unit}”计。{hint}")
    if n.pct and ex.answer == "int":
        return Result(ex.id, False, f"这道题的答案是一个整数，不是百分数。{hint}")
    exp = float(exp)
    tol = max(ex.tol, ex.rtol * abs(exp)) + 1e-9
    got, note = n.value, ""
    if ex.answer == "percent" and not n.pct and abs(got) <= 1 and abs(exp) > 1 \
            and abs(got * 100 - exp) <= tol:
        got, note = got * 100, "（已把小数按百分数理解）"
    elif ex.answer == "number" and n.pct and abs(got - exp) > tol and abs(got / 100 - exp) <= tol:
        got, note = got / 100, "（已把百分数换算成小数）"
    if ex.answer == "int":
        if not float(got).is_integer():
            return Result(ex.id, False, f"这道题的答案是一个整数。{hint}")
        ok = int(got) == int(round(exp))
    else:
        ok = abs(got - exp) <= tol
    if ok:
        return Result(ex.id, True, f"正确{note}。")
    if exp != 0 and (abs(got * 100 - exp) <= tol or abs(got / 100 - exp) <= tol):
        return Result(ex.id, False, "数量级差了100倍：检查百分数与小数的换算，以及题目要求的单位。")
    return Result(ex.id, False, f"还不对。{hint}")


def grade_answer(ex_id: str, answer: Any, **params) -> Result:
    """Compare an answer with the expected one.

    Percent answers accept ``41.1``, ``"41.1%"`` or the fraction ``0.411``;
    number answers accept numeric strings (``"1,234"``, ``"3.5万"``,
    ``"312户"`` when the exercise's unit is 户) and a percent string for a
    proportion; int answers must be whole; choices ignore case, width and
    surrounding space and quotes; bool answers accept True/False, 1/0 and
    是/否, 对/错.  The message never contains the expected answer.

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
        return _grade_number(ex, answer, exp, hint)
    if ex.answer == "bool":
        got = _as_bool(answer)
        if got is None:
            return Result(ex.id, False, f"请回答 True/False（或“是/否”）。{hint}")
        return Result(ex.id, got == bool(exp), "正确。" if got == bool(exp) else f"还不对。{hint}")
    if ex.answer == "choice":
        norm = {_norm_choice(c): c for c in ex.choices}
        if exp not in ex.choices:
            raise ValueError(f"exercise {ex.id}: expected answer is not one of its choices")
        got = _norm_choice(answer)
        if got not in norm:
            return Result(ex.id, False, f"请从这些选项中选择：{'、'.join(ex.choices)}。")
        ok = norm[got] == exp
        return Result(ex.id, ok, "正确。" if ok else f"还不对。{hint}")
    raise ValueError(f"unknown answer type {ex.answer!r}")  # pragma: no cover


def check(ex_id: str, answer: Any, **params) -> None:
    """Print immediate feedback on an answer, in Chinese.

    Parameters
    ----------
    ex_id : str
        The exercise id, e.g. ``"quanzhou-survey-1"``.
    answer : object
        The student's answer (``None`` while unanswered).
    **params
        Values of the notebook parameters the exercise depends on.
    """
    res = grade_answer(ex_id, answer, **params)
    mark = {True: "【正确】", False: "【再想想】", None: "【提示】"}[res.correct]
    print(f"{mark} {ex_id}：{res.message}")


def expected_answer_strings(exercise: Exercise | str, **params) -> list[str]:
    """The strings a leak test searches for in a student edition.

    The expected value formatted with one and with two decimals, and as an
    integer when it is integral; only strings of three or more characters,
    and none for a one-digit whole number.
    Choice, bool and discussion answers give no strings.

    Parameters
    ----------
    exercise : Exercise or str
        The exercise or its id.
    **params
        Values of the parameters the exercise declares.

    Returns
    -------
    list of str
        Distinct strings, in the order: 1 decimal, 2 decimals, integer.

    Examples
    --------
    For an expected value of 41.111… the strings are ``["41.1", "41.11"]``;
    for 312 they are ``["312.0", "312.00", "312"]``; for a one-digit whole
    number such as 5 there are none (``5``/``5.0`` stand on every page).
    """
    ex = exercise if isinstance(exercise, Exercise) else get(exercise)
    if ex.answer in ("choice", "bool", "discussion"):
        return []
    v = float(ex.expected_value(**params))
    if not math.isfinite(v):
        return []
    if v.is_integer() and abs(v) < 10:
        return []  # a one-digit whole number ("3", "3.0") is everywhere on a page: nothing to search
    out = [f"{v:.1f}", f"{v:.2f}"]
    if v.is_integer():
        out.append(str(int(v)))
    seen: list[str] = []
    for s in out:
        if len(s) >= 3 and s not in seen:
            seen.append(s)
    return seen


# ----------------------------------------------------------------------------
# the answer key
# ----------------------------------------------------------------------------

def _fmt_number(v: float, decimals: int) -> str:
    s = f"{v:.{decimals}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def format_expected(exercise: Exercise | str, **params) -> str:
    """The expected answer as an instructor reads it, in Chinese, with its unit.

    Percent answers get two decimals at most and a ``%`` sign, numbers two
    decimals at most and the exercise's unit, whole numbers their unit,
    booleans ``是`` / ``否``, choices the option itself.  Discussion
    questions give ``""`` (see :func:`answer_key` for their rubric).

    Parameters
    ----------
    exercise : Exercise or str
        The exercise or its id.
    **params
        Values of the parameters the exercise declares.

    Returns
    -------
    str

    Examples
    --------
    A percent answer of 41.111… is ``"41.11%"``; an int answer of 312 with
    unit 户 is ``"312户"``; ``True`` is ``"是"``.
    """
    ex = exercise if isinstance(exercise, Exercise) else get(exercise)
    v = ex.expected_value(**params)
    if ex.answer == "discussion" or v is None:
        return ""
    if ex.answer == "bool":
        return "是" if bool(v) else "否"
    if ex.answer == "choice":
        return str(v)
    if ex.answer == "percent":
        return _fmt_number(float(v), 2) + "%"
    if ex.answer == "int":
        return f"{int(round(float(v)))}{ex.unit}"
    return _fmt_number(float(v), 2) + ex.unit


@dataclass(frozen=True)
class KeyEntry:
    """One line of a lesson's answer key (see :func:`answer_key`)."""

    id: str
    number: int
    kind_zh: str
    prompt_zh: str
    graded: bool
    expected_zh: str
    rubric_zh: tuple[str, ...]


def answer_key(lesson: str, params: dict[str, Any] | None = None) -> list[KeyEntry]:
    """Every exercise of *lesson* with its expected answer for *params*.

    The values come from the same functions :func:`check` grades with, so the
    key cannot drift from the checker.

    Parameters
    ----------
    lesson : str
        The lesson id.
    params : dict, optional
        The parameter set's values (extra names are ignored; each exercise
        takes the ones it declares).

    Returns
    -------
    list of KeyEntry
        In exercise order.
    """
    params = dict(params or {})
    out = []
    for ex in catalog(lesson):
        mine = {p: params[p] for p in ex.params if p in params}
        out.append(KeyEntry(ex.id, ex.number, KIND_ZH.get(ex.kind, ex.kind), ex.prompt_zh, ex.graded,
                            format_expected(ex, **mine), tuple(ex.rubric_zh)))
    return out
