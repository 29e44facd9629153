"""Exercises students can check themselves: ``check("lesson-n", answer)``."""

from govlib.exercises.core import (Exercise, Result, catalog, check, discussion, exercise,
                                   expected_answer_strings, get, grade_answer, register)

__all__ = ["Exercise", "Result", "catalog", "check", "discussion", "exercise",
           "expected_answer_strings", "get", "grade_answer", "register"]
