"""Run one notebook in a fresh kernel and read its answers with a cell of the grader's own.

The notebook's code cells run in order, errors allowed, within one time
limit for the whole notebook (kernel start-up not counted).  When the limit
is hit the kernel is interrupted; if the interrupted cell does not stop
within a grace period the kernel is killed.  Then one extra cell, appended
by the grader, writes the answer variables and the parameter values the
exercises need as JSON between two markers that carry a random per-run
nonce; only that cell's output is parsed, so nothing a notebook printed
(nor a redefined ``check``, ``print`` or ``json``) can stand in for it.

Values that are not plain JSON (after turning numpy/pandas scalars into
Python ones) are sent as their ``repr`` and later graded as wrong.
"""

from __future__ import annotations

import json
import math
import os
import re
import secrets
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from govlib.grading.files import code_sources

__all__ = ["EXTRACT_TIMEOUT", "RunResult", "extraction_source", "parse_payload", "run_notebook"]

#: seconds allowed for the grader's own cell (reading the answers), and the
#: grace period for an interrupted cell to stop
EXTRACT_TIMEOUT = 10


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
    sources = code_sources(nb)
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
