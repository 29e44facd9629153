"""Grade a folder of returned notebooks: check the options, decide the parameters, collect, score, report.

>>> from govlib.grading import grade_folder                     # doctest: +SKIP
>>> res = grade_folder("returned/", "quanzhou-survey")          # doctest: +SKIP
>>> res.paths["summary"]                                        # doctest: +SKIP
PosixPath('grades-quanzhou-survey/summary.html')
"""

from __future__ import annotations


import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from govlib.errors import ParameterError
from govlib.grading.collect import EXTRACT_TIMEOUT, Spec, Submission, collect_all
from govlib.grading.score import QuestionStat, Row, as_handed_out, question_stats, score_all

__all__ = ["Outcome", "default_out", "grade_folder", "check_options", "MAX_TIMEOUT", "MAX_JOBS"]

#: the longest time limit per notebook, seconds
MAX_TIMEOUT = 3600.0
#: the most notebooks run at once
MAX_JOBS = 64


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
    interrupted: bool = False
    handout: object = None
    sandboxed: bool = True
    extra: dict = field(default_factory=dict)


def default_out(submissions: str | Path, lesson: str) -> Path:
    """``grades-<lesson>`` beside the submissions folder (never inside it)."""
    return Path(submissions).resolve().parent / f"grades-{lesson}"


def _lesson_title(lesson: str, syllabus=None) -> str:
    try:
        from govlib.syllabus import load_syllabus

        return load_syllabus(syllabus, check_notebooks=False).lesson(lesson).title_zh
    except Exception:  # no syllabus, or the lesson is not in it: the id will do
        return ""


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def check_options(timeout: float, jobs: int, extract_timeout: float = EXTRACT_TIMEOUT) -> None:
    """Refuse impossible numbers (infinite, not a number, zero, negative, absurdly large).

    Raises
    ------
    ParameterError
        In Chinese, with the English after a slash.
    """
    for name, v in (("--timeout", timeout), ("extract_timeout", extract_timeout)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) \
                or not 0 < v <= MAX_TIMEOUT:
            raise ParameterError(f"{name} 必须是 0 到 {MAX_TIMEOUT:g} 之间的有限秒数（收到 {v}） / "
                                 f"{name} must be a finite number of seconds in (0, {MAX_TIMEOUT:g}], got {v}")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or not 0 <= jobs <= MAX_JOBS:
        raise ParameterError(f"--jobs 必须是 0 到 {MAX_JOBS} 之间的整数，0 表示每核一个（收到 {jobs}） / "
                             f"--jobs must be an integer in [0, {MAX_JOBS}], got {jobs}")


def _check_writable(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".govlib-probe-", dir=out_dir)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ParameterError(f"无法写入输出文件夹 {out_dir}（{exc.strerror or exc}）：请换一个可写的文件夹（--out） / "
                             f"cannot write to the output folder {out_dir}") from None


def grade_folder(submissions: str | Path, lesson: str, *, out: str | Path | None = None, jobs: int = 0,
                 timeout: float = 60.0, extract_timeout: float = EXTRACT_TIMEOUT, on_done=None,
                 set_name: str = "default", syllabus: str | Path | None = None, build: str | Path | None = None,
                 sandbox: bool = True, limits=None) -> Outcome:
    """Grade every returned notebook of one lesson in a folder.

    Parameters
    ----------
    submissions : path
        Folder of the students' files (read only; one file per student,
        named after the student).
    lesson : str
        Lesson id; its exercises come from :func:`govlib.exercises.catalog`.
    out : path, optional
        Output folder (default :func:`default_out`); it may not be, or be
        inside, the submissions folder.
    jobs : int
        Notebooks run at once (0: one per core).
    timeout : float
        Seconds each notebook may run (kernel start-up not counted).
    extract_timeout : float
        Seconds for the grader's answer-reading cell.
    on_done : callable, optional
        Called with each :class:`~govlib.grading.collect.Submission` as it finishes.
    set_name : str
        The parameter set handed out (``--set``).
    syllabus : path, optional
        The syllabus (default ``course/course.yml``).
    build : path, optional
        A build folder: the handed-out parameters come from its manifest.
    sandbox : bool
        False only for ``--unsafe-no-sandbox``.
    limits : govlib.grading.sandbox.Limits, optional
        Resource limits per submission.

    Returns
    -------
    Outcome
        ``interrupted`` is True after Ctrl-C: the reports were written with
        what had finished.

    Raises
    ------
    ParameterError
        A bad folder, lesson, set, build or number; a missing sandbox tool
        (:class:`~govlib.grading.sandbox.SandboxMissing`); an output folder
        that cannot be written.
    """
    from govlib.exercises import catalog
    from govlib.grading.handout import load_handout
    from govlib.grading.report import write_reports
    from govlib.grading.sandbox import Limits, Runner

    sub_dir = Path(submissions)
    if not sub_dir.is_dir():
        raise ParameterError(f"作业文件夹 {sub_dir} 不存在或不是文件夹 / submissions folder '{sub_dir}' does not "
                             "exist or is not a folder")
    sub_dir = sub_dir.resolve()  # the folder itself may be a link; its entries never are followed
    check_options(timeout, jobs, extract_timeout)
    exercises = catalog(lesson)
    if not exercises:
        known = sorted({e.lesson for e in catalog()})
        raise ParameterError(f"--lesson {lesson} 没有练习；有练习的课程：{'、'.join(known) or '无'} / "
                             f"--lesson '{lesson}' has no exercises; lessons with exercises: {', '.join(known) or 'none'}")
    out_dir = Path(out) if out is not None else default_out(sub_dir, lesson)
    if out_dir.exists() and not out_dir.is_dir():
        raise ParameterError(f"--out {out_dir} 已存在且不是文件夹 / --out '{out_dir}' exists and is not a folder")
    if _inside(out_dir, sub_dir):
        raise ParameterError(f"--out {out_dir} 不能是作业文件夹本身或在其中：评分从不写入作业文件夹 / "
                             f"--out may not be or be inside the submissions folder {sub_dir}")
    handout = load_handout(lesson, exercises, set_name=set_name, syllabus=syllabus, build=build)
    runner = Runner(masks=[sub_dir.resolve(), out_dir.resolve(), Path.home().resolve(),
                           *([Path(build).resolve()] if build else [])], sandbox=sandbox,
                    limits=limits or Limits(), jobs=jobs or (os.cpu_count() or 1))
    _check_writable(out_dir)
    spec = Spec.from_exercises(lesson, exercises, param_names=sorted(handout.values))
    notes = [f"评分参数来自{handout.origin}：" + "，".join(f"{k}={v!r}" for k, v in handout.values.items())
             if handout.values else f"评分参数：{handout.origin}"]
    notes += handout.notes + runner.notes
    if not sandbox:
        notes.append("警告：本次评分没有使用沙箱（--unsafe-no-sandbox），学生代码以评分者的权限运行")
    subs, more, interrupted = collect_all(sub_dir, spec, runner=runner, handout=handout, jobs=jobs,
                                          timeout=timeout, extract_timeout=extract_timeout, on_done=on_done)
    notes += more
    if interrupted:
        notes.append("评分被中断（Ctrl-C）：报告不完整，标为“评分被中断”的文件没有评分")
    rows = score_all(subs, exercises, handout)
    shown = as_handed_out(exercises, handout)
    stats = question_stats(rows, shown)
    try:
        paths = write_reports(out_dir, lesson=lesson, exercises=shown, subs=subs, rows=rows, stats=stats,
                              notes=notes, title=_lesson_title(lesson, syllabus))
    except OSError as exc:
        raise ParameterError(f"无法写入输出文件夹 {out_dir}（{exc.strerror or exc}） / "
                             f"cannot write the reports to {out_dir}") from None
    return Outcome(lesson, out_dir, subs, rows, stats, notes, paths, interrupted, handout, sandbox)
