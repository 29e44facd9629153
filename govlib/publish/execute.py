"""Execute one lesson x parameter set with papermill and write its editions.

This module runs inside the build's worker processes (see
:mod:`govlib.publish.runner`).  Each job gets a fresh ``python3`` kernel
(papermill + nbclient, ``shutdown_kernel="immediate"``, no per-cell timing,
streams coalesced) and renders every edition from that one execution.  All
files are written to temporary names first and renamed into place only when
every edition has rendered, so a failure or an interruption leaves the last
good outputs untouched.

Kernels inherit a fixed environment (:data:`KERNEL_ENV`): ``SOURCE_DATE_EPOCH``,
``PYTHONHASHSEED=0``, ``TZ=UTC`` and single-threaded BLAS, so results do not
depend on the machine's clock, hash seed or ``-j``.
"""

from __future__ import annotations

import copy
import os
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govlib.publish.cache import TMP_SUFFIX, sha256_bytes
from govlib.publish.outputs import OUTPUTS, baseline_only, edition_files

__all__ = ["Job", "KERNEL_ENV", "run_job", "worker_main", "edition_files"]

#: environment every lesson kernel runs with
KERNEL_ENV = {
    "SOURCE_DATE_EPOCH": "1704067200",  # 2024-01-01T00:00:00Z, unless already set
    "PYTHONHASHSEED": "0",
    "TZ": "UTC",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    "JUPYTER_PLATFORM_DIRS": "1",
    "GOVLIB_BUILD": "1",
    # figures inline even when the parent set another backend (tests use Agg)
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
}

#: edition -> file name inside lessons/<lesson>/<params>/ (from the registry in govlib.publish.outputs)
EDITION_FILES = {ed: o.filename for ed, o in OUTPUTS.items()}

#: the kernel loads this extension: charts carry a Traditional Chinese render (govlib.publish.charts)
KERNEL_ARGS = [] if baseline_only() else ["--ext=govlib.publish.charts"]


def failed_path(lesson: str, set_name: str) -> str:
    """Where the executed notebook of a failed run is kept (relative to the output folder)."""
    return f"_failed/{lesson}/{set_name}.ipynb"


@dataclass
class Job:
    """One lesson x parameter set to execute (picklable; sent to a worker)."""

    lesson: str
    set_name: str
    notebook: str
    values: dict[str, Any]
    input_hash: str
    out: str
    course_title: str
    lesson_title: str
    params_source: str
    timeout: int | None = 600
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.lesson}/{self.set_name}"


# --------------------------------------------------------------------------- papermill engine

_ENGINE_NAME = "govlib"


def _register_engine() -> None:
    """Register a papermill engine that keeps a handle on the notebook it executes.

    papermill raises on a cell error without returning the notebook when no
    output path is given; the engine keeps it so the failed notebook can be
    saved for inspection (papermill's error markers included).
    """
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.exceptions import PapermillException

    try:
        papermill_engines.get_engine(_ENGINE_NAME)
        return
    except PapermillException:
        pass

    class GovlibEngine(NBClientEngine):
        last_nb = None

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            GovlibEngine.last_nb = nb_man.nb
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    papermill_engines.register(_ENGINE_NAME, GovlibEngine)


def _engine_last_nb():
    from papermill.engines import papermill_engines

    return papermill_engines.get_engine(_ENGINE_NAME).last_nb


# --------------------------------------------------------------------------- one job


def _write_all(out: Path, files: dict[str, bytes]) -> None:
    """Write every file to a temporary name, then rename them all into place."""
    tmps: list[tuple[Path, Path]] = []
    try:
        for rel, data in files.items():
            dest = out / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_name(f".{dest.name}.{os.getpid()}{TMP_SUFFIX}")
            with open(tmp, "wb") as fh:
                fh.write(data)
            tmps.append((tmp, dest))
        for tmp, dest in tmps:
            os.replace(tmp, dest)
    finally:
        for tmp, _ in tmps:
            if tmp.exists():
                try:
                    tmp.unlink()
                except OSError:
                    pass


def _failure(job: Job, t0: float, *, cell: int | None, cell_label: str, ename: str, evalue: str,
             detail: str = "", kept: str | None = None) -> dict:
    return {
        "key": job.key, "lesson": job.lesson, "params": job.set_name, "status": "failed",
        "seconds": round(time.monotonic() - t0, 3), "artifacts": [], "figures": [],
        "failure": {"cell": cell, "cell_label": cell_label, "ename": ename, "evalue": evalue,
                    "detail": detail, "notebook": kept},
    }


#: what jupyter_client says when a new kernel exits before it answered: nothing of the notebook has run
_KERNEL_START_FAILED = "Kernel died before replying to kernel_info"


def retry_kernel_start(run, attempts: int = 2):
    """Call *run*; if the kernel died while starting (before any cell ran), start it again.

    A loaded 2-core machine occasionally loses a kernel during start-up.  No
    cell has run then, so running again changes nothing; any other error,
    and the last attempt's, propagates unchanged.
    """
    for i in range(attempts):
        try:
            return run()
        except RuntimeError as exc:
            if _KERNEL_START_FAILED not in str(exc) or i == attempts - 1:
                raise


def _running_cell(nb, name: str) -> tuple[int | None, str]:
    """The cell papermill was running when the time ran out: (1-based number, label).

    papermill marks every cell ``pending`` before the run and ``completed`` once it is left, even by a
    time-out, so the cell that ran out of time is the last one no longer ``pending``.
    """
    last = None
    for cell in (nb.cells if nb is not None else []):
        if cell.get("metadata", {}).get("papermill", {}).get("status", "pending") == "pending":
            break
        last = cell
    if last is None:
        return None, "（超时）"
    cid = str(last.get("id", ""))
    if cid.startswith("src-"):
        n = int(cid[4:]) + 1
        return n, f"{name} 的第 {n} 个单元"
    return None, "注入的参数单元"


def run_job(job: Job) -> dict:
    """Execute *job* and write its editions; return a result record (never raises)."""
    t0 = time.monotonic()
    out = Path(job.out)
    try:
        import jupytext
        import nbformat
        import papermill as pm
        from nbclient.exceptions import CellTimeoutError
        from papermill.exceptions import PapermillExecutionError

        from govlib.publish import editions as ed

        nb_path = Path(job.notebook)
        nb = jupytext.read(nb_path)
        pcells = [c for c in nb.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])]
        if len(pcells) != 1 or pcells[0].source.strip() != job.params_source.strip():
            return _failure(job, t0, cell=None, cell_label="参数单元", ename="ParameterError",
                            evalue=f"{nb_path.name}：jupytext 读到的参数单元与构建前检查的不同"
                                   f"（带 `parameters` 标签的单元有 {len(pcells)} 个）")
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                     "language": "python"}
        for i, cell in enumerate(nb.cells):
            cell["id"] = f"src-{i}"
        _register_engine()
        meta = {"lesson": job.lesson, "params": job.set_name, "values": job.values}
        try:
            executed = retry_kernel_start(lambda: pm.execute_notebook(
                copy.deepcopy(nb), None, parameters=job.values, engine_name=_ENGINE_NAME, kernel_name="python3",
                progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                cwd=str(nb_path.parent), start_timeout=120, execution_timeout=job.timeout,
                record_timing=False, coalesce_streams=True, shutdown_kernel="immediate",
                extra_arguments=KERNEL_ARGS))
        except PapermillExecutionError as exc:
            failed = _engine_last_nb()
            kept = None
            cell_no, label = None, f"In [{exc.exec_count}]"
            if failed is not None:
                for cell in failed.cells:
                    if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                        cid = str(cell.get("id", ""))
                        if cid.startswith("src-"):
                            cell_no = int(cid[4:]) + 1
                            label = f"{nb_path.name} 的第 {cell_no} 个单元（In [{exc.exec_count}]）"
                        elif "injected-parameters" in cell.metadata.get("tags", []):
                            label = f"注入的参数单元（In [{exc.exec_count}]）"
                        break
                kept = failed_path(job.lesson, job.set_name)
                fnb = ed.normalise(failed, meta=meta, keep_error_markers=True)
                _write_all(out, {kept: (nbformat.writes(fnb) + "\n").encode()})
            tb = "\n".join(exc.traceback or [])
            return _failure(job, t0, cell=cell_no, cell_label=label, ename=exc.ename,
                            evalue=str(exc.evalue), detail=_strip_ansi(tb), kept=kept)
        except CellTimeoutError:
            cell_no, label = _running_cell(_engine_last_nb(), nb_path.name)
            where = f"第 {cell_no} 个单元" if cell_no else "某个单元"
            return _failure(job, t0, cell=cell_no, cell_label=label, ename="CellTimeoutError",
                            evalue=f"{where}运行超过 {job.timeout} 秒，已停止（可用 --cell-timeout 调整上限）")

        clean = ed.normalise(executed, meta=meta)
        from govlib.publish.outputs import Context, OfflineError, render_all

        ctx = Context(clean=clean, lesson=job.lesson, set_name=job.set_name, values=job.values,
                      resolved=job.extra.get("resolved"),
                      course_title=job.course_title, lesson_title=job.lesson_title, notebook_dir=nb_path.parent,
                      objectives=job.extra.get("objectives"), minutes=job.extra.get("minutes"),
                      description=job.extra.get("description", ""), notebook=nb_path)
        try:
            rendered = render_all(ctx)
        except OfflineError as exc:
            return _failure(job, t0, cell=None, cell_label="（输出）", ename="OfflineError", evalue=str(exc))
        names = edition_files(job.lesson, job.set_name)
        files = {names[k]: v for k, v in rendered.items()}
        _write_all(out, files)
        stale = out / failed_path(job.lesson, job.set_name)
        if stale.exists():
            stale.unlink()
            for folder in (stale.parent, stale.parent.parent):  # _failed/<lesson>, _failed: ours, if now empty
                try:
                    folder.rmdir()
                except OSError:
                    break
        artifacts = [{"edition": ed_name, "path": names[ed_name], "sha256": sha256_bytes(files[names[ed_name]])}
                     for ed_name in names]
        return {"key": job.key, "lesson": job.lesson, "params": job.set_name, "status": "executed",
                "seconds": round(time.monotonic() - t0, 3), "artifacts": artifacts,
                "figures": ed.figure_ids(clean), "failure": None}
    except Exception as exc:  # kernel died, timeout, template error ...
        return _failure(job, t0, cell=None, cell_label="（构建）", ename=type(exc).__name__,
                        evalue=str(exc).strip()[:2000], detail=traceback.format_exc())


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


# --------------------------------------------------------------------------- worker process


def worker_main(task_q, result_q, env: dict[str, str], log_path: str | None) -> None:
    """Body of a worker process: take jobs from *task_q* until ``None``; report on *result_q*.

    The worker ignores SIGINT (the parent decides what an interrupt means) and
    sends kernel output on stderr/stdout to *log_path*.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.clear()
    os.environ.update(env)
    if log_path:
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
    import logging

    logging.getLogger("papermill").setLevel(logging.ERROR)
    # warm up: import what every job needs while the parent is still queueing
    import jupytext  # noqa: F401
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401

    from govlib.publish import editions

    editions._exporter()
    while True:
        job = task_q.get()
        if job is None:
            break
        result_q.put(("start", job.key, os.getpid()))
        size = os.path.getsize(log_path) if log_path and os.path.exists(log_path) else 0
        result = run_job(job)
        if result["failure"] and result["failure"]["cell"] is None and log_path:
            # a kernel that died or would not start says why on its stderr
            try:
                with open(log_path, "rb") as fh:
                    fh.seek(size)
                    tail = fh.read().decode("utf-8", "replace").splitlines()[-30:]
            except OSError:
                tail = []
            if tail:
                result["failure"]["detail"] += "\n--- 内核与工作进程的输出 ---\n" + "\n".join(tail)
        result_q.put(("done", job.key, result))
