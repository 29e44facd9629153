"""Read the students' returned notebooks and execute them, never touching the originals.

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

Values that are not plain JSON (after turning numpy/pandas scalars into
Python ones) are kept as their ``repr`` and later graded as wrong.

Notebooks run in parallel from a thread pool (each in its own kernel
process); :func:`collect_one` needs nbformat and nbclient, not pandas, and
does not import the exercise banks.
"""

from __future__ import annotations

import ast
import json
import math
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Spec", "Submission", "STATUS_ZH", "RAN", "find_submissions", "student_id",
           "read_notebook", "detect_lesson", "check_params", "extraction_source",
           "parse_payload", "run_notebook", "collect_one", "collect_all"]

#: files larger than this are not read
MAX_BYTES = 50 * 1024 * 1024
#: seconds allowed for the grader's own cell (reading the answers)
EXTRACT_TIMEOUT = 10
#: file names skipped silently (system litter)
IGNORED = {".DS_Store", "Thumbs.db", "desktop.ini"}

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


# ----------------------------------------------------------------------------
# finding and reading files
# ----------------------------------------------------------------------------

def student_id(path: str | Path) -> str:
    """The student id of a submission: its file name without the last suffix."""
    return unicodedata.normalize("NFC", Path(path).stem).strip()


def find_submissions(folder: str | Path, *, exclude: Path | None = None) -> tuple[list[Path], list[str]]:
    """The files to grade in *folder* (not recursive), and notes on what was skipped.

    Hidden files, Office lock files (``~$…``) and system litter are skipped
    silently; sub-folders are skipped with a note (except *exclude*, the
    output folder, and ``.ipynb_checkpoints``).
    """
    folder = Path(folder)
    files: list[Path] = []
    notes: list[str] = []
    excl = exclude.resolve() if exclude is not None else None
    for p in sorted(folder.iterdir(), key=lambda q: q.name):
        if p.name.startswith((".", "~$")) or p.name in IGNORED:
            continue
        if p.is_dir():
            if excl is None or p.resolve() != excl:
                notes.append(f"跳过子文件夹 {p.name}/：只评分文件夹中直接存放的文件")
            continue
        if p.is_file():
            files.append(p)
    return files, notes


def read_notebook(path: str | Path):
    """Read a notebook file.

    Returns
    -------
    (notebook or None, status, message)
        The notebook (nbformat v4) and ``"ok"``, or None with ``"empty"``,
        ``"broken"`` or ``"not-notebook"`` and a message in Chinese.
    """
    import warnings

    import nbformat

    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        return None, "not-notebook", f"文件过大（{size // 1048576} MB），不是作业笔记本"
    raw = path.read_bytes()
    if not raw.strip():
        return None, "empty", "文件为空（0 字节）" if not raw else "文件只有空白"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, "not-notebook", "不是笔记本：文件不是 UTF-8 文本（可能是图片、PDF 或 Office 文档）"
    if not text.lstrip().startswith("{"):
        return None, "not-notebook", "不是笔记本：内容不是 Jupyter 笔记本的 JSON 格式"
    try:
        data = json.loads(text)
    except ValueError as exc:  # json.JSONDecodeError
        where = f"第{exc.lineno}行第{exc.colno}列：{exc.msg}" if hasattr(exc, "lineno") else str(exc)[:120]
        return None, "broken", f"文件损坏：JSON 无法解析（{where}）"
    if not isinstance(data, dict) or "cells" not in data or "nbformat" not in data:
        return None, "broken", "文件损坏：JSON 中没有笔记本的 cells/nbformat 字段"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nb = nbformat.reads(text, as_version=4)
            nbformat.validate(nb)
    except Exception as exc:  # nbformat raises several kinds
        msg = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        return None, "broken", f"文件损坏：不是有效的笔记本（{msg}）"
    return nb, "ok", ""


_CHECK_ID = re.compile(r"""\bcheck\(\s*["']([a-z0-9]+(?:-[a-z0-9]+)*-\d+)["']""")


def _code_cells(nb) -> list[str]:
    out = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            src = cell.get("source", "")
            out.append("".join(src) if isinstance(src, list) else str(src))
    return out


def detect_lesson(nb) -> tuple[set[str], str]:
    """The lessons a notebook belongs to, and how they were found.

    Returns
    -------
    (set of str, str)
        Lesson ids and ``"metadata"`` (from ``metadata.govlib.lesson``),
        ``"check"`` (from ``check("<lesson>-n", …)`` calls) or ``""``.
    """
    meta = nb.get("metadata", {}).get("govlib")
    if isinstance(meta, dict) and isinstance(meta.get("lesson"), str) and meta["lesson"]:
        return {meta["lesson"]}, "metadata"
    ids = [m for src in _code_cells(nb) for m in _CHECK_ID.findall(src)]
    if ids:
        return {i.rsplit("-", 1)[0] for i in ids}, "check"
    return set(), ""


def _parse_code(src: str):
    """Parse a code cell, blanking IPython magics and shell escapes."""
    lines = [("pass" if ln.lstrip().startswith(("%", "!")) else ln) for ln in src.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def check_params(nb, spec: Spec) -> dict[str, dict[str, str]]:
    """The expression each exercise's parameters are read from.

    The keyword arguments of the first ``check("<id>", …, n=expr)`` call for
    each exercise give the expressions (``check("x-3", ans, n=n_per_group)``
    reads ``n_per_group``); a parameter not passed there is read from the
    variable of its own name.

    Returns
    -------
    dict
        Exercise id -> parameter -> Python expression (source text).
    """
    found: dict[str, dict[str, str]] = {}
    for src in _code_cells(nb):
        if "check" not in src:
            continue
        tree = _parse_code(src)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            if name != "check" or not node.args:
                continue
            a0 = node.args[0]
            if not (isinstance(a0, ast.Constant) and isinstance(a0.value, str)):
                continue
            ex_id = a0.value
            if ex_id not in spec.params or ex_id in found:
                continue
            found[ex_id] = {kw.arg: ast.unparse(kw.value) for kw in node.keywords
                            if kw.arg in spec.params[ex_id]}
    return {ex_id: {p: found.get(ex_id, {}).get(p, p) for p in names}
            for ex_id, names in spec.params.items()}


# ----------------------------------------------------------------------------
# the grader's cell
# ----------------------------------------------------------------------------

_DUMP = r'''
def _govlib_grader_dump(_spec_text, _nonce):
    import sys
    for _m in [m for m in list(sys.modules) if m == "json" or m.startswith("json.")]:
        del sys.modules[_m]
    import json
    ns = sys._getframe(0).f_globals

    def conv(v, depth=0):
        if v is None or type(v) in (bool, int, float):
            return {"v": v}
        if type(v) is str:
            return {"v": v[:20000]}
        try:
            if isinstance(v, bool):
                return {"v": bool(int.__int__(v))}
            if isinstance(v, int):
                return {"v": int.__int__(v)}
            if isinstance(v, float):
                return {"v": float.__float__(v)}
            if isinstance(v, str):
                return {"v": str.__str__(v)[:20000]}
            if depth == 0 and type(v).__module__.split(".")[0] in ("numpy", "pandas"):
                return conv(v.item(), 1)
        except BaseException:
            pass
        try:
            r = repr(v)
            r = str.__str__(r) if isinstance(r, str) else "<?>"
        except BaseException as e:
            r = "<repr failed: " + type(e).__name__ + ">"
        return {"repr": r[:300], "type": str(getattr(type(v), "__name__", "?"))[:60]}

    try:
        spec = json.loads(_spec_text)
        out = {"vars": {}, "params": {}}
        for name in spec["vars"]:
            out["vars"][name] = conv(ns[name]) if name in ns else {"missing": True}
        for ex, exprs in spec["params"].items():
            got = {}
            for p, src in exprs.items():
                try:
                    got[p] = conv(eval(src, ns))
                except BaseException as e:
                    got[p] = {"missing": True, "error": type(e).__name__}
            out["params"][ex] = got
    except BaseException as e:
        out = {"error": type(e).__name__ + ": " + str(e)[:200]}
    sys.stdout.write("\n<<govlib-grader " + _nonce + ">>" + json.dumps(out, ensure_ascii=True)
                     + "<<end " + _nonce + ">>\n")
    sys.stdout.flush()


_govlib_grader_dump(__SPEC__, __NONCE__)
del _govlib_grader_dump
'''


def extraction_source(variables, exprs: dict[str, dict[str, str]], nonce: str) -> str:
    """Source of the cell the grader appends to read answers and parameters.

    Parameters
    ----------
    variables : iterable of str
        Answer variable names.
    exprs : dict
        Exercise id -> parameter -> expression (see :func:`check_params`).
    nonce : str
        Random per-run marker (hex).
    """
    if not re.fullmatch(r"[0-9a-f]{16,64}", nonce):
        raise ValueError("nonce must be 16-64 lowercase hex digits")
    spec = json.dumps({"vars": sorted(set(variables)), "params": exprs}, ensure_ascii=True)
    return _DUMP.replace("__SPEC__", repr(spec)).replace("__NONCE__", repr(nonce))


def _clean_text(obj):
    """Replace lone surrogates so every string can be written as UTF-8."""
    if isinstance(obj, str):
        return obj.encode("utf-8", "replace").decode("utf-8")
    if isinstance(obj, dict):
        return {_clean_text(k): _clean_text(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_clean_text(v) for v in obj]
    return obj


def parse_payload(text: str, nonce: str) -> tuple[dict | None, str]:
    """Read the grader cell's output.

    Returns
    -------
    (dict or None, str)
        The payload, or None and the reason (in Chinese).  Exactly one marked
        block with this run's nonce must be present.
    """
    pat = re.compile(r"<<govlib-grader " + re.escape(nonce) + r">>(.*?)<<end " + re.escape(nonce) + r">>")
    found = pat.findall(text or "")
    if len(found) != 1:
        return None, ("未能读取答案：评分单元没有输出" if not found
                      else "未能读取答案：评分单元的输出被篡改（标记出现多次）")
    try:
        data = json.loads(found[0])
    except ValueError:
        return None, "未能读取答案：评分单元的输出无法解析"
    if not isinstance(data, dict):
        return None, "未能读取答案：评分单元的输出格式不对"
    if "error" in data:
        return None, f"未能读取答案：{data['error']}"
    if not isinstance(data.get("vars"), dict) or not isinstance(data.get("params"), dict):
        return None, "未能读取答案：评分单元的输出格式不对"
    return _clean_text(data), ""


# ----------------------------------------------------------------------------
# running one notebook
# ----------------------------------------------------------------------------

def _client_class():
    import asyncio
    from queue import Empty

    from jupyter_core.utils import run_sync

    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError
    from nbclient.util import ensure_async

    class _GraderClient(NotebookClient):
        """Runs student cells for the grader.

        Keeps only error outputs of student cells (and every output of the
        grader's own cell).  On the first time-out it interrupts the kernel
        and waits ``grace`` seconds for the interrupted cell's reply, so the
        grader's cell can still run; if the interrupt does not stop the cell,
        or on a later time-out, it raises ``CellTimeoutError``.
        """

        keep_cell = -1
        grace = 10.0
        timed_out = False

        async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
            self._output_task = asyncio.current_task()
            return await super()._async_poll_output_msg(parent_msg_id, cell, cell_index)

        async def _async_cancel_output_poll(self):
            task = getattr(self, "_output_task", None)
            if task is not None and not task.done():
                task.cancel()
                try:
                    await task
                except BaseException:
                    pass

        def cancel_output_poll(self) -> None:
            """Stop a cell's output reader left running after a time-out."""
            run_sync(self._async_cancel_output_poll)()

        def output(self, outs, msg, display_id, cell_index):
            if cell_index != self.keep_cell and msg.get("msg_type") != "error":
                return None
            return super().output(outs, msg, display_id, cell_index)

        async def _async_handle_timeout(self, timeout, cell=None):
            if self.timed_out:
                raise CellTimeoutError.error_from_timeout_and_cell("Cell execution timed out", timeout, cell)
            self.timed_out = True
            await ensure_async(self.km.interrupt_kernel())
            try:
                # the interrupted cell's execute_reply (nothing else is pending on the shell channel)
                return await ensure_async(self.kc.shell_channel.get_msg(timeout=self.grace))
            except Empty:
                raise CellTimeoutError.error_from_timeout_and_cell(
                    "Cell execution timed out and could not be interrupted", timeout, cell) from None

    return _GraderClient


@dataclass
class RunResult:
    """What running one notebook gave."""

    status: str
    payload: dict | None
    problems: list[str]


def run_notebook(nb, *, variables, exprs: dict[str, dict[str, str]], timeout: float,
                 cwd: str | Path, extract_timeout: float = EXTRACT_TIMEOUT,
                 kernel_name: str = "python3") -> RunResult:
    """Run a notebook's code cells in a fresh kernel and read its answers.

    Parameters
    ----------
    nb : NotebookNode
        The notebook (not modified).
    variables : iterable of str
        Answer variables to read.
    exprs : dict
        Parameter expressions per exercise (:func:`check_params`).
    timeout : float
        Seconds for all the notebook's cells together (kernel start-up not
        included).
    cwd : path
        Working folder of the kernel.
    extract_timeout : float
        Seconds for the grader's own cell.
    kernel_name : str
        Kernel to start (the grader's own Python by default).
    """
    import nbformat
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    nonce = secrets.token_hex(16)
    sources = _code_cells(nb)
    work = nbformat.v4.new_notebook()
    work.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    work.cells.append(nbformat.v4.new_code_cell(extraction_source(variables, exprs, nonce)))
    last = len(work.cells) - 1
    client = _client_class()(work, kernel_name=kernel_name, timeout=max(1, math.ceil(timeout)),
                             allow_errors=True, shutdown_kernel="immediate", startup_timeout=60,
                             iopub_timeout=4, resources={"metadata": {"path": str(cwd)}})
    client.keep_cell = last
    client.grace = float(extract_timeout)
    env = dict(os.environ)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    status, problems, errors = "ok", [], []
    payload = None
    with client.setup_kernel(env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        deadline = time.monotonic() + timeout
        for i, cell in enumerate(work.cells[:last]):
            if not cell.source.strip():
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                status = "timeout"
                break
            client.timeout = max(1, math.ceil(remaining))
            try:
                client.execute_cell(cell, i)
            except CellTimeoutError:
                status = "killed"
                client.cancel_output_poll()
                break
            except DeadKernelError:
                status = "died"
                break
            if client.timed_out:
                status = "timeout"
                break
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    errors.append(f"第{i + 1}个代码单元出错：{out.get('ename', '')}: "
                                  f"{str(out.get('evalue', ''))[:120]}")
                    break
        if status in ("timeout", "killed"):
            problems.append(f"超时：第{i + 1}个代码单元运行时超过 {timeout:g} 秒，已中断；之后的单元没有运行")
        if status == "died":
            problems.append(f"内核在第{i + 1}个代码单元崩溃，无法读取答案")
        elif status == "killed":
            status = "timeout"
            problems.append("无法中断内核，已强制结束：未能读取答案")
        else:
            client.timeout = max(1, math.ceil(extract_timeout))
            cell = work.cells[last]
            try:
                client.execute_cell(cell, last)
                text = "".join(o.get("text", "") for o in cell.get("outputs", [])
                               if o.get("output_type") == "stream" and o.get("name") == "stdout")
                payload, why = parse_payload(text, nonce)
                if payload is None:
                    problems.append(why)
            except CellTimeoutError:
                client.cancel_output_poll()
                problems.append("读取答案超时：内核无法中断，已强制结束")
            except DeadKernelError:
                status = "died"
                problems.append("读取答案时内核崩溃")
    if errors and status == "ok":
        status = "errors"
    if errors:
        problems.extend(errors[:5])
        if len(errors) > 5:
            problems.append(f"……另有 {len(errors) - 5} 个单元出错")
    return RunResult(status, payload, problems)


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
    if not any(s.strip() for s in _code_cells(nb)):
        sub.status = "empty"
        sub.problems.append("笔记本中没有代码单元")
        return
    if not lessons:
        sub.problems.append("未能识别课程（没有元数据，也没有 check() 调用）：仍按本课评分")
    if re.search(r"\bexpected_value\b|\bgrade_answer\b|\b_REGISTRY\b|\.expected\(", "\n".join(_code_cells(nb))):
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
