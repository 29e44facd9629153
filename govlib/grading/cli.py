"""The ``govlib grade`` command (registered in :mod:`govlib.cli`).

Import-light: only typer and pathlib load with this module; grading loads
nbclient, matplotlib and the exercise banks when the command runs.
"""

from __future__ import annotations

from pathlib import Path

import typer

__all__ = ["grade"]


def grade(submissions: Path = typer.Argument(..., help="Folder of the students' returned notebooks "
                                             "(one file per student, named after the student; never modified)."),
          lesson: str = typer.Option(..., "--lesson", "-l", help="Lesson id, e.g. quanzhou-survey."),
          out: Path = typer.Option(None, "--out", "-o", help="Output folder "
                                   "[default: grades-<lesson> beside the submissions folder]."),
          jobs: int = typer.Option(0, "--jobs", "-j", help="Notebooks run at once (0 = one per core)."),
          timeout: float = typer.Option(60.0, "--timeout", help="Seconds each notebook may run.")) -> None:
    """Grade returned student notebooks: scores.csv, files.csv, summary.html, rubric.md.

    Each notebook runs in a fresh kernel; answers are read from its ans_…
    variables and graded by govlib, not from what it printed.  A broken,
    empty, renamed or non-notebook file, one that loops or raises, is
    reported and does not stop the others.
    """
    from govlib.errors import ParameterError
    from govlib.grading.collect import STATUS_ZH
    from govlib.grading.pipeline import grade_folder

    def done(sub) -> None:
        typer.echo(f"  {sub.file}: {STATUS_ZH.get(sub.status, sub.status)} ({sub.seconds:.1f} s)")

    typer.echo(f"grading {submissions} (lesson {lesson}) ...")
    try:
        res = grade_folder(submissions, lesson, out=out, jobs=jobs, timeout=timeout, on_done=done)
    except ParameterError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    ran = sum(1 for s in res.submissions if s.ran)
    typer.echo(f"{len(res.submissions)} file(s), {ran} notebook(s) run and graded, "
               f"{sum(1 for s in res.submissions if s.problems)} with problems or warnings")
    for st in res.stats:
        rate = f"{st.rate:.0%}" if st.rate is not None else "-"
        typer.echo(f"  {st.exercise}: {st.correct}/{st.graded} correct ({rate})")
    for name, path in res.paths.items():
        typer.echo(f"wrote {path}")
