"""Collect a lesson's notebooks from the hub's home folders: ``govlib collect LESSON --hub-dir DIR``.

The hub keeps one home folder per student (``DIR/<student>/``, see
``deploy/jupyterhub``), and ``govlib student`` / the hub's login hook name a
lesson's notebook ``<lesson>.ipynb`` (``<lesson>--<set>.ipynb`` for another
parameter set).  :func:`collect_hub` copies each student's notebook to
``<submissions>/<student>.ipynb`` -- the folder ``govlib grade`` reads -- with
the file's modification time, and marks it late when that time is after the
deadline.

It only ever reads the homes: each home is opened without following links
(``O_NOFOLLOW``, ``O_DIRECTORY``) and the notebook relative to it, without
following links and without blocking (``O_NONBLOCK``), then checked to be a
regular file before a byte is read.  A home that is a link, a notebook that
is a link, a FIFO or another special file, an oversized file, or no notebook
at all is reported and skipped.  The log ``<submissions>-collection.csv`` is
written beside the submissions folder, not in it, so the grader sees only
notebooks.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from govlib.errors import ParameterError

__all__ = ["Collected", "COLLECT_STATUS_ZH", "MAX_BYTES", "collect_hub", "parse_deadline", "log_path"]

#: the largest notebook copied (bytes)
MAX_BYTES = 50 * 1024 * 1024

COLLECT_STATUS_ZH = {
    "ok": "已收取",
    "late": "已收取（迟交）",
    "missing": "没有这一课的笔记本",
    "symlink": "是符号链接，未跟随",
    "special": "不是普通文件（如管道），未打开",
    "too-big": "文件过大，未收取",
    "unreadable": "无法读取",
    "not-folder": "不是文件夹，跳过",
}


@dataclass
class Collected:
    """One home folder's outcome.

    Attributes
    ----------
    student : str
        The home folder's name.
    status : str
        A key of :data:`COLLECT_STATUS_ZH`.
    source : str
        The path read (or looked for).
    dest : Path or None
        The copy in the submissions folder.
    mtime : float or None
        The notebook's modification time.
    late : bool
    """

    student: str
    status: str
    source: str
    dest: Path | None = None
    mtime: float | None = None
    late: bool = False


def parse_deadline(text: str | None) -> datetime | None:
    """An ISO 8601 date-time (``2026-12-07T18:00``, ``2026-12-07 18:00+08:00``); without a zone, local time.

    Raises
    ------
    ParameterError
        In Chinese, naming the option and the text.
    """
    if text is None or not str(text).strip():
        return None
    try:
        dt = datetime.fromisoformat(str(text).strip())
    except ValueError:
        raise ParameterError(f"--deadline 的值“{text}”不是 ISO 日期时间，例如 2026-12-07T18:00 或 "
                             f"2026-12-07T18:00+08:00 / --deadline must be an ISO date-time") from None
    return dt if dt.tzinfo is not None else dt.astimezone()


def log_path(dest: Path) -> Path:
    """Where the collection log goes: beside the submissions folder."""
    dest = Path(dest)
    return dest.parent / f"{dest.name}-collection.csv"


def _read_one(home: str, name: str) -> tuple[str, bytes | None, os.stat_result | None]:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        hfd = os.open(home, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        return ("symlink" if exc.errno in (errno.ELOOP, errno.ENOTDIR) else "unreadable"), None, None
    try:
        try:
            st = os.stat(name, dir_fd=hfd, follow_symlinks=False)
        except FileNotFoundError:
            return "missing", None, None
        if stat.S_ISLNK(st.st_mode):
            return "symlink", None, st
        if not stat.S_ISREG(st.st_mode):
            return "special", None, st
        try:
            fd = os.open(name, flags, dir_fd=hfd)
        except OSError as exc:
            return ("symlink" if exc.errno == errno.ELOOP else "unreadable"), None, st
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return "special", None, st
            if st.st_size > MAX_BYTES:
                return "too-big", None, st
            chunks, size = [], 0
            while True:
                b = os.read(fd, 1 << 20)
                if not b:
                    break
                size += len(b)
                if size > MAX_BYTES:
                    return "too-big", None, st
                chunks.append(b)
            return "ok", b"".join(chunks), st
        finally:
            os.close(fd)
    finally:
        os.close(hfd)


def collect_hub(lesson: str, hub_dir: str | Path, dest: str | Path, *, set_name: str = "default",
                deadline: datetime | None = None) -> list[Collected]:
    """Copy each student's *lesson* notebook from the hub homes into *dest* (see the module docstring).

    Parameters
    ----------
    lesson : str
        The lesson id (the notebook is ``<lesson>.ipynb`` in each home).
    hub_dir : path
        The folder of home folders, one per student.
    dest : path
        The submissions folder to fill (created); it may not be inside *hub_dir*.
    set_name : str
        The parameter set handed out (``<lesson>--<set>.ipynb`` unless default).
    deadline : datetime, optional
        Notebooks modified after it are marked late.

    Returns
    -------
    list of Collected
        One per home folder, sorted by student; the log is also written
        (:func:`log_path`).

    Raises
    ------
    ParameterError
        A missing hub folder, or a destination inside it.
    """
    from govlib.atomic import atomic_write
    from govlib.grading.report import csv_cell

    hub = Path(hub_dir)
    if not hub.is_dir():
        raise ParameterError(f"--hub-dir {hub} 不存在或不是文件夹")
    dest = Path(dest)
    try:
        dest.resolve().relative_to(hub.resolve())
        raise ParameterError(f"收取到的文件夹 {dest} 不能在学生的家目录文件夹 {hub} 里：收取从不改动家目录")
    except ValueError:
        pass
    name = f"{lesson}.ipynb" if set_name == "default" else f"{lesson}--{set_name}.ipynb"
    cut = deadline.timestamp() if deadline is not None else None
    out: list[Collected] = []
    dest.mkdir(parents=True, exist_ok=True)
    for entry in sorted(os.scandir(hub), key=lambda e: e.name):
        if entry.name.startswith("."):
            continue
        src = os.path.join(entry.path, name)
        if entry.is_symlink():
            out.append(Collected(entry.name, "symlink", entry.path))
            continue
        if not entry.is_dir(follow_symlinks=False):
            out.append(Collected(entry.name, "not-folder", entry.path))
            continue
        status, data, st = _read_one(entry.path, name)
        rec = Collected(entry.name, status, src, mtime=st.st_mtime if st is not None else None)
        if status == "ok":
            target = dest / f"{entry.name}.ipynb"
            atomic_write(target, data)
            os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
            rec.dest = target
            if cut is not None and st.st_mtime > cut:
                rec.late, rec.status = True, "late"
        out.append(rec)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["student", "status", "status_zh", "late", "modified", "source", "copy"])
    for r in out:
        when = datetime.fromtimestamp(r.mtime).astimezone().isoformat(timespec="seconds") if r.mtime else ""
        w.writerow([csv_cell(x) for x in (r.student, r.status, COLLECT_STATUS_ZH[r.status], "是" if r.late else "",
                                          when, r.source, r.dest or "")])
    atomic_write(log_path(dest), "\ufeff" + buf.getvalue())
    return out
