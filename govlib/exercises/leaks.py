"""Helpers for the leak tests: the strings an expected answer would show if it leaked into a student page."""

from __future__ import annotations

import math

from govlib.exercises.model import Exercise
from govlib.exercises.registry import get

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

