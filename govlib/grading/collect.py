"""Read the students' returned files and run them in sandboxes, never touching the originals.

For each entry of a submissions folder:

1. every entry is listed (:func:`govlib.grading.files.scan_folder`): hidden
   files, sub-folders, symbolic links and special files get a status and are
   never opened; the student is a file name's stem (NFC-normalised); two
   files with the same stem (ignoring case) are both graded and reported;
2. a regular file is read once, safely (no links followed, no FIFO opened),
   its encoding detected and an old format upgraded; an empty, broken or
   non-notebook file is reported and not run;
3. the lesson is detected from the notebook's metadata or its
   ``check("<lesson>-n", …)`` calls; a notebook of another lesson is reported
   and not run;
4. edits to the handed-out parameters (in the parameters cell or any cell,
   in the notebook metadata, in ``check`` call arguments, or values found in
   the kernel) are reported; they never change the grading, which uses the
   handed-out values (:mod:`govlib.grading.handout`);
5. the code cells run in a sandbox (:mod:`govlib.grading.sandbox`), which
   returns the validated answer variables.

Notebooks run in parallel from a thread pool (each thread waits on its own
sandbox); Ctrl-C stops the sandboxes and marks unfinished files.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govlib.grading.files import (Entry, assigned_literals, check_calls, code_sources, detect_lesson,
                                  read_notebook, scan_folder, student_id, display_name)
from govlib.grading.kernel import EXTRACT_TIMEOUT

__all__ = ["Spec", "Submission", "STATUS_ZH", "RAN", "collect_one", "collect_all", "EXTRACT_TIMEOUT"]

#: status of one entry, in Chinese for the reports
STATUS_ZH = {
    "ok": "已运行",
    "errors": "已运行（有单元格出错）",
    "timeout": "超时",
    "died": "内核崩溃或被终止",
    "empty": "空文件",
    "broken": "文件损坏",
    "not-notebook": "不是笔记本",
    "wrong-lesson": "课程不符",
    "grader-error": "评分程序出错",
    "interrupted": "评分被中断，未评分",
    "folder": "子文件夹，未评分",
    "symlink": "符号链接，未跟随",
    "special": "特殊文件，未打开",
    "hidden": "隐藏或系统文件，未评分",
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
        Exercise id -> names of the exercise's parameters.
    param_names : tuple of str
        The lesson's parameter variables (read only to report edits).
    """

    lesson: str
    variables: dict[str, str]
    params: dict[str, tuple[str, ...]]
    param_names: tuple[str, ...] = ()

    @classmethod
    def from_exercises(cls, lesson: str, exercises, param_names=()) -> "Spec":
        """The spec of a lesson's exercises (:class:`govlib.exercises.Exercise`)."""
        return cls(lesson, {e.id: e.variable for e in exercises},
                   {e.id: tuple(e.params) for e in exercises if e.params}, tuple(param_names))


@dataclass
class Submission:
    """One entry of the submissions folder, after reading and running it.

    Attributes
    ----------
    file : str
        Entry name within the submissions folder.
    student : str
        Student id (the file name's stem).
    status : str
        One of :data:`STATUS_ZH`.
    lesson : str or None
        The lesson detected in the notebook.
    problems : list of str
        Per-file problems and warnings, in Chinese.
    answers : dict or None
        Answer variable -> validated encoding (``{"v": value}``,
        ``{"repr": …, "type": …}``, ``{"missing": True}`` or
        ``{"invalid": True}``); None when the answers could not be read.
    params : dict
        Lesson parameter -> the value found in the kernel (same encoding);
        reported, never used for grading.
    seconds : float
        Wall time spent on the file.
    answer_errors : dict
        Answer variable -> why it is missing (Chinese): the cell that
        assigns it raised (the cell named as JupyterLab shows it).
    mtime : float or None
        The file's modification time (seconds since the epoch).
    late : bool
        Handed in after the deadline (``--deadline``).
    """

    file: str
    student: str
    status: str
    lesson: str | None = None
    problems: list[str] = field(default_factory=list)
    answers: dict[str, dict] | None = None
    params: dict[str, dict] = field(default_factory=dict)
    seconds: float = 0.0
    answer_errors: dict[str, str] = field(default_factory=dict)
    mtime: float | None = None
    late: bool = False

    @property
    def ran(self) -> bool:
        """True when the notebook was run (its answers count, even if missing)."""
        return self.status in RAN


def _lit(v: Any) -> str:
    return repr(v)[:80]


def parameter_edits(nb, handout, spec: Spec) -> list[str]:
    """Reports of every place a notebook departs from the handed-out parameters (Chinese)."""
    import ast

    out: list[str] = []
    if handout is None:
        return out
    values = handout.values

    def same(src: str, want) -> bool:
        try:
            got = ast.literal_eval(src)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return False
        return type(got) is type(want) and got == want
    meta = nb.get("metadata", {}).get("govlib")
    if isinstance(meta, dict):
        mv = meta.get("values")
        if isinstance(mv, dict):
            # the metadata holds only what the edition changes from the notebook's defaults ({} for the
            # default set): a parameter absent from it means its default, never "deleted"
            defaults = getattr(handout, "defaults", {}) or {}
            for k in sorted(values):
                want = values[k]
                if k in mv:
                    got = mv[k]
                elif k in defaults:
                    got = defaults[k]
                else:
                    continue
                if got == want and type(got) is type(want):
                    continue
                if k in mv:
                    out.append(f"笔记本元数据中的参数 {k} 被改为 {_lit(got)}（发放版为 {_lit(want)}）：按发放版评分")
                else:
                    out.append(f"笔记本元数据中没有参数 {k}（即默认值 {_lit(got)}），发放版为 {_lit(want)}：按发放版评分")
        who = meta.get("student")
        if getattr(handout, "student", "") and not (isinstance(who, str) and who.strip()):
            out.append(f"这份笔记本不是按学生名生成的专属笔记本（元数据中没有学生名）：按文件名 {_lit(handout.student)} "
                       "的专属数字评分，下面列出的参数差异由此而来")
        if getattr(handout, "student", "") and isinstance(who, str) and who.strip():
            from govlib.grading.variants import student_key

            if student_key(who) != student_key(handout.student):
                out.append(f"笔记本元数据写的学生是 {_lit(who)}，文件名是 {_lit(handout.student)}：按文件名这位学生的专属数字评分"
                           "（可能是同学的笔记本改了名，请核实）")
        if meta.get("params") not in (None, handout.set_name) and values:
            out.append(f"笔记本元数据写的参数集是 {_lit(meta.get('params'))}，发放的是 {handout.set_name}：按发放版评分")
    seen = set()
    for name, src in assigned_literals(nb, values):
        if same(src, values[name]) or (name, src) in seen:
            continue
        seen.add((name, src))
        out.append(f"参数 {name} 在笔记本中被改为 {src}（发放版为 {_lit(values[name])}）：按发放版评分")
    for ex_id, p, expr in check_calls(nb):
        want = handout.check_exprs.get((ex_id, p))
        if want is not None and expr != want and (ex_id, p, expr) not in seen:
            seen.add((ex_id, p, expr))
            out.append(f"check(\"{ex_id}\", …) 的参数 {p} 被写成 {expr}（发放版为 {want}）：按发放版评分")
    have = {src.strip() for src in code_sources(nb)}
    changed = [c for c in handout.fixed_cells if c not in have]
    if changed:
        out.append(f"发放版中有 {len(changed)} 个非练习代码单元被修改或删除（仍照常运行评分，请留意）")
    kernel = (nb.get("metadata", {}).get("kernelspec") or {}).get("name")
    if kernel not in (None, handout.kernel):
        out.append(f"笔记本的内核是 {_lit(kernel)}，不是发放版的 {handout.kernel}：仍用 {handout.kernel} 运行")
    return out[:20]


_CODE_CELL = re.compile(r"第(\d+)个代码单元")


def cell_labels(nb) -> list[str]:
    """How each code cell is named in the reports, the way JupyterLab shows it (Chinese).

    A cell the student ran is named by its execution count, the ``[12]``
    JupyterLab prints beside it, with its position among all the cells
    (Markdown included) counted from the top; a cell never run by its
    position only.
    """
    out = []
    for pos, cell in enumerate(nb.get("cells", []), 1):
        if cell.get("cell_type") != "code":
            continue
        ec = cell.get("execution_count")
        if isinstance(ec, int) and not isinstance(ec, bool):
            out.append(f"单元格 [{ec}]（从上数第 {pos} 个单元格）")
        else:
            out.append(f"从上数第 {pos} 个单元格（未显示执行编号）")
    return out


def relabel(problems: list[str], labels: list[str]) -> list[str]:
    """The kernel's problems with "第N个代码单元" (the N-th code cell) renamed by :func:`cell_labels`."""
    def sub(m):
        i = int(m.group(1)) - 1
        return labels[i] if 0 <= i < len(labels) else m.group(0)
    return [_CODE_CELL.sub(sub, p) for p in problems]


def answer_cells(sources: list[str], variables) -> dict[str, int]:
    """Answer variable -> index of the code cell that last assigns it at top level."""
    import ast

    names = set(variables)
    out: dict[str, int] = {}
    for i, src in enumerate(sources):
        try:
            tree = ast.parse(src)
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            # IPython magics make a cell unparsable: fall back to a plain text search
            for n in names:
                if re.search(rf"^\s*{re.escape(n)}\s*=", src, re.M):
                    out[n] = i
            continue
        for node in tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else \
                [node.target] if isinstance(node, ast.AnnAssign) else []
            for t in targets:
                if isinstance(t, ast.Name) and t.id in names:
                    out[t.id] = i
    return out


def _answer_errors(problems: list[str], sources: list[str], variables, labels: list[str]) -> dict[str, str]:
    failed: dict[int, str] = {}
    for p in problems:
        m = re.match(r"第(\d+)个代码单元出错：(.*)$", p)
        if m:
            failed[int(m.group(1)) - 1] = m.group(2)
    out = {}
    for var, i in answer_cells(sources, variables).items():
        if i in failed:
            where = labels[i] if i < len(labels) else f"第{i + 1}个代码单元"
            out[var] = f"给 {var} 赋值的{where}运行出错（{failed[i]}），没有得到答案"
    return out


def _runtime_edits(sub: Submission, handout) -> list[str]:
    out = []
    for name, enc in sub.params.items():
        want = handout.values.get(name)
        if "v" in enc and (enc["v"] != want or type(enc["v"]) is not type(want)):
            out.append(f"运行后参数 {name} 的值是 {_lit(enc['v'])}（发放版为 {_lit(want)}）：按发放版评分")
    return out


def collect_one(entry: Entry | str | Path, spec: Spec, timeout: float, *, runner, handout=None,
                extract_timeout: float = EXTRACT_TIMEOUT, handout_for=None) -> Submission:
    """Read, check and run one entry (the function each worker thread calls).

    *handout_for*, when given, maps the student id to that student's own
    handout (per-student variants); edits are reported against it.
    Never raises (apart from KeyboardInterrupt): an unexpected failure
    becomes status ``grader-error``.
    """
    if not isinstance(entry, Entry):
        entry = Entry(Path(entry), "file")
    src = entry.path
    sub = Submission(file=display_name(src.name), student=student_id(src), status="ok")
    if entry.kind != "file":
        sub.status = entry.kind
        sub.problems.append(entry.note)
        return sub
    try:
        sub.mtime = os.lstat(src).st_mtime
    except OSError:
        pass
    t0 = time.monotonic()
    try:
        if handout_for is not None:
            handout = handout_for(sub.student)
        _collect(src, sub, spec, timeout, extract_timeout, runner, handout)
    except Exception as exc:  # never lose the other files because of one
        sub.status = "grader-error"
        sub.problems.append(f"评分程序处理此文件时出错：{type(exc).__name__}: {str(exc)[:200]}")
    sub.seconds = round(time.monotonic() - t0, 2)
    return sub


def _collect(src: Path, sub: Submission, spec: Spec, timeout: float, extract_timeout: float, runner,
             handout) -> None:
    import nbformat

    nb, status, why = read_notebook(src)
    if nb is None:
        sub.status = status
        sub.problems.append(why)
        return
    if why:
        sub.problems.append(why)
    if src.suffix.lower() != ".ipynb":
        sub.problems.append(f"文件后缀是“{src.suffix or '（无）'}”，不是 .ipynb：按笔记本读取")
    lessons, how = detect_lesson(nb)
    if lessons and spec.lesson not in lessons:
        sub.status = "wrong-lesson"
        sub.lesson = sorted(lessons)[0]
        where = "笔记本元数据" if how == "metadata" else "check() 调用"
        sub.problems.append(f"课程不符：{where}显示这是课程 {'、'.join(sorted(lessons))} 的笔记本，"
                            f"不是 {spec.lesson}")
        return
    sub.lesson = spec.lesson if lessons else None
    sources = code_sources(nb)
    if not any(s.strip() for s in sources):
        sub.status = "empty"
        sub.problems.append("笔记本中没有代码单元")
        return
    if not lessons:
        sub.problems.append("未能识别课程（没有元数据，也没有 check() 调用）：仍按本课评分")
    if re.search(r"\bexpected_value\b|\bgrade_answer\b|\b_REGISTRY\b|\.expected\(", "\n".join(sources)):
        sub.problems.append("注意：笔记本调用了练习题库的内部函数（expected_value、grade_answer 等），请人工核查")
    sub.problems.extend(parameter_edits(nb, handout, spec))
    res = runner.run(sources, variables=sorted(set(spec.variables.values())), params=spec.param_names,
                     timeout=timeout, extract_timeout=extract_timeout, notebook_text=nbformat.writes(nb))
    sub.status = res["status"] if res["status"] in STATUS_ZH else "died"
    labels = cell_labels(nb)
    sub.answer_errors = _answer_errors(res["problems"], sources, spec.variables.values(), labels)
    sub.problems.extend(relabel(res["problems"], labels))
    if res["payload"] is not None:
        sub.answers = res["payload"]["vars"]
        sub.params = res["payload"]["params"]
        if handout is not None:
            sub.problems.extend(_runtime_edits(sub, handout))


# ----------------------------------------------------------------------------
# a whole folder
# ----------------------------------------------------------------------------

def collect_all(folder: str | Path, spec: Spec, *, runner, handout=None, jobs: int = 0, timeout: float = 60.0,
                extract_timeout: float = EXTRACT_TIMEOUT, exclude: Path | None = None,
                on_done=None, handout_for=None) -> tuple[list[Submission], list[str], bool]:
    """Read and run every entry of a folder, in parallel.

    Parameters
    ----------
    folder : path
        The submissions folder (never written to).
    spec : Spec
        What to read.
    runner : govlib.grading.sandbox.Runner
        Runs each notebook (in a sandbox).
    handout : govlib.grading.handout.Handout, optional
        The handed-out parameters (edits are reported against them).
    jobs : int
        Notebooks run at once (0: one per core).
    timeout : float
        Seconds per notebook.
    exclude : path, optional
        A sub-folder not to list.
    on_done : callable, optional
        Called with each :class:`Submission` as it finishes.
    handout_for : callable, optional
        Student id -> that student's handout (per-student variants).

    Returns
    -------
    (list of Submission, list of str, bool)
        One submission per entry, sorted by name; notes on the folder; and
        whether the run was interrupted (Ctrl-C): then unfinished entries
        have status ``interrupted``.
    """
    from concurrent.futures import ThreadPoolExecutor, as_completed

    entries = scan_folder(folder, exclude=exclude)
    jobs = jobs if jobs and jobs > 0 else (os.cpu_count() or 1)
    jobs = max(1, min(jobs, len(entries) or 1))
    done: dict[str, Submission] = {}
    interrupted = False

    def one(e: Entry) -> Submission:
        return collect_one(e, spec, timeout, runner=runner, handout=handout, extract_timeout=extract_timeout,
                           handout_for=handout_for)

    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="govlib-grade")
    futs: dict = {}
    try:
        futs = {pool.submit(one, e): e for e in entries}
        for fut in as_completed(futs):
            e = futs[fut]
            try:
                sub = fut.result()
            except Exception as exc:  # pragma: no cover - collect_one does not raise
                sub = Submission(file=display_name(e.name), student=student_id(e.path), status="grader-error",
                                 problems=[f"评分出错：{type(exc).__name__}"])
            done[e.name] = sub
            if on_done:
                on_done(sub)
    except KeyboardInterrupt:
        interrupted = True
        runner.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
        for fut, e in futs.items():
            if e.name not in done and fut.done() and not fut.cancelled() and fut.exception() is None:
                done[e.name] = fut.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    subs = []
    for e in entries:
        sub = done.get(e.name)
        if sub is None or (interrupted and sub.status == "interrupted"):
            sub = Submission(file=display_name(e.name), student=student_id(e.path), status="interrupted",
                             problems=["评分被中断（Ctrl-C），此文件未评分"])
        subs.append(sub)
    by_id: dict[str, list[Submission]] = {}
    for s in subs:
        if s.status in ("folder", "symlink", "special", "hidden"):
            continue
        by_id.setdefault(s.student.casefold(), []).append(s)
    for group in by_id.values():
        if len(group) > 1:
            names = "、".join(s.file for s in group)
            for s in group:
                s.problems.append(f"学生编号重复：{names} 的文件名相同（仅后缀、大小写或全角半角不同），均已评分，请核实")
    return subs, [], interrupted
