"""Per-student memory, CPU and process limits with Linux cgroups (v1 controllers or cgroup v2).

Why cgroups and not ``jupyterhub-systemdspawner``: systemdspawner needs systemd as PID 1, which a
container or a small VM often lacks (this repository's CI machine has none), while the cgroup
filesystem is there whenever the hub runs as root.  A limit covers the student's server and every
kernel and subprocess it starts (children stay in the group), unlike ``ulimit``, which is per
process.  The group is created by the hub (root) before the server starts; the server's process
joins it between fork and exec (see :meth:`StudentGroup.join`), then drops to the student's uid.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

CGROUP = Path("/sys/fs/cgroup")
PARENT = "govlib-hub"


class LimitsUnavailable(RuntimeError):
    """No writable cgroup controller for a limit the hub is asked to enforce."""


@dataclass(frozen=True)
class Limits:
    """What one student's processes may use together."""

    memory_bytes: int       # all processes together (no swap beyond it)
    cpus: float             # CPU time as a number of cores, e.g. 1.0
    pids: int               # processes and threads together


def _own_path(controller: str) -> str:
    """This process's cgroup path for a v1 *controller* (``""`` for the v2 entry)."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, names, path = line.split(":", 2)
        if controller in names.split(","):
            return path
    return "/"


def _v2() -> bool:
    return (CGROUP / "cgroup.controllers").is_file()


def _write(path: Path, value: str) -> None:
    path.write_text(value)


def join(procs_files) -> None:
    """Write the calling process's pid into each ``cgroup.procs`` file (no allocation-heavy calls:
    safe between fork and exec, and in the fork server's child)."""
    pid = str(os.getpid()).encode()
    for f in procs_files:
        fd = os.open(f, os.O_WRONLY)
        try:
            os.write(fd, pid)
        finally:
            os.close(fd)


@dataclass
class StudentGroup:
    """The cgroup directories (one per v1 controller, or one v2 directory) of one student."""

    dirs: list[Path]
    version: int

    @property
    def procs_files(self) -> list[str]:
        return [str(d / "cgroup.procs") for d in self.dirs]

    def join(self) -> None:
        """Put the calling process into the group (safe to call between fork and exec)."""
        join(self.procs_files)

    def pids(self) -> set[int]:
        out: set[int] = set()
        for f in self.procs_files:
            try:
                out |= {int(x) for x in Path(f).read_text().split()}
            except OSError:
                pass
        return out

    def read(self, name: str) -> str:
        """One control file's value, e.g. ``memory.limit_in_bytes`` (v1) or ``memory.max`` (v2)."""
        for d in self.dirs:
            if (d / name).exists():
                return (d / name).read_text().strip()
        raise FileNotFoundError(name)

    def remove(self, timeout: float = 10.0) -> None:
        """Kill whatever is still in the group (a kernel the server left behind) and remove it."""
        deadline = time.monotonic() + timeout
        while (left := self.pids()) and time.monotonic() < deadline:
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.1)
        for d in self.dirs:
            try:
                d.rmdir()
            except OSError:
                pass


def create(key: str, limits: Limits) -> StudentGroup:
    """Create (or update) the cgroup *key* with *limits*; raise :class:`LimitsUnavailable` when the
    machine offers no writable memory controller."""
    quota = int(limits.cpus * 100_000)
    try:
        if _v2():
            return _create_v2(key, limits, quota)
        return _create_v1(key, limits, quota)
    except OSError as exc:
        raise LimitsUnavailable(f"{type(exc).__name__}: {exc}") from exc


def _create_v1(key: str, limits: Limits, quota: int) -> StudentGroup:
    dirs: list[Path] = []
    mem = CGROUP / "memory"
    if not (mem / "cgroup.procs").exists():
        raise LimitsUnavailable("no cgroup v1 memory controller at /sys/fs/cgroup/memory")
    for ctrl in ("memory", "cpu", "pids"):
        root = CGROUP / ctrl
        if not (root / "cgroup.procs").exists():
            if ctrl == "memory":
                raise LimitsUnavailable("no memory controller")
            continue
        d = root / _own_path(ctrl).lstrip("/") / PARENT / key
        d.mkdir(parents=True, exist_ok=True)
        dirs.append(d)
        if ctrl == "memory":
            limit, memsw = d / "memory.limit_in_bytes", d / "memory.memsw.limit_in_bytes"
            try:
                _write(limit, str(limits.memory_bytes))
                if memsw.exists():
                    _write(memsw, str(limits.memory_bytes))
            except OSError:                       # raising a limit: memsw must grow first
                if memsw.exists():
                    _write(memsw, str(limits.memory_bytes))
                _write(limit, str(limits.memory_bytes))
        elif ctrl == "cpu":
            _write(d / "cpu.cfs_period_us", "100000")
            _write(d / "cpu.cfs_quota_us", str(quota))
        else:
            _write(d / "pids.max", str(limits.pids))
    return StudentGroup(dirs, 1)


def _create_v2(key: str, limits: Limits, quota: int) -> StudentGroup:
    # a v2 group with processes cannot delegate controllers, so the parent sits at the top level
    parent = CGROUP / PARENT
    parent.mkdir(exist_ok=True)
    for where in (CGROUP, parent):
        _write(where / "cgroup.subtree_control", "+memory +cpu +pids")
    d = parent / key
    d.mkdir(exist_ok=True)
    _write(d / "memory.max", str(limits.memory_bytes))
    if (d / "memory.swap.max").exists():
        _write(d / "memory.swap.max", "0")
    _write(d / "cpu.max", f"{quota} 100000")
    _write(d / "pids.max", str(limits.pids))
    return StudentGroup([d], 2)


def existing(key: str) -> StudentGroup | None:
    """The group *key* if it exists (after a hub restart), else None."""
    if _v2():
        d = CGROUP / PARENT / key
        return StudentGroup([d], 2) if d.is_dir() else None
    dirs = [CGROUP / c / _own_path(c).lstrip("/") / PARENT / key for c in ("memory", "cpu", "pids")]
    dirs = [d for d in dirs if d.is_dir()]
    return StudentGroup(dirs, 1) if dirs else None
