"""What one student costs, in CPU-seconds, from a cold JupyterLab to the lesson's first ``check()``.

No hub is needed: the script starts JupyterLab the way a student's single-user server runs
(the course's ``jupyter/`` configuration), opens each lesson's student notebook (default set,
as ``govlib student`` writes it), starts a kernel through the REST API and runs its code cells
over the kernel websocket, as JupyterLab does, up to and including the first ``check(...)``.

Per lesson it prints CPU-seconds (user + system, read from /proc through psutil) split into

- **server**: the JupyterLab server starting, plus what it spends relaying this lesson;
- **kernel + imports**: the kernel process starting and running the cells up to ``govlib.setup()``;
- **cells to check**: the kernel running the remaining cells up to the first ``check()``;

and the ratio of the whole to the **floor**: a bare JupyterLab (no course configuration) plus a
kernel that imports pandas and matplotlib (``%matplotlib inline``) and nothing else.

CPU-seconds, not wall time, are the figures to compare: on a shared, busy machine wall time
measures the neighbours, CPU time what a student's processes themselves need.  The script's own
CPU (the simulated browser) is counted apart and printed, never mixed in.  A websocket connection
that drops is opened again once and the retry is reported.

Run from the repository::

    .venv/bin/python benchmarks/student_cost.py [--lesson quanzhou-survey xiamen-127 | --lesson all] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import requests
import websocket

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FLOOR_CODE = "import pandas as pd\nimport matplotlib.pyplot as plt\n%matplotlib inline\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(proc: psutil.Process) -> float:
    """User + system CPU time of one process (not its children)."""
    t = proc.cpu_times()
    return t.user + t.system


@dataclass
class Lab:
    """A JupyterLab server on 127.0.0.1, started in *root* with *config_dir* as JUPYTER_CONFIG_DIR."""

    root: Path
    config_dir: Path
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    port: int = field(default_factory=_free_port)
    start_cpu: float = 0.0

    def __post_init__(self):
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(self.config_dir),
                   JUPYTER_RUNTIME_DIR=str(self.root / ".runtime"), JUPYTER_DATA_DIR=str(self.root / ".data"),
                   JUPYTERLAB_SETTINGS_DIR=str(self.root / ".lab-settings"),
                   JUPYTERLAB_WORKSPACES_DIR=str(self.root / ".lab-workspaces"))
        self.log = open(self.root / "lab.log", "w")
        self.proc = subprocess.Popen(
            [str(BIN / "jupyter-lab"), "--no-browser", f"--port={self.port}", "--ip=127.0.0.1",
             f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
             *(["--allow-root"] if os.geteuid() == 0 else [])],
            cwd=self.root, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.ps = psutil.Process(self.proc.pid)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 300
        while True:
            try:
                if requests.get(f"{self.base}/api/status", headers=self.auth, timeout=5).ok:
                    break
            except requests.RequestException:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("JupyterLab did not start:\n" + (self.root / "lab.log").read_text()[-3000:])
            time.sleep(0.3)
        # what a student's browser asks for first: the lab page itself
        requests.get(f"{self.base}/lab", headers=self.auth, timeout=60).raise_for_status()
        self.start_cpu = cpu_seconds(self.ps)

    @property
    def auth(self) -> dict:
        return {"Authorization": f"token {self.token}"}

    def cpu(self) -> float:
        return cpu_seconds(self.ps)

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.log.close()


class KernelChannel:
    """A kernel's websocket, reopened once if the connection drops (``retries`` counts it)."""

    def __init__(self, url: str, headers: list[str], timeout: float):
        self.url, self.headers, self.timeout = url, headers, timeout
        self.retries = 0
        self.ws = websocket.create_connection(url, header=headers, timeout=timeout)

    def _reopen(self) -> None:
        if self.retries:
            raise ConnectionError("kernel websocket dropped twice")
        self.retries += 1
        try:
            self.ws.close()
        except Exception:  # noqa: BLE001 -- already broken
            pass
        self.ws = websocket.create_connection(self.url, header=self.headers, timeout=self.timeout)

    def execute(self, code: str, session: str) -> tuple[str, list[str]]:
        """Run *code*; return (status, texts of its outputs).  A drop re-sends the cell once."""
        try:
            return _execute(self.ws, code, session, self.timeout)
        except (websocket.WebSocketException, ConnectionError, OSError):
            self._reopen()
            return _execute(self.ws, code, session, self.timeout)

    def close(self) -> None:
        self.ws.close()


def _execute(ws, code: str, session: str, timeout: float) -> tuple[str, list[str]]:
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "username": "student", "session": session, "msg_type": "execute_request",
                   "version": "5.3", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True}}))
    texts: list[str] = []
    status, idle = None, False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ws.settimeout(max(1.0, deadline - time.monotonic()))
        msg = json.loads(ws.recv())
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = msg.get("msg_type")
        if kind == "stream":
            texts.append(msg["content"]["text"])
        elif kind in ("display_data", "execute_result"):
            texts.append(msg["content"]["data"].get("text/plain", ""))
        elif kind == "error":
            texts.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")
        elif kind == "execute_reply":
            status = msg["content"]["status"]
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            idle = True
        if status and idle:
            return status, texts
    raise TimeoutError(f"cell did not finish in {timeout:.0f}s")


@dataclass
class Run:
    """CPU-seconds of one notebook run in a fresh kernel."""

    kernel_start: float           # kernel process until its first reply
    imports: float                # cells up to and including govlib.setup() (or the floor's imports)
    to_check: float               # the cells after that, up to and including the first check()
    server: float                 # the server's CPU while this kernel ran
    cells: int                    # code cells run
    retries: int
    feedback: str = ""


def _kernel_process(lab: Lab, kernel_id: str) -> psutil.Process:
    for child in lab.ps.children(recursive=True):
        try:
            if any(kernel_id in part for part in child.cmdline()):
                return child
        except psutil.Error:
            continue
    raise RuntimeError(f"no kernel process for {kernel_id}")


def run_notebook(lab: Lab, nb_file: str | None, timeout: float, *, code: str | None = None) -> Run:
    """Open *nb_file* (or run the single cell *code*) in a fresh kernel, as JupyterLab does."""
    server0 = lab.cpu()
    if nb_file:
        r = requests.get(f"{lab.base}/api/contents/{nb_file}?content=1", headers=lab.auth, timeout=120)
        r.raise_for_status()
        cells = [("".join(c["source"]) if isinstance(c["source"], list) else c["source"])
                 for c in r.json()["content"]["cells"] if c["cell_type"] == "code"]
        path = nb_file
    else:
        cells, path = [code], "floor.ipynb"
    sess = requests.post(f"{lab.base}/api/sessions", headers=lab.auth, timeout=120,
                         json={"path": path, "type": "notebook", "name": path, "kernel": {"name": "python3"}})
    sess.raise_for_status()
    sess = sess.json()
    kid = sess["kernel"]["id"]
    ch = KernelChannel(f"ws://127.0.0.1:{lab.port}/api/kernels/{kid}/channels",
                       [f"Authorization: token {lab.token}"], timeout)
    kproc = _kernel_process(lab, kid)
    try:
        ch.execute("", sess["id"])                  # the kernel answers: started
        k_start = cpu_seconds(kproc)
        k_imports = None
        feedback, n = "", 0
        for src in cells:
            n += 1
            status, texts = ch.execute(src, sess["id"])
            if status != "ok":
                raise RuntimeError(f"{nb_file}: code cell {n} failed: {' '.join(texts)[-400:]}")
            if k_imports is None and (".setup(" in src or code is not None):
                k_imports = cpu_seconds(kproc)
            if "check(" in src:
                feedback = "".join(texts).strip()
                break
        k_end = cpu_seconds(kproc)
    finally:
        ch.close()
        requests.delete(f"{lab.base}/api/sessions/{sess['id']}", headers=lab.auth, timeout=60)
    if nb_file and "【" not in feedback:
        raise RuntimeError(f"{nb_file}: no feedback from the first check(): {feedback[-200:]!r}")
    k_imports = k_start if k_imports is None else k_imports
    return Run(kernel_start=k_start, imports=k_imports - k_start, to_check=k_end - k_imports,
               server=lab.cpu() - server0, cells=n, retries=ch.retries, feedback=feedback[:50])


def _student_notebooks(folder: Path, lessons: list[str]) -> None:
    from govlib.student import write_student

    for les in lessons:
        write_student(les, "default", folder)


def floor_once(timeout: float = 600) -> tuple[float, float]:
    """(server, kernel) CPU-seconds of one bare JupyterLab plus a kernel importing pandas and matplotlib."""
    work = Path(tempfile.mkdtemp(prefix="govlib-floor-"))
    try:
        (work / "config").mkdir()
        (work / "root").mkdir()
        lab = Lab(work / "root", work / "config")
        try:
            f = run_notebook(lab, None, timeout, code=FLOOR_CODE)
            return lab.start_cpu + f.server, f.kernel_start + f.imports
        finally:
            lab.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(lessons: list[str], repeat: int, timeout: float) -> dict:
    """Median over *repeat* rounds of the floor and of each lesson's CPU-seconds."""
    floor_rounds, lesson_rounds = [], {les: [] for les in lessons}
    for _ in range(repeat):
        work = Path(tempfile.mkdtemp(prefix="govlib-cost-"))
        try:
            bare_cfg = work / "bare-config"
            bare_cfg.mkdir()
            bare = work / "bare"
            bare.mkdir()
            lab = Lab(bare, bare_cfg)
            try:
                f = run_notebook(lab, None, timeout, code=FLOOR_CODE)
                floor_rounds.append((lab.start_cpu, f))
            finally:
                lab.stop()
            course = work / "course"
            course.mkdir()
            _student_notebooks(course, lessons)
            lab = Lab(course, REPO / "jupyter")
            try:
                for les in lessons:
                    lesson_rounds[les].append((lab.start_cpu, run_notebook(lab, f"{les}.ipynb", timeout)))
            finally:
                lab.stop()
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return {"floor": floor_rounds, "lessons": lesson_rounds}


def _med(rounds, fn) -> float:
    return statistics.median(fn(start, run) for start, run in rounds)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lesson", nargs="+", default=["quanzhou-survey", "xiamen-127"],
                    help="lesson ids, or 'all' (every lesson of course/course.yml)")
    ap.add_argument("--repeat", type=int, default=3, help="rounds; each figure is the median of the rounds")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per cell before giving up")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args(argv)
    lessons = args.lesson
    if lessons == ["all"]:
        from govlib.student import lesson_choices

        lessons = list(lesson_choices())
    load = psutil.getloadavg()
    print(f"machine: {psutil.cpu_count()} CPU, load average {load[0]:.1f}; {args.repeat} rounds, medians; "
          "CPU-seconds (user+system) of the server and kernel processes, not wall time")
    client0 = resource.getrusage(resource.RUSAGE_SELF)
    res = measure(lessons, args.repeat, args.timeout)
    client1 = resource.getrusage(resource.RUSAGE_SELF)
    fl = res["floor"]
    floor_server = _med(fl, lambda s, r: s + r.server)
    floor_kernel = _med(fl, lambda s, r: r.kernel_start + r.imports)
    floor = floor_server + floor_kernel
    print(f"\nfloor (bare JupyterLab + kernel importing pandas, matplotlib): {floor:.2f} CPU-s = "
          f"server {floor_server:.2f} + kernel {floor_kernel:.2f}")
    print(f"\n{'lesson':<18} {'server':>7} {'kernel':>7} {'imports':>8} {'to check':>9} {'total':>7} "
          f"{'x floor':>8} {'cells':>6} {'retries':>8}")
    out = {"floor": {"server": floor_server, "kernel": floor_kernel, "total": floor}, "lessons": {}}
    for les, rounds in res["lessons"].items():
        server = _med(rounds, lambda s, r: s + r.server)
        kstart = _med(rounds, lambda s, r: r.kernel_start)
        imp = _med(rounds, lambda s, r: r.imports)
        chk = _med(rounds, lambda s, r: r.to_check)
        total = _med(rounds, lambda s, r: s + r.server + r.kernel_start + r.imports + r.to_check)
        cells = rounds[0][1].cells
        retries = sum(r.retries for _, r in rounds)
        print(f"{les:<18} {server:7.2f} {kstart:7.2f} {imp:8.2f} {chk:9.2f} {total:7.2f} "
              f"{total / floor:7.2f}x {cells:6d} {retries:8d}")
        out["lessons"][les] = {"server": server, "kernel_start": kstart, "imports": imp, "to_check": chk,
                               "total": total, "ratio": total / floor, "cells": cells, "retries": retries,
                               "feedback": rounds[0][1].feedback}
    client = (client1.ru_utime - client0.ru_utime) + (client1.ru_stime - client0.ru_stime)
    print(f"\nthe load client itself (counted apart, not in the figures): {client:.2f} CPU-s in all")
    print("server = JupyterLab start + relaying this lesson; kernel = the kernel process until its first reply;\n"
          "imports = cells up to govlib.setup(); to check = the cells after it up to the first check()")
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
