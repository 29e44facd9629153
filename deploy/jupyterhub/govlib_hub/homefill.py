"""Copy the lessons a student's home lacks, run AS THE STUDENT (never as root).

``python -m govlib_hub.homefill SOURCE HOME``: every file of *SOURCE* missing from *HOME* is copied in;
an existing file or link (the student's work) is never touched.  Running with the student's own uid
means a link the student planted in their home cannot make the hub write anywhere else.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
from pathlib import Path


def fill(source: Path, home: Path) -> list[str]:
    """Copy what *home* lacks from *source*; return the relative paths copied."""
    copied = []
    for src in sorted(source.rglob("*")):
        if src.is_dir() or src.is_symlink():
            continue
        rel = src.relative_to(source)
        dst = home / rel
        if os.path.lexists(dst):
            continue
        if any(p.is_symlink() for p in [home / q for q in rel.parents if str(q) != "."]):
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        # lessons are the student's to edit; reference files stay read-only
        dst.chmod(stat.S_IRUSR | stat.S_IWUSR if dst.suffix == ".ipynb" else stat.S_IRUSR)
        copied.append(str(rel))
    return copied


if __name__ == "__main__":
    if os.geteuid() == 0:
        raise SystemExit("homefill 不以 root 运行。")
    fill(Path(sys.argv[1]), Path(sys.argv[2]))
