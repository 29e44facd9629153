"""Worked answers for the answer key: each asked quantity and the steps in Chinese arithmetic.

A bank module registers, next to an exercise, a function that receives the
same parameters as the exercise's expected-answer function and returns a
:class:`Worked`: the quantities the question asks for (「不颠倒的季度：82.4%」)
and the steps a teacher writes on the board (「0.1×58 + 0.4×49 + 0.5×41 = 45.9」).
The functions call the same govlib code as the expected answer, so the key
and :func:`govlib.exercises.check` cannot disagree::

    @worked("xiamen-127-1")
    def _xm1_steps():
        w = default_weights()
        return Worked(steps_zh=(arith([(w["self"], 58), ...], total),))

The answer key (:func:`govlib.exercises.answer_key`) puts them into
``KeyEntry.quantities_zh`` / ``KeyEntry.steps_zh``; the solution cells of
the instructor edition show them too (:func:`govlib.exercises.show.solution`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Worked", "worked", "worked_answer", "num", "products", "WORKED", "PAPER", "paper", "paper_note"]


@dataclass(frozen=True)
class Worked:
    """What the key shows beyond the bare expected answer.

    Parameters
    ----------
    quantities_zh : tuple of str
        Each quantity the question asks for, with its value and unit
        (「Wilson 区间：49.8%–56.0%」).
    steps_zh : tuple of str
        The worked steps, in Chinese arithmetic.
    """

    quantities_zh: tuple[str, ...] = ()
    steps_zh: tuple[str, ...] = ()


#: exercise id -> function(**params) -> Worked
WORKED: dict[str, Callable[..., Worked]] = {}


def worked(ex_id: str):
    """Register the worked answer of exercise *ex_id* (a decorator for a bank function)."""

    def deco(fn: Callable[..., Worked]) -> Callable[..., Worked]:
        WORKED[ex_id] = fn
        return fn

    return deco


def worked_answer(exercise, **params) -> Worked:
    """The worked answer of *exercise* for the given parameters (empty when none is registered).

    Parameters
    ----------
    exercise : Exercise or str
        The exercise or its id.
    **params
        Parameter values; the ones the exercise declares are passed on.

    Returns
    -------
    Worked
    """
    from govlib.exercises.core import Exercise, get

    ex = exercise if isinstance(exercise, Exercise) else get(exercise)
    fn = WORKED.get(ex.id)
    if fn is None:
        return Worked()
    ex.expected_value(**{p: params[p] for p in ex.params if p in params})  # the same parameter checks
    return fn(**{p: params[p] for p in ex.params})


def num(v: Any, decimals: int = 2) -> str:
    """A number as the key writes it: at most *decimals* decimals, no trailing zeros (``0.50`` -> ``0.5``)."""
    s = f"{float(v):.{decimals}f}"
    s = s.rstrip("0").rstrip(".") if "." in s else s
    return "0" if s in ("-0", "") else s


def products(terms: Sequence[tuple[Any, Any]], total: Any, *, decimals: int = 2, unit: str = "") -> str:
    """``a×b + c×d + … = total`` (a weighted sum written out).

    Examples
    --------
    >>> products([(0.1, 58), (0.4, 49), (0.5, 41)], 45.9)
    '0.1×58 + 0.4×49 + 0.5×41 = 45.9'
    """
    left = " + ".join(f"{num(a, 4)}×{num(b, decimals)}" for a, b in terms)
    return f"{left} = {num(total, decimals)}{unit}"


#: exercise id -> how to answer it on the printed handout when it needs the notebook
PAPER: dict[str, str] = {}


def paper(ex_id: str, text_zh: str) -> None:
    """Register how exercise *ex_id* is answered on paper (for an exercise that needs the notebook)."""
    PAPER[ex_id] = text_zh


def paper_note(exercise) -> str:
    """The printed handout's line for an exercise done at the computer (empty when it needs no computer).

    ``在电脑上运行笔记本完成；纸上作答：…`` -- the paper alternative registered
    with :func:`paper`, else only the first half.
    """
    from govlib.exercises.core import Exercise, get

    ex = exercise if isinstance(exercise, Exercise) else get(exercise)
    if not ex.needs_notebook:
        return ""
    alt = PAPER.get(ex.id)
    return "本题在电脑上运行笔记本完成。" + (f"纸上作答：{alt}" if alt else "")
