"""The Python the students' servers and kernels run, reachable by an ordinary (unprivileged) uid.

Normally that is the hub's own environment.  When the hub's interpreter sits where an ordinary
account cannot reach it (a pyenv build under ``/root``, mode 0700, as on this project's CI machine),
the hub makes a *bridge*: a venv of the system's Python of the same minor version (``/usr/bin``)
whose ``.pth`` file adds the hub environment's ``site-packages``.  Students then run the same
packages with an interpreter they can execute; nothing is installed twice.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

NOBODY = 65534
# cheap: the interpreter starts, finds the hub's packages and can read one of them
_CHECK = ("import importlib.util as u, jupyterhub, pathlib\n"
          "for m in ('govlib', 'ipykernel', 'jupyter_server', 'jupyterlab'):\n"
          "    s = u.find_spec(m)\n"
          "    assert s and pathlib.Path(s.origin).read_bytes(), m\n")


def runs_unprivileged(python: Path, uid: int = NOBODY) -> str | None:
    """None when *python* can ``import jupyterhub, govlib`` as *uid*; else the error's last line."""
    try:
        out = subprocess.run([str(python), "-c", _CHECK],
                             user=uid, group=uid, extra_groups=[], capture_output=True, text=True, timeout=120, cwd="/",
                             env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"})
    except OSError as exc:
        return str(exc)
    if out.returncode == 0:
        return None
    return (out.stderr.strip().splitlines() or [f"exit {out.returncode}"])[-1]


def bridge(folder: Path) -> Path:
    """Create (or refresh) the bridge venv in *folder*; return its ``bin/python``."""
    ver = f"python{sys.version_info.major}.{sys.version_info.minor}"
    system = Path("/usr/bin") / ver
    if not system.exists():
        raise FileNotFoundError(f"{system} (the system's Python {ver[6:]}) is not installed")
    python = folder / "bin" / "python"
    if not python.exists():
        subprocess.run([str(system), "-m", "venv", "--without-pip", str(folder)], check=True,
                       capture_output=True, timeout=120)
    site = folder / "lib" / ver / "site-packages"
    hub_site = sysconfig.get_paths()["purelib"]
    (site / "govlib-hub-bridge.pth").write_text(f"import site; site.addsitedir({hub_site!r})\n",
                                                encoding="utf-8")
    for p in [folder, *folder.rglob("*")]:
        if not p.is_symlink():
            p.chmod(0o755 if p.is_dir() or os.access(p, os.X_OK) else 0o644)
    return python


def student_python(hub_bin: Path, state: Path) -> tuple[Path, Path]:
    """(python, bin folder) for the students: the hub's own when reachable, else a bridge in *state*.

    Raises
    ------
    RuntimeError
        With a Chinese message when neither works.
    """
    own = hub_bin / "python"
    problem = runs_unprivileged(own)
    if problem is None:
        return own, hub_bin
    try:
        py = bridge(state / "python")
    except (OSError, subprocess.CalledProcessError) as exc:
        raise RuntimeError(f"普通账号无法运行 {own}（{problem}），也无法用系统的 Python 搭桥（{exc}）：请把"
                           "课堂服务器的 Python 环境装在普通账号可读的位置（如 /opt），或安装 python3-venv。") from exc
    bridged = runs_unprivileged(py)
    if bridged is not None:
        raise RuntimeError(f"普通账号无法运行 {own}（{problem}），用系统 Python 搭桥也不行（{bridged}）："
                           "请把课堂服务器的 Python 环境装在普通账号可读的位置（如 /opt）。")
    return py, py.parent
