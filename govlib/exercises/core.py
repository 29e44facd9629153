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

The code lives in one module per concern; this module re-exports all of it
(public and private names) so ``govlib.exercises.core.X`` keeps working:

- :mod:`govlib.exercises.model` -- :class:`Exercise`, :class:`Result`
- :mod:`govlib.exercises.registry` -- ``register``, ``exercise``, ``get``, ``catalog``
- :mod:`govlib.exercises.parsing` -- reading numbers, yes/no and wording
- :mod:`govlib.exercises.grading` -- ``grade_answer``, ``check``
- :mod:`govlib.exercises.leaks` -- ``expected_answer_strings``
- :mod:`govlib.exercises.key` -- ``format_expected``, ``KeyEntry``, ``answer_key``
"""

from __future__ import annotations

# ruff: noqa: F401
from govlib.exercises.grading import (_candidates, _close_option, _grade_number, _match_choice,
                                      _match_choice_text, check, grade_answer)
from govlib.exercises.key import KeyEntry, _value_zh, alternatives_zh, answer_key, format_expected, key_note
from govlib.exercises.leaks import expected_answer_strings
from govlib.exercises.model import (ANSWER_TYPES, KIND_ZH, KINDS, AnswerType, Exercise, Kind, Result, _CN_DIGITS,
                                    _PLACEHOLDER, _decimals_zh, _fmt_number)
from govlib.exercises.parsing import (_CHOICE_NOISE, _NO, _NUM, _PCT_SUFFIX, _SCALE, _YES, UNIT_GROUPS, _as_bool,
                                      _cn_int, _cn_number, _digits, _float_decimals, _norm_choice, _Num,
                                      _parse_number, _parse_text, _same_unit, _simplified, read_bool, read_number)
from govlib.exercises.registry import (_ID, _REGISTRY, _VAR, BANKS_ENV, UnknownExercise, _extra_banks,
                                       _lesson_of, _load_bank, _same, _synonyms, catalog, discussion, exercise,
                                       get, register)
