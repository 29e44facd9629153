"""One control group per submission: a process cap and a memory cap over all its processes, and a reaper.

Why a control group
-------------------
``setrlimit`` limits hold per process (address space) or per *user*
(``RLIMIT_NPROC``), and the kernel does not apply ``RLIMIT_NPROC`` to root.
When the grader runs as root (as the README's commands do), the sandbox's
user is host root, so neither a process cap nor a memory cap over several
processes would hold.  A control group limits what its members do whoever
they are: ``pids.max`` caps processes and threads, ``memory.max``
(``memory.limit_in_bytes`` in version 1) caps the memory of all of them
together, and the group's member list is exactly what must be killed at the
end -- a process cannot leave its group (the sandbox has no ``/sys`` and no
capabilities).

The grader creates the group below its own (version 2, when the ``pids`` and
``memory`` controllers can be enabled there; otherwise the version-1
``pids`` and ``memory`` hierarchies), starts the sandbox inside it through a
tiny ``sh`` wrapper that writes its own pid to ``cgroup.procs`` and then
``exec``\\ s bubblewrap, and at the end kills every member, waits until the
group is empty and removes it (:meth:`SubmissionGroup.close`).  systemd is
not needed.

:func:`probe` answers whether this works here; the grader refuses to grade as
root when it does not (see :mod:`govlib.grading.sandbox`).

Without a group (an ordinary user on a machine that delegates none), and as a
second check with one, :func:`namespace_members` finds and kills every process
still in the sandbox's PID namespace, which bubblewrap reports with
``--info-fd`` (:func:`read_info`).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["GroupRoot", "SubmissionGroup", "probe", "read_info", "namespace_members"]

_MOUNTINFO = "/proc/self/mountinfo"
_SELF = "/proc/self/cgroup"


def _mounts() -> list[tuple[str, str, str, set[str]]]:
    """(root inside the hierarchy, mount point, fs type, super options) of every cgroup mount."""
    out = []
    try:
        lines = Path(_MOUNTINFO).read_text().splitlines()
    except OSError:
        return out
    for line in lines:
        left, _, right = line.partition(" - ")
        f, r = left.split(), right.split()
        if len(f) < 5 or len(r) < 3 or r[0] not in ("cgroup", "cgroup2"):
            continue
        point = f[4].replace("\\040", " ")
        out.append((f[3], point, r[0], set(r[2].split(","))))
    return out


def _own() -> dict[str, str]:
    """This process's group per hierarchy: ``{"": path}`` for version 2, ``{"pids": path, ...}`` for version 1."""
    out: dict[str, str] = {}
    try:
        for line in Path(_SELF).read_text().splitlines():
            _, ctrls, path = line.split(":", 2)
            if ctrls == "":
                out[""] = path
            for c in ctrls.split(","):
                if c:
                    out[c] = path
    except (OSError, ValueError):
        pass
    return out


def _join(point: str, root: str, path: str) -> Path:
    rel = path
    if root != "/" and (path == root or path.startswith(root + "/")):
        rel = path[len(root):]
    return Path(point) / rel.lstrip("/")


def _write(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode("ascii"))
    finally:
        os.close(fd)


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _members(folder: Path) -> list[int]:
    return [int(x) for x in _read(folder / "cgroup.procs").split() if x.isdigit()]


def _counter(path: Path, key: str) -> int:
    for line in _read(path).splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == key and parts[1].isdigit():
            return int(parts[1])
    return 0


@dataclass(frozen=True)
class GroupRoot:
    """Where submission groups are made.

    Attributes
    ----------
    version : int
        2 (unified) or 1 (separate ``pids`` and ``memory`` hierarchies).
    pids, memory : Path
        Parent folder of new groups in each controller (the same folder in version 2).
    """

    version: int
    pids: Path
    memory: Path

    def create(self, nproc: int, memory: int) -> "SubmissionGroup":
        """A new, empty group with *nproc* processes/threads and *memory* bytes at most."""
        name = f"govlib-grade-{os.getpid()}-{secrets.token_hex(4)}"
        if self.version == 2:
            d = self.pids / name
            d.mkdir()
            group = SubmissionGroup(self, [d])
            try:
                _write(d / "pids.max", str(int(nproc)))
                _write(d / "memory.max", str(int(memory)))
                if (d / "memory.swap.max").exists():
                    _write(d / "memory.swap.max", "0")
                if (d / "memory.oom.group").exists():
                    _write(d / "memory.oom.group", "0")
            except OSError:
                group.close()
                raise
            return group
        p, m = self.pids / name, self.memory / name
        p.mkdir()
        group = SubmissionGroup(self, [p])
        try:
            m.mkdir()
            group.folders.append(m)
            _write(p / "pids.max", str(int(nproc)))
            _write(m / "memory.limit_in_bytes", str(int(memory)))
            if (m / "memory.memsw.limit_in_bytes").exists():
                try:
                    _write(m / "memory.memsw.limit_in_bytes", str(int(memory)))
                except OSError:  # no swap accounting: memory.limit_in_bytes alone
                    pass
        except OSError:
            group.close()
            raise
        return group


@dataclass
class SubmissionGroup:
    """The control group(s) of one submission."""

    root: GroupRoot
    folders: list[Path] = field(default_factory=list)

    def wrap(self, cmd: list[str]) -> list[str]:
        """*cmd* started inside this group: ``sh`` joins the group, then ``exec``\\ s *cmd* (same pid)."""
        script = ('while [ "$1" != -- ]; do echo $$ > "$1/cgroup.procs" || exit 125; shift; done; '
                  'shift; exec "$@"')
        return ["/bin/sh", "-c", script, "govlib-cgroup", *[str(f) for f in self.folders], "--", *cmd]

    def members(self) -> list[int]:
        """Pids of the processes in the group now."""
        out: set[int] = set()
        for f in self.folders:
            out.update(_members(f))
        return sorted(out)

    def kill(self, wait: float = 10.0) -> list[int]:
        """SIGKILL every member until the group is empty; the pids still there after *wait* seconds."""
        end = time.monotonic() + wait
        kill_file = self.folders[0] / "cgroup.kill"
        while True:
            pids = self.members()
            if not pids:
                return []
            if self.root.version == 2 and kill_file.exists():
                try:
                    _write(kill_file, "1")
                except OSError:
                    pass
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            if time.monotonic() > end:
                return self.members()
            time.sleep(0.02)

    def events(self) -> dict[str, int]:
        """How often the caps were hit: ``{"pids": n, "oom": n}``."""
        p = self.folders[0]
        m = self.folders[-1]
        if self.root.version == 2:
            return {"pids": _counter(p / "pids.events", "max"), "oom": _counter(m / "memory.events", "oom_kill")}
        return {"pids": _counter(p / "pids.events", "max"), "oom": _counter(m / "memory.oom_control", "oom_kill")}

    def close(self) -> list[int]:
        """Kill what is left and remove the group; returns the pids that could not be ended (normally none)."""
        left = self.kill()
        for f in reversed(self.folders):
            try:
                f.rmdir()
            except OSError:
                if not left and f.exists():
                    left = self.members() or [-1]
        return left


def probe() -> tuple[GroupRoot | None, str]:
    """Where this process may create submission groups with a process and a memory cap.

    Returns
    -------
    (GroupRoot or None, str)
        The parent folders, or None and why not (English, for the Chinese message around it).
    """
    mounts, own = _mounts(), _own()
    why = []
    for root, point, fstype, _opts in mounts:
        if fstype != "cgroup2" or "" not in own:
            continue
        parent = _join(point, root, own[""])
        ctrls = set(_read(parent / "cgroup.controllers").split())
        if not {"pids", "memory"} <= ctrls:
            why.append(f"cgroup v2 at {parent} lacks the pids/memory controllers")
            continue
        sub = set(_read(parent / "cgroup.subtree_control").split())
        if not {"pids", "memory"} <= sub:
            try:
                _write(parent / "cgroup.subtree_control", "+pids +memory")
            except OSError as exc:
                why.append(f"cannot enable pids/memory below {parent}: {exc.strerror}")
                continue
        gr = GroupRoot(2, parent, parent)
        ok, reason = _try(gr)
        if ok:
            return gr, ""
        why.append(reason)
    found: dict[str, Path] = {}
    for root, point, fstype, opts in mounts:
        if fstype == "cgroup":
            for c in ("pids", "memory"):
                if c in opts and c in own and c not in found:
                    found[c] = _join(point, root, own[c])
    if {"pids", "memory"} <= set(found):
        gr = GroupRoot(1, found["pids"], found["memory"])
        ok, reason = _try(gr)
        if ok:
            return gr, ""
        why.append(reason)
    elif not why:
        why.append("no cgroup v2 with pids/memory and no cgroup v1 pids+memory hierarchies are mounted")
    return None, "; ".join(why)


def _try(gr: GroupRoot) -> tuple[bool, str]:
    try:
        g = gr.create(16, 64 * 1024 ** 2)
    except OSError as exc:
        return False, f"cannot create a cgroup below {gr.pids}: {exc.strerror}"
    left = g.close()
    return (not left), ("" if not left else f"cannot remove a test cgroup below {gr.pids}")


# ---------------------------------------------------------------- the sandbox's PID namespace

def read_info(fd: int, wait: float = 20.0) -> tuple[int, str] | None:
    """bwrap's ``--info-fd`` report: the sandbox init's host pid and its PID namespace, or None."""
    import selectors

    buf = b""
    end = time.monotonic() + wait
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while time.monotonic() < end and b"}" not in buf and len(buf) < 4096:
            if not sel.select(timeout=max(0.0, end - time.monotonic())):
                break
            b = os.read(fd, 4096)
            if not b:
                break
            buf += b
    try:
        pid = int(json.loads(buf.decode("ascii"))["child-pid"])
        return pid, os.readlink(f"/proc/{pid}/ns/pid")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, OSError):
        return None


def namespace_members(ns: str, wait: float = 10.0) -> list[int]:
    """Kill every process whose PID namespace is *ns*; the pids still alive after *wait* seconds."""
    end = time.monotonic() + wait
    while True:
        found = []
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    if os.readlink(f"/proc/{d}/ns/pid") == ns:
                        found.append(int(d))
                except OSError:
                    continue
        alive = []
        for pid in found:
            try:
                with open(f"/proc/{pid}/stat", "rb") as fh:
                    if fh.read().rsplit(b")", 1)[1].split()[0] == b"Z":
                        continue  # a zombie waiting for its parent: nothing runs
            except (OSError, IndexError):
                continue
            alive.append(pid)
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if not alive or time.monotonic() > end:
            return alive
        time.sleep(0.05)
