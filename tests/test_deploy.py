"""Deployment files: the one-machine JupyterHub config, the Kubernetes image and Helm values, Binder.

The hub config is loaded for real (traitlets, as ``jupyterhub -f`` does) in a temporary state folder;
the Dockerfile and Helm values are checked for the settings they must share with it (no Docker or
cluster here); the Binder folder is given to ``jupyter-repo2docker --no-build`` when it is installed.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from govlib import paths

REPO = paths.PACKAGE.parent
HUB = REPO / "deploy" / "jupyterhub"
K8S = REPO / "deploy" / "k8s"
BINDER = REPO / "binder"

pytestmark = pytest.mark.skipif(not HUB.is_dir(), reason="needs the repository's deploy/ folder")


def _reachable_by_others(path: Path) -> bool:
    """Every folder above *path* lets an ordinary account pass (o+x): the students' uids run from it."""
    return all(p.stat().st_mode & 0o001 for p in path.parents)


def _student_python_possible() -> bool:
    """The hub's Python is reachable by an ordinary account, or the system has the same version to
    bridge to it (see deploy/jupyterhub/govlib_hub/python.py)."""
    import sys
    import sysconfig

    own = Path(sys.executable).resolve()
    system = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    site = Path(sysconfig.get_paths()["purelib"])
    return _reachable_by_others(site / "x") and (_reachable_by_others(own) or system.exists())


ROOT = os.name == "posix" and os.geteuid() == 0
needs_root = pytest.mark.skipif(
    not ROOT or not (_reachable_by_others(REPO / "x") and _student_python_possible()),
    reason="the hub runs as root, and its students' uids need a checkout and Python they can reach")


@pytest.fixture
def hub_tmp():
    """A folder the students' uids can enter (pytest's own tmp_path is root's alone, mode 0700)."""
    import tempfile

    d = Path(tempfile.mkdtemp(prefix="govlib-hub-cfg-"))
    d.chmod(0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def _load_hub_config(monkeypatch, state: Path, roster: str | None = "姓名,角色\nteacher,教师\n张三,学生\n", **env):
    from traitlets.config.loader import PyFileConfigLoader

    for k in [k for k in os.environ if k.startswith("GOVLIB_HUB_")]:
        monkeypatch.delenv(k)
    monkeypatch.setenv("GOVLIB_HUB_DIR", str(state))
    if roster is not None:
        state.parent.mkdir(parents=True, exist_ok=True)
        (state.parent / "roster.csv").write_text(roster, encoding="utf-8")
        monkeypatch.setenv("GOVLIB_HUB_ROSTER", str(state.parent / "roster.csv"))
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return PyFileConfigLoader("jupyterhub_config.py", path=str(HUB)).load_config()


def test_hub_config_refuses_a_class_password_shared_mode_and_non_root(monkeypatch, tmp_path):
    with pytest.raises(SystemExit, match="GOVLIB_HUB_PASSWORD 已不再使用"):
        _load_hub_config(monkeypatch, tmp_path / "s1", GOVLIB_HUB_PASSWORD="ketang-2026")
    with pytest.raises(SystemExit, match="GOVLIB_HUB_ADMIN_PASSWORD 已不再使用"):
        _load_hub_config(monkeypatch, tmp_path / "s2", GOVLIB_HUB_ADMIN_PASSWORD="short")
    with pytest.raises(SystemExit, match="shared 模式已取消"):
        _load_hub_config(monkeypatch, tmp_path / "s3", GOVLIB_HUB_MODE="shared")
    with pytest.raises(SystemExit, match="GOVLIB_HUB_MEM='lots' 应为内存大小"):
        _load_hub_config(monkeypatch, tmp_path / "s4", GOVLIB_HUB_MEM="lots")
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(SystemExit, match="需要以 root 身份启动"):
        _load_hub_config(monkeypatch, tmp_path / "s5")


@needs_root
def test_hub_config_forks_servers_unless_told_not_to(monkeypatch, hub_tmp):
    on = _load_hub_config(monkeypatch, hub_tmp / "on")
    assert on.StudentSpawner.forkserver_socket == str(hub_tmp / "on" / "private" / "forkserver.sock")
    assert on.JupyterHub.concurrent_spawn_limit == 8 * (os.cpu_count() or 1)
    off = _load_hub_config(monkeypatch, hub_tmp / "off", GOVLIB_HUB_FORKSERVER="off")
    assert off.StudentSpawner.forkserver_socket == ""
    assert off.JupyterHub.concurrent_spawn_limit == 2 * (os.cpu_count() or 1)
    with pytest.raises(SystemExit, match="GOVLIB_HUB_FORKSERVER='maybe' 只能是 on 或 off"):
        _load_hub_config(monkeypatch, hub_tmp / "bad", GOVLIB_HUB_FORKSERVER="maybe")


@needs_root
def test_hub_config_names_the_roster_file_and_row(monkeypatch, hub_tmp, tmp_path):
    with pytest.raises(SystemExit, match="学生的账号进不了文件夹"):
        _load_hub_config(monkeypatch, tmp_path / "hub")          # pytest's tmp_path: mode 0700
    tmp_path = hub_tmp
    with pytest.raises(SystemExit, match="找不到学生名单"):
        _load_hub_config(monkeypatch, tmp_path / "a" / "hub", roster=None)
    with pytest.raises(SystemExit, match=r"roster.csv 第3行：角色「班长」无法识别"):
        _load_hub_config(monkeypatch, tmp_path / "b" / "hub", roster="姓名,角色\nzhang,学生\nli,班长\n")
    with pytest.raises(SystemExit, match=r"第3行：姓名「ＺＨＡＮＧ」与第2行重复"):
        _load_hub_config(monkeypatch, tmp_path / "c" / "hub", roster="姓名,角色\nzhang,学生\nＺＨＡＮＧ,学生\n")


@needs_root
def test_hub_config_roster_accounts_shared_course_and_one_home_per_student(monkeypatch, hub_tmp):
    from govlib.student import lesson_choices

    tmp_path = hub_tmp
    state = tmp_path / "hub"
    c = _load_hub_config(monkeypatch, state, GOVLIB_HUB_MEM="1536M", GOVLIB_HUB_CPU="0.5")
    assert c.JupyterHub.ip == "127.0.0.1"
    assert c.JupyterHub.authenticator_class.__name__ == "RosterAuthenticator"
    assert c.JupyterHub.spawner_class.__name__ == "StudentSpawner"
    assert c.Authenticator.admin_users == {"teacher"} and c.Authenticator.allowed_users == {"teacher", "张三"}
    assert c.Spawner.mem_limit == 1536 * 2**20 and c.Spawner.cpu_limit == 0.5
    assert c.Spawner.cmd[1:] == ["-m", "jupyterhub.singleuser"]
    assert not any("allow_root" in a for a in c.Spawner.args)
    assert Path(c.Spawner.environment["JUPYTER_CONFIG_DIR"]) == REPO / "jupyter"
    culler = [s for s in c.JupyterHub.services if s["name"] == "idle-culler"][0]
    assert "jupyterhub_idle_culler" in culler["command"] and "--timeout=3600" in culler["command"]
    assert c.JupyterHub.concurrent_spawn_limit == 8 * (os.cpu_count() or 1)
    assert c.StudentSpawner.forkserver_socket == str(state / "private" / "forkserver.sock")
    assert (HUB / "templates" / "429.html").read_text(encoding="utf-8").count("请稍候") >= 1
    chp = Path(c.ConfigurableHTTPProxy.command[0]) if "command" in c.ConfigurableHTTPProxy else None
    assert chp is None or chp.name == "configurable-http-proxy"
    # nothing a student could read: private/ is root's alone, and no secret goes by environment
    assert stat.S_IMODE((state / "private").stat().st_mode) == 0o700
    assert stat.S_IMODE((state / "private" / "accounts.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((state / "private" / "first-login-codes.csv").stat().st_mode) == 0o600
    assert str(state / "private") in c.JupyterHub.db_url and str(state / "private") in c.JupyterHub.cookie_secret_file

    # the charts every student would draw alike, drawn once by root, read-only to the students
    figures = state / "figure-cache"
    assert c.Spawner.environment["GOVLIB_FIGURE_CACHE"] == str(figures)
    assert sorted(p.suffix for p in figures.iterdir()) and {p.suffix for p in figures.iterdir()} == {".png"}
    assert figures.stat().st_uid == 0 and not figures.stat().st_mode & 0o022
    assert all(p.stat().st_uid == 0 and not p.stat().st_mode & 0o022 for p in figures.iterdir())

    # the shared course: every lesson, read-only
    course = state / "course"
    assert sorted(p.stem for p in course.glob("*.ipynb")) == sorted(lesson_choices())
    for p in course.rglob("*"):
        assert not p.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH), p

    # a login fills the student's home (as the student); a second login keeps the student's work;
    # a link the student plants cannot make the hub write elsewhere
    store = json.loads((state / "private" / "accounts.json").read_text(encoding="utf-8"))
    uid = {a["name"]: a["uid"] for a in store["accounts"]}["张三"]
    home = state / "homes" / "张三"
    spawner = SimpleNamespace(user=SimpleNamespace(name="张三"), account=lambda: (uid, uid, home))
    asyncio.run(c.Spawner.pre_spawn_hook(spawner))
    nb = home / "intro.ipynb"
    assert nb.is_file() and nb.stat().st_uid == uid and home.stat().st_uid == uid
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert (home / "课程说明.md").is_file()
    nb.write_text("我的作答", encoding="utf-8")
    (home / "yihe.ipynb").unlink()
    bait = tmp_path / "root-only.txt"
    bait.write_text("root", encoding="utf-8")
    (home / "yihe.ipynb").symlink_to(bait)
    (home / "xiamen-127.ipynb").unlink()
    asyncio.run(c.Spawner.pre_spawn_hook(spawner))
    assert nb.read_text(encoding="utf-8") == "我的作答"
    assert bait.read_text(encoding="utf-8") == "root" and (home / "yihe.ipynb").is_symlink()
    assert (home / "xiamen-127.ipynb").is_file()
    env = {k: (v(spawner) if callable(v) else v) for k, v in c.Spawner.environment.items()}
    assert env["JUPYTERLAB_SETTINGS_DIR"].startswith(str(home))

    # the per-student variant hook: once write_student takes student=, a login gets its own variant
    import govlib.student

    def write_student(lesson, set_name="default", folder=".", *, overwrite=False, student=None):
        if lesson == "yihe":
            raise govlib.student.StudentError("no variant for this lesson")
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{lesson}.ipynb").write_text(f"{lesson} for {student}", encoding="utf-8")

    monkeypatch.setattr(govlib.student, "write_student", write_student)
    t_uid = {a["name"]: a["uid"] for a in store["accounts"]}["teacher"]
    t_home = state / "homes" / "teacher"
    teacher = SimpleNamespace(user=SimpleNamespace(name="teacher"), account=lambda: (t_uid, t_uid, t_home))
    asyncio.run(c.Spawner.pre_spawn_hook(teacher))
    assert (t_home / "intro.ipynb").read_text(encoding="utf-8") == "intro for teacher"
    assert (t_home / "yihe.ipynb").read_text(encoding="utf-8") != "yihe for teacher"   # the common one
    variants = state / "variants" / "teacher"
    assert variants.stat().st_uid == t_uid and stat.S_IMODE(variants.stat().st_mode) == 0o500


def test_proxy_comes_from_the_npm_lock_file():
    pkg = json.loads((HUB / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((HUB / "package-lock.json").read_text(encoding="utf-8"))
    assert "configurable-http-proxy" in pkg["dependencies"]
    assert "node_modules/configurable-http-proxy" in lock["packages"]


def test_kubernetes_image_and_helm_values_match_the_hub():
    docker = (K8S / "Dockerfile").read_text(encoding="utf-8")
    assert "FROM python:3.11" in docker
    assert "-c /tmp/govlib-src/constraints.txt" in docker and "[hub]" in docker
    assert "JUPYTER_CONFIG_DIR=/etc/govlib/jupyter" in docker
    assert "govlib student --all --dir /srv/govlib/course" in docker
    assert 'CMD ["jupyterhub-singleuser"]' in docker

    values = yaml.safe_load((K8S / "config.yaml").read_text(encoding="utf-8"))
    su = values["singleuser"]
    assert su["cmd"] == "jupyterhub-singleuser"
    assert "/srv/govlib/course" in " ".join(su["lifecycleHooks"]["postStart"]["exec"]["command"])
    assert su["extraEnv"]["JUPYTER_CONFIG_DIR"] == "/etc/govlib/jupyter"
    assert su["memory"]["limit"] and su["memory"]["guarantee"]
    # no shared class password: own passwords, the instructor approves each name, a lockout
    hub = values["hub"]["config"]
    assert hub["JupyterHub"]["authenticator_class"] == "nativeauthenticator.NativeAuthenticator"
    assert hub["NativeAuthenticator"]["open_signup"] is False
    assert hub["NativeAuthenticator"]["allowed_failed_logins"] > 0
    assert hub["NativeAuthenticator"]["seconds_before_next_try"] > 0
    assert "SharedPasswordAuthenticator" not in hub
    assert su["uid"] != 0 and su["memory"]["limit"] and su["cpu"]["limit"]
    assert values["cull"]["enabled"] is True


def test_binder_files():
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    req = (BINDER / "requirements.txt").read_text(encoding="utf-8").split("\n")
    assert "-c ../constraints.txt" in req and "." in req
    start = BINDER / "start"
    assert os.access(start, os.X_OK)
    text = start.read_text(encoding="utf-8")
    assert 'JUPYTER_CONFIG_DIR="${REPO_DIR:-$PWD}/jupyter"' in text and 'exec "$@"' in text


@pytest.mark.skipif(shutil.which("jupyter-repo2docker") is None, reason="jupyter-repo2docker not installed")
def test_repo2docker_accepts_the_binder_folder():
    out = subprocess.run(["jupyter-repo2docker", "--no-build", "--debug", str(REPO)],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    log = out.stdout + out.stderr
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in log
    assert "binder/start" in log
