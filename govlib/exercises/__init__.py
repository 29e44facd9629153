"""Exercises students can check themselves: ``check("lesson-n", answer)``."""

from govlib.exercises.core import (Exercise, KeyEntry, Result, answer_key, catalog, check, discussion, exercise,
                                   expected_answer_strings, format_expected, get, grade_answer, register)

__all__ = ["Exercise", "KeyEntry", "Result", "answer_key", "catalog", "check", "discussion", "exercise",
           "expected_answer_strings", "format_expected", "get", "grade_answer", "register"]
