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
from govlib.atomic import atomic_write
from govlib.grading.feedback import build_pages, release as release_feedback, write_feedback
from govlib.grading.gradebook import gradebook_csv, write_gradebook_xlsx
from govlib.grading.manual import merge_manual
from govlib.grading.points import totals
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
    totals: list = field(default_factory=list)
    manual: object = None
    feedback: list = field(default_factory=list)
    released: list = field(default_factory=list)


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
            raise ParameterError(f"{name} 必须是 0 到 {MAX_TIMEOUT:g} 之间的有限秒数（收到 {v}）")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or not 0 <= jobs <= MAX_JOBS:
        raise ParameterError(f"--jobs 必须是 0 到 {MAX_JOBS} 之间的整数，0 表示每核一个（收到 {jobs}）")


def _check_writable(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".govlib-probe-", dir=out_dir)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ParameterError(f"无法写入输出文件夹 {out_dir}（{exc.strerror or exc}）：请换一个可写的文件夹（--out）") from None


def grade_folder(submissions: str | Path, lesson: str, *, out: str | Path | None = None, jobs: int = 0,
                 timeout: float = 60.0, extract_timeout: float = EXTRACT_TIMEOUT, on_done=None,
                 set_name: str = "default", syllabus: str | Path | None = None, build: str | Path | None = None,
                 sandbox: bool = True, limits=None, deadline=None, manual: str | Path | None = None,
                 release: str | Path | None = None, key: bytes | None = None) -> Outcome:
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
    deadline : datetime, optional
        Files modified after it are marked late (``govlib collect`` keeps
        each file's modification time).
    manual : path, optional
        The manual sheet for discussion scores (default ``<out>/manual.csv``;
        :mod:`govlib.grading.manual`).
    release : path, optional
        Copy each student's feedback into ``release/<student>/反馈/``.
    key : bytes, optional
        The course key for per-student variants (default
        :func:`govlib.grading.variants.course_key`).

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
        raise ParameterError(f"作业文件夹 {sub_dir} 不存在或不是文件夹")
    sub_dir = sub_dir.resolve()  # the folder itself may be a link; its entries never are followed
    check_options(timeout, jobs, extract_timeout)
    exercises = catalog(lesson)
    if not exercises:
        known = sorted({e.lesson for e in catalog()})
        raise ParameterError(f"--lesson {lesson} 没有练习；有练习的课程：{'、'.join(known) or '无'}")
    out_dir = Path(out) if out is not None else default_out(sub_dir, lesson)
    if out_dir.exists() and not out_dir.is_dir():
        raise ParameterError(f"--out {out_dir} 已存在且不是文件夹")
    if _inside(out_dir, sub_dir):
        raise ParameterError(f"--out {out_dir} 不能是作业文件夹本身或在其中：评分从不写入作业文件夹")
    handout = load_handout(lesson, exercises, set_name=set_name, syllabus=syllabus, build=build)
    runner = Runner(masks=[sub_dir.resolve(), out_dir.resolve(), Path.home().resolve(),
                           *([Path(build).resolve()] if build else [])], sandbox=sandbox,
                    limits=limits or Limits(), jobs=jobs or (os.cpu_count() or 1))
    _check_writable(out_dir)
    spec = Spec.from_exercises(lesson, exercises, param_names=sorted(handout.values))
    handout_for, variant_of = _variants(lesson, handout, set_name, syllabus, key)
    no_key = handout_for is None and bool(_varying(lesson, set_name, syllabus, quiet=True))
    notes: list[str] = []
    if no_key:
        notes.append("本课在课程大纲中声明了每名学生的专属数字，但没有设置课程密钥（GOVLIB_COURSE_KEY 或 "
                     "~/.config/govlib/course-key）：全部按统一发放版评分。如果发给学生的是专属笔记本，请设置密钥后重新评分")
    notes[:0] = [f"评分参数来自{handout.origin}：" + "，".join(f"{k}={v!r}" for k, v in handout.values.items())
             if handout.values else f"评分参数：{handout.origin}"]
    notes += handout.notes + runner.notes
    if handout_for is not None:
        notes.append(f"本课每名学生的数字不同（{'、'.join(_varying(lesson, set_name, syllabus))}）：每份作业按文件名对应学生的专属数字评分（由课程密钥重新算出，"
                     "不读取笔记本中的数字）；下文题目中的数字是统一发放版的")
    if not sandbox:
        notes.append("警告：本次评分没有使用沙箱（--unsafe-no-sandbox），学生代码以评分者的权限运行")
    subs, more, interrupted = collect_all(sub_dir, spec, runner=runner, handout=handout, jobs=jobs,
                                          timeout=timeout, extract_timeout=extract_timeout, on_done=on_done,
                                          handout_for=handout_for)
    if deadline is not None:
        cut = deadline.timestamp()
        for s in subs:
            s.late = s.mtime is not None and s.mtime > cut
        notes.append(f"截止时间 {deadline.isoformat(timespec='minutes')}：修改时间晚于它的文件标为迟交"
                     f"（{sum(s.late for s in subs)} 份）")
    notes += more
    if interrupted:
        notes.append("评分被中断（Ctrl-C）：报告不完整，标为“评分被中断”的文件没有评分")
    rows = score_all(subs, exercises, handout, handout_for)
    shown = as_handed_out(exercises, handout)
    stats = question_stats(rows, shown)
    title = _lesson_title(lesson, syllabus)
    try:
        sheet = merge_manual(Path(manual) if manual else out_dir / "manual.csv", subs, rows, exercises)
        notes += sheet.notes
        tots = totals(subs, rows, exercises, sheet.scores)
        paths = write_reports(out_dir, lesson=lesson, exercises=shown, subs=subs, rows=rows, stats=stats,
                              notes=notes, title=title, totals=tots)
        paths["manual"] = Path(manual) if manual else out_dir / "manual.csv"
        paths["gradebook_csv"] = atomic_write(out_dir / "gradebook.csv", gradebook_csv(tots, exercises))
        paths["gradebook"] = write_gradebook_xlsx(out_dir / "gradebook.xlsx", tots, exercises, lesson=lesson,
                                                  title=title, notes=notes)

        def exercises_for(student: str):
            return as_handed_out(exercises, handout_for(student) if handout_for is not None else handout)

        pages = build_pages(subs, rows, tots, exercises_for, sheet, variant_of)
        paths["feedback"] = write_feedback(out_dir, pages, title=title or lesson, submissions=sub_dir,
                                           exercises_for=exercises_for)
    except OSError as exc:
        raise ParameterError(f"无法写入输出文件夹 {out_dir}（{exc.strerror or exc}）") from None
    released: list = []
    if release is not None:
        try:
            released, more = release_feedback(paths["feedback"], Path(release), lesson=lesson, pages=pages)
        except OSError as exc:
            raise ParameterError(f"无法把反馈发回到 {release}（{exc.strerror or exc}）") \
                from None
        notes += more
    return Outcome(lesson, out_dir, subs, rows, stats, notes, paths, interrupted, handout, sandbox,
                   totals=tots, manual=sheet, feedback=pages, released=released)


def _varying(lesson: str, set_name: str, syllabus, quiet: bool = False) -> list[str]:
    from govlib.syllabus import load_syllabus

    try:
        les = load_syllabus(syllabus, check_notebooks=False).lesson(lesson)
    except Exception:  # noqa: BLE001 - no syllabus entry: nothing varies
        if quiet:
            return []
        raise
    return [k for k in les.variants if k not in (les.params.get(set_name) or {})]


def _variants(lesson: str, handout, set_name: str, syllabus, key):
    """(student -> handout, student -> Variant), or (None, None) when the lesson has no varying parameter."""
    from govlib.grading.variants import variant_for

    try:
        from govlib.syllabus import load_syllabus

        les = load_syllabus(syllabus, check_notebooks=False).lesson(lesson)
    except Exception:  # no syllabus entry for the lesson (a --build of another course): nothing varies
        return None, None
    if not [k for k in les.variants if k not in (les.params.get(set_name) or {})]:
        return None, None
    if key is None:
        from govlib.grading.variants import course_key

        key = course_key(required=False)
        if key is None:  # the instructor has not opted in: everybody is graded with the common handout
            return None, None
    cache: dict = {}

    def variant_of(student: str):
        if student not in cache:
            var = variant_for(lesson, student, set_name=set_name, key=key, syllabus=syllabus)
            cache[student] = (var, handout.for_student(student, var.values))
        return cache[student][0]

    def handout_for(student: str):
        variant_of(student)
        return cache[student][1]

    return handout_for, variant_of
