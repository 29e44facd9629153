"""Run one submission in a bubblewrap sandbox, and read back a result the student cannot forge.

Threat model
------------
A returned notebook is arbitrary code written by someone who may want a
better mark or want to do harm: read or change classmates' notebooks, write
into the submissions or output folder, leave processes behind, signal the
grader, persist something for later kernels (an IPython startup file), fill
the disk or the memory, or forge what the grader reads.  The grader itself,
the syllabus, the build and the exercise banks are trusted.

Design
------
Each submission runs in its own ``bwrap`` (Debian package ``bubblewrap``)
sandbox, started by the grader with:

- **its own namespaces**: user (no capabilities, no nested user namespaces),
  PID (``--unshare-pid``: it sees only its own processes and cannot signal
  the grader), network (``--unshare-net``: only a private loopback, which the
  kernel's channels use), IPC, UTS; a new session (no terminal injection);
  ``--die-with-parent``;
- **an init the kernel cannot touch**: ``--as-pid-1`` makes the runner itself
  the sandbox's pid 1 (no bwrap reaper process), and the runner's first act
  is ``prctl(PR_SET_DUMPABLE, 0)``.  The kernel runs as the same user, but a
  non-dumpable process can be ptraced only with ``CAP_SYS_PTRACE`` in its
  user namespace, which nothing in the sandbox has: the kernel cannot attach
  to pid 1 to clear its parent-death signal (the attack of issue 22), read its
  memory or open its descriptors, and as pid 1 it ignores the kernel's
  signals.  When the runner ends, the kernel ends the whole PID namespace.
  This was chosen over a seccomp filter (architecture-specific system call
  numbers, hand-written BPF) and over a mapped unprivileged host uid (needs
  unprivileged user namespaces and a host uid that can read the Python
  environment): it needs nothing from the host and keeps the runner's
  existing protection;
- **one control group per submission** (:mod:`govlib.grading.cgroup`): a
  process cap (``pids.max``, default 256) and a memory cap over all its
  processes together (default 2 GiB), which hold for root too; when the run
  ends the grader kills the init by its host pid (``--info-fd``), kills every
  member of the group and removes it, then checks that no process is left in
  the group or in the sandbox's PID namespace (:class:`SandboxLeak`
  otherwise).  Grading as root without a usable control group is refused
  (:class:`LimitsUnavailable`, Chinese message); an ordinary user without one
  gets the per-user ``RLIMIT_NPROC`` and a note in the report;
- **a read-only view** of the system (``/usr``, a few files of ``/etc``), of
  Python (the interpreter, the environment, ``PYTHONPATH``) and of govlib's
  package, register and the syllabus *file*; never the course folder, whose
  builds hold the answer pages, the instructor editions and the manifest
  (a build folder inside a visible path, and the ``--build`` folder, are
  covered like the masks below); nothing else of the host is visible;
- **masks**: the submissions folder, the output folder and the grader's home
  are covered by empty in-memory folders wherever they fall inside a visible
  path;
- **a private writable scratch**: a fresh, size-limited in-memory home
  (``HOME``, ``IPYTHONDIR``, Jupyter and matplotlib folders) whose working
  folder holds only the copy of this one submission, handed over through a
  pipe; no host folder is writable, so nothing persists after the run and
  nothing is written outside the output folder;
- **limits**: besides the control group, address space, CPU time, file size
  and processes (``setrlimit``, set by the runner and inherited by the kernel), a wall-clock
  limit enforced twice (the runner's watchdog, and the grader, which kills
  the sandbox; when the sandbox's first process ends, the kernel ends the
  PID namespace and every process in it).

Inside, :mod:`govlib.grading.runner` runs the whole nbclient execution (the
kernel's ZeroMQ channels stay on the sandbox's loopback).  The grader hands
the runner its input through standard input, including a random *channel
nonce*, and gives it one extra pipe for the result.  The runner reads its
input before any student code exists, makes itself non-dumpable (so the
kernel, running as the same user, can neither read its memory nor open its
descriptors through ``/proc``) and writes exactly one JSON object carrying
the nonce to the result pipe; the kernel does not inherit that pipe.  The
grader accepts exactly one well-formed object with the right nonce, then
validates every value (:func:`govlib.grading.kernel.validate_payload`).
What the kernel itself reports is only ever the student's own answers (see
:mod:`govlib.grading.kernel`); parameters are decided by the grader.

Without ``bwrap`` the grader refuses to run (:class:`SandboxMissing`, with
install instructions) unless the instructor passes ``--unsafe-no-sandbox``;
then the runner runs as a plain child process in its own session and
temporary folder, with the same limits, and its process group is killed at
the end -- students' code then runs with the instructor's rights.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from govlib.errors import ParameterError
from govlib.grading.cgroup import namespace_members as _namespace_members
from govlib.grading.cgroup import probe as probe_groups
from govlib.grading.cgroup import read_info as _read_info

__all__ = ["SandboxMissing", "LimitsUnavailable", "SandboxLeak", "Limits", "Runner", "find_bwrap", "check_bwrap", "INSTALL_HINT"]

#: how to install the sandbox tool (shown when it is missing)
INSTALL_HINT = ("评分需要沙箱工具 bubblewrap（bwrap）来隔离每份作业，但本机没有找到或无法运行它。"
                "请安装：Debian/Ubuntu 运行 `sudo apt-get install bubblewrap`，Fedora 运行 "
                "`sudo dnf install bubblewrap`。如果确实要在没有沙箱的情况下评分（学生代码将以你的权限运行），"
                "请显式加上 --unsafe-no-sandbox。")

HOME = "/home/student"
WORK = HOME + "/work"


class SandboxMissing(ParameterError):
    """bwrap is not installed or cannot create a sandbox here."""


class LimitsUnavailable(ParameterError):
    """Grading as root, but no control group can be made: the limits would not hold."""


class SandboxLeak(RuntimeError):
    """A process of a finished submission could not be ended (grading stops)."""


#: why grading as root needs a control group
LIMITS_HINT = ("以 root 身份评分时，进程数和内存上限只能由控制组（cgroup）保证（root 不受 RLIMIT_NPROC 限制，"
               "内存限制也只对单个进程有效），但本机无法为每份作业创建控制组（{why}）。为避免在没有限制的情况下"
               "运行学生代码，评分已停止。请以普通用户身份运行 govlib grade，或让 /sys/fs/cgroup 可写"
               "（cgroup v2 需启用 pids 与 memory 控制器，或挂载 cgroup v1 的 pids 与 memory 层级）。")


@dataclass(frozen=True)
class Limits:
    """Resource limits of one submission.

    Attributes
    ----------
    memory : int
        Bytes of address space per process (``setrlimit``).
    total_memory : int
        Bytes of memory of all the submission's processes together (the
        control group's memory cap; in-memory files count too).
    cpu_extra : int
        CPU seconds allowed beyond the notebook's time limit.
    fsize : int
        Largest file a submission may write, bytes.
    nproc : int
        Processes and threads of the whole submission, runner and kernel
        included (the control group's ``pids.max``).
    scratch : int
        Size of the in-memory home, bytes.
    """

    memory: int = 4 * 1024 ** 3
    total_memory: int = 2 * 1024 ** 3
    cpu_extra: int = 60
    fsize: int = 64 * 1024 ** 2
    nproc: int = 256
    scratch: int = 256 * 1024 ** 2


def find_bwrap() -> str | None:
    """The path of ``bwrap``, or None."""
    return shutil.which("bwrap")


_CHECKED: dict[str, str] = {}


def check_bwrap() -> str:
    """The path of a working ``bwrap``; raises :class:`SandboxMissing` otherwise (checked once)."""
    if "ok" in _CHECKED:
        return _CHECKED["ok"]
    path = find_bwrap()
    if path is None:
        raise SandboxMissing(INSTALL_HINT)
    cmd = [path, "--unshare-user", "--unshare-pid", "--unshare-net", "--die-with-parent", "--cap-drop", "ALL",
           *_system_binds(), "--proc", "/proc", "--dev", "/dev", "true"]
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SandboxMissing(f"{INSTALL_HINT}（{exc}）") from None
    if r.returncode != 0:
        raise SandboxMissing(f"{INSTALL_HINT}（bwrap: {r.stderr.decode('utf-8', 'replace').strip()[:200]}）")
    _CHECKED["ok"] = path
    return path


def _system_binds() -> list[str]:
    args: list[str] = ["--ro-bind", "/usr", "/usr"]
    for d in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        p = Path("/") / d
        if p.is_symlink():
            args += ["--symlink", os.readlink(p), str(p)]
        elif p.is_dir():
            args += ["--ro-bind", str(p), str(p)]
    for f in ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "fonts", "localtime", "passwd", "group",
              "nsswitch.conf", "hosts", "alternatives", "mime.types", "ssl/certs"):
        args += ["--ro-bind-try", f"/etc/{f}", f"/etc/{f}"]
    return args


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


def _python_roots() -> list[Path]:
    """Folders Python and govlib need, read-only."""
    from govlib import paths

    # not the course folder: it holds the builds (answer pages, instructor editions, the manifest);
    # the syllabus file alone is bound (see Runner._bwrap_cmd)
    roots = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent.parent,
             paths.PACKAGE, paths.DATA}
    for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep):
        if entry:
            roots.add(Path(entry))
    for entry in sys.path:
        if entry and "site-packages" in entry:
            roots.add(Path(entry))
    out = []
    for r in roots:
        try:
            r = r.resolve()
        except OSError:
            continue
        if r.is_dir() and r != Path("/"):
            out.append(r)
    out.sort(key=lambda p: (len(p.parts), str(p)))
    kept: list[Path] = []
    for r in out:  # drop roots inside another root
        if not any(_inside(r, k) for k in kept):
            kept.append(r)
    return kept


def _python() -> str:
    """The interpreter's path without ``..`` parts (links kept: a virtual environment's python is one);
    ``tests/../.venv/bin/python`` would not exist inside the sandbox, where ``tests/`` is not bound."""
    return os.path.normpath(os.path.abspath(sys.executable))


def _answer_folders() -> list[Path]:
    """Build folders a submission must never see, wherever they fall inside a visible root."""
    from govlib import paths

    out = []
    for p in (paths.BUILD, paths.COURSE / "_build"):
        try:
            out.append(Path(p).resolve())
        except OSError:
            continue
    return out


def _mpl_cache() -> Path | None:
    try:
        import matplotlib

        d = Path(matplotlib.get_cachedir())
        return d if any(d.glob("fontlist*.json")) else None
    except Exception:  # noqa: BLE001 - no matplotlib, or no cache: the kernel builds its own
        return None


def _thread_count(uid: int) -> int:
    """Threads owned by *uid* now (RLIMIT_NPROC counts them per user)."""
    n = 0
    try:
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                st = os.stat(f"/proc/{pid}")
                if st.st_uid == uid:
                    n += len(os.listdir(f"/proc/{pid}/task"))
            except OSError:
                continue
    except OSError:  # pragma: no cover - no /proc
        return 0
    return n


@dataclass
class Runner:
    """Starts the sandboxed runner for each submission.

    Parameters
    ----------
    masks : list of Path
        Host folders the submission must not see (submissions, output, home).
    sandbox : bool
        False only with ``--unsafe-no-sandbox``.
    limits : Limits
        Resource limits.
    jobs : int
        Sandboxes that may run at once (the process budget is shared per user).
    """

    masks: list[Path] = field(default_factory=list)
    sandbox: bool = True
    limits: Limits = field(default_factory=Limits)
    jobs: int = 1

    def __post_init__(self) -> None:
        self.bwrap = check_bwrap() if self.sandbox else None
        self._base = _system_binds() if self.sandbox else []
        self._roots = _python_roots() if self.sandbox else []
        self._mpl = _mpl_cache()
        # RLIMIT_NPROC counts every process of the user, inside and outside the sandboxes
        self._nproc = _thread_count(os.getuid()) + self.limits.nproc * max(1, self.jobs) + 64
        self._procs: set[subprocess.Popen] = set()
        self._lock = threading.Lock()
        self.cancelled = threading.Event()
        #: notes for the report (Chinese), e.g. how the limits are enforced
        self.notes: list[str] = []
        self._groups, why = probe_groups()
        if self._groups is None:
            if self.sandbox and os.geteuid() == 0:
                raise LimitsUnavailable(LIMITS_HINT.format(why=why))
            self.notes.append("注意：本机无法创建控制组（cgroup），进程数上限按用户（RLIMIT_NPROC）执行，"
                              "内存上限只对单个进程有效")

    # ------------------------------------------------------------------ command lines
    def _env(self, home: str) -> dict[str, str]:
        env = {
            "PATH": os.pathsep.join([str(Path(_python()).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
            "HOME": home, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONNOUSERSITE": "1", "MPLBACKEND": "Agg", "MPLCONFIGDIR": f"{home}/.config/matplotlib",
            "IPYTHONDIR": f"{home}/.ipython", "JUPYTER_CONFIG_DIR": f"{home}/.jupyter",
            "JUPYTER_DATA_DIR": f"{home}/.local/share/jupyter", "JUPYTER_RUNTIME_DIR": f"{home}/.runtime",
            "JUPYTER_PLATFORM_DIRS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1", "TMPDIR": "/tmp",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        }
        for key in ("PYTHONPATH", "GOVLIB_EXERCISE_BANKS", "GOVLIB_ROOT", "SOURCE_DATE_EPOCH"):
            if os.environ.get(key):
                env[key] = os.environ[key]
        return env

    def _bwrap_cmd(self, info_fd: int) -> list[str]:
        # --as-pid-1: the runner itself is the sandbox's init, and it is non-dumpable before any student
        # code exists, so the kernel cannot ptrace it (and clear its parent-death signal); when it ends,
        # the kernel ends every process of the PID namespace.  --info-fd tells the grader its host pid.
        cmd = [self.bwrap, "--unshare-user", "--uid", "1000", "--gid", "1000", "--disable-userns",
               "--unshare-pid", "--as-pid-1", "--info-fd", str(info_fd), "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
               "--cap-drop", "ALL", "--die-with-parent", "--new-session", "--hostname", "sandbox",
               *self._base, "--proc", "/proc", "--dev", "/dev",
               # the scratch mounts come first: a root that lies below /tmp or the home (a checkout or
               # virtual environment in /tmp, as CI makes) is bound on top of them, not hidden by them
               "--size", str(self.limits.scratch), "--tmpfs", HOME,
               "--size", str(self.limits.scratch), "--tmpfs", "/tmp",
               "--size", str(self.limits.scratch // 4), "--tmpfs", "/dev/shm"]
        for r in self._roots:
            cmd += ["--ro-bind", str(r), str(r)]
        if self._mpl is not None:
            cmd += ["--ro-bind", str(self._mpl), "/opt/govlib-mpl-cache"]
        from govlib import paths

        syllabus = paths.SYLLABUS.resolve()
        if syllabus.is_file() and not any(_inside(syllabus, r) for r in self._roots):
            cmd += ["--ro-bind", str(syllabus), str(syllabus)]
        builds = [b for b in _answer_folders() if b.is_dir()]  # masked only where they exist
        for m in [*self.masks, *builds]:
            m = Path(m)
            if m != Path("/") and any(_inside(m, r) for r in self._roots):
                cmd += ["--tmpfs", str(m)]
        cmd += ["--dir", WORK, "--remount-ro", "/", "--chdir", WORK, "--clearenv"]
        for k, v in self._env(HOME).items():
            cmd += ["--setenv", k, v]
        cmd += ["--", _python(), "-P", "-s", "-m", "govlib.grading.runner"]
        return cmd

    # ------------------------------------------------------------------ running
    def run(self, sources: list[str], *, variables, params, timeout: float, extract_timeout: float,
            notebook_text: str = "") -> dict:
        """Run one submission's code cells; return ``{"status", "problems", "payload"}``.

        Never raises for what the submission does; the result is validated.
        Every process of the submission is ended before this returns
        (:class:`SandboxLeak` if one cannot be, which stops grading).
        """
        variables, params = list(variables), list(params)
        nonce = secrets.token_hex(16)
        rfd, wfd = os.pipe()
        ifd_r, ifd_w = os.pipe() if self.sandbox else (-1, -1)
        tmp = None
        group = None
        data = None
        notes: list[str] = []
        try:
            cfg = {"sources": sources, "variables": variables, "params": params, "timeout": timeout,
                   "extract_timeout": extract_timeout, "nonce": nonce, "result_fd": wfd,
                   "notebook": notebook_text,
                   "limits": {"memory": self.limits.memory, "cpu": int(timeout + extract_timeout) + self.limits.cpu_extra,
                              "fsize": self.limits.fsize, "nproc": self._nproc, "core": 0}}
            if self.sandbox:
                cmd = self._bwrap_cmd(ifd_w)
                cfg["cwd"] = WORK
                cfg["mpl_cache"] = "/opt/govlib-mpl-cache" if self._mpl is not None else None
                env, cwd = None, None
            else:
                tmp = tempfile.mkdtemp(prefix="govlib-unsafe-")
                home = os.path.join(tmp, "home")
                os.makedirs(os.path.join(home, "work"))
                cmd = [sys.executable, "-P", "-s", "-m", "govlib.grading.runner"]
                env, cwd = self._env(home), os.path.join(home, "work")
                cfg["cwd"] = cwd
                cfg["mpl_cache"] = str(self._mpl) if self._mpl is not None else None
            if self.cancelled.is_set():
                return {"status": "interrupted", "problems": ["评分被中断，此文件未评分"], "payload": None}
            if self._groups is not None:
                group = self._groups.create(self.limits.nproc, self.limits.total_memory)
                cmd = group.wrap(cmd)
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, pass_fds=tuple(f for f in (wfd, ifd_w) if f >= 0),
                                    env=env, cwd=cwd, start_new_session=True)
            for fd in (wfd, ifd_w):
                if fd >= 0:
                    os.close(fd)
            wfd = ifd_w = -1
            with self._lock:
                self._procs.add(proc)
            init = _read_info(ifd_r) if ifd_r >= 0 else None
            try:
                data = self._talk(proc, rfd, json.dumps(cfg).encode("utf-8"),
                                  hard=60 + timeout + 3 * extract_timeout + 10)
            finally:
                self._kill(proc)
                with self._lock:
                    self._procs.discard(proc)
                notes = self._reap(proc, init, group)
                group = None
        finally:
            for fd in (rfd, wfd, ifd_r, ifd_w):
                if fd >= 0:
                    try:
                        os.close(fd)
                    except OSError:
                        pass
            if group is not None:
                group.close()
            if tmp:
                shutil.rmtree(tmp, ignore_errors=True)
        if self.cancelled.is_set() and not data:
            return {"status": "interrupted", "problems": ["评分被中断，此文件未评分"], "payload": None}
        out = self._validate(data, nonce, variables, params)
        out["problems"] = notes + out["problems"]
        return out

    def _reap(self, proc: subprocess.Popen, init: tuple[int, str] | None, group) -> list[str]:
        """End whatever is left of one submission and check that nothing is; notes on caps that were hit.

        The sandbox's init (the runner) is killed by its host pid -- which ends its PID namespace --
        then every member of the submission's control group; finally no process may remain in the
        group or in the PID namespace.
        """
        notes: list[str] = []
        if init is not None:
            try:
                os.kill(init[0], signal.SIGKILL)
            except OSError:
                pass
        left: list[int] = []
        if group is not None:
            ev = group.events()
            if ev["oom"]:
                notes.append(f"内存超出上限：作业全部进程合计不得超过 {self.limits.total_memory / 1024 ** 2:g} MiB，"
                             f"系统终止了其中的进程（{ev['oom']} 次）")
            if ev["pids"]:
                notes.append(f"进程数达到上限：作业的进程和线程合计不得超过 {self.limits.nproc} 个，"
                             "超出的创建被拒绝")
            left = group.close()
        if init is not None:
            left += _namespace_members(init[1])
        if left:
            raise SandboxLeak(f"此作业的进程在沙箱结束后仍在运行且无法结束（pid {', '.join(map(str, left[:10]))}），"
                              "请手动检查并结束它们")
        return notes

    def _talk(self, proc: subprocess.Popen, rfd: int, cfg: bytes, hard: float) -> bytes | None:
        try:
            proc.stdin.write(cfg)
            proc.stdin.close()
        except OSError:
            pass
        chunks: list[bytes] = []
        size = 0
        end = time.monotonic() + hard
        os.set_blocking(rfd, False)
        import selectors

        with selectors.DefaultSelector() as sel:
            sel.register(rfd, selectors.EVENT_READ)
            while time.monotonic() < end and not self.cancelled.is_set():
                if not sel.select(timeout=0.2):
                    if proc.poll() is not None and not sel.select(timeout=0):
                        break
                    continue
                try:
                    b = os.read(rfd, 65536)
                except BlockingIOError:
                    continue
                if not b:
                    return b"".join(chunks)
                size += len(b)
                if size > 4_000_000:
                    return None
                chunks.append(b)
        return b"".join(chunks) if chunks and proc.poll() is not None else None

    def _kill(self, proc: subprocess.Popen) -> None:  # noqa: D401 - the outer process and its group
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                proc.kill()
        elif not self.sandbox:
            try:  # the runner's group may still hold the kernel or what it started
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            pass

    def cancel(self) -> None:
        """Stop every running sandbox (Ctrl-C)."""
        self.cancelled.set()
        with self._lock:
            procs = list(self._procs)
        for p in procs:
            self._kill(p)

    @staticmethod
    def _validate(data: bytes | None, nonce: str, variables, params) -> dict:
        from govlib.grading.kernel import validate_payload

        if not data:
            return {"status": "died", "payload": None,
                    "problems": ["运行环境（沙箱）没有返回结果：内核或运行程序被终止，无法读取答案"]}
        try:
            obj = json.loads(data.decode("ascii"))
        except (ValueError, UnicodeDecodeError, RecursionError):
            return {"status": "died", "payload": None,
                    "problems": ["运行结果被篡改或不完整（无法解析），无法读取答案"]}
        if type(obj) is not dict or obj.get("nonce") != nonce or type(obj.get("result")) is not dict:
            return {"status": "died", "payload": None, "problems": ["运行结果未通过校验（标记不符），无法读取答案"]}
        res = obj["result"]
        status = res.get("status")
        if status not in ("ok", "errors", "timeout", "died"):
            return {"status": "died", "payload": None, "problems": ["运行结果格式不对，无法读取答案"]}
        problems = [str(p)[:300] for p in res.get("problems", []) if isinstance(p, str)][:12] \
            if isinstance(res.get("problems"), list) else []
        payload = res.get("payload")
        payload = validate_payload(payload, variables, params) if payload is not None else None
        return {"status": status, "problems": problems, "payload": payload}
