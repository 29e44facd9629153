"""Grading returned student notebooks: ``govlib grade SUBMISSIONS_DIR --lesson ID``.

- :mod:`govlib.grading.collect` reads each file, runs it in a fresh kernel
  (in parallel, with a time limit) and reads its answer variables;
- :mod:`govlib.grading.score` grades the answers with
  :func:`govlib.exercises.grade_answer` in the grader's own process;
- :mod:`govlib.grading.report` writes ``scores.csv``, ``files.csv``,
  ``summary.html`` and ``rubric.md``;
- :mod:`govlib.grading.pipeline` ties them together (:func:`grade_folder`);
- :mod:`govlib.grading.cli` is the typer command.

Importing this package is light; the modules load what they need.
"""

from __future__ import annotations

__all__ = ["grade_folder"]


def grade_folder(*args, **kwargs):
    """See :func:`govlib.grading.pipeline.grade_folder`."""
    from govlib.grading.pipeline import grade_folder as _grade_folder

    return _grade_folder(*args, **kwargs)
