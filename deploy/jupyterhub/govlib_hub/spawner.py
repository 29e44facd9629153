"""Each student's JupyterLab server as that student's own unprivileged uid, inside a cgroup.

:class:`StudentSpawner` is JupyterHub's :class:`~jupyterhub.spawner.LocalProcessSpawner` with three
changes: the uid, gid and home come from the roster's account store (no Linux account per student
is needed; ``system`` mode takes them from ``/etc/passwd`` instead); between fork and exec the
server joins a per-student cgroup (memory, CPU, processes; see :mod:`govlib_hub.limits`), drops every
group, sets its uid and ``no_new_privs`` (no setuid program can give root back); and stopping the
server also kills whatever is left in the group and removes it.  It refuses to run anyone as root.

With ``forkserver_socket`` set, the server is not exec'd but forked from the hub's fork server
(:mod:`govlib_hub.forkserver`), which has imported JupyterLab once for the whole class; the child
drops to the student in the same steps.  When the fork server cannot be reached the spawner falls
back to starting the server by exec, and says so in the hub's log.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import resource
import shlex
import subprocess
import sys
import time
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Bool, Integer, Unicode

from . import forkserver, limits
from .accounts import AccountStore

PR_SET_NO_NEW_PRIVS = 38
_prctl = ctypes.CDLL(None, use_errno=True).prctl   # looked up before any fork


class SpawnRefused(RuntimeError):
    """The spawner will not start this server (a Chinese message says why)."""


class StudentSpawner(LocalProcessSpawner):
    """A local server per student: own uid, own 0700 home, limits over all its processes."""

    accounts_file = Unicode("", help="roster account store; empty: use /etc/passwd (system mode)").tag(config=True)
    homes_dir = Unicode("", help="the folder holding one home per student (roster mode)").tag(config=True)
    pids_limit = Integer(256, help="processes and threads one student may run together").tag(config=True)
    require_limits = Bool(True, help="refuse to start a server when no cgroup can hold its limits").tag(config=True)
    forkserver_socket = Unicode("", help="the fork server's socket (root-only folder); empty: start servers by exec").tag(config=True)
    forkserver_python = Unicode("", help="the Python the fork server runs (the students' Python)").tag(config=True)
    forkserver_wait = Integer(60, help="seconds to wait for the fork server to be ready").tag(config=True)

    _group: limits.StudentGroup | None = None

    # ------------------------------------------------------------------ who the student is
    def account(self) -> tuple[int, int, Path]:
        """(uid, gid, home) of this spawner's user."""
        if self.accounts_file:
            acct = AccountStore(Path(self.accounts_file)).get(self.user.name)
            if acct is None:
                raise SpawnRefused(f"名单里没有「{self.user.name}」，不能为其启动服务器。")
            uid, gid, home = acct.uid, acct.uid, Path(self.homes_dir) / acct.name
        else:
            import pwd

            pw = pwd.getpwnam(self.user.name)
            uid, gid, home = pw.pw_uid, pw.pw_gid, Path(pw.pw_dir)
        if uid == 0 or gid == 0:
            raise SpawnRefused(f"「{self.user.name}」的账号是 root：学生的服务器和内核绝不以 root 运行。")
        return uid, gid, home

    def user_env(self, env):
        uid, _, home = self.account()
        env.update(USER=self.user.name, LOGNAME=self.user.name, HOME=str(home), SHELL="/bin/bash")
        return env

    def _key(self) -> str:
        return f"u{self.account()[0]}"

    # ------------------------------------------------------------------ limits
    def _limits(self) -> limits.Limits:
        return limits.Limits(memory_bytes=int(self.mem_limit or 2 * 2**30),
                             cpus=float(self.cpu_limit or 1.0), pids=self.pids_limit)

    def make_preexec_fn(self, name):
        uid, gid, home = self.account()
        group = self._group
        nproc = self.pids_limit

        def preexec():
            # runs in the child between fork and exec, still as root
            if group is not None:
                group.join()
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))  # per uid: a second fence
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            if os.getuid() == 0 or os.geteuid() == 0:
                raise PermissionError("still root after setuid")
            if _prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
                raise PermissionError("prctl(PR_SET_NO_NEW_PRIVS) failed")
            os.umask(0o077)
            os.chdir(home)

        return preexec

    async def start(self):
        uid, _, home = self.account()
        if os.geteuid() != 0:
            raise SpawnRefused("课堂服务器没有以 root 运行，无法让学生以各自的账号运行：请以 root 启动。")
        try:
            self._group = limits.create(self._key(), self._limits())
        except limits.LimitsUnavailable as exc:
            if self.require_limits:
                raise SpawnRefused(f"无法为「{self.user.name}」设置内存和CPU上限（{exc}）："
                                   "不设上限就不启动。若确需在此机器上不设上限运行，"
                                   "设置 GOVLIB_HUB_LIMITS=off 后重启。") from exc
            self.log.warning("no cgroup limits for %s: %s", self.user.name, exc)
            self._group = None
        if self.forkserver_socket:
            try:
                return await self._start_forked()
            except forkserver.ForkServerError as exc:
                self.log.warning("fork server unavailable for %s, starting by exec: %s", self.user.name, exc)
        return await super().start()

    def _forkable(self, env: dict) -> bool:
        """The command is the standard single-user server, with no entry-point choice in *env*."""
        return (list(self.cmd)[-2:] == ["-m", "jupyterhub.singleuser"] and not self.shell_cmd
                and not env.get("JUPYTERHUB_SINGLEUSER_APP") and not env.get("JUPYTERHUB_SINGLEUSER_EXTENSION"))

    async def _start_forked(self):
        """Like :meth:`LocalProcessSpawner.start`, but the process is a child of the fork server."""
        from jupyterhub.utils import random_port

        if self.port == 0:
            self.port = random_port()
        env = self.get_env()
        if not self._forkable(env):
            raise forkserver.ForkServerError("the server command is not `python -m jupyterhub.singleuser`")
        uid, gid, home = self.account()
        args = list(self.get_args())
        request = forkserver.Launch(argv=["jupyterhub-singleuser", *args], env=env, uid=uid, gid=gid,
                                    home=str(home), nproc=self.pids_limit,
                                    cgroup_procs=self._group.procs_files if self._group else [])
        await _FORK_SERVER.ready(self.forkserver_python, self.forkserver_socket, self.forkserver_wait)
        self.log.info("Forking %s for %s", " ".join(shlex.quote(a) for a in request.argv), self.user.name)
        self.proc = None
        self.pid = await asyncio.to_thread(forkserver.launch, self.forkserver_socket, request)
        return (self.ip or "127.0.0.1", self.port)

    async def poll(self):
        status = await super().poll()
        if status is None and self.proc is None and self.pid and _zombie(self.pid):
            self.clear_state()      # a forked server whose parent is gone and nobody reaps
            return 0
        return status

    async def stop(self, now=False):
        await super().stop(now=now)
        try:
            group = self._group or limits.existing(self._key())
        except SpawnRefused:          # the name left the roster while its server ran
            group = self._group
        if group is not None:
            group.remove()
        self._group = None

    def group(self) -> limits.StudentGroup | None:
        """The student's cgroup while the server runs (for tests and the instructor)."""
        return self._group or limits.existing(self._key())

    async def move_certs(self, paths):
        return paths   # internal TLS is not used on one machine


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except (OSError, IndexError):
        return False


class _ForkServerProcess:
    """The hub's one fork server, started at the first spawn (not when the config is read)."""

    def __init__(self):
        self.proc: subprocess.Popen | None = None
        self.lock = asyncio.Lock()

    async def ready(self, python: str, path: str, wait: float) -> None:
        async with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                if os.path.lexists(path):
                    os.unlink(path)          # a stale socket of an earlier hub
                # a clean environment: the fork server holds no token or password to hand down;
                # started from the hub's main thread, so it ends with the hub (PR_SET_PDEATHSIG)
                self.proc = subprocess.Popen(
                    [python or sys.executable, "-s", "-E", "-m", "govlib_hub.forkserver", path],
                    cwd=str(Path(__file__).resolve().parent.parent), stdin=subprocess.DEVNULL,
                    env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "LANG": "C.UTF-8"})
            deadline = time.monotonic() + wait
            while not os.path.exists(path):
                if self.proc.poll() is not None:
                    raise forkserver.ForkServerError(f"the fork server exited with {self.proc.returncode}")
                if time.monotonic() > deadline:
                    raise forkserver.ForkServerError(f"the fork server was not ready within {wait:.0f} s")
                await asyncio.sleep(0.05)


_FORK_SERVER = _ForkServerProcess()
