"""The hub's fork server (deploy/jupyterhub/govlib_hub/forkserver.py), started for real as root.

What a student's server gets from it is checked end to end by ``tests/test_hub_live.py`` (the
servers there are forked); here, the fork server's own fences: only root may ask, never for a
root server, a bad request fails with its reason and leaves the template serving the next one,
and the child runs the single-user entry point as the uid asked for, with the hub's streams.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from govlib import paths

HUB = paths.PACKAGE.parent / "deploy" / "jupyterhub"
sys.path.insert(0, str(HUB))
forkserver = pytest.importorskip("govlib_hub.forkserver")

NOBODY = 65534
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="the fork server runs as root")]


@pytest.fixture(scope="module")
def server():
    from govlib_hub.python import student_python

    folder = Path(tempfile.mkdtemp(prefix="govlib-fork-"))
    folder.chmod(0o711)          # an ordinary account may reach the socket file: its mode must stop it
    try:
        python, _ = student_python(Path(sys.executable).parent, folder)   # as the hub runs it
    except RuntimeError as exc:
        pytest.skip(f"no Python an ordinary account can run: {exc}")
    sock = folder / "fork.sock"
    proc = subprocess.Popen([str(python), "-s", "-E", "-m", "govlib_hub.forkserver", str(sock)], cwd=str(HUB),
                            env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not sock.exists():
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "the fork server was not ready in 120 s"
        time.sleep(0.05)
    yield proc, sock, python
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    subprocess.run(["rm", "-rf", str(folder)], check=False)


def _request(home: str, **kw) -> forkserver.Launch:
    base = dict(argv=["jupyterhub-singleuser", "--version"], env={"PATH": "/usr/bin:/bin", "HOME": home},
                uid=NOBODY, gid=NOBODY, home=home)
    base.update(kw)
    return forkserver.Launch(**base)


def test_the_socket_is_roots_alone_and_the_template_runs_no_thread(server):
    proc, sock, _ = server
    assert stat.S_IMODE(sock.stat().st_mode) == 0o600 and sock.stat().st_uid == 0
    assert len(os.listdir(f"/proc/{proc.pid}/task")) == 1


def test_a_child_runs_the_single_user_server_as_the_uid_asked_for(server):
    _, sock, _ = server
    read, write = os.pipe()
    pid = forkserver.launch(str(sock), _request("/tmp"), stdout=write, stderr=write)
    os.close(write)
    out = b""
    while chunk := os.read(read, 4096):
        out += chunk
    os.close(read)
    import jupyterhub

    assert pid > 0
    # `--version` of the single-user app prints JupyterHub's version, on the stream handed over
    assert out.decode().strip() == jupyterhub.__version__, out


def test_the_child_is_the_student_before_it_touches_the_home(server, tmp_path):
    _, sock, _ = server
    roots = tmp_path / "roots-only"          # pytest's tmp_path is root's, 0700
    roots.mkdir()
    with pytest.raises(forkserver.ForkServerError, match="PermissionError"):
        forkserver.launch(str(sock), _request(str(roots)))


def test_a_root_server_is_refused_and_the_template_keeps_serving(server):
    proc, sock, _ = server
    with pytest.raises(forkserver.ForkServerError, match="refusing to run a server as root"):
        forkserver.launch(str(sock), _request("/tmp", uid=0, gid=0))
    with pytest.raises(forkserver.ForkServerError, match="FileNotFoundError.*/no/such/home"):
        forkserver.launch(str(sock), _request("/no/such/home"))
    assert proc.poll() is None
    assert forkserver.launch(str(sock), _request("/tmp")) > 0


def test_an_ordinary_account_cannot_ask(server):
    _, sock, python = server
    code = ("import socket, sys\n"
            "s = socket.socket(socket.AF_UNIX)\n"
            "try:\n    s.connect(sys.argv[1])\nexcept PermissionError:\n    print('refused')\n")
    out = subprocess.run([str(python), "-s", "-E", "-c", code, str(sock)], user=NOBODY, group=NOBODY,
                         extra_groups=[], capture_output=True, text=True, timeout=60, cwd="/")
    assert out.stdout.strip() == "refused", out.stderr
