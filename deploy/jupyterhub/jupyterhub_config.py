"""JupyterHub for one classroom machine: every student gets the course in JupyterLab, in Chinese.

Run it (from the repository, after ``make .venv/.govlib-installed``)::

    .venv/bin/pip install -c constraints.txt '.[hub]'          # jupyterhub
    (cd deploy/jupyterhub && npm ci)                           # configurable-http-proxy, here only
    GOVLIB_HUB_PASSWORD='ketang-2026' .venv/bin/jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

then students open ``http://<machine>:8000``, type any name (their own) and the class password.
Everything is set by environment variables, so this file is used unchanged:

=========================  ==========================================================
``GOVLIB_HUB_PASSWORD``    the class password (at least 8 ASCII characters; required)
``GOVLIB_HUB_ADMIN``       instructor user name (default ``teacher``)
``GOVLIB_HUB_ADMIN_PASSWORD``  the instructor's own password (default: none, no admin)
``GOVLIB_HUB_DIR``         state: database, cookie secret, course, homes (default ``/srv/govlib-hub``)
``GOVLIB_HUB_IP``          address to listen on (default ``127.0.0.1``; ``0.0.0.0`` for a classroom LAN)
``GOVLIB_HUB_PORT``        port (default ``8000``)
``GOVLIB_HUB_MODE``        ``shared`` (default) or ``system`` (see below)
=========================  ==========================================================

What students get
-----------------
* **A shared, read-only course**: ``$GOVLIB_HUB_DIR/course`` holds every lesson's student notebook
  (``govlib student`` for each lesson of the syllabus, made once when the hub starts); files are
  read-only.
* **One home per student**: ``$GOVLIB_HUB_DIR/homes/<name>``.  At each login the lessons missing
  from the home are copied in from the shared course; a notebook already there (the student's
  work) is never overwritten.
* **JupyterLab as in** ``make lab``: the course's ``jupyter/`` configuration (Chinese interface,
  lessons open as notebooks); a student's own settings live in their home.

Why this spawner (``GOVLIB_HUB_MODE``)
--------------------------------------
``shared`` (default): :class:`jupyterhub.spawner.SimpleLocalProcessSpawner` runs every student's
server as the hub's own (unprivileged) account, with the shared-password authenticator.  It needs
no Linux account per student, so a school can run it as it is -- but students are separated only
by folders, not by the operating system: one who knows Python can read a classmate's home.  Use
it for a supervised class on a lab machine, run the hub as an ordinary user (not root), and keep
``GOVLIB_HUB_IP`` on the classroom network only.

``system``: :class:`jupyterhub.spawner.LocalProcessSpawner` with PAM: each student logs in with
their own Linux account (which the school creates, e.g. ``useradd -m``), and their server runs as
that account in its home -- real separation; the hub must run as root.  For a whole school, use
the Kubernetes recipe in ``deploy/k8s/`` (one container per student, memory limits).
"""

import os
import shutil
import stat
import sys
from pathlib import Path

c = get_config()  # noqa: F821

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
BIN = Path(sys.executable).parent  # the environment the hub runs in (has govlib and jupyterlab)
HUB_DIR = Path(os.environ.get("GOVLIB_HUB_DIR", "/srv/govlib-hub")).absolute()
COURSE = HUB_DIR / "course"
HOMES = HUB_DIR / "homes"
MODE = os.environ.get("GOVLIB_HUB_MODE", "shared")
# the course's JupyterLab configuration: the repository's jupyter/ folder, or the copy in an image
JUPYTER_CONFIG = Path(os.environ.get("GOVLIB_JUPYTER_CONFIG", REPO / "jupyter")).absolute()

HUB_DIR.mkdir(parents=True, exist_ok=True)
HOMES.mkdir(exist_ok=True)

# --------------------------------------------------------------------------- the hub itself
c.JupyterHub.ip = os.environ.get("GOVLIB_HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(os.environ.get("GOVLIB_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.db_url = f"sqlite:///{HUB_DIR / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(HUB_DIR / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(HUB_DIR / "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = str(HUB_DIR / "proxy.pid")
c.JupyterHub.template_vars = {"announcement_login": "党建引领社区治理课程：输入你的姓名和课堂口令。"}
# configurable-http-proxy from the npm registry, installed in this folder (npm ci), not globally
_chp = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
if _chp.exists():
    c.ConfigurableHTTPProxy.command = [str(_chp)]

# a whole class logs in within a minute: let the spawns queue instead of failing
c.JupyterHub.concurrent_spawn_limit = int(os.environ.get("GOVLIB_HUB_SPAWN_LIMIT", "200"))
c.JupyterHub.active_server_limit = 0

# --------------------------------------------------------------------------- who logs in
ADMIN = os.environ.get("GOVLIB_HUB_ADMIN", "teacher")
if MODE == "system":
    c.JupyterHub.authenticator_class = "pam"
    c.JupyterHub.spawner_class = "localprocess"
    c.Authenticator.admin_users = {ADMIN}
    c.Authenticator.allow_all = True
    c.Spawner.notebook_dir = "~"
else:
    c.JupyterHub.authenticator_class = "shared-password"
    password = os.environ.get("GOVLIB_HUB_PASSWORD", "")
    if len(password) < 8 or not password.isascii():
        # the authenticator compares passwords with hmac.compare_digest, which takes ASCII only
        raise SystemExit("GOVLIB_HUB_PASSWORD 未设置、少于8个字符或含有汉字：请设置由字母、数字组成的课堂口令后再启动。")
    c.SharedPasswordAuthenticator.user_password = password
    admin_pw = os.environ.get("GOVLIB_HUB_ADMIN_PASSWORD", "")
    if admin_pw:
        c.SharedPasswordAuthenticator.admin_password = admin_pw
        c.Authenticator.admin_users = {ADMIN}
    c.Authenticator.allow_all = True
    c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
    c.SimpleLocalProcessSpawner.home_dir_template = str(HOMES / "{username}")
    c.Spawner.notebook_dir = str(HOMES / "{username}")

# --------------------------------------------------------------------------- each student's server
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab/tree/课程说明.md"
c.Spawner.start_timeout = 300          # a full class starting at once on a small machine
c.Spawner.http_timeout = 300
c.Spawner.environment = {
    "JUPYTER_CONFIG_DIR": str(JUPYTER_CONFIG),
    # the student's own settings and workspaces: in their home, never in the shared config
    "JUPYTERLAB_SETTINGS_DIR": lambda sp: f"{_home(sp)}/.govlib-lab/settings",
    "JUPYTERLAB_WORKSPACES_DIR": lambda sp: f"{_home(sp)}/.govlib-lab/workspaces",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
}
# no kernel runs forever on a shared machine: idle kernels stop after 30 min, idle servers after 2 h
c.Spawner.args = [
    "--MappingKernelManager.cull_idle_timeout=1800",
    "--MappingKernelManager.cull_interval=120",
    "--ServerApp.shutdown_no_activity_timeout=7200",
]
if MODE != "system" and os.geteuid() == 0:
    # shared mode is meant for an ordinary account; as root (containers, the load test) Jupyter
    # refuses to start without this
    c.Spawner.args.append("--ServerApp.allow_root=True")

README_ZH = """# 课程说明

这里是你自己的文件夹，只有你在用。课程的每一课都已放在这里（`*.ipynb`）：

1. 双击一课的笔记本打开；
2. 从上到下依次运行各单元格（Shift+Enter）；
3. 练习题把答案填进 `ans_…` 变量后运行该格，`check(...)` 会立即告诉你对不对。

你的修改保存在你自己的文件夹里，下次登录还在。若想要一份全新的某一课，
把旧文件改名后重新登录，缺少的课会重新复制进来。
"""


def _home(spawner) -> Path:
    if MODE == "system":
        import pwd

        return Path(pwd.getpwnam(spawner.user.name).pw_dir)
    return HOMES / spawner.user.name


def _course_version() -> str:
    import govlib

    return govlib.__version__


def _prepare_course() -> None:
    """Write every lesson's student notebook (default set) into the shared course folder, read-only."""
    from govlib.student import lesson_choices, write_student

    tmp = COURSE.with_name("course.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    for lesson in lesson_choices():
        write_student(lesson, "default", tmp)
    (tmp / "课程说明.md").write_text(README_ZH, encoding="utf-8")
    for p in sorted(tmp.rglob("*"), reverse=True):
        p.chmod(0o555 if p.is_dir() else 0o444)
    tmp.chmod(0o555)
    if COURSE.exists():
        COURSE.chmod(0o755)
        shutil.rmtree(COURSE)
    tmp.rename(COURSE)
    (HUB_DIR / "course.ready").write_text(_course_version(), encoding="utf-8")


def _copy_missing(home: Path) -> None:
    """Copy the lessons a home lacks from the shared course (never overwrite a student's file)."""
    for src in COURSE.rglob("*"):
        if src.is_dir():
            continue
        dst = home / src.relative_to(COURSE)
        if dst.exists():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        if dst.suffix == ".ipynb":
            dst.chmod(stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP)  # the student's to edit
        else:
            dst.chmod(stat.S_IRUSR | stat.S_IRGRP)                 # reference copies stay read-only


def _pre_spawn(spawner) -> None:
    home = _home(spawner)
    home.mkdir(parents=True, exist_ok=True)
    _copy_missing(home)
    if MODE == "system":
        import pwd

        pw = pwd.getpwnam(spawner.user.name)
        for p in [home, *home.rglob("*")]:
            os.chown(p, pw.pw_uid, pw.pw_gid)


_ready = HUB_DIR / "course.ready"
if not COURSE.exists() or not _ready.exists() or _ready.read_text(encoding="utf-8") != _course_version():
    _prepare_course()
c.Spawner.pre_spawn_hook = _pre_spawn
