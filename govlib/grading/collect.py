"""Read the students' returned notebooks and run them, never touching the originals.

For each file of a submissions folder:

1. the student is the file name's stem (NFC-normalised); two files with the
   same stem (ignoring case) are both graded and reported as duplicates;
2. the file is copied to a fresh temporary folder, and only the copy is read
   and run; an empty, broken or non-notebook file is reported and not run;
3. the lesson is detected from the notebook's metadata (``metadata.govlib.lesson``,
   written by the course build) or from its ``check("<lesson>-n", …)`` calls;
   a notebook of another lesson is reported and not run; a notebook with a
   suffix other than ``.ipynb`` is run, with a warning;
4. the code cells run in a fresh kernel (``python3``, working folder = the
   temporary folder), errors allowed, within a time limit for the whole
   notebook; when the limit is hit the kernel is interrupted, and killed if
   the interrupt does not stop it;
5. one extra cell, appended by the grader, writes the answer variables
   (``ans_…``) and the parameter values the exercises need as JSON between
   two marker lines that carry a random per-run nonce; the grader parses that
   cell's output only, so nothing a notebook printed earlier (nor a redefined
   ``check``) can stand in for it.

Reading files is :mod:`govlib.grading.files`, running a notebook is
:mod:`govlib.grading.kernel`; this module does one file
(:func:`collect_one`) and a whole folder (:func:`collect_all`).  Notebooks
run in parallel from a thread pool (each in its own kernel process); nothing
here needs pandas or imports the exercise banks.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govlib.grading.files import (check_params, code_sources, detect_lesson, find_submissions,
                                  read_notebook, student_id)
from govlib.grading.kernel import EXTRACT_TIMEOUT, run_notebook

__all__ = ["Spec", "Submission", "STATUS_ZH", "RAN", "collect_one", "collect_all",
           # re-exported from files and kernel
           "find_submissions", "student_id", "read_notebook", "detect_lesson", "check_params",
           "run_notebook", "EXTRACT_TIMEOUT"]

#: status of one file, in Chinese for the reports
STATUS_ZH = {
    "ok": "已运行",
    "errors": "已运行（有单元格出错）",
    "timeout": "超时",
    "died": "内核崩溃",
    "empty": "空文件",
    "broken": "文件损坏",
    "not-notebook": "不是笔记本",
    "wrong-lesson": "课程不符",
    "grader-error": "评分程序出错",
}
#: statuses of files that were run (their answers count in the class summary)
RAN = frozenset({"ok", "errors", "timeout", "died"})


@dataclass(frozen=True)
class Spec:
    """What to read from each notebook of one lesson.

    Parameters
    ----------
    lesson : str
        The lesson id.
    variables : dict
        Exercise id -> answer variable name.
    params : dict
        Exercise id -> names of the parameters its expected value needs.
    """

    lesson: str
    variables: dict[str, str]
    params: dict[str, tuple[str, ...]]

    @classmethod
    def from_exercises(cls, lesson: str, exercises) -> "Spec":
        """The spec of a lesson's exercises (:class:`govlib.exercises.Exercise`)."""
        return cls(lesson, {e.id: e.variable for e in exercises},
                   {e.id: tuple(e.params) for e in exercises if e.params})


@dataclass
class Submission:
    """One file of the submissions folder, after reading and running it.

    Attributes
    ----------
    file : str
        File name within the submissions folder.
    student : str
        Student id (the file name's stem).
    status : str
        One of :data:`STATUS_ZH`.
    lesson : str or None
        The lesson detected in the notebook.
    problems : list of str
        Per-file problems and warnings, in Chinese.
    answers : dict or None
        Answer variable -> ``{"v": value}``, ``{"repr": text, "type": name}``
        or ``{"missing": True}``; None when the answers could not be read.
    params : dict
        Exercise id -> parameter -> the same encoding as ``answers``.
    handout : dict
        The parameter values the build wrote into the notebook's metadata.
    seconds : float
        Wall time spent on the file.
    """

    file: str
    student: str
    status: str
    lesson: str | None = None
    problems: list[str] = field(default_factory=list)
    answers: dict[str, dict] | None = None
    params: dict[str, dict[str, dict]] = field(default_factory=dict)
    handout: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ran(self) -> bool:
        """True when the notebook was run (its answers count, even if missing)."""
        return self.status in RAN


def collect_one(path: str, spec: Spec, timeout: float, *, extract_timeout: float = EXTRACT_TIMEOUT,
                name: str | None = None) -> Submission:
    """Read, check and run one submission (the function each worker thread calls).

    The file is copied into a temporary folder first; the original is only
    read by that copy.  Never raises: an unexpected failure becomes status
    ``grader-error``.
    """
    src = Path(path)
    sub = Submission(file=name or src.name, student=student_id(src), status="ok")
    t0 = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="govlib-grade-") as tmp:
            copy = Path(tmp) / "submission.ipynb"
            shutil.copyfile(src, copy)
            _collect_copy(copy, src, sub, spec, timeout, extract_timeout, Path(tmp))
    except Exception as exc:  # never lose the other files because of one
        sub.status = "grader-error"
        sub.problems.append(f"评分程序处理此文件时出错：{type(exc).__name__}: {str(exc)[:200]}")
    sub.seconds = round(time.monotonic() - t0, 2)
    return sub


def _collect_copy(copy: Path, src: Path, sub: Submission, spec: Spec, timeout: float,
                  extract_timeout: float, tmp: Path) -> None:
    nb, status, why = read_notebook(copy)
    if nb is None:
        sub.status = status
        sub.problems.append(why)
        return
    if src.suffix.lower() != ".ipynb":
        sub.problems.append(f"文件后缀是“{src.suffix or '（无）'}”，不是 .ipynb：按笔记本读取")
    meta = nb.get("metadata", {}).get("govlib")
    if isinstance(meta, dict) and isinstance(meta.get("values"), dict):
        sub.handout = dict(meta["values"])
    lessons, how = detect_lesson(nb)
    if lessons and spec.lesson not in lessons:
        sub.status = "wrong-lesson"
        sub.lesson = sorted(lessons)[0]
        where = "笔记本元数据" if how == "metadata" else "check() 调用"
        sub.problems.append(f"课程不符：{where}显示这是课程 {'、'.join(sorted(lessons))} 的笔记本，"
                            f"不是 {spec.lesson}")
        return
    sub.lesson = spec.lesson if lessons else None
    if not any(s.strip() for s in code_sources(nb)):
        sub.status = "empty"
        sub.problems.append("笔记本中没有代码单元")
        return
    if not lessons:
        sub.problems.append("未能识别课程（没有元数据，也没有 check() 调用）：仍按本课评分")
    if re.search(r"\bexpected_value\b|\bgrade_answer\b|\b_REGISTRY\b|\.expected\(", "\n".join(code_sources(nb))):
        sub.problems.append("注意：笔记本调用了练习题库的内部函数（expected_value、grade_answer 等），请人工核查")
    exprs = check_params(nb, spec)
    res = run_notebook(nb, variables=spec.variables.values(), exprs=exprs, timeout=timeout,
                       cwd=tmp, extract_timeout=extract_timeout)
    sub.status = res.status
    sub.problems.extend(res.problems)
    if res.payload is not None:
        sub.answers = res.payload["vars"]
        sub.params = res.payload["params"]
        _compare_handout(sub, exprs)


def _compare_handout(sub: Submission, exprs: dict[str, dict[str, str]]) -> None:
    """Warn when a parameter differs from the value the build handed out."""
    seen = set()
    for ex_id, ps in exprs.items():
        for p, expr in ps.items():
            if not expr.isidentifier() or expr not in sub.handout or expr in seen:
                continue
            got = sub.params.get(ex_id, {}).get(p, {})
            if "v" in got and got["v"] != sub.handout[expr]:
                seen.add(expr)
                sub.problems.append(f"参数 {expr} 被改为 {got['v']!r}（发放版为 {sub.handout[expr]!r}）："
                                    "按学生笔记本中的值评分")


# ----------------------------------------------------------------------------
# a whole folder
# ----------------------------------------------------------------------------

def collect_all(folder: str | Path, spec: Spec, *, jobs: int = 0, timeout: float = 60.0,
                extract_timeout: float = EXTRACT_TIMEOUT, exclude: Path | None = None,
                on_done=None) -> tuple[list[Submission], list[str]]:
    """Read and run every submission of a folder, in parallel.

    Parameters
    ----------
    folder : path
        The submissions folder (never written to).
    spec : Spec
        What to read.
    jobs : int
        Notebooks run at once (0: one per core); 1 runs them one after another
        in the calling thread.
    timeout : float
        Seconds per notebook.
    exclude : path, optional
        A sub-folder not to mention (the output folder).
    on_done : callable, optional
        Called with each :class:`Submission` as it finishes.

    Returns
    -------
    (list of Submission, list of str)
        One submission per file, sorted by file name, and notes on skipped
        entries.
    """
    files, notes = find_submissions(folder, exclude=exclude)
    jobs = jobs if jobs and jobs > 0 else (os.cpu_count() or 1)
    jobs = max(1, min(jobs, len(files) or 1))
    subs: list[Submission] = []
    if jobs == 1:
        for f in files:
            sub = collect_one(str(f), spec, timeout, extract_timeout=extract_timeout)
            subs.append(sub)
            if on_done:
                on_done(sub)
    else:
        # Threads, not processes: each notebook already runs in its own kernel
        # process, and a thread only waits on it.  Threads need no re-import
        # of the grader and no ``if __name__ == "__main__"`` guard in a
        # calling script, and nbclient runs one event loop per thread.
        from concurrent.futures import ThreadPoolExecutor, as_completed

        with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="govlib-grade") as pool:
            futs = {pool.submit(collect_one, str(f), spec, timeout, extract_timeout=extract_timeout): f
                    for f in files}
            for fut in as_completed(futs):
                f = futs[fut]
                try:
                    sub = fut.result()
                except Exception as exc:  # pragma: no cover - collect_one does not raise
                    sub = Submission(file=f.name, student=student_id(f), status="grader-error",
                                     problems=[f"评分出错：{type(exc).__name__}"])
                subs.append(sub)
                if on_done:
                    on_done(sub)
    subs.sort(key=lambda s: s.file)
    by_id: dict[str, list[Submission]] = {}
    for s in subs:
        by_id.setdefault(s.student.casefold(), []).append(s)
    for group in by_id.values():
        if len(group) > 1:
            names = "、".join(s.file for s in group)
            for s in group:
                s.problems.append(f"学生编号重复：{names} 的文件名相同（仅后缀或大小写不同），均已评分，请核实")
    return subs, notes
