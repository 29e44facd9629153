"""The course hub started for real on 127.0.0.1 with a roster of one instructor and two students.

One hub run checks, in order: the roster login (a classmate's code fails, the first login needs a
new password, the instructor's must be longer, wrong passwords lock the name); the 「请稍候」 page
while another server is starting (spawn limit 1); then, from inside student zhangsan's own kernel,
that nothing of lisi's, the instructor's or the hub's can be read and no secret is in reach; that
zhangsan's server and kernel sit in a cgroup with the configured memory, CPU and process limits and
that an allocation over the memory limit is killed and a fork loop stops at the process cap; and
finally that the idle culler stops the idle servers and nothing of theirs is left.

Needs root (the hub switches to each student's uid), the ``hub`` extra and configurable-http-proxy
(``make .venv/.govlib-hub-installed``; ``make test`` installs both).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from govlib import paths

REPO = paths.PACKAGE.parent
HUB = REPO / "deploy" / "jupyterhub"
CHP = HUB / "node_modules" / ".bin" / "configurable-http-proxy"
BIN = Path(sys.executable).parent

pytestmark = [pytest.mark.slow]

def _reachable_by_others(path: Path) -> bool:
    """Every folder above *path* lets an ordinary account pass (o+x): the students' uids run from it."""
    return all(p.stat().st_mode & 0o001 for p in path.parents)


def _student_python_possible() -> bool:
    """The hub's Python is reachable by an ordinary account, or the system has the same version to
    bridge to it (see deploy/jupyterhub/govlib_hub/python.py)."""
    import sysconfig

    own = Path(sys.executable).resolve()
    system = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    site = Path(sysconfig.get_paths()["purelib"])
    return _reachable_by_others(site / "x") and (_reachable_by_others(own) or system.exists())


_missing = []
if not HUB.is_dir():
    _missing.append("the repository's deploy/ folder")
if shutil.which("jupyterhub", path=str(BIN)) is None:
    _missing.append("the hub extra (pip install '.[hub]')")
if not CHP.exists():
    _missing.append("configurable-http-proxy (npm ci in deploy/jupyterhub)")
if os.name != "posix" or os.geteuid() != 0:
    _missing.append("root (the hub runs each student's server as that student's own uid)")
if HUB.is_dir() and not (_reachable_by_others(REPO / "x") and _student_python_possible()):
    _missing.append("a checkout and Python an ordinary account can reach (the students' uids run from them)")
if not Path("/sys/fs/cgroup/memory/cgroup.procs").exists() and not Path("/sys/fs/cgroup/cgroup.controllers").exists():
    _missing.append("a cgroup memory controller")

MEM = 768 * 2**20
CULL_TIMEOUT, CULL_EVERY = 10, 2
SERVICE_TOKEN = uuid.uuid4().hex
PASSWORDS = {"teacher": "teacher-password-2026", "zhangsan": "zs-own-pass-1", "lisi": "ls-own-pass-2"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hub:
    def __init__(self, work: Path):
        import requests

        self.requests = requests
        self.dir = work
        self.state = work / "state"
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        roster = work / "roster.csv"
        roster.write_text("姓名,角色\nteacher,教师\nzhangsan,学生\nlisi,学生\n", encoding="utf-8")
        extra = work / "test_config.py"
        extra.write_text(
            "c = get_config()\n"
            f"load_subconfig({str(HUB / 'jupyterhub_config.py')!r})\n"
            f"c.JupyterHub.hub_port = {_free_port()}\n"
            f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{_free_port()}'\n"
            f"c.JupyterHub.services.append({{'name': 'test', 'api_token': {SERVICE_TOKEN!r}}})\n"
            "c.JupyterHub.load_roles.append({'name': 'test', 'services': ['test'],\n"
            "  'scopes': ['admin:users', 'admin:servers', 'tokens', 'read:users']})\n"
            "c.JupyterHub.tornado_settings = {'slow_spawn_timeout': 0}   # a spawn request answers at once\n"
            "c.JupyterHub.last_activity_interval = 5\n"
            "c.Spawner.environment['JUPYTERHUB_ACTIVITY_INTERVAL'] = '5'\n",
            encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("GOVLIB_HUB_")}
        env.update(GOVLIB_HUB_DIR=str(self.state), GOVLIB_HUB_ROSTER=str(roster),
                   GOVLIB_HUB_PORT=str(self.port), GOVLIB_HUB_MEM=str(MEM), GOVLIB_HUB_CPU="0.5",
                   GOVLIB_HUB_PIDS="200", GOVLIB_HUB_CULL_TIMEOUT=str(CULL_TIMEOUT),
                   GOVLIB_HUB_CULL_EVERY=str(CULL_EVERY), GOVLIB_HUB_SPAWN_LIMIT="2",
                   GOVLIB_HUB_LOCKOUT="3,60")
        self.log_path = work / "hub.log"
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(extra)], cwd=work, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(f"{self.base}/hub/api/", timeout=5).ok:
                    break
            except requests.RequestException:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                text = self.log_text()
                self.stop()
                raise AssertionError("hub did not start:\n" + text)
            time.sleep(0.3)

    def log_text(self) -> str:
        self.log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]

    def api(self, method: str, path: str, ok=(200, 201, 202, 204), **kw):
        r = self.requests.request(method, f"{self.base}/hub/api{path}", timeout=60,
                                  headers={"Authorization": f"token {SERVICE_TOKEN}"}, **kw)
        assert r.status_code in ok, (r.status_code, r.text[:300])
        return r

    def login(self, name: str, password: str, new: str = ""):
        """POST the login form; the response's text is decoded as UTF-8 (the hub sends no charset)."""
        s = self.requests.Session()
        s.get(f"{self.base}/hub/login", timeout=60)
        r = s.post(f"{self.base}/hub/login", timeout=60, allow_redirects=False,
                   data={"username": name, "password": password, "otp": new,
                         "_xsrf": s.cookies.get("_xsrf", "")})
        r.encoding = "utf-8"
        return s, r

    def spawn(self, name: str, timeout: float = 240) -> dict:
        deadline = time.monotonic() + timeout
        while True:   # the spawn limit is 1: a 429 means wait and try again, as the 请稍候 page does
            r = self.api("POST", f"/users/{name}/server", ok=(201, 202, 400, 429))
            if r.status_code != 429:
                break
            assert time.monotonic() < deadline, f"{name}: spawn throttled for {timeout}s"
            time.sleep(1)
        while True:
            server = (self.api("GET", f"/users/{name}").json().get("servers") or {}).get("")
            if server and server.get("ready"):
                return server
            assert time.monotonic() < deadline, f"{name}: server not ready\n{self.log_text()}"
            time.sleep(0.3)

    def stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=60)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.log.close()


class KeepAlive:
    """Ask each added user's server for its status every second (with that user's own token), so
    the servers report activity and the culler spares them until :meth:`stop`."""

    def __init__(self, hub: Hub, tokens: dict[str, str]):
        import threading

        self.hub, self.tokens, self.names = hub, tokens, set()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def add(self, name: str) -> None:
        self.names.add(name)

    def _run(self) -> None:
        while not self.done.wait(1.0):
            for n in list(self.names):
                try:
                    self.hub.requests.get(f"{self.hub.base}/user/{n}/api/status", timeout=10,
                                          headers={"Authorization": f"token {self.tokens[n]}"})
                except self.hub.requests.RequestException:
                    pass

    def stop(self) -> None:
        self.done.set()
        self.thread.join(timeout=15)


def _accounts(hub: Hub) -> dict:
    data = json.loads((hub.state / "private" / "accounts.json").read_text(encoding="utf-8"))
    return {a["name"]: a for a in data["accounts"]}


def _pids_of(uid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if d.stat().st_uid == uid:
                    out.append(int(d.name))
            except FileNotFoundError:
                pass
    return out


def _pid_running(fragment: str, parent: int) -> int:
    """The pid of *parent*'s child whose command line contains *fragment* (the proxy, the culler)."""
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
                if ppid == parent and fragment in (d / "cmdline").read_bytes().decode(errors="replace"):
                    return int(d.name)
            except OSError:
                pass
    raise AssertionError(f"no process running {fragment}")


def _cgroup_dir(pid: int, controller: str) -> Path:
    for line in Path(f"/proc/{pid}/cgroup").read_text().splitlines():
        _, names, path = line.split(":", 2)
        if controller in names.split(",") or (names == "" and controller == ""):
            return Path("/sys/fs/cgroup") / (controller if controller else "") / path.lstrip("/")
    raise AssertionError(f"pid {pid} has no {controller} cgroup")


def _execute(ws, code: str, timeout: float = 120) -> str:
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "username": "test", "session": uuid.uuid4().hex,
                   "msg_type": "execute_request", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True}}))
    out, status, idle = [], None, False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ws.settimeout(max(1.0, deadline - time.monotonic()))
        msg = json.loads(ws.recv())
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = msg.get("msg_type")
        if kind == "stream":
            out.append(msg["content"]["text"])
        elif kind == "error":
            raise AssertionError(f"kernel error: {msg['content']['ename']}: {msg['content']['evalue']}")
        elif kind == "execute_reply":
            status = msg["content"]["status"]
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            idle = True
        if status and idle:
            return "".join(out)
    raise AssertionError("kernel did not answer")


PROBE = r"""
import json, os, subprocess, sys
targets = json.loads({targets!r})
res = {{}}
for label, path in targets.items():
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            with open(path, "rb") as f:
                f.read(1)
        res[label] = "READ"
    except PermissionError:
        res[label] = "denied"
    except OSError as exc:
        res[label] = type(exc).__name__
try:
    open({course_file!r}, "a").close()
    res["write course"] = "WROTE"
except OSError:
    res["write course"] = "denied"
res["uid"] = os.getuid()
res["euid"] = os.geteuid()
res["groups"] = os.getgroups()
res["env"] = dict(os.environ)
res["own home"] = sorted(os.listdir(os.path.expanduser("~")))[:50]
print(json.dumps(res))
"""

MEMORY_HOG = r"""
import subprocess, sys
hog = subprocess.run([sys.executable, "-c",
    "b = bytearray({n}); b[::4096] = b'x' * len(b[::4096]); print('survived')"],
    capture_output=True, text=True)
print(hog.returncode, hog.stdout.strip())
"""

FORK_LOOP = r"""
import subprocess
procs = []
try:
    for _ in range(400):
        procs.append(subprocess.Popen(["sleep", "60"]))
except OSError as exc:
    err = type(exc).__name__
else:
    err = "none"
print(len(procs), err)
for p in procs:
    p.kill()
for p in procs:
    p.wait()
"""


@pytest.mark.skipif(bool(_missing), reason="needs " + ", ".join(_missing))
def test_hub_students_are_only_themselves_within_limits_and_idle_servers_are_culled():
    import websocket

    work = Path(tempfile.mkdtemp(prefix="govlib-hub-test-"))
    work.chmod(0o755)   # the students' uids must reach their homes under it
    t_start = time.monotonic()
    hub = None
    try:
        hub = Hub(work)
        print(f"hub up in {time.monotonic() - t_start:.1f} s")
        codes = {row["姓名"]: row["首次登录码"] for row in
                 csv.DictReader((hub.state / "private" / "first-login-codes.csv").open(encoding="utf-8"))}
        assert sorted(codes) == ["lisi", "teacher", "zhangsan"]
        acct = _accounts(hub)
        uids = {n: a["uid"] for n, a in acct.items()}
        assert len(set(uids.values())) == 3 and min(uids.values()) >= 52000

        # --- login: only your own code, a password of your own, a lockout on guessing
        _, r = hub.login("zhangsan", codes["lisi"], "whatever-123")
        assert r.status_code == 403 and "姓名或密码不正确" in r.text
        _, r = hub.login("zhangsan", codes["zhangsan"])
        assert r.status_code != 302 and "首次登录" in r.text and "新密码" in r.text
        zs, r = hub.login("zhangsan", codes["zhangsan"], PASSWORDS["zhangsan"])
        assert r.status_code == 302, r.text[:500]
        _, r = hub.login("zhangsan", codes["zhangsan"])          # the code works only once
        assert r.status_code == 403
        _, r = hub.login("teacher", codes["teacher"], "short-pw-1")
        assert r.status_code != 302 and "至少需要 12 个字符" in r.text
        _, r = hub.login("teacher", codes["teacher"], PASSWORDS["teacher"])
        assert r.status_code == 302
        ls, r = hub.login("lisi", codes["lisi"], PASSWORDS["lisi"])
        assert r.status_code == 302
        stored = (hub.state / "private" / "accounts.json").read_text(encoding="utf-8")
        assert not any(pw in stored for pw in PASSWORDS.values())    # hashes only
        t0 = time.monotonic()
        for _ in range(3):
            _, r = hub.login("lisi", "guess-guess")
            assert r.status_code == 403
        assert time.monotonic() - t0 >= 3 * 0.9                       # each wrong password waits
        _, r = hub.login("lisi", PASSWORDS["lisi"])                   # locked, even with the right one
        assert r.status_code == 403 and "登录已暂停" in r.text
        _, r = hub.login("ＺｈａｎｇＳａｎ", PASSWORDS["zhangsan"])      # full-width folds to the same name
        assert r.status_code == 302

        # --- the spawn limit (2): while two servers start, a third student gets 请稍候
        hub.api("POST", "/users/teacher/server", ok=(201, 202))
        hub.api("POST", "/users/zhangsan/server", ok=(201, 202))
        r = ls.get(f"{hub.base}/hub/spawn/lisi", timeout=60, allow_redirects=False)
        r.encoding = "utf-8"
        assert r.status_code == 429 and "请稍候" in r.text and 'http-equiv="refresh"' in r.text
        hub.spawn("teacher")
        tokens = {n: hub.api("POST", f"/users/{n}/tokens", json={"expires_in": 600}).json()["token"]
                  for n in uids}
        keep = KeepAlive(hub, tokens)         # activity, so no server is culled before it is probed
        keep.add("teacher")
        hub.spawn("zhangsan")
        keep.add("zhangsan")
        hub.spawn("lisi")
        keep.add("lisi")
        print(f"three servers up at {time.monotonic() - t_start:.1f} s")

        running = {n: _pids_of(u) for n, u in uids.items()}
        assert all(running.values()), running
        assert not any(Path(f"/proc/{p}").stat().st_uid == 0 for p in running["zhangsan"])
        token = tokens["zhangsan"]
        auth = {"Authorization": f"token {token}"}
        url = f"{hub.base}/user/zhangsan"

        # zhangsan's token opens nothing of the instructor's or lisi's
        for other in ("teacher", "lisi"):
            r = hub.requests.get(f"{hub.base}/user/{other}/api/contents", headers=auth, timeout=60,
                                 allow_redirects=False)
            assert r.status_code in (302, 403, 404), (other, r.status_code)
            assert r.status_code != 200
        r = hub.requests.get(f"{hub.base}/hub/api/users/teacher/tokens", headers=auth, timeout=60)
        assert r.status_code in (403, 404)
        r = hub.requests.post(f"{hub.base}/hub/api/users/teacher/tokens", headers=auth, timeout=60, json={})
        assert r.status_code in (403, 404)

        kernel = hub.requests.post(f"{url}/api/kernels", headers=auth, json={"name": "python3"},
                                   timeout=120).json()
        # the kernel talks to its server over unix sockets in the student's own short runtime folder
        runtime = Path(f"/run/govlib-hub/u{uids['zhangsan']}")
        conn = json.loads((runtime / f"kernel-{kernel['id']}.json").read_text(encoding="utf-8"))
        assert conn["transport"] == "ipc" and conn["ip"].startswith(f"{runtime}/"), conn
        assert os.stat(runtime).st_uid == uids["zhangsan"] and os.stat(runtime).st_mode & 0o777 == 0o700
        ws = websocket.create_connection(f"ws://127.0.0.1:{hub.port}/user/zhangsan/api/kernels/"
                                         f"{kernel['id']}/channels", header=[f"Authorization: token {token}"],
                                         timeout=120)
        try:
            lisi_home = hub.state / "homes" / "lisi"
            teacher_home = hub.state / "homes" / "teacher"
            private = hub.state / "private"
            targets = {
                "lisi's home": str(lisi_home),
                "lisi's notebook": str(lisi_home / "intro.ipynb"),
                "teacher's home": str(teacher_home),
                "teacher's kernel sockets": f"/run/govlib-hub/u{uids['teacher']}",
                "hub private folder": str(private),
                "hub database": str(private / "jupyterhub.sqlite"),
                "cookie secret": str(private / "jupyterhub_cookie_secret"),
                "accounts": str(private / "accounts.json"),
                "first-login codes": str(private / "first-login-codes.csv"),
                "hub environment": f"/proc/{hub.proc.pid}/environ",
                "teacher's server environment": f"/proc/{running['teacher'][0]}/environ",
                "lisi's server environment": f"/proc/{running['lisi'][0]}/environ",
                "proxy environment (its auth token)": f"/proc/{_pid_running('configurable-http-proxy', hub.proc.pid)}/environ",
                "idle culler environment (its token)": f"/proc/{_pid_running('jupyterhub_idle_culler', hub.proc.pid)}/environ",
                "fork server (template) memory": f"/proc/{_pid_running('govlib_hub.forkserver', hub.proc.pid)}/mem",
                "fork server socket": str(private / "forkserver.sock"),
            }
            probe = json.loads(_execute(ws, PROBE.format(targets=json.dumps(targets),
                                                         course_file=str(hub.state / "course" / "intro.ipynb"))))
            env = probe.pop("env")
            own = probe.pop("own home")
            assert probe.pop("uid") == uids["zhangsan"] and probe.pop("euid") == uids["zhangsan"]
            assert probe.pop("groups") == []
            assert probe == {**{k: "denied" for k in targets}, "write course": "denied"}, probe
            assert "intro.ipynb" in own and "课程说明.md" in own          # the own home works
            assert env["HOME"] == str(hub.state / "homes" / "zhangsan")
            leaked = [k for k, v in env.items()
                      if k in ("CONFIGPROXY_AUTH_TOKEN", "JPY_COOKIE_SECRET")
                      or any(pw in v for pw in PASSWORDS.values()) or SERVICE_TOKEN in v
                      or any(code in v for code in codes.values())]
            assert not leaked, leaked
            assert os.stat(lisi_home).st_uid == uids["lisi"] and os.stat(lisi_home).st_mode & 0o777 == 0o700

            # --- limits: server and kernel share one cgroup with the configured limits
            server_pid = running["zhangsan"][0]
            kernel_pids = set(_pids_of(uids["zhangsan"])) - set(running["zhangsan"])
            assert kernel_pids
            mem_dir = _cgroup_dir(server_pid, "memory")
            assert mem_dir.name == f"u{uids['zhangsan']}"
            assert int((mem_dir / "memory.limit_in_bytes").read_text()) == MEM
            procs = {int(x) for x in (mem_dir / "cgroup.procs").read_text().split()}
            assert {server_pid, *kernel_pids} <= procs
            cpu_dir = _cgroup_dir(server_pid, "cpu")
            assert int((cpu_dir / "cpu.cfs_quota_us").read_text()) == 50_000       # 0.5 of a core
            assert int((cpu_dir / "cpu.cfs_period_us").read_text()) == 100_000
            pids_dir = _cgroup_dir(server_pid, "pids")
            assert (pids_dir / "pids.max").read_text().strip() == "200"
            # an allocation over the limit is killed; the kernel lives on
            rc, *rest = _execute(ws, MEMORY_HOG.format(n=MEM + 256 * 2**20)).split()
            assert int(rc) == -signal.SIGKILL and "survived" not in rest
            # a fork loop stops at the process cap (200 over server + kernel + their threads)
            started, err = _execute(ws, FORK_LOOP).split()
            assert int(started) < 200 and err in ("BlockingIOError", "OSError", "PermissionError"), (started, err)
        finally:
            ws.close()

        print(f"isolation and limits checked at {time.monotonic() - t_start:.1f} s")
        # every server checked above was forked from the fork server, none fell back to exec
        log = hub.log_path.read_text(encoding="utf-8", errors="replace")
        assert "fork server unavailable" not in log, hub.log_text()
        forked = [line for line in log.splitlines() if "Forking jupyterhub-singleuser" in line]
        assert all(any(line.endswith(f" for {n}") for line in forked) for n in uids), hub.log_text()
        # --- the idle culler: once nobody uses them, every server is stopped, nothing left behind
        keep.stop()
        deadline = time.monotonic() + CULL_TIMEOUT + 3 * CULL_EVERY + 90   # stops take seconds each under load
        gone: set[str] = set()
        while gone != set(uids) and time.monotonic() < deadline:
            for n in set(uids) - gone:
                if not hub.api("GET", f"/users/{n}").json().get("servers"):
                    gone.add(n)
            time.sleep(1)
        print(f"all culled at {time.monotonic() - t_start:.1f} s")
        assert gone == set(uids), f"not culled: {set(uids) - gone}\n{hub.log_text()}"
        time.sleep(1)
        assert not _pids_of(uids["zhangsan"]) and not mem_dir.exists()
    finally:
        if "keep" in locals():
            keep.stop()
        if hub is not None:
            hub.stop()
        store = work / "state" / "private" / "accounts.json"
        for u in json.loads(store.read_text(encoding="utf-8"))["accounts"] if store.exists() else []:
            for pid in _pids_of(u["uid"]):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            shutil.rmtree(f"/run/govlib-hub/u{u['uid']}", ignore_errors=True)   # its kernel sockets
            for d in Path("/sys/fs/cgroup").glob(f"**/govlib-hub/u{u['uid']}"):
                try:
                    d.rmdir()
                except OSError:
                    pass
        for parent in Path("/sys/fs/cgroup").glob("*/**/govlib-hub"):
            try:
                parent.rmdir()          # only when empty: another hub's students keep theirs
            except OSError:
                pass
        shutil.rmtree(work, ignore_errors=True)
