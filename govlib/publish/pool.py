"""The worker pool: run jobs in forkserver processes, one fresh kernel per job, report each result.

A worker that dies (killed, out of memory) fails its job with ``WorkerDied``
and its log is kept; Ctrl-C stops every worker and sweeps temporary files,
so nothing half-written is left (every output is written under a temporary
name and renamed).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable

from govlib.publish import cache
from govlib.publish.execute import KERNEL_ENV, Job

__all__ = ["run_pool", "worker_env"]



class _no_main_module:
    """Start worker processes without re-running the caller's ``__main__``.

    multiprocessing re-imports the parent's main script in each child (so a
    script calling :func:`run_build` without an ``if __name__ == "__main__"``
    guard would build recursively).  The workers need nothing from it, so
    ``__main__`` is swapped for an empty module while they start.
    """

    def __enter__(self):
        import types

        self.saved = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")
        return self

    def __exit__(self, *exc):
        if self.saved is not None:
            sys.modules["__main__"] = self.saved
        return False


def worker_env(base=None) -> dict[str, str]:
    """The environment of the build's workers and kernels: *base* (``os.environ``) with :data:`KERNEL_ENV`.

    ``GOVLIB_FIGURE_CACHE`` is dropped: a build draws every chart (:mod:`govlib.figcache`).
    """
    from govlib.figcache import ENV

    base = os.environ if base is None else base
    env = {k: v for k, v in base.items() if k != ENV}
    env.update({k: base.get(k, v) if k == "SOURCE_DATE_EPOCH" else v for k, v in KERNEL_ENV.items()})
    return env


def run_pool(jobs: list[Job], n: int, progress, on_result: Callable[[dict], None], out: Path) -> None:
    """Run *jobs* in *n* spawned worker processes; call *on_result* for each result."""
    import multiprocessing as mp
    import queue
    import tempfile

    from govlib.publish.execute import worker_main

    # forkserver: the heavy imports (nbformat/jsonschema, nbconvert, papermill,
    # jupytext) happen once in the server; workers fork from it ready to go.
    # The server is a fresh process, so no thread of ours is forked.
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["govlib.publish.execute", "govlib.publish.editions", "jupytext", "nbconvert",
                                "papermill", "nbclient", "opencc"])
    task_q, result_q = ctx.Queue(), ctx.Queue()
    env = worker_env()
    logs: list[str] = []
    procs = []
    with _no_main_module():
        for _ in range(n):
            fd, log = tempfile.mkstemp(prefix="govlib-build-worker-", suffix=".log")
            os.close(fd)
            logs.append(log)
            p = ctx.Process(target=worker_main, args=(task_q, result_q, env, log), daemon=True)
            p.start()
            procs.append(p)
    by_key = {j.key: j for j in jobs}
    for j in jobs:
        task_q.put(j)
    for _ in procs:
        task_q.put(None)
    pending = set(by_key)
    keep_logs = False
    running: dict[str, int] = {}
    pid_log = {}
    try:
        while pending:
            try:
                msg = result_q.get(timeout=0.25)
            except queue.Empty:
                alive = {p.pid for p in procs if p.is_alive()}
                for key, pid in list(running.items()):
                    if pid not in alive:
                        keep_logs = True
                        running.pop(key)
                        pending.discard(key)
                        code = next((p.exitcode for p in procs if p.pid == pid), None)
                        j = by_key[key]
                        on_result({"key": key, "lesson": j.lesson, "params": j.set_name, "status": "failed",
                                   "seconds": 0.0, "artifacts": [], "figures": [],
                                   "failure": {"cell": None, "cell_label": "（工作进程）", "ename": "WorkerDied",
                                               "evalue": f"运行这一课的工作进程意外退出（退出码 {code}）",
                                               "detail": "", "notebook": None}})
                if pending and not alive:
                    keep_logs = True
                    for key in sorted(pending):
                        j = by_key[key]
                        on_result({"key": key, "lesson": j.lesson, "params": j.set_name, "status": "failed",
                                   "seconds": 0.0, "artifacts": [], "figures": [],
                                   "failure": {"cell": None, "cell_label": "（工作进程）", "ename": "WorkerDied",
                                               "evalue": "已没有工作进程可以运行它；原因见日志 "
                                                         + "、".join(logs), "detail": "", "notebook": None}})
                    pending.clear()
                continue
            kind, key = msg[0], msg[1]
            if kind == "start":
                running[key] = msg[2]
                pid_log[key] = msg[2]
                progress.start(key)
            elif kind == "done":
                running.pop(key, None)
                if key in pending:
                    pending.discard(key)
                    on_result(msg[2])
        for p in procs:
            p.join(timeout=30)
    except BaseException:
        # Ctrl-C or an error here: stop the workers now.  Every output is written
        # to a temporary name and renamed, so nothing half-written is left once
        # the temporary files are swept.  Kernels exit with their parent.
        for p in procs:
            if p.is_alive():
                p.terminate()
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()
                p.join(timeout=5)
        cache.sweep_tmp(out)
        raise
    finally:
        for q in (task_q, result_q):
            q.cancel_join_thread()
            q.close()
        for log in logs if not keep_logs else []:
            try:
                os.unlink(log)
            except OSError:
                pass
