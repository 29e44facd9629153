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
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

AnswerType = Literal["percent", "number", "int", "choice", "bool", "discussion"]
Kind = Literal["recompute", "interpret", "apply", "diagnose", "discuss"]

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

    def expected_value(self, **params) -> Any:
        """The expected answer for the given parameter values."""
        if self.expected is None:
            return None
        missing = [p for p in self.params if p not in params]
        if missing:
            raise TypeError(f"exercise {self.id} needs parameter(s) {', '.join(missing)}")
        return self.expected(**{p: params[p] for p in self.params})


def register(ex: Exercise) -> Exercise:
    """Add an exercise to the registry (ids and variables are unique)."""
    if not _ID.match(ex.id):
        raise ValueError(f"exercise id {ex.id!r} must look like '<lesson>-<n>'")
    if not ex.id.startswith(ex.lesson + "-"):
        raise ValueError(f"exercise id {ex.id!r} must start with its lesson id {ex.lesson!r}")
    if not _VAR.match(ex.variable):
        raise ValueError(f"answer variable {ex.variable!r} must look like 'ans_…'")
    if (ex.answer == "discussion") != (ex.expected is None):
        raise ValueError(f"exercise {ex.id}: discussion questions have no expected value, others must")
    if ex.answer == "choice" and not ex.choices:
        raise ValueError(f"exercise {ex.id}: a choice question needs choices")
    old = _REGISTRY.get(ex.id)
    if old is not None and old != ex:
        raise ValueError(f"exercise id {ex.id!r} registered twice")
    clash = [e.id for e in _REGISTRY.values() if e.variable == ex.variable and e.id != ex.id]
    if clash:
        raise ValueError(f"answer variable {ex.variable!r} already used by {clash[0]}")
    _REGISTRY[ex.id] = ex
    return ex


def exercise(id: str, *, lesson: str, variable: str, kind: Kind, answer: AnswerType,
             prompt_zh: str, hint_zh: str = "", tol: float = 0.05, choices=(), params=()):
    """Decorator registering a function that computes an exercise's expected answer.

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
                          choices=tuple(choices), params=tuple(params)))
        return fn

    return deco


def discussion(id: str, *, lesson: str, variable: str, prompt_zh: str, rubric_zh) -> Exercise:
    """Register an open discussion question (not auto-graded) with its rubric."""
    return register(Exercise(id=id, lesson=lesson, variable=variable, kind="discuss",
                             answer="discussion", prompt_zh=prompt_zh, rubric_zh=tuple(rubric_zh)))


def _load_bank() -> None:
    import importlib
    import pkgutil

    from govlib.exercises import bank

    for mod in sorted(m.name for m in pkgutil.iter_modules(bank.__path__)):
        importlib.import_module(f"govlib.exercises.bank.{mod}")


def get(ex_id: str) -> Exercise:
    """Look an exercise up by id (loads the bank on first use)."""
    if ex_id not in _REGISTRY:
        _load_bank()
    try:
        return _REGISTRY[ex_id]
    except KeyError:
        raise KeyError(f"no exercise {ex_id!r}; known: {', '.join(sorted(_REGISTRY)) or 'none'}") from None


def catalog(lesson: str | None = None) -> list[Exercise]:
    """All exercises (of one lesson), sorted by lesson and number."""
    _load_bank()

    def key(e: Exercise):
        return (e.lesson, int(e.id.rsplit("-", 1)[1]))

    return sorted((e for e in _REGISTRY.values() if lesson is None or e.lesson == lesson), key=key)


# ----------------------------------------------------------------------------
# matching answers
# ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    """Outcome of one answer: ``correct`` is None when unanswered or not auto-graded."""

    exercise: str
    correct: bool | None
    message: str


_NUM = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*(%|％)?\s*$")


def _as_number(x) -> tuple[float | None, bool]:
    """A number from an answer, and whether it carried a percent sign."""
    if isinstance(x, bool):
        return None, False
    if isinstance(x, (int, float)) and not (isinstance(x, float) and math.isnan(x)):
        return float(x), False
    if hasattr(x, "item") and callable(x.item):  # numpy scalars
        try:
            return _as_number(x.item())
        except (TypeError, ValueError):
            return None, False
    if isinstance(x, str):
        m = _NUM.match(x.replace(",", ""))
        if m:
            return float(m.group(1)), bool(m.group(2))
    return None, False


_YES = {"是", "对", "正确", "yes", "y", "true", "t", "1"}
_NO = {"否", "不是", "错", "错误", "no", "n", "false", "f", "0"}


def grade_answer(ex_id: str, answer: Any, **params) -> Result:
    """Compare an answer with the expected one.

    Percent answers accept ``41.1``, ``"41.1%"`` or the fraction ``0.411``;
    numbers accept numeric strings; choices ignore case and surrounding space.

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
        got, pct = _as_number(answer)
        if got is None:
            return Result(ex.id, False, f"答案应是一个数字，收到的是 {type(answer).__name__}。{hint}")
        exp = float(exp)
        note = ""
        if ex.answer == "percent" and not pct and abs(got) <= 1 and abs(exp) > 1 \
                and abs(got * 100 - exp) <= ex.tol:
            got, note = got * 100, "（已把小数按百分数理解）"
        if ex.answer == "int":
            ok = float(got).is_integer() and int(got) == int(round(exp))
        else:
            ok = abs(got - exp) <= ex.tol + 1e-9
        if ok:
            return Result(ex.id, True, f"正确{note}。")
        return Result(ex.id, False, f"还不对。{hint}")
    if ex.answer == "bool":
        if isinstance(answer, str):
            s = answer.strip().lower()
            got = True if s in _YES else False if s in _NO else None
        elif isinstance(answer, (bool, int)) and answer in (0, 1):
            got = bool(answer)
        else:
            got = None
        if got is None:
            return Result(ex.id, False, f"请回答 True/False（或“是/否”）。{hint}")
        return Result(ex.id, got == bool(exp), "正确。" if got == bool(exp) else f"还不对。{hint}")
    if ex.answer == "choice":
        norm = {c.strip().casefold(): c for c in ex.choices}
        got = str(answer).strip().casefold()
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
