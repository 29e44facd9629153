"""JupyterHub for one classroom machine: every student gets the course in JupyterLab, in Chinese,
as their own account, within their own memory and CPU limits.

Run it as root (from the repository, after ``make .venv/.govlib-hub-installed``)::

    printf '姓名,角色\\nteacher,教师\\nzhangsan,学生\\n' > /srv/govlib-hub/roster.csv
    .venv/bin/jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

then hand each person the slip from ``/srv/govlib-hub/private/first-login-codes.csv`` (root only).
Students open ``http://<machine>:8000``, type their name, the code as the password and a new
password of their own (at least 8 characters; the instructor's at least 12).  Everything is set by
environment variables, so this file is used unchanged:

============================  =======================================================================
``GOVLIB_HUB_DIR``            state: course, homes, private/ (database, cookie secret, accounts)
                              (default ``/srv/govlib-hub``)
``GOVLIB_HUB_ROSTER``         the roster CSV, columns 姓名,角色 (学生/教师) (default ``$GOVLIB_HUB_DIR/roster.csv``)
``GOVLIB_HUB_IP``             address to listen on (default ``127.0.0.1``; ``0.0.0.0`` for a classroom LAN)
``GOVLIB_HUB_PORT``           port (default ``8000``)
``GOVLIB_HUB_MODE``           ``roster`` (default) or ``system`` (PAM, the school's Linux accounts)
``GOVLIB_HUB_ADMIN``          ``system`` mode only: the instructor's Linux account (default ``teacher``)
``GOVLIB_HUB_MEM``            memory of one student's server + kernels together (default ``2G``)
``GOVLIB_HUB_CPU``            CPU cores one student may use (default ``1``)
``GOVLIB_HUB_PIDS``           processes one student may run (default ``256``)
``GOVLIB_HUB_LIMITS``         ``off`` to start servers even where no cgroup can hold the limits
``GOVLIB_HUB_CULL_TIMEOUT``   seconds without activity before a server is stopped (default ``3600``)
``GOVLIB_HUB_CULL_EVERY``     how often the idle culler looks, in seconds (default ``300``)
``GOVLIB_HUB_SPAWN_LIMIT``    servers starting at once; more wait on a 「请稍候」 page (default 8 × cores;
                              2 × cores with ``GOVLIB_HUB_FORKSERVER=off``)
``GOVLIB_HUB_LOCKOUT``        wrong passwords in a row, and seconds locked after them (default ``5,300``)
``GOVLIB_HUB_FORKSERVER``     ``off`` to start each server by exec instead of forking it from the
                              fork server that has JupyterLab imported once (default ``on``)
============================  =======================================================================

What students get
-----------------
* **A shared, read-only course**: ``$GOVLIB_HUB_DIR/course`` holds every lesson's student notebook.
* **One home per student**: ``$GOVLIB_HUB_DIR/homes/<name>``, mode 0700, owned by the student's own
  uid.  At each login the lessons missing from the home are copied in (by a process running as the
  student); a notebook already there is never overwritten.
* **Limits**: the student's server, kernels and anything they start share one cgroup (memory, CPU,
  process count); an idle server is stopped by ``jupyterhub-idle-culler`` (a hub service).
* **Kernel sockets**: kernels talk to the server over unix sockets in ``/run/govlib-hub/u<uid>``
  (the student's own, 0700), not on TCP ports that kernels starting together could both pick.

Why roster accounts (``GOVLIB_HUB_MODE``)
-----------------------------------------
``roster`` (default): the instructor lists the class; each name gets a one-time code and its own
unprivileged uid (from 52000; no Linux account to create).  The code works once, to set the
student's own password (a scrypt hash in ``private/accounts.json``, mode 0600), so a classmate who
knows the name cannot log in as them.  The hub runs as root only to switch to each student's uid;
no student process runs as root, sees the hub's files (``private/`` is 0700) or another's home, and
no secret is in any environment a student's process can read (passwords are never passed by
environment).  Five wrong passwords lock a name for five minutes.

``system``: PAM with the school's own Linux accounts (``useradd -m``); the servers run as those
accounts in their homes, with the same limits.  For a whole school, use the Kubernetes recipe in
``deploy/k8s/`` (one container per student).
"""

import os
import subprocess
import sys
from pathlib import Path

c = get_config()  # noqa: F821

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from govlib_hub import accounts  # noqa: E402
from govlib_hub.auth import RosterAuthenticator  # noqa: E402
from govlib_hub.python import student_python  # noqa: E402
from govlib_hub.spawner import StudentSpawner  # noqa: E402

REPO = HERE.parent.parent
BIN = Path(sys.executable).parent  # the environment the hub runs in (has govlib and jupyterlab)
HUB_DIR = Path(os.environ.get("GOVLIB_HUB_DIR", "/srv/govlib-hub")).absolute()
PRIVATE = HUB_DIR / "private"
COURSE = HUB_DIR / "course"
HOMES = HUB_DIR / "homes"
VARIANTS = HUB_DIR / "variants"
# charts every student draws identically (the set's defaults), drawn once by root: govlib.figcache
FIGURES = HUB_DIR / "figure-cache"
# kernels talk to their server over unix sockets in /run/govlib-hub/u<uid> (0700, the student's own):
# random TCP ports, picked by 30 kernels starting at once, can collide ("Address already in use"),
# and a socket path must stay under 108 bytes, so the folder is short and not in the home
RUNTIME = Path("/run/govlib-hub")
MODE = os.environ.get("GOVLIB_HUB_MODE", "roster")
# the course's JupyterLab configuration: the repository's jupyter/ folder, or the copy in an image
JUPYTER_CONFIG = Path(os.environ.get("GOVLIB_JUPYTER_CONFIG", REPO / "jupyter")).absolute()


def _refuse(message: str):
    raise SystemExit(f"课堂服务器未启动：{message}")


# --------------------------------------------------------------------------- checks before anything
for _old in ("GOVLIB_HUB_PASSWORD", "GOVLIB_HUB_ADMIN_PASSWORD"):
    if os.environ.get(_old):
        _refuse(f"{_old} 已不再使用：全班共用一个口令时，任何人都能以任何学生的身份登录。"
                "请把名单写进 roster.csv（姓名,角色），每人凭首次登录码设置自己的密码；"
                f"并从环境中删去 {_old}（学生的进程不应看到任何密码）。")
if MODE == "shared":
    _refuse("shared 模式已取消（所有学生以同一账号运行，能互相读取文件）。请用默认的 roster 模式。")
if MODE not in ("roster", "system"):
    _refuse(f"GOVLIB_HUB_MODE={MODE!r} 无法识别，只能是 roster 或 system。")
if os.geteuid() != 0:
    _refuse("需要以 root 身份启动：只有这样，每个学生的服务器才能以他自己的账号（而不是服务器的账号）"
            "运行，彼此读不到文件，也读不到服务器的密钥。")


def _positive_env(name: str, default: str, cast, example: str):
    raw = os.environ.get(name, default)
    try:
        value = cast(raw)
    except ValueError:
        _refuse(f"{name}={raw!r} 应为{example}。")
    if value <= 0:
        _refuse(f"{name}={raw!r} 应为{example}。")
    return value


def _int_env(name: str, default: str) -> int:
    return _positive_env(name, default, int, "正整数")


def _float_env(name: str, default: str) -> float:
    return _positive_env(name, default, float, "正数，例如 1 或 0.5")


def _bytes_env(name: str, default: str) -> int:
    raw = os.environ.get(name, default).strip().upper().removesuffix("B")
    units = {"K": 2**10, "M": 2**20, "G": 2**30}
    try:
        value = int(float(raw[:-1]) * units[raw[-1]]) if raw[-1:] in units else int(raw)
    except (ValueError, IndexError):
        _refuse(f"{name}={os.environ.get(name)!r} 应为内存大小，例如 2G 或 1536M。")
    if value < 256 * 2**20:
        _refuse(f"{name}={os.environ.get(name)!r} 太小：一个学生的服务器和内核至少需要 256M。")
    return value


MEM = _bytes_env("GOVLIB_HUB_MEM", "2G")
CPUS = _float_env("GOVLIB_HUB_CPU", "1")
PIDS = _int_env("GOVLIB_HUB_PIDS", "256")
CULL_TIMEOUT = _int_env("GOVLIB_HUB_CULL_TIMEOUT", "3600")
CULL_EVERY = _int_env("GOVLIB_HUB_CULL_EVERY", str(min(300, max(1, CULL_TIMEOUT // 2))))
# servers are forked from one process that has imported JupyterLab (govlib_hub/forkserver.py):
# about 1.9 CPU-s less per student, so more may start at once (8 per core, measured in
# benchmarks/hub_classroom.py; 2 per core when each server is exec'd and imports everything itself)
_FORK = os.environ.get("GOVLIB_HUB_FORKSERVER", "on")
if _FORK not in ("on", "off"):
    _refuse(f"GOVLIB_HUB_FORKSERVER={_FORK!r} 只能是 on 或 off。")
SPAWN_LIMIT = _int_env("GOVLIB_HUB_SPAWN_LIMIT", str((8 if _FORK == "on" else 2) * (os.cpu_count() or 1)))
_lock = os.environ.get("GOVLIB_HUB_LOCKOUT", "5,300").split(",")
if len(_lock) != 2 or not all(x.strip().isdigit() and int(x) > 0 for x in _lock):
    _refuse(f"GOVLIB_HUB_LOCKOUT={','.join(_lock)!r} 应为「次数,秒数」，例如 5,300。")


# --------------------------------------------------------------------------- folders and their modes
for _d, _mode in ((HUB_DIR, 0o755), (PRIVATE, 0o700), (HOMES, 0o711), (VARIANTS, 0o711)):
    _d.mkdir(parents=True, exist_ok=True)
    os.chown(_d, 0, 0)
    _d.chmod(_mode)
for _p in [HUB_DIR, *HUB_DIR.parents]:
    if not _p.stat().st_mode & 0o001:
        _refuse(f"学生的账号进不了文件夹 {_p}（权限 {oct(_p.stat().st_mode & 0o777)[2:]}），也就到不了自己的"
                f"主文件夹：请把 GOVLIB_HUB_DIR 设在人人可进入的位置（各级文件夹至少 711），例如 /srv/govlib-hub。")

# the Python the students run (the hub's own, or a bridge to it when the hub's sits under /root)
try:
    STUDENT_PYTHON, STUDENT_BIN = student_python(BIN, HUB_DIR)
except RuntimeError as exc:
    _refuse(str(exc))

# --------------------------------------------------------------------------- the hub itself
c.JupyterHub.ip = os.environ.get("GOVLIB_HUB_IP", "127.0.0.1")
c.JupyterHub.port = _int_env("GOVLIB_HUB_PORT", "8000")
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.db_url = f"sqlite:///{PRIVATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(PRIVATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(PRIVATE / "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = str(PRIVATE / "proxy.pid")
c.JupyterHub.template_paths = [str(HERE / "templates")]
c.JupyterHub.template_vars = {"announcement_login": "党建引领社区治理课程：输入你的姓名和密码。"
                                                    "首次登录时，密码栏填老师发的首次登录码，并设置新密码。"}
# configurable-http-proxy from the npm registry, installed in this folder (npm ci), not globally
_chp = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
if _chp.exists():
    c.ConfigurableHTTPProxy.command = [str(_chp)]

# a whole class logs in within a minute: at most SPAWN_LIMIT servers start at once; the others get
# the 「请稍候」 page (templates/429.html), which tries again by itself
c.JupyterHub.concurrent_spawn_limit = SPAWN_LIMIT
c.JupyterHub.active_server_limit = 0

# the idle culler: a class that leaves frees the machine
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={CULL_TIMEOUT}",
                f"--cull-every={CULL_EVERY}"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]

# --------------------------------------------------------------------------- who logs in
if MODE == "system":
    c.JupyterHub.authenticator_class = "pam"
    c.Authenticator.admin_users = {os.environ.get("GOVLIB_HUB_ADMIN", "teacher")}
    c.Authenticator.allow_all = True
    STORE_FILE = ""
else:
    STORE_FILE = str(PRIVATE / "accounts.json")
    _roster_file = Path(os.environ.get("GOVLIB_HUB_ROSTER", HUB_DIR / "roster.csv"))
    try:
        _roster = accounts.read_roster(_roster_file)
    except accounts.RosterError as exc:
        _refuse(str(exc))
    _store = accounts.AccountStore(Path(STORE_FILE))
    _store.sync(_roster)
    CODES_FILE = PRIVATE / "first-login-codes.csv"
    _store.write_codes(CODES_FILE)
    _waiting = sum(1 for a in _store.accounts.values() if a.code)
    print(f"[govlib] 名单 {_roster_file}：{len(_roster)} 人，其中 {_waiting} 人尚未首次登录；"
          f"首次登录码见 {CODES_FILE}（仅 root 可读）。", file=sys.stderr)
    c.JupyterHub.authenticator_class = RosterAuthenticator
    c.RosterAuthenticator.accounts_file = STORE_FILE
    c.RosterAuthenticator.max_failures = int(_lock[0])
    c.RosterAuthenticator.lockout_seconds = float(_lock[1])
    c.Authenticator.request_otp = True
    c.Authenticator.otp_prompt = "新密码（首次登录必填；以后填写即改密码）"
    c.Authenticator.allowed_users = {a.name for a in _store.accounts.values()}
    c.Authenticator.admin_users = {a.name for a in _store.accounts.values() if a.admin}

# --------------------------------------------------------------------------- each student's server
c.JupyterHub.spawner_class = StudentSpawner
c.StudentSpawner.accounts_file = STORE_FILE
c.StudentSpawner.homes_dir = str(HOMES)
c.StudentSpawner.pids_limit = PIDS
c.StudentSpawner.require_limits = os.environ.get("GOVLIB_HUB_LIMITS", "on") != "off"
# the fork server's socket sits in private/ (root only)
_fork_socket = PRIVATE / "forkserver.sock"
if _FORK == "on" and len(str(_fork_socket).encode()) > 100:
    print(f"[govlib] 注意：{_fork_socket} 路径太长，不能作为套接字；各服务器改为逐个启动。", file=sys.stderr)
    _FORK = "off"
c.StudentSpawner.forkserver_socket = str(_fork_socket) if _FORK == "on" else ""
c.StudentSpawner.forkserver_python = str(STUDENT_PYTHON)
c.Spawner.mem_limit = MEM
c.Spawner.cpu_limit = CPUS
c.Spawner.cmd = [str(STUDENT_PYTHON), "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab/tree/课程说明.md"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 300          # a full class starting at once on a small machine
c.Spawner.http_timeout = 300
c.Spawner.environment = {
    "JUPYTER_CONFIG_DIR": str(JUPYTER_CONFIG),
    # the student's own settings and workspaces: in their home, never in the shared config
    "JUPYTERLAB_SETTINGS_DIR": lambda sp: f"{_home(sp)}/.govlib-lab/settings",
    "JUPYTERLAB_WORKSPACES_DIR": lambda sp: f"{_home(sp)}/.govlib-lab/workspaces",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    "GOVLIB_FIGURE_CACHE": str(FIGURES),
    "JUPYTER_RUNTIME_DIR": lambda sp: str(_runtime(sp)),
    "PATH": f"{STUDENT_BIN}{os.pathsep}/usr/local/bin:/usr/bin:/bin",
}
# idle kernels stop after 30 min inside the server; idle servers are the culler's (above)
c.Spawner.args = [
    "--MappingKernelManager.cull_idle_timeout=1800",
    "--MappingKernelManager.cull_interval=120",
    "--KernelManager.transport=ipc",
]

README_ZH = """# 课程说明

这里是你自己的文件夹，只有你能打开（其他同学和老师的程序都读不到）。课程的每一课都已放在这里（`*.ipynb`）：

1. 双击一课的笔记本打开；
2. 从上到下依次运行各单元格（Shift+Enter）；
3. 练习题把答案填进 `ans_…` 变量后运行该格，`check(...)` 会立即告诉你对不对。

你的修改保存在你自己的文件夹里，下次登录还在。若想要一份全新的某一课，
把旧文件改名后重新登录，缺少的课会重新复制进来。长时间不操作，服务器会自动关闭以便让出机器；
重新登录即可继续，文件不会丢失。
"""


def _home(spawner) -> Path:
    return spawner.account()[2]


def _runtime(spawner) -> Path:
    return RUNTIME / f"u{spawner.account()[0]}"


def _course_version() -> str:
    import govlib

    return govlib.__version__


def _prepare_course() -> None:
    """Write every lesson's student notebook (default set) into the shared course folder, read-only."""
    import shutil

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
    _prepare_figures()
    (PRIVATE / "course.ready").write_text(_course_version(), encoding="utf-8")


def _prepare_figures() -> None:
    """Draw the cached charts (``govlib.figcache.prepare``) into FIGURES, root's and read-only to students."""
    import shutil

    tmp = FIGURES.with_name("figure-cache.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    # in a process of its own: the hub does not keep matplotlib in memory for a few pictures
    out = subprocess.run([sys.executable, "-c", "import sys; from govlib import figcache; figcache.prepare(sys.argv[1])",
                          str(tmp)], capture_output=True, text=True, timeout=600)
    if out.returncode:
        _refuse(f"无法预先画好课程图表（{tmp}）：{out.stderr.strip().splitlines()[-1:] or out.returncode}")
    os.chown(tmp, 0, 0)
    tmp.chmod(0o755)
    shutil.rmtree(FIGURES, ignore_errors=True)
    tmp.rename(FIGURES)


def _student_notebook(name: str) -> Path:
    """Hook for per-student variants: write *name*'s own notebooks and return their folder.

    Uses ``govlib.student.write_student(..., student=name)``.  A lesson without a variant for this
    student (``StudentError``) is left to the shared course.  Written by
    root into ``variants/<name>`` once per govlib version, then copied into the home by the
    student's own process; a notebook already in the home is never replaced.
    """
    import shutil

    from govlib.student import StudentError, lesson_choices, write_student

    folder = VARIANTS / name
    stamp = folder / ".govlib-version"
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == _course_version():
        return folder
    tmp = folder.with_name(f".{name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for lesson in lesson_choices():
        try:
            write_student(lesson, "default", tmp, student=name)
        except StudentError:
            continue
    (tmp / ".govlib-version").write_text(_course_version(), encoding="utf-8")
    if folder.exists():
        shutil.rmtree(folder)
    tmp.rename(folder)
    return folder


def _fill_home(spawner, source: Path, home: Path) -> None:
    """Copy the lessons *home* lacks from *source*, in a process running as the student."""
    uid, gid, _ = spawner.account()
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(HERE), "HOME": str(home)}
    # user/group/extra_groups switch ids without a preexec_fn (this runs in a thread of the hub)
    out = subprocess.run([str(STUDENT_PYTHON), "-m", "govlib_hub.homefill", str(source), str(home)],
                         user=uid, group=gid, extra_groups=[], env=env, cwd=str(home),
                         capture_output=True, text=True, timeout=120)
    if out.returncode:
        raise RuntimeError(f"could not fill {home}: {out.stderr[-500:]}")


def _prepare_home(spawner) -> None:
    uid, gid, home = spawner.account()
    if not home.exists():
        home.mkdir(mode=0o700)
    if home.is_symlink() or not home.is_dir():
        raise RuntimeError(f"{home} is not a folder")
    os.chown(home, uid, gid, follow_symlinks=False)
    home.chmod(0o700)
    RUNTIME.mkdir(mode=0o711, exist_ok=True)     # in /run: only root can create names there
    os.chown(RUNTIME, 0, 0)
    RUNTIME.chmod(0o711)
    run = _runtime(spawner)
    run.mkdir(mode=0o700, exist_ok=True)
    os.chown(run, uid, gid, follow_symlinks=False)
    run.chmod(0o700)
    if MODE != "system":
        variant = _student_notebook(spawner.user.name)
        if variant is not None:
            for p in [variant, *variant.rglob("*")]:      # the student's own, nobody else's
                os.chown(p, uid, gid, follow_symlinks=False)
                p.chmod(0o500 if p.is_dir() else 0o400)
            _fill_home(spawner, variant, home)
    _fill_home(spawner, COURSE, home)


async def _pre_spawn(spawner) -> None:
    """Make and fill the home in a thread, so one student's login never holds up the others'."""
    import asyncio

    await asyncio.to_thread(_prepare_home, spawner)


# the instructor's build (answer pages, instructor editions) must not be readable by the students' uids
_build = REPO / "course" / "_build"
if _build.is_dir() and _build.stat().st_mode & 0o005:
    print(f"[govlib] 注意：{_build} 里有答案页和教师版讲义，学生的账号可以读取。"
          f"开课前请执行 chmod o-rwx {_build}，或把课程构建放到别处。", file=sys.stderr)

_ready = PRIVATE / "course.ready"
if not COURSE.exists() or not _ready.exists() or _ready.read_text(encoding="utf-8") != _course_version():
    _prepare_course()
c.Spawner.pre_spawn_hook = _pre_spawn
