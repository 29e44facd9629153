"""The answer key: expected answers as an instructor reads them (:func:`format_expected`, :func:`answer_key`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from govlib.exercises.model import KIND_ZH, Exercise, Labelled, _fmt_number
from govlib.exercises.registry import catalog, get

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
    d = ex.decimals if ex.decimals is not None else 2
    if ex.answer == "percent":
        return _fmt_number(float(v), d) + "%"
    if ex.answer == "int":
        return f"{int(round(float(v)))}{ex.unit}"
    return _fmt_number(float(v), d) + ex.unit


@dataclass(frozen=True)
class KeyEntry(Labelled):
    """One line of a lesson's answer key (see :func:`answer_key`)."""

    id: str
    number: int
    kind_zh: str
    prompt_zh: str
    graded: bool
    expected_zh: str
    rubric_zh: tuple[str, ...]
    #: other accepted values, each "说明：value" (the exercise's ``accept``)
    also_zh: tuple[str, ...] = ()
    #: why the accepted values are what they are (``Exercise.key_note_zh``)
    note_zh: str = ""
    #: each quantity the question asks for, and the worked steps (:mod:`govlib.exercises.worked`)
    quantities_zh: tuple[str, ...] = ()
    steps_zh: tuple[str, ...] = ()
    #: a warm-up (shown as 热身练习, see :class:`govlib.exercises.model.Labelled`)
    warmup: bool = False


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
    from govlib.exercises.worked import worked_answer  # worked imports this module

    params = dict(params or {})
    out = []
    for ex in catalog(lesson):
        mine = {p: params[p] for p in ex.params if p in params}
        w = worked_answer(ex, **mine)
        out.append(KeyEntry(ex.id, ex.number, KIND_ZH.get(ex.kind, ex.kind), ex.prompt(**mine), ex.graded,
                            format_expected(ex, **mine), tuple(ex.rubric_zh),
                            also_zh=alternatives_zh(ex, **mine) if ex.graded else (),
                            note_zh=key_note(ex, **mine) if ex.key_note_zh else "",
                            quantities_zh=w.quantities_zh, steps_zh=w.steps_zh, warmup=ex.warmup))
    return out


def key_note(exercise: Exercise | str, **params) -> str:
    """``Exercise.key_note_zh`` with ``{between}`` filled in.

    ``{between}`` is, for an int answer with other accepted values, the
    whole numbers strictly between the lowest and highest accepted value
    that are not accepted themselves ("介于两者之间的103人"); when there is
    none, the sentence from ``{between}`` to its 。 is left out.
    """
    ex = exercise if isinstance(exercise, Exercise) else get(exercise)
    between = ""
    if ex.answer == "int" and ex.graded:
        vals = {int(round(float(ex.expected_value(**params))))}
        for v in ex.alternatives(**params).values():
            vals.update(int(round(float(x))) for x in (v if isinstance(v, (tuple, list)) else (v,)))
        gap = [n for n in range(min(vals) + 1, max(vals)) if n not in vals]
        if gap:
            between = "介于两者之间的" + "、".join(f"{n}{ex.unit}" for n in gap[:5]) + ("等" if len(gap) > 5 else "")
    if not between:  # nothing lies between: drop the sentence that would name it
        return re.sub(r"\{between\}[^。]*。", "", ex.key_note_zh)
    return ex.key_note_zh.replace("{between}", between)


def alternatives_zh(exercise: Exercise | str, **params) -> tuple[str, ...]:
    """The other accepted values as an instructor reads them: ``("不合并标准误的 z 检验：102人",)``.

    A range is written ``low–high``; values carry the answer's unit like
    :func:`format_expected`.
    """
    ex = exercise if isinstance(exercise, Exercise) else get(exercise)
    out = []
    for desc, v in ex.alternatives(**params).items():
        vals = v if isinstance(v, (tuple, list)) else (v,)
        out.append(f"{desc}：" + "–".join(_value_zh(ex, x) for x in vals))
    return tuple(out)


def _value_zh(ex: Exercise, v: Any) -> str:
    if ex.answer == "int":
        return f"{int(round(float(v)))}{ex.unit}"
    d = ex.decimals if ex.decimals is not None else 2
    return _fmt_number(float(v), d) + ("%" if ex.answer == "percent" else ex.unit)
