"""Atomic file writes shared by the course build and the grader.

A reader never sees half a file: data goes to a temporary file in the same
folder, is flushed to disk, and replaces the target with one rename.
"""

from __future__ import annotations

import os
from pathlib import Path

#: suffix of the temporary files; a build sweeps leftovers with this suffix
TMP_SUFFIX = ".govlib-tmp"

__all__ = ["TMP_SUFFIX", "atomic_write"]


def atomic_write(path: str | Path, data: bytes | str, *, mode: int | None = None) -> Path:
    """Write *data* to *path* through a temporary file, ``fsync`` and a rename.

    Parameters
    ----------
    path : str or Path
        The target; its folder is created when missing.
    data : bytes or str
        Text is written as UTF-8.
    mode : int, optional
        Permission bits of the new file (e.g. ``0o644``), set before the rename, so the
        file never appears with other bits; default: the umask's.

    Returns
    -------
    Path
        *path*.  On any error the temporary file is removed and the old
        content of *path* (if any) is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    tmp = path.with_name(f".{path.name}.{os.getpid()}{TMP_SUFFIX}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            if mode is not None:
                os.fchmod(fh.fileno(), mode)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
    return path
