"""The exercise registry: bank modules register exercises; :func:`get` and :func:`catalog` find them.

Besides the modules in ``govlib/exercises/bank/``, the bank loader imports the
modules named in the environment variable ``GOVLIB_EXERCISE_BANKS``
(comma-separated importable module names), so an instructor can add exercises
of their own, and the tests register a fixture lesson the same way.
"""

from __future__ import annotations

import os
import re

from govlib.exercises.model import ANSWER_TYPES, KINDS, AnswerType, Exercise, Kind, _PLACEHOLDER

#: environment variable naming extra bank modules to import
BANKS_ENV = "GOVLIB_EXERCISE_BANKS"

_REGISTRY: dict[str, "Exercise"] = {}
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*-\d+$")
_VAR = re.compile(r"^ans_[a-z0-9_]+$")


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
    for opt, _ in ex.synonyms:
        if opt not in ex.choices:
            raise ValueError(f"exercise {ex.id}: synonyms given for {opt!r}, which is not one of its choices")
    if ex.neighbours < 0 or (ex.neighbours and ex.answer != "int"):
        raise ValueError(f"exercise {ex.id}: neighbours is a whole number >= 0, for int answers only")
    if ex.decimals is not None and not 0 <= ex.decimals <= 6:
        raise ValueError(f"exercise {ex.id}: decimals must be 0..6 (got {ex.decimals})")
    unknown = sorted({m[0] for m in _PLACEHOLDER.findall(ex.prompt_zh)} - set(ex.params))
    if unknown:
        raise ValueError(f"exercise {ex.id}: prompt placeholder(s) {unknown} are not among its params")
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
        acc = e.accept
        acc_code = getattr(acc, "__code__", None)
        acc_where = (getattr(acc, "__qualname__", None), acc_code.co_firstlineno if acc_code else None)
        return (e.id, e.lesson, e.variable, e.kind, e.answer, e.prompt_zh, e.hint_zh, where, e.tol,
                e.choices, e.params, e.rubric_zh, e.unit, e.rtol, e.synonyms, acc_where, e.decimals,
                e.decimals_shown, e.neighbours, e.format_zh, e.show_choices, e.uses, e.needs_notebook,
                e.prompt_values, e.key_note_zh)

    return key(a) == key(b)


def _synonyms(syn) -> tuple[tuple[str, tuple[str, ...]], ...]:
    items = syn.items() if isinstance(syn, dict) else syn
    return tuple((str(k), tuple(str(x) for x in ((v,) if isinstance(v, str) else v))) for k, v in items)


def exercise(id: str, *, lesson: str, variable: str, kind: Kind, answer: AnswerType,
             prompt_zh: str, hint_zh: str = "", tol: float = 0.05, choices=(), params=(),
             unit: str = "", rtol: float = 0.0, synonyms=(), accept=None, decimals: int | None = None,
             decimals_shown: int | None = None, neighbours: int = 0, format_zh: str = "",
             show_choices: bool = False, uses=(), needs_notebook: bool = False, prompt_values=None,
             key_note_zh: str = "", points: float = 1.0, part_credit: float = 0.0, warmup: bool = False):
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
                          choices=tuple(choices), params=tuple(params), unit=unit, rtol=rtol,
                          synonyms=_synonyms(synonyms), accept=accept, decimals=decimals,
                          decimals_shown=decimals_shown, neighbours=neighbours, format_zh=format_zh,
                          show_choices=show_choices, uses=tuple(uses), needs_notebook=needs_notebook,
                          prompt_values=tuple((k, tuple(v.items())) for k, v in (prompt_values or {}).items()),
                          key_note_zh=key_note_zh, points=points, part_credit=part_credit, warmup=warmup))
        return fn

    return deco


def discussion(id: str, *, lesson: str, variable: str, prompt_zh: str, rubric_zh, uses=(),
               needs_notebook: bool = False, points: float = 1.0) -> Exercise:
    """Register an open discussion question (not auto-graded) with its rubric."""
    return register(Exercise(id=id, lesson=lesson, variable=variable, kind="discuss",
                             answer="discussion", prompt_zh=prompt_zh, rubric_zh=tuple(rubric_zh),
                             uses=tuple(uses), needs_notebook=needs_notebook, points=points))


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


class UnknownExercise(KeyError):
    """No exercise has this id; the message (Chinese) names the ids that come close."""

    def __init__(self, ex_id: str, close: list[str]):
        super().__init__(ex_id)
        self.ex_id, self.close = ex_id, close

    def __str__(self) -> str:
        msg = f"没有编号为“{self.ex_id}”的练习，请检查练习编号的拼写。"
        if self.close:
            msg += f"相近的编号：{'、'.join(self.close)}。"
        return msg


def get(ex_id: str) -> Exercise:
    """Look an exercise up by id (loads its lesson's bank on first use).

    Raises
    ------
    UnknownExercise
        A ``KeyError`` whose message, in Chinese, lists the ids that come close.
    """
    import difflib

    key = str(ex_id).strip()
    if key not in _REGISTRY:
        _load_bank(_lesson_of(key))
    if key in _REGISTRY:
        return _REGISTRY[key]
    if _lesson_of(key) not in {e.lesson for e in _REGISTRY.values()}:
        _load_bank()  # the lesson part is mistyped too: look among every lesson's ids
    close = difflib.get_close_matches(key, sorted(_REGISTRY), n=3, cutoff=0.6)
    raise UnknownExercise(key, close)


def catalog(lesson: str | None = None) -> list[Exercise]:
    """All exercises (of one lesson), sorted by lesson, then as the lesson shows them: warm-up first, then by number."""
    _load_bank(lesson)
    return sorted((e for e in _REGISTRY.values() if lesson is None or e.lesson == lesson),
                  key=lambda e: (e.lesson, not e.warmup, e.number))

