"""Exercises students can check themselves: ``check("lesson-n", answer)``; pages show them with ``show_exercise``."""

from govlib.exercises.core import (Exercise, KeyEntry, Result, UnknownExercise, answer_key, catalog, check,
                                   discussion, exercise, expected_answer_strings, format_expected, get,
                                   grade_answer, register)
from govlib.exercises.show import show_exercise, show_rubric, solution

__all__ = ["Exercise", "KeyEntry", "Result", "UnknownExercise", "answer_key", "catalog", "check", "discussion",
           "exercise", "expected_answer_strings", "format_expected", "get", "grade_answer", "register",
           "show_exercise", "show_rubric", "solution"]
