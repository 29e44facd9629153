"""Grade a folder of returned notebooks: collect, score, report.

>>> from govlib.grading import grade_folder                     # doctest: +SKIP
>>> res = grade_folder("returned/", "quanzhou-survey")          # doctest: +SKIP
>>> res.paths["summary"]                                        # doctest: +SKIP
PosixPath('grades-quanzhou-survey/summary.html')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from govlib.errors import ParameterError
from govlib.grading.collect import EXTRACT_TIMEOUT, Spec, Submission, collect_all
from govlib.grading.score import QuestionStat, Row, question_stats, score_all

__all__ = ["Outcome", "default_out", "grade_folder"]


@dataclass
class Outcome:
    """Everything one grading run produced."""

    lesson: str
    out: Path
    submissions: list[Submission]
    rows: list[Row]
    stats: list[QuestionStat]
    notes: list[str]
    paths: dict[str, Path]


def default_out(submissions: str | Path, lesson: str) -> Path:
    """``grades-<lesson>`` beside the submissions folder (never inside it)."""
    return Path(submissions).resolve().parent / f"grades-{lesson}"


def _lesson_title(lesson: str) -> str:
    try:
        from govlib.syllabus import load_syllabus

        return load_syllabus(check_notebooks=False).lesson(lesson).title_zh
    except Exception:  # no syllabus, or the lesson is not in it: the id will do
        return ""


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def grade_folder(submissions: str | Path, lesson: str, *, out: str | Path | None = None, jobs: int = 0,
                 timeout: float = 60.0, extract_timeout: float = EXTRACT_TIMEOUT, on_done=None) -> Outcome:
    """Grade every returned notebook of one lesson in a folder.

    Parameters
    ----------
    submissions : path
        Folder of the students' files (read only; one file per student,
        named after the student).
    lesson : str
        Lesson id; its exercises come from :func:`govlib.exercises.catalog`.
    out : path, optional
        Output folder (default :func:`default_out`).  An explicit folder
        inside the submissions folder is allowed and is then not graded.
    jobs : int
        Notebooks run at once (0: one per core).
    timeout : float
        Seconds each notebook may run (kernel start-up not counted).
    extract_timeout : float
        Seconds for the grader's answer-reading cell.
    on_done : callable, optional
        Called with each :class:`~govlib.grading.collect.Submission` as it finishes.

    Returns
    -------
    Outcome

    Raises
    ------
    ParameterError
        The folder does not exist, the lesson has no exercises, or a number
        is out of range.
    """
    from govlib.exercises import catalog
    from govlib.grading.report import write_reports

    sub_dir = Path(submissions)
    if not sub_dir.is_dir():
        raise ParameterError(f"submissions folder '{sub_dir}' does not exist or is not a folder")
    if not timeout > 0:
        raise ParameterError(f"--timeout must be > 0 seconds (got {timeout})")
    if jobs < 0:
        raise ParameterError(f"--jobs must be >= 0 (got {jobs}; 0 means one per core)")
    exercises = catalog(lesson)
    if not exercises:
        known = sorted({e.lesson for e in catalog()})
        raise ParameterError(f"--lesson '{lesson}' has no exercises; lessons with exercises: "
                             f"{', '.join(known) or 'none'}")
    out_dir = Path(out) if out is not None else default_out(sub_dir, lesson)
    if out_dir.exists() and not out_dir.is_dir():
        raise ParameterError(f"--out '{out_dir}' exists and is not a folder")
    exclude = out_dir if _inside(out_dir, sub_dir) else None
    spec = Spec.from_exercises(lesson, exercises)
    subs, notes = collect_all(sub_dir, spec, jobs=jobs, timeout=timeout, extract_timeout=extract_timeout,
                              exclude=exclude, on_done=on_done)
    rows = score_all(subs, exercises)
    stats = question_stats(rows, exercises)
    paths = write_reports(out_dir, lesson=lesson, exercises=exercises, subs=subs, rows=rows, stats=stats,
                          notes=notes, title=_lesson_title(lesson))
    return Outcome(lesson, out_dir, subs, rows, stats, notes, paths)
