"""Start students' servers by forking a process that has already imported JupyterLab.

Every single-user server imports the same ~1,300 modules (jupyter_server, jupyterlab, jupytext,
tornado, zmq, IPython ...) before it serves a page: about 1.6 CPU-seconds each, paid 30 times over
when a class logs in together.  The *fork server* pays it once: started by the hub (as root, with a
clean environment that holds no token or password), it imports those modules, then waits on a unix
socket that only root can reach.  For each server the hub asks for, it forks; the child

1. reads the request (argv, environment, uid, gid, home, cgroup) -- only the child ever sees it,
   so no student's token stays behind in the template for the next child to inherit;
2. joins the student's cgroup, drops every group, sets the student's gid and uid and
   ``no_new_privs`` (exactly as :meth:`StudentSpawner.make_preexec_fn` does before an exec);
3. answers with its pid and runs ``jupyterhub.singleuser`` in-process, as the student.

The template never runs student code, never reads a request, and holds no secret; its children
share its imported pages copy-on-write (less memory per student, too).  Children are reaped by
the template; the hub sees them by pid, as after a hub restart.  Limits of the approach: every
forked server shares the template's string-hash seed, and an upgrade of the installed packages
needs a hub restart (the template keeps the modules it imported).

Run by the hub config (``GOVLIB_HUB_FORKSERVER=off`` turns it off: servers are then started by
``python -m jupyterhub.singleuser`` as before)::

    python -s -m govlib_hub.forkserver /srv/govlib-hub/private/forkserver.sock
"""

from __future__ import annotations

import ctypes
import importlib
import json
import os
import random
import resource
import signal
import socket
import sys
import threading
from dataclasses import asdict, dataclass, field

from . import limits

# what a course server imports before its first page (jupyter_server, JupyterLab and its server
# extensions); a module missing from an installation is skipped
PRELOAD = (
    "jupyter_server.serverapp",
    "jupyter_server.services.contents.largefilemanager",
    "jupyter_server.services.kernels.kernelmanager",
    "jupyter_server.services.sessions.sessionmanager",
    "jupyterlab.labapp",
    "jupyterlab_server",
    "jupyterhub.singleuser.extension",
    "jupyterhub.singleuser.mixins",
    "jupytext",
    "jupyterlab_jupytext",
    "jupyter_server_terminals",
    "notebook_shim",
    "nbformat",
    "jupyter_client",
    "jupyter_events",
    "IPython",
    "markdown_it",
    "rich",
    "requests",
    "httpx",
    "prometheus_client",
)
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
_libc = ctypes.CDLL(None, use_errno=True)
MAX_REQUEST = 1 << 20


class ForkServerError(RuntimeError):
    """The fork server could not start a server (the message says why)."""


@dataclass
class Launch:
    """One server to start: what :class:`StudentSpawner` would otherwise pass to ``Popen``."""

    argv: list[str]                      # sys.argv of the server, e.g. ["jupyterhub-singleuser", ...]
    env: dict[str, str]
    uid: int
    gid: int
    home: str
    cgroup_procs: list[str] = field(default_factory=list)   # cgroup.procs files to join
    nproc: int = 256


# --------------------------------------------------------------------------- the hub's side
def launch(path: str, request: Launch, *, timeout: float = 60.0, stdout: int = 1, stderr: int = 2) -> int:
    """Ask the fork server at *path* to start *request*; return the server's pid.

    The hub's own stdout and stderr are handed over, so the server logs where a ``Popen``-started
    one would.

    Raises
    ------
    ForkServerError
        When the fork server is not there, or the child refused (e.g. a root uid) or failed.
    """
    payload = json.dumps(asdict(request)).encode() + b"\n"
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(path)
            socket.send_fds(s, [payload], [stdout, stderr])
            answer = _read_line(s)
    except OSError as exc:
        raise ForkServerError(f"fork server {path}: {type(exc).__name__}: {exc}") from exc
    if not answer:
        raise ForkServerError(f"fork server {path}: the child ended without an answer")
    reply = json.loads(answer)
    if "pid" not in reply:
        raise ForkServerError(f"fork server {path}: {reply.get('error', reply)}")
    return int(reply["pid"])


def _read_line(s: socket.socket, buf: bytes = b"") -> bytes:
    """Read from *s* until a newline, EOF or MAX_REQUEST bytes, after what already arrived (*buf*)."""
    while not buf.endswith(b"\n") and len(buf) < MAX_REQUEST:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
    return buf.strip()


# --------------------------------------------------------------------------- the template
def preload(modules=PRELOAD) -> list[str]:
    """Import *modules*; return the ones this installation lacks."""
    missing = []
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    return missing


def _reap(signum, frame) -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def serve(path: str) -> None:
    """Preload, then fork one child per connection on the root-only socket *path* (never returns)."""
    if os.geteuid() != 0:
        raise SystemExit("govlib_hub.forkserver 只由以 root 运行的课堂服务器启动。")
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)   # ends with the hub
    missing = preload()
    if threading.active_count() != 1:
        raise SystemExit(f"fork server: preloading started threads ({threading.enumerate()}); not forking")
    signal.signal(signal.SIGCHLD, _reap)
    if os.path.lexists(path):
        os.unlink(path)
    old = os.umask(0o177)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    os.umask(old)
    os.chmod(path, 0o600)
    listener.listen(64)
    print(f"[govlib] fork server ready at {path} ({len(sys.modules)} modules preloaded"
          + (f"; not installed: {', '.join(missing)}" if missing else "") + ")", file=sys.stderr, flush=True)
    while True:
        try:
            conn, _ = listener.accept()
        except InterruptedError:
            continue
        creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
        peer_uid = int.from_bytes(creds[4:8], sys.byteorder)
        if peer_uid != 0:
            conn.close()
            continue
        pid = os.fork()
        if pid == 0:
            listener.close()
            _child(conn)            # never returns
        conn.close()


def _fail(conn: socket.socket, message: str) -> None:
    try:
        conn.sendall(json.dumps({"error": message}).encode() + b"\n")
    finally:
        os._exit(1)


def _child(conn: socket.socket) -> None:
    """In the forked child: read the request, become the student, run the server."""
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()
        conn.settimeout(30)
        first, fds, _, _ = socket.recv_fds(conn, MAX_REQUEST, 2)
        req = Launch(**json.loads(_read_line(conn, first)))
        if req.uid <= 0 or req.gid <= 0:
            _fail(conn, "refusing to run a server as root")
        limits.join(req.cgroup_procs)
        resource.setrlimit(resource.RLIMIT_NPROC, (req.nproc, req.nproc))
        os.setgroups([])
        os.setgid(req.gid)
        os.setuid(req.uid)
        if os.getuid() == 0 or os.geteuid() == 0 or os.getgid() == 0:
            _fail(conn, "still root after setuid")
        if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            _fail(conn, "prctl(PR_SET_NO_NEW_PRIVS) failed")
        # the student may inspect their own server, as one started by exec; the template holds
        # nothing but imported code (no request, no secret)
        _libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)
        os.umask(0o077)
        os.chdir(req.home)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        for target, fd in zip((1, 2), fds):
            os.dup2(fd, target)
            os.close(fd)
        os.environ.clear()
        os.environ.update(req.env)
        sys.argv = list(req.argv)
        random.seed()
        conn.sendall(json.dumps({"pid": os.getpid()}).encode() + b"\n")
        conn.close()
    except BaseException as exc:  # noqa: BLE001 -- the hub gets the reason, the template never sees it
        _fail(conn, f"{type(exc).__name__}: {exc}")
    code = 0
    try:
        from jupyterhub.singleuser import main

        code = main() or 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    serve(sys.argv[1])
