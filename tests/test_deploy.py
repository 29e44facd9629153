"""Deployment files: the one-machine JupyterHub config, the Kubernetes image and Helm values, Binder.

The hub config is loaded for real (traitlets, as ``jupyterhub -f`` does) in a temporary state folder;
the Dockerfile and Helm values are checked for the settings they must share with it (no Docker or
cluster here); the Binder folder is given to ``jupyter-repo2docker --no-build`` when it is installed.
"""

from __future__ import annotations

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


def _load_hub_config(monkeypatch, state: Path, **env):
    from traitlets.config.loader import PyFileConfigLoader

    monkeypatch.setenv("GOVLIB_HUB_DIR", str(state))
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return PyFileConfigLoader("jupyterhub_config.py", path=str(HUB)).load_config()


def test_hub_config_refuses_a_missing_or_chinese_password(monkeypatch, tmp_path):
    monkeypatch.delenv("GOVLIB_HUB_PASSWORD", raising=False)
    with pytest.raises(SystemExit, match="课堂口令"):
        _load_hub_config(monkeypatch, tmp_path / "s1")
    with pytest.raises(SystemExit, match="含有汉字"):
        _load_hub_config(monkeypatch, tmp_path / "s2", GOVLIB_HUB_PASSWORD="课堂口令一二三四五")


def test_hub_config_shared_course_and_one_home_per_student(monkeypatch, tmp_path):
    from govlib.student import lesson_choices

    state = tmp_path / "hub"
    c = _load_hub_config(monkeypatch, state, GOVLIB_HUB_PASSWORD="ketang-2026")
    assert c.JupyterHub.ip == "127.0.0.1"
    assert c.JupyterHub.authenticator_class == "shared-password"
    assert c.SharedPasswordAuthenticator.user_password == "ketang-2026"
    assert c.JupyterHub.spawner_class.endswith("SimpleLocalProcessSpawner")
    assert c.Spawner.cmd[0].endswith("jupyterhub-singleuser")
    assert Path(c.Spawner.environment["JUPYTER_CONFIG_DIR"]) == REPO / "jupyter"
    chp = Path(c.ConfigurableHTTPProxy.command[0]) if "command" in c.ConfigurableHTTPProxy else None
    assert chp is None or chp.name == "configurable-http-proxy"

    # the shared course: every lesson, read-only
    course = state / "course"
    assert sorted(p.stem for p in course.glob("*.ipynb")) == sorted(lesson_choices())
    for p in course.rglob("*"):
        assert not p.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH), p

    # a login fills the student's home; a second login keeps the student's work
    spawner = SimpleNamespace(user=SimpleNamespace(name="张三"))
    c.Spawner.pre_spawn_hook(spawner)
    home = state / "homes" / "张三"
    nb = home / "intro.ipynb"
    assert nb.is_file() and os.access(nb, os.W_OK)
    assert (home / "课程说明.md").is_file()
    nb.write_text("我的作答", encoding="utf-8")
    (home / "yihe.ipynb").unlink()
    c.Spawner.pre_spawn_hook(spawner)
    assert nb.read_text(encoding="utf-8") == "我的作答"
    assert (home / "yihe.ipynb").is_file()
    env = {k: (v(spawner) if callable(v) else v) for k, v in c.Spawner.environment.items()}
    assert env["JUPYTERLAB_SETTINGS_DIR"].startswith(str(home))


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
    assert values["hub"]["config"]["JupyterHub"]["authenticator_class"] == "shared-password"
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
