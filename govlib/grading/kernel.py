"""Run one notebook's code cells in a fresh kernel and read its answers with a cell of the grader's own.

This module runs *inside* the sandbox (it is imported by
:mod:`govlib.grading.runner`); the grader's process only uses
:func:`validate_value` and :func:`validate_payload` to check what comes back.

The notebook's code cells run in order, errors allowed, within one time limit
for the whole notebook (kernel start-up not counted), through nbclient's
public API: ``NotebookClient.execute_cell`` with the ``timeout`` trait set to
the time left and ``interrupt_on_timeout=True`` (a cell over time is
interrupted and the next cells do not run).  A cell that ignores the
interrupt is not waited for here: the runner's watchdog ends the whole
sandbox.  Then one extra cell, appended by the grader, prints the answer
variables (``ans_…``) and the lesson's parameter variables as JSON between
two markers carrying a random nonce; only that cell's output is parsed.

What the kernel says is the *student's claim about their own answers*: a
student controls their kernel completely and could forge that output (a
``pre_run_cell`` hook, an object whose ``__repr__`` edits the grader's frame).
That is harmless by construction, because (1) only the student's own answer
variables are read, which they could have set to anything anyway; (2) the
parameters used for grading never come from the kernel (parameter values read
here are only compared with the handed-out ones and reported); (3) every value
is validated (:func:`validate_value`): JSON scalars only, integers of at most
:data:`MAX_INT_DIGITS` digits, finite floats, strings of at most
:data:`MAX_STR` characters; anything else becomes "unreadable" and is graded
wrong.
"""

from __future__ import annotations

import json
import math
import re
import secrets
import time
from pathlib import Path
from typing import Any

__all__ = ["EXTRACT_TIMEOUT", "MAX_INT_DIGITS", "MAX_STR", "MAX_PAYLOAD", "extraction_source",
           "parse_payload", "validate_value", "validate_payload", "run_notebook"]

#: seconds allowed for the grader's own cell (reading the answers), and the
#: grace period for an interrupted cell to stop
EXTRACT_TIMEOUT = 10
#: an integer answer has at most this many digits
MAX_INT_DIGITS = 30
#: a text answer is cut to this many characters
MAX_STR = 20000
#: the grader cell's output is read up to this many characters
MAX_PAYLOAD = 2_000_000


_DUMP = r'''
def _govlib_grader_dump(_spec_text, _nonce):
    import sys
    for _m in [m for m in list(sys.modules) if m == "json" or m.startswith("json.")]:
        del sys.modules[_m]
    import json
    ns = sys._getframe(0).f_globals
    tname = type.__dict__["__name__"].__get__

    def conv(v, depth=0):
        t = type(v)
        if v is None or t is bool:
            return {"v": v}
        if t is float:
            return {"v": v} if v == v and abs(v) != float("inf") else {"repr": "", "type": "float"}
        try:
            if issubclass(t, bool):
                return {"v": bool(int.__index__(v))}
            if issubclass(t, int):
                i = int.__index__(v)
                if i.bit_length() > 100:
                    return {"repr": "（位数过多的整数）", "type": "int"}
                return {"v": i}
            if issubclass(t, float):
                return conv(float.__float__(v), 1)
            if issubclass(t, str):
                return {"v": str.__str__(v)[:20000]}
            np = sys.modules.get("numpy")
            if depth == 0 and np is not None and issubclass(t, np.generic):
                return conv(v.item(), 1)
        except BaseException:
            pass
        return {"repr": "", "type": str(tname(t))[:60]}

    try:
        spec = json.loads(_spec_text)
        out = {"vars": {}, "params": {}}
        for group in ("vars", "params"):
            for name in spec[group]:
                try:
                    out[group][name] = conv(ns[name]) if name in ns else {"missing": True}
                except BaseException as e:
                    out[group][name] = {"missing": True, "error": type(e).__name__}
        text = json.dumps(out, ensure_ascii=True)
    except BaseException as e:
        text = json.dumps({"error": type(e).__name__})
    sys.stdout.write("\n<<govlib-grader " + _nonce + ">>" + text + "<<end " + _nonce + ">>\n")
    sys.stdout.flush()


_govlib_grader_dump(__SPEC__, __NONCE__)
del _govlib_grader_dump
'''


def extraction_source(variables, params, nonce: str) -> str:
    """Source of the cell the grader appends to read answers and parameter variables.

    Parameters
    ----------
    variables : iterable of str
        Answer variable names.
    params : iterable of str
        Parameter variable names (read only to report edits).
    nonce : str
        Random per-run marker (hex).
    """
    if not re.fullmatch(r"[0-9a-f]{16,64}", nonce):
        raise ValueError("nonce must be 16-64 lowercase hex digits")
    names = [n for n in list(variables) + list(params)]
    if not all(isinstance(n, str) and n.isidentifier() for n in names):
        raise ValueError("variable names must be identifiers")
    spec = json.dumps({"vars": sorted(set(variables)), "params": sorted(set(params))}, ensure_ascii=True)
    return _DUMP.replace("__SPEC__", repr(spec)).replace("__NONCE__", repr(nonce))


def validate_value(enc: Any) -> dict:
    """One encoded value read from a kernel, checked; anything unexpected becomes ``{"invalid": True}``.

    Accepted: ``{"v": x}`` with x None, bool, an int of at most
    :data:`MAX_INT_DIGITS` digits, a finite float or a str (cut to
    :data:`MAX_STR` characters, lone surrogates replaced);
    ``{"repr": str, "type": str}`` (an unreadable type, both cut short);
    ``{"missing": True}``.

    Examples
    --------
    >>> validate_value({"v": 41.11}), validate_value({"v": [1]}), validate_value({"v": 10 ** 40})
    ({'v': 41.11}, {'invalid': True}, {'invalid': True})
    """
    if type(enc) is not dict:
        return {"invalid": True}
    if set(enc) == {"v"}:
        v = enc["v"]
        t = type(v)
        if v is None or t is bool:
            return {"v": v}
        if t is int:
            return {"v": v} if abs(v) < 10 ** MAX_INT_DIGITS else {"invalid": True}
        if t is float:
            return {"v": v} if math.isfinite(v) else {"invalid": True}
        if t is str:
            return {"v": v[:MAX_STR].encode("utf-8", "replace").decode("utf-8")}
        return {"invalid": True}
    if set(enc) <= {"repr", "type"} and "type" in enc:
        r, ty = enc.get("repr", ""), enc["type"]
        if type(r) is str and type(ty) is str:
            return {"repr": r[:300].encode("utf-8", "replace").decode("utf-8"),
                    "type": ty[:60].encode("utf-8", "replace").decode("utf-8")}
        return {"invalid": True}
    if enc.get("missing") is True and set(enc) <= {"missing", "error"}:
        return {"missing": True}
    return {"invalid": True}


def validate_payload(data: Any, variables, params=()) -> dict | None:
    """The answers block, checked: only the names asked for, each value through :func:`validate_value`.

    Returns None when *data* is not a dict with ``vars`` and ``params`` dicts.
    Names not asked for are dropped; names asked for but absent are missing.
    """
    if type(data) is not dict or type(data.get("vars")) is not dict or type(data.get("params", {})) is not dict:
        return None
    vs, ps = data["vars"], data.get("params", {})
    return {"vars": {n: validate_value(vs[n]) if n in vs else {"missing": True} for n in variables},
            "params": {n: validate_value(ps[n]) if n in ps else {"missing": True} for n in params}}


def parse_payload(text: str, nonce: str, variables=None, params=()) -> tuple[dict | None, str]:
    """Read the grader cell's output.

    Returns
    -------
    (dict or None, str)
        The validated payload, or None and the reason (in Chinese).  Exactly
        one marked block with this run's nonce must be present.
    """
    text = (text or "")[:MAX_PAYLOAD]
    pat = re.compile(r"<<govlib-grader " + re.escape(nonce) + r">>(.*?)<<end " + re.escape(nonce) + r">>",
                     re.S)
    found = pat.findall(text)
    if len(found) != 1:
        return None, ("未能读取答案：评分单元没有输出" if not found
                      else "未能读取答案：评分单元的输出被篡改（标记出现多次）")
    try:
        data = json.loads(found[0])
    except (ValueError, RecursionError):
        return None, "未能读取答案：评分单元的输出无法解析"
    if type(data) is dict and "error" in data and "vars" not in data:
        return None, f"未能读取答案：评分单元出错（{str(data['error'])[:80]}）"
    if variables is None:
        variables = list(data.get("vars", {})) if type(data) is dict and type(data.get("vars")) is dict else []
        params = list(data.get("params", {})) if type(data) is dict and type(data.get("params")) is dict else []
    payload = validate_payload(data, variables, params)
    if payload is None:
        return None, "未能读取答案：评分单元的输出格式不对"
    return payload, ""


# ----------------------------------------------------------------------------
# running one notebook (inside the sandbox)
# ----------------------------------------------------------------------------

def _client_class():
    from nbclient import NotebookClient

    class _GraderClient(NotebookClient):
        """Keeps only error outputs of student cells, and every output of the grader's own cell.

        ``output`` is NotebookClient's public per-message hook; dropping
        student output keeps memory flat whatever a notebook prints.
        """

        keep_cell = -1

        def output(self, outs, msg, display_id, cell_index):
            if cell_index != self.keep_cell and msg.get("msg_type") != "error":
                return None
            return super().output(outs, msg, display_id, cell_index)

    return _GraderClient


def run_notebook(sources: list[str], *, variables, params=(), timeout: float, cwd: str | Path,
                 extract_timeout: float = EXTRACT_TIMEOUT, kernel_name: str = "python3",
                 env: dict | None = None, on_started=None) -> dict:
    """Run code cells in a fresh kernel and read the answers.

    Parameters
    ----------
    sources : list of str
        The code cells' sources.
    variables, params : iterable of str
        Answer variables and parameter variables to read.
    timeout : float
        Seconds for all the cells together (kernel start-up not included).
    cwd : path
        Working folder of the kernel.
    extract_timeout : float
        Seconds for the grader's own cell.
    kernel_name : str
        Kernel to start.
    env : dict, optional
        The kernel's environment.
    on_started : callable, optional
        Called with the monotonic time by which the cells must be done, once
        the kernel is up (the runner's watchdog uses it).

    Returns
    -------
    dict
        ``status`` (ok, errors, timeout, died), ``problems`` (Chinese) and
        ``payload`` (validated answers, or None).
    """
    import subprocess

    import nbformat
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    variables, params = list(variables), list(params)
    nonce = secrets.token_hex(16)
    work = nbformat.v4.new_notebook()
    work.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    work.cells.append(nbformat.v4.new_code_cell(extraction_source(variables, params, nonce)))
    last = len(work.cells) - 1
    client = _client_class()(work, kernel_name=kernel_name, timeout=max(1, math.ceil(timeout)),
                             interrupt_on_timeout=True, allow_errors=True, shutdown_kernel="immediate",
                             extra_arguments=["--HistoryManager.enabled=False"],
                             startup_timeout=60, iopub_timeout=4, resources={"metadata": {"path": str(cwd)}})
    client.keep_cell = last
    status, problems, errors = "ok", [], []
    payload = None
    i = 0
    with client.setup_kernel(env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        deadline = time.monotonic() + timeout
        if on_started is not None:
            on_started(deadline)
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
            except DeadKernelError:
                status = "died"
                break
            except CellTimeoutError:  # pragma: no cover - interrupt_on_timeout does not raise
                status = "timeout"
                break
            if time.monotonic() >= deadline:
                status = "timeout"
                break
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    errors.append(f"第{i + 1}个代码单元出错：{str(out.get('ename', ''))[:60]}: "
                                  f"{str(out.get('evalue', ''))[:120]}")
                    break
        if status == "timeout":
            problems.append(f"超时：第{i + 1}个代码单元运行时超过 {timeout:g} 秒，已中断；之后的单元没有运行")
        if status == "died":
            problems.append(f"内核在第{i + 1}个代码单元崩溃，无法读取答案")
        else:
            client.timeout = max(1, math.ceil(extract_timeout))
            cell = work.cells[last]
            try:
                client.execute_cell(cell, last)
                text = "".join(str(o.get("text", "")) for o in cell.get("outputs", [])
                               if o.get("output_type") == "stream" and o.get("name") == "stdout")
                payload, why = parse_payload(text, nonce, variables, params)
                if payload is None:
                    problems.append(why)
            except DeadKernelError:
                status = "died"
                problems.append("读取答案时内核崩溃")
    if errors and status == "ok":
        status = "errors"
    if errors:
        problems.extend(errors[:5])
        if len(errors) > 5:
            problems.append(f"……另有 {len(errors) - 5} 个单元出错")
    return {"status": status, "problems": problems, "payload": payload}
