"""Grading returned student notebooks: ``govlib grade SUBMISSIONS_DIR --lesson ID``.

- :mod:`govlib.grading.files` lists every entry of the folder and reads
  files safely (encodings, old formats, no links followed);
- :mod:`govlib.grading.handout` decides the parameters each exercise is
  graded with, from the edition handed out (syllabus or build manifest);
- :mod:`govlib.grading.collect` reads each file, reports parameter edits and
  runs it (in parallel, with a time limit) through
  :mod:`govlib.grading.sandbox` (bubblewrap; the threat model is there),
  which starts :mod:`govlib.grading.runner` inside the sandbox, which runs
  the cells with :mod:`govlib.grading.kernel` and reads the answer variables;
- :mod:`govlib.grading.score` validates and grades the answers with
  :func:`govlib.exercises.grade_answer` in the grader's own process, with
  the handed-out parameters and a time limit;
- :mod:`govlib.grading.points` gives each answer its points (partial credit
  for a rounding near-miss) and each student a total;
  :mod:`govlib.grading.manual` merges the instructor's discussion scores
  (``manual.csv``, never overwritten);
- :mod:`govlib.grading.report` writes ``scores.csv``, ``files.csv``,
  ``summary.html`` and ``rubric.md``; :mod:`govlib.grading.gradebook`
  ``gradebook.xlsx`` and ``gradebook.csv``; :mod:`govlib.grading.feedback`
  each student's page and annotated notebook (and ``--release``);
- :mod:`govlib.grading.variants` draws each student's own values from the
  course key; :mod:`govlib.grading.keys` prints a student's answers
  (``govlib key``); :mod:`govlib.grading.hub` collects notebooks from the
  hub's homes (``govlib collect``);
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
