"""Classroom load test: a class of N students logs in to the course's JupyterHub at once.

Starts the hub of ``deploy/jupyterhub/jupyterhub_config.py`` as it is deployed (roster
accounts, each student's server and kernels as that student's own uid inside a cgroup with the
configured limits, at most ``GOVLIB_HUB_SPAWN_LIMIT`` servers starting at once) on 127.0.0.1 with a
fresh state folder.  The roster (an instructor and N students) and everyone's own password are
written before the hub starts (:func:`govlib_hub.accounts.seed`), as if each had already done the
first login.  Then, for each class size N (default 10, 30, 60), N simulated students act at the
same moment:

1. log in through the hub's login form with their name and their own password;
2. open the spawn page, as the browser does after login; a student turned away by the spawn limit
   gets the 「请稍候」 page (HTTP 429) and, like that page, asks again after 10 seconds; every such
   wait is counted and reported;
3. open a lesson's student notebook (REST ``/api/contents``), start a kernel for it and run
   its code cells in order up to and including the first ``check(...)``, through the kernel's
   websocket, as JupyterLab does.

Prints, per class size: time to first feedback (median and worst; from the login click and from
opening the notebook), spawn time, memory per student (RSS and USS of the student's server plus
kernel), hub + proxy memory, and the largest class this machine holds by memory.  A class size
is skipped when the memory already measured says it would not fit.

It also prints what each student costs in CPU-seconds (user + system, read from /proc): the hub
and proxy's share, the single-user server, the kernel starting and running the cells up to
``govlib.setup()``, and the cells from there to the first ``check()``; and the ratio of the whole
to the floor, a bare JupyterLab plus a kernel importing pandas and matplotlib, measured first by
``benchmarks/student_cost.py``.  CPU-seconds, unlike waiting times, mean the same on a shared,
busy machine; with them, a machine of C cores serves about C x (seconds of the lesson's first
minute) / (CPU-s per student) students in that minute.  The load client (this script: the
simulated browsers) runs at lower priority and its own CPU is printed apart, never counted in.
A dropped connection (HTTP or the kernel websocket) is retried once and every retry is reported.

The students get uids from ``--uid-base`` (default 61000), away from the 52000 a real hub and
``tests/test_hub_live.py`` use, so a test running at the same time is never touched; their
processes and cgroups are removed when each class size is done.

Run as root from the repository (``make .venv/.govlib-hub-installed``)::

    sudo .venv/bin/python benchmarks/hub_classroom.py [--students 10 30 60] [--lesson quanzhou-survey]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import requests
import websocket

sys.path.insert(0, str(Path(__file__).resolve().parent))
from student_cost import KernelChannel, cpu_seconds, floor_once  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
HUB_DIR = REPO / "deploy" / "jupyterhub"
CONFIG = HUB_DIR / "jupyterhub_config.py"
sys.path.insert(0, str(HUB_DIR))
from govlib_hub import accounts as hub_accounts  # noqa: E402

SERVICE_TOKEN = uuid.uuid4().hex
BIN = Path(sys.executable).parent
RUNTIME = Path("/run/govlib-hub")        # the hub config's per-student kernel socket folders
CGROUP = Path("/sys/fs/cgroup")
# a server started by exec, or forked (as the student's uid) from the hub's fork server
SINGLEUSER = ("jupyterhub.singleuser", "jupyterhub-singleuser", "govlib_hub.forkserver")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hub:
    """The course hub in a temporary state folder, with an admin service token for the benchmark.

    The roster (``teacher`` plus *names*) is written with everyone's password already set; the
    students' uids start at *uid_base*.
    """

    def __init__(self, workdir: Path, names: list[str], uid_base: int, kernel_transport: str | None = None,
                 spawn_limit: int | None = None):
        self.dir = workdir
        self.state = workdir / "state"
        workdir.chmod(0o755)     # the students' uids must reach their homes under it
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.passwords = {n: secrets.token_urlsafe(9) for n in names}
        # an empty store whose first uid is uid_base, then the roster with passwords set
        (self.state / "private").mkdir(parents=True)
        (self.state / "private").chmod(0o700)
        hub_accounts.AccountStore(self.state / "private" / "accounts.json", uid_base=uid_base).save()
        roster = hub_accounts.seed(self.state, {"teacher": ("教师", secrets.token_urlsafe(12)),
                                                **{n: ("学生", pw) for n, pw in self.passwords.items()}})
        store = hub_accounts.AccountStore(self.state / "private" / "accounts.json")
        self.uids = {a.name: a.uid for a in store.accounts.values()}
        busy = [u for u in self.uids.values() if _pids_of_uid(u)]
        if busy:
            raise SystemExit(f"uids {busy} already run processes: choose another --uid-base")
        extra = workdir / "loadtest_config.py"
        extra.write_text(
            "c = get_config()\n"
            f"load_subconfig({str(CONFIG)!r})\n"
            f"c.JupyterHub.hub_port = {_free_port()}\n"
            f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{_free_port()}'\n"
            f"c.JupyterHub.services.append({{'name': 'loadtest', 'api_token': {SERVICE_TOKEN!r}}})\n"
            "c.JupyterHub.load_roles.append({'name': 'loadtest', 'services': ['loadtest'],\n"
            "  'scopes': ['admin:users', 'admin:servers', 'tokens', 'read:users']})\n"
            "c.JupyterHub.log_level = 'WARN'\n"
            + (f"c.Spawner.args.append('--KernelManager.transport={kernel_transport}')\n" if kernel_transport else ""),
            encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("GOVLIB_HUB_")}
        env.update(GOVLIB_HUB_DIR=str(self.state), GOVLIB_HUB_ROSTER=str(roster),
                   GOVLIB_HUB_PORT=str(self.port), GOVLIB_HUB_IP="127.0.0.1")
        if spawn_limit:
            env["GOVLIB_HUB_SPAWN_LIMIT"] = str(spawn_limit)
        self.log = open(workdir / "hub.log", "w")
        self.proc = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(extra)], cwd=workdir, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 300
        while True:
            try:
                if requests.get(f"{self.base}/hub/api/", timeout=5).ok:
                    break
            except requests.RequestException:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit("hub did not start:\n" + (workdir / "hub.log").read_text()[-3000:])
            time.sleep(0.5)

    def api(self, method: str, path: str, **kw):
        r = requests.request(method, f"{self.base}/hub/api{path}", timeout=120,
                             headers={"Authorization": f"token {SERVICE_TOKEN}"}, **kw)
        r.raise_for_status()
        return r.json() if r.content else None

    def stop(self):
        """Stop the hub (it stops the servers); then end whatever of the students' is left."""
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=120)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for uid in self.uids.values():
            for pid in _pids_of_uid(uid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        time.sleep(0.5)
        for uid in self.uids.values():
            for d in CGROUP.glob(f"**/govlib-hub/u{uid}"):
                try:
                    d.rmdir()
                except OSError:
                    pass
            shutil.rmtree(RUNTIME / f"u{uid}", ignore_errors=True)
        for parent in CGROUP.glob("*/**/govlib-hub"):
            try:
                parent.rmdir()          # only when empty: another hub's students keep theirs
            except OSError:
                pass
        self.log.close()


def _pids_of_uid(uid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if d.stat().st_uid == uid:
                    out.append(int(d.name))
            except FileNotFoundError:
                pass
    return out


class Retries:
    """Counts connections that dropped and were tried again (once each)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.events: list[str] = []

    def add(self, what: str) -> None:
        with self.lock:
            self.events.append(what)


RETRIES = Retries()
NICE = 10


def _request(session, method: str, url: str, **kw):
    """One HTTP request, tried a second time if the connection drops (the retry is recorded)."""
    try:
        return session.request(method, url, **kw)
    except requests.ConnectionError as exc:
        RETRIES.add(f"{method} {url.split('/hub/')[-1].split('/user/')[-1][:60]}: {type(exc).__name__}")
        return session.request(method, url, **kw)


def _hub_processes(hub: "Hub") -> list[psutil.Process]:
    """The hub's own processes (hub, proxy, idle culler), run as root; not the students' servers."""
    hubp = psutil.Process(hub.proc.pid)
    out = [hubp]
    for c in hubp.children(recursive=True):
        try:
            if c.uids().real == 0:
                out.append(c)
        except psutil.Error:
            continue
    return out


def _hub_cpu_split(hub: "Hub") -> dict[str, float]:
    """CPU-s of the hub's own processes by part: the hub process (one Python process, one core at
    most), the proxy, the idle culler, the fork server, and the hub's finished children (the
    processes that fill each home, which run as the student but outside the student's cgroup)."""
    out: dict[str, float] = {}
    for p in _hub_processes(hub):
        try:
            cmd = " ".join(p.cmdline())
        except psutil.Error:
            continue
        part = ("hub" if p.pid == hub.proc.pid else "proxy" if "configurable-http-proxy" in cmd
                else "fork server" if "govlib_hub.forkserver" in cmd else "culler" if "idle_culler" in cmd
                else "other")
        out[part] = out.get(part, 0.0) + _cpu_of([p])
    try:
        t = psutil.Process(hub.proc.pid).cpu_times()
        out["home fill"] = t.children_user + t.children_system
    except psutil.Error:
        pass
    return out


def _cpu_of(procs) -> float:
    total = 0.0
    for p in procs:
        try:
            total += cpu_seconds(p)
        except psutil.Error:
            continue
    return total


def _is_server(p: psutil.Process) -> bool:
    cmd = " ".join(p.cmdline())
    return any(s in cmd for s in SINGLEUSER)


def _user_server(hub: "Hub", name: str) -> psutil.Process | None:
    """The student's single-user server: the process of the student's uid running jupyterhub.singleuser."""
    for pid in _pids_of_uid(hub.uids[name]):
        try:
            p = psutil.Process(pid)
            if _is_server(p):
                return p
        except psutil.Error:
            continue
    return None


def _kernel_of(server: psutil.Process, kernel_id: str) -> psutil.Process | None:
    for c in server.children(recursive=True):
        try:
            if any(kernel_id in part for part in c.cmdline()):
                return c
        except psutil.Error:
            continue
    return None


def _execute(ws, code: str, username: str, session: str, timeout: float) -> tuple[str, list[str]]:
    """Run *code* on the kernel; return (status, texts of its stream/display outputs)."""
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "username": username, "session": session, "msg_type": "execute_request",
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
        if status and idle:   # the reply (shell) and idle (iopub) may come in either order
            return status, texts
    raise TimeoutError(f"cell did not finish in {timeout:.0f}s")


def student(hub: Hub, name: str, lesson_file: str, start: threading.Event, timeout: float,
            retry_wait: float = 10.0) -> dict:
    """One student, from the login form to the first check() feedback."""
    if NICE:   # Linux niceness is per thread: only the simulated browsers yield, not the hub they talk to
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)
    start.wait()
    t0 = time.monotonic()
    s = requests.Session()
    _request(s, "GET", f"{hub.base}/hub/login", timeout=120)
    r = _request(s, "POST", f"{hub.base}/hub/login", timeout=120, allow_redirects=False,
                 data={"username": name, "password": hub.passwords[name], "_xsrf": s.cookies.get("_xsrf", "")})
    if r.status_code != 302:
        raise RuntimeError(f"{name}: login failed ({r.status_code})")
    t_login = time.monotonic()
    waits = 0
    while True:   # the spawn page, as the browser opens it after login; 429 = 请稍候, asked again later
        r = _request(s, "GET", f"{hub.base}/hub/spawn/{name}", timeout=120, allow_redirects=False)
        if r.status_code != 429:
            break
        r.encoding = "utf-8"
        if "请稍候" not in r.text:
            raise RuntimeError(f"{name}: spawn refused (429) without the 请稍候 page")
        waits += 1
        if time.monotonic() - t0 > timeout:
            raise TimeoutError(f"{name}: spawn throttled for {timeout:.0f}s")
        time.sleep(retry_wait)
    if r.status_code not in (200, 302):
        raise RuntimeError(f"{name}: spawn page answered {r.status_code}")
    t_spawn = time.monotonic()
    while True:
        model = hub.api("GET", f"/users/{name}")
        server = (model.get("servers") or {}).get("")
        if server and server.get("ready"):
            break
        if time.monotonic() - t0 > timeout:
            raise TimeoutError(f"{name}: server not ready")
        time.sleep(0.5)
    t_ready = time.monotonic()
    token = hub.api("POST", f"/users/{name}/tokens", json={"note": "loadtest", "expires_in": 3600})["token"]
    auth = {"Authorization": f"token {token}"}
    url = f"{hub.base}/user/{name}"
    http = requests.Session()
    nb = _request(http, "GET", f"{url}/api/contents/{lesson_file}?content=1", headers=auth,
                  timeout=120).json()["content"]

    def open_kernel():
        sess = _request(http, "POST", f"{url}/api/sessions", headers=auth, timeout=120,
                        json={"path": lesson_file, "type": "notebook", "name": lesson_file,
                              "kernel": {"name": "python3"}}).json()
        try:
            ch = KernelChannel(f"ws://127.0.0.1:{hub.port}/user/{name}/api/kernels/{sess['kernel']['id']}/channels",
                               [f"Authorization: token {token}"], timeout)
        except websocket.WebSocketBadStatusException:
            _request(http, "DELETE", f"{url}/api/sessions/{sess['id']}", headers=auth, timeout=60)
            raise
        return sess, ch

    try:
        sess, ch = open_kernel()
    except websocket.WebSocketBadStatusException as exc:
        # the kernel died while starting (e.g. a port taken by another kernel): a student restarts it once
        RETRIES.add(f"{name}: kernel websocket refused ({exc.status_code}); new kernel started")
        sess, ch = open_kernel()
    t_open = time.monotonic()
    server_proc = _user_server(hub, name)
    kernel_proc = _kernel_of(server_proc, sess["kernel"]["id"]) if server_proc else None
    feedback = None
    k_imports = None
    try:
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            status, texts = ch.execute(src, sess["id"])
            if status != "ok":
                raise RuntimeError(f"{name}: cell failed: {' '.join(texts)[-300:]}")
            if k_imports is None and ".setup(" in src and kernel_proc is not None:
                k_imports = cpu_seconds(kernel_proc)
            if "check(" in src:
                feedback = "".join(texts)
                break
        k_end = cpu_seconds(kernel_proc) if kernel_proc is not None else None
        srv = cpu_seconds(server_proc) if server_proc is not None else None
    finally:
        ch.close()
    if ch.retries:
        RETRIES.add(f"{name}: kernel websocket reopened")
    t_fb = time.monotonic()
    if not feedback or "【" not in feedback:
        raise RuntimeError(f"{name}: no feedback from check(): {feedback!r}")
    return {"name": name, "login": t_login - t0, "spawn": t_ready - t_login, "throttled": t_spawn - t_login,
            "waits": waits, "open_to_feedback": t_fb - t_open,
            "login_to_feedback": t_fb - t0, "feedback": feedback.strip()[:60],
            "cpu_server": srv, "cpu_imports": k_imports,
            "cpu_to_check": (k_end - k_imports) if (k_end is not None and k_imports is not None) else None}


def memory(hub: Hub) -> dict:
    """RSS/USS of hub+proxy and of each student's server with its kernels (MiB)."""
    hubp = psutil.Process(hub.proc.pid)
    own = [hubp]
    for c in hubp.children(recursive=True):
        try:
            cmd = " ".join(c.cmdline())
            if "configurable-http-proxy" in cmd or ("govlib_hub.forkserver" in cmd and c.uids().real == 0):
                own.append(c)       # the proxy, and the fork server's template (shared by the servers)
        except psutil.Error:   # a kernel that just exited (zombie) or a process gone
            continue
    per_student = []
    for name, uid in hub.uids.items():
        rss = uss = 0
        for pid in _pids_of_uid(uid):     # the student's server, kernels and anything they started
            try:
                q = psutil.Process(pid)
                rss += q.memory_info().rss
                uss += q.memory_full_info().uss
            except psutil.Error:
                continue
        if rss:
            per_student.append((rss / 2**20, uss / 2**20))
    return {
        "hub_rss": sum(p.memory_info().rss for p in own if p.is_running()) / 2**20,
        "students": per_student,
    }


def run_class(n: int, lesson_file: str, timeout: float, kernel_transport: str | None = None,
              uid_base: int = 61000, spawn_limit: int | None = None, retry_wait: float = 10.0) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"govlib-hub-{n}-"))
    avail0 = psutil.virtual_memory().available / 2**20
    names = [f"student{i:03d}" for i in range(1, n + 1)]
    hub = Hub(work, names, uid_base, kernel_transport, spawn_limit)
    errors: list[str] = []
    RETRIES.events.clear()
    try:
        split0 = _hub_cpu_split(hub)
        hub_cpu0 = sum(split0.values())
        start = threading.Event()
        load0 = os.getloadavg()[0]
        with ThreadPoolExecutor(max_workers=n) as pool:
            futs = [pool.submit(student, hub, nm, lesson_file, start, timeout, retry_wait) for nm in names]
            t0 = time.monotonic()
            start.set()
            results = []
            for f in futs:
                try:
                    results.append(f.result())
                except Exception as exc:  # noqa: BLE001 -- report every student's failure
                    errors.append(str(exc))
            wall = time.monotonic() - t0
        split1 = _hub_cpu_split(hub)
        hub_cpu = sum(split1.values()) - hub_cpu0
        hub_split = {k: v - split0.get(k, 0.0) for k, v in split1.items()}
        template = [p for p in _hub_processes(hub) if "govlib_hub.forkserver" in " ".join(p.cmdline())]
        fork_cpu = _cpu_of(template) if template else None
        load1 = os.getloadavg()[0]
        mem = memory(hub)
        avail1 = psutil.virtual_memory().available / 2**20
    finally:
        hub.stop()
        if errors:
            shutil.copy(work / "hub.log", Path(tempfile.gettempdir()) / "govlib-hub-failed.log")
            print(f"hub log of the failed run: {Path(tempfile.gettempdir()) / 'govlib-hub-failed.log'}")
        shutil.rmtree(work, ignore_errors=True)
    return {"n": n, "results": results, "errors": errors, "wall": wall, "mem": mem,
            "avail_before": avail0, "avail_after": avail1, "hub_cpu": hub_cpu, "hub_split": hub_split, "fork_cpu": fork_cpu, "retries": list(RETRIES.events), "load": (load0, load1)}


def _q(values: list[float]) -> str:
    if not values:
        return "-"
    return f"median {statistics.median(values):5.1f} s, worst {max(values):5.1f} s"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, nargs="+", default=[10, 30, 60])
    ap.add_argument("--lesson", default="quanzhou-survey", help="lesson id (its default-set student notebook)")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per student before giving up")
    ap.add_argument("--reserve-mib", type=float, default=2048, help="memory to leave free for the system")
    ap.add_argument("--nice", type=int, default=10, help="lower the priority of the load client's threads by this "
                    "much (the hub and the servers keep normal priority)")
    ap.add_argument("--kernel-transport", choices=("tcp", "ipc"), default=None,
                    help="override the kernels' transport (default: as the hub config has it, ipc); with tcp, "
                         "kernels starting together can pick the same random port and die ('Address already in use')")
    ap.add_argument("--spawn-limit", type=int, default=None,
                    help="servers starting at once (GOVLIB_HUB_SPAWN_LIMIT; default: the hub's, 2 x cores)")
    ap.add_argument("--retry-wait", type=float, default=10.0,
                    help="seconds a student turned away by the spawn limit waits before asking again "
                         "(the 请稍候 page refreshes after 10)")
    ap.add_argument("--uid-base", type=int, default=61000,
                    help="first uid of the simulated students (away from a real hub's 52000)")
    args = ap.parse_args(argv)
    # a stopped run (kill, Ctrl-C) still stops its hub and the students' processes (the finally blocks)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if os.geteuid() != 0:
        raise SystemExit("run as root: the hub starts each student's server as that student's own uid")
    lesson_file = f"{args.lesson}.ipynb"
    global NICE
    NICE = args.nice
    total = psutil.virtual_memory().total / 2**20
    print(f"machine: {psutil.cpu_count()} CPU, {total / 1024:.1f} GiB RAM; lesson {args.lesson}; "
          f"students act all at once")
    f_server, f_kernel = floor_once()
    floor = f_server + f_kernel
    print(f"floor (bare JupyterLab + kernel importing pandas, matplotlib; quiet, one student): {floor:.2f} CPU-s "
          f"(server {f_server:.2f} + kernel {f_kernel:.2f})")
    per_student_uss = None
    summary = []
    for n in args.students:
        avail = psutil.virtual_memory().available / 2**20
        if per_student_uss and n * per_student_uss > avail - args.reserve_mib:
            print(f"\nN={n}: skipped, needs about {n * per_student_uss / 1024:.1f} GiB, "
                  f"{avail / 1024:.1f} GiB available")
            continue
        r = run_class(n, lesson_file, args.timeout, args.kernel_transport, args.uid_base, args.spawn_limit,
                      args.retry_wait)
        rs = r["results"]
        rss = [m[0] for m in r["mem"]["students"]]
        uss = [m[1] for m in r["mem"]["students"]]
        per_student_uss = statistics.mean(uss) if uss else per_student_uss
        print(f"\nN={n}: {len(rs)} of {n} got feedback in {r['wall']:.1f} s wall"
              + (f"; {len(r['errors'])} failed, e.g. {r['errors'][0][:200]}" if r["errors"] else ""))
        print(f"  machine load (1-min average, other work included): {r['load'][0]:.1f} at the start, "
              f"{r['load'][1]:.1f} at the end")
        print(f"  login -> first feedback : {_q([x['login_to_feedback'] for x in rs])}")
        print(f"  open notebook -> feedback: {_q([x['open_to_feedback'] for x in rs])}")
        print(f"  spawn (server ready)     : {_q([x['spawn'] for x in rs])}")
        waits = [x["waits"] for x in rs]
        if rs:
            print(f"  请稍候 (429, spawn limit) : {sum(waits)} waits of {args.retry_wait:.0f} s; "
                  f"{sum(1 for w in waits if w)} of {len(rs)} students waited, at most {max(waits)} times; "
                  f"login -> spawn accepted {_q([x['throttled'] for x in rs])}")
        if rss:
            print(f"  memory per student       : RSS {statistics.mean(rss):.0f} MiB, USS {statistics.mean(uss):.0f} MiB"
                  f" (max RSS {max(rss):.0f}); hub+proxy RSS {r['mem']['hub_rss']:.0f} MiB")
            print(f"  system memory used by the class: {(r['avail_before'] - r['avail_after']) / 1024:.1f} GiB")
        cpu = [x for x in rs if x["cpu_server"] is not None and x["cpu_imports"] is not None]
        if cpu:
            hub_share = r["hub_cpu"] / n
            srv = statistics.median(x["cpu_server"] for x in cpu)
            imp = statistics.median(x["cpu_imports"] for x in cpu)
            chk = statistics.median(x["cpu_to_check"] for x in cpu)
            whole = hub_share + srv + imp + chk
            print(f"  CPU-s per student (median): hub+proxy+home fill {hub_share:.2f}, server {srv:.2f}, "
                  f"kernel start+imports {imp:.2f}, cells to check {chk:.2f}; whole {whole:.2f} = "
                  f"{whole / floor:.2f}x the floor")
            print("  the hub share by part, per student: " + ", ".join(
                f"{k} {v / n:.2f}" for k, v in sorted(r["hub_split"].items(), key=lambda kv: -kv[1])))
            if r["fork_cpu"] is not None:
                print(f"  of the hub share, the fork server (imports JupyterLab once for the class): "
                      f"{r['fork_cpu']:.2f} CPU-s = {r['fork_cpu'] / n:.2f} per student")
            print(f"  the class's CPU: {whole * n:.0f} CPU-s on {psutil.cpu_count()} cores "
                  f"= {whole * n / psutil.cpu_count():.0f} s of a fully busy machine")
        print(f"  dropped connections retried once: {len(r['retries'])}"
              + (f" ({'; '.join(r['retries'][:5])})" if r["retries"] else ""))
        if rs:
            print(f"  first feedback seen      : {rs[0]['feedback']!r}")
        summary.append((n, rs, uss, r))
    client = resource.getrusage(resource.RUSAGE_SELF)
    print(f"\nthe load client itself (nice +{args.nice}, counted apart, not in the figures): "
          f"{client.ru_utime + client.ru_stime:.1f} CPU-s")
    if per_student_uss:
        largest = int((total - args.reserve_mib) // per_student_uss)
        print(f"\nlargest class by memory on this machine: about {largest} students "
              f"({per_student_uss:.0f} MiB USS each, {args.reserve_mib / 1024:.0f} GiB kept free of "
              f"{total / 1024:.1f} GiB); CPU sets the waiting time, see the medians above")
    return 0


if __name__ == "__main__":
    sys.exit(main())
