"""The ``govlib grade`` command (registered in :mod:`govlib.cli`).

Import-light: only typer and pathlib load with this module; grading loads
nbclient, matplotlib and the exercise banks when the command runs.
"""

from __future__ import annotations

import math
from pathlib import Path

import typer

__all__ = ["grade"]


def _seconds(value: float) -> float:
    if value is None:
        return value
    if not math.isfinite(value) or not 0 < value <= 3600:
        raise typer.BadParameter(f"必须是 0 到 3600 之间的有限秒数（收到 {value}） / must be a finite number of "
                                 "seconds in (0, 3600]")
    return value


def _jobs(value: int) -> int:
    if not 0 <= value <= 64:
        raise typer.BadParameter(f"必须是 0 到 64 之间的整数，0 表示每核一个（收到 {value}） / must be in [0, 64]")
    return value


def grade(submissions: Path = typer.Argument(..., help="Folder of the students' returned notebooks "
                                             "(one file per student, named after the student; never modified)."),
          lesson: str = typer.Option(..., "--lesson", "-l", help="Lesson id, e.g. quanzhou-survey."),
          out: Path = typer.Option(None, "--out", "-o", help="Output folder, not inside the submissions folder "
                                   "[default: grades-<lesson> beside the submissions folder]."),
          jobs: int = typer.Option(0, "--jobs", "-j", callback=_jobs, help="Notebooks run at once (0 = one per core)."),
          timeout: float = typer.Option(60.0, "--timeout", callback=_seconds,
                                        help="Seconds each notebook may run (0 < t <= 3600)."),
          set_name: str = typer.Option("default", "--set", help="The parameter set handed out to the students."),
          build: Path = typer.Option(None, "--build", help="Build folder whose manifest.json records the "
                                     "handed-out edition (default: the syllabus's parameter set)."),
          syllabus: Path = typer.Option(None, "--syllabus", help="Syllabus file [default: course/course.yml]."),
          unsafe_no_sandbox: bool = typer.Option(False, "--unsafe-no-sandbox",
                                                 help="DANGEROUS: run students' code without the bubblewrap "
                                                      "sandbox, with your own rights.")) -> None:
    """Grade returned student notebooks: scores.csv, files.csv, summary.html, rubric.md.

    Each notebook runs in its own bubblewrap sandbox; answers are read from
    its ans_… variables and graded by govlib with the handed-out parameters,
    never with values from the student's notebook.  Every entry of the folder
    is reported; one bad file never stops the others; Ctrl-C still writes a
    partial report.
    """
    from govlib.errors import ParameterError
    from govlib.grading.collect import STATUS_ZH
    from govlib.grading.pipeline import grade_folder

    def done(sub) -> None:
        typer.echo(f"  {sub.file}: {STATUS_ZH.get(sub.status, sub.status)} ({sub.seconds:.1f} 秒)")

    if unsafe_no_sandbox:
        typer.echo("警告：--unsafe-no-sandbox：学生代码将不经沙箱、以你的权限运行！ / WARNING: no sandbox", err=True)
    typer.echo(f"评分 {submissions}（课程 {lesson}，参数集 {set_name}）……")
    try:
        res = grade_folder(submissions, lesson, out=out, jobs=jobs, timeout=timeout, on_done=done,
                           set_name=set_name, syllabus=syllabus, build=build, sandbox=not unsafe_no_sandbox)
    except ParameterError as exc:
        typer.echo(f"错误：{exc}", err=True)
        raise typer.Exit(2)
    ran = sum(1 for s in res.submissions if s.ran)
    typer.echo(f"共 {len(res.submissions)} 个条目，{ran} 个笔记本已运行并评分，"
               f"{sum(1 for s in res.submissions if s.problems)} 个有问题或提醒")
    for st in res.stats:
        rate = f"{st.rate:.0%}" if st.rate is not None else "-"
        typer.echo(f"  {st.exercise}：{st.correct}/{st.graded} 正确（{rate}）")
    for name, path in res.paths.items():
        typer.echo(f"已写入 {path}")
    if res.interrupted:
        typer.echo("评分被中断：报告不完整 / interrupted: partial report", err=True)
        raise typer.Exit(130)
