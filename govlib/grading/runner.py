"""The program that runs one submission inside the sandbox: ``python -P -s -m govlib.grading.runner``.

Started by :mod:`govlib.grading.sandbox`, never by hand.  Protocol:

1. the grader writes one JSON object to the runner's standard input and
   closes it: the code cells, the names to read, the time limits, the
   resource limits, the number of the inherited file descriptor to write the
   result to, and a *channel nonce*; the runner reads it all before any
   student code exists, so nothing else can read it later;
2. the runner makes itself non-dumpable (``prctl(PR_SET_DUMPABLE, 0)``):
   processes of the same user -- the student's kernel -- can then neither
   ptrace it, nor read its memory, nor open its file descriptors through
   ``/proc/<pid>/fd``; it also sets ``no_new_privs`` and the resource limits
   (memory, CPU time, file size, processes), which the kernel inherits;
3. it runs the cells with :func:`govlib.grading.kernel.run_notebook` (the
   kernel does not inherit the result descriptor);
4. it writes ``{"nonce": …, "result": …}`` to the result descriptor and
   exits.  A watchdog thread writes a time-out result and ends the process
   (and with it the sandbox) if the kernel cannot be stopped.

Only standard-library modules and nbclient are imported; nothing heavy.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time

__all__ = ["main", "set_limits", "harden"]

_PR_SET_DUMPABLE = 4
_PR_SET_NO_NEW_PRIVS = 38


def harden() -> None:
    """Make this process non-dumpable and unable to gain privileges (Linux; no-op elsewhere)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
        libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def set_limits(limits: dict) -> None:
    """Apply resource limits (inherited by the kernel): ``memory`` bytes of address space,
    ``cpu`` seconds, ``fsize`` bytes per file, ``nproc`` processes/threads of this user."""
    import resource

    table = {"memory": resource.RLIMIT_AS, "cpu": resource.RLIMIT_CPU, "fsize": resource.RLIMIT_FSIZE,
             "nproc": resource.RLIMIT_NPROC, "core": resource.RLIMIT_CORE}
    for key, res in table.items():
        value = limits.get(key)
        if value is None:
            continue
        soft, hard = resource.getrlimit(res)
        value = int(value)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        try:
            resource.setrlimit(res, (value, value))
        except (ValueError, OSError):  # pragma: no cover - a limit the system refuses
            pass


def _seed_home(cfg: dict) -> None:
    """Create the kernel's folders in the fresh HOME; copy the matplotlib font cache if given."""
    import shutil

    for key in ("MPLCONFIGDIR", "IPYTHONDIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR"):
        d = os.environ.get(key)
        if d:
            os.makedirs(d, exist_ok=True)
    src, dst = cfg.get("mpl_cache"), os.environ.get("MPLCONFIGDIR")
    if src and dst and os.path.isdir(src):
        for name in os.listdir(src):
            if name.startswith("fontlist") and name.endswith(".json"):
                try:
                    shutil.copyfile(os.path.join(src, name), os.path.join(dst, name))
                except OSError:
                    pass


def main() -> int:
    harden()  # first: in the sandbox this process is the init (pid 1), which the kernel must not ptrace
    cfg = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    sys.stdin.close()
    try:
        os.close(0)
    except OSError:
        pass
    fd = int(cfg["result_fd"])
    lock = threading.Lock()
    written = []

    def emit(result: dict) -> None:
        with lock:
            if written:
                return
            data = json.dumps({"nonce": cfg["nonce"], "result": result}, ensure_ascii=True).encode("ascii")
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            os.close(fd)
            written.append(True)

    hard = threading.Event()
    deadline: list[float] = []

    def watchdog() -> None:
        while not deadline:
            if hard.wait(0.2):
                return
        grace = float(cfg["extract_timeout"]) * 2 + 2
        while time.monotonic() < deadline[0] + grace:
            if hard.wait(0.2):
                return
        emit({"status": "timeout", "payload": None,
              "problems": [f"超时：笔记本运行超过 {float(cfg['timeout']):g} 秒，中断无效，已强制结束：未能读取答案"]})
        os._exit(0)

    threading.Thread(target=watchdog, daemon=True).start()
    set_limits(cfg.get("limits") or {})
    work = cfg["cwd"]
    os.makedirs(work, exist_ok=True)
    _seed_home(cfg)
    if cfg.get("notebook"):
        with open(os.path.join(work, "submission.ipynb"), "w", encoding="utf-8") as fh:
            fh.write(cfg["notebook"])
    from govlib.grading.kernel import run_notebook

    try:
        res = run_notebook(cfg["sources"], variables=cfg["variables"], params=cfg["params"],
                           timeout=float(cfg["timeout"]), cwd=work, extract_timeout=float(cfg["extract_timeout"]),
                           env=dict(os.environ), on_started=deadline.append)
    except BaseException as exc:  # noqa: BLE001 - report, whatever it was
        res = {"status": "died", "payload": None,
               "problems": [f"内核无法启动或运行中断：{type(exc).__name__}: {str(exc)[:160]}"]}
    hard.set()
    emit(res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
