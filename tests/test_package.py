"""The course outside the repository: build the wheel, install it into a fresh virtual environment
with the pinned constraints, and use it from an empty folder as a student would.

Slow (about 1.5 min with a warm pip cache): it runs pip into a new venv.  pip's own cache is used,
so after the first run nothing is downloaded again.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import nbformat
import pytest

from govlib import __version__, paths

pytestmark = pytest.mark.slow

REPO = paths.PACKAGE.parent


def _run(cmd, cwd, env=None, timeout=600):
    res = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert res.returncode == 0, f"{cmd} exited {res.returncode}\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
    return res


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    if not (REPO / "setup.py").is_file():
        pytest.skip("needs the repository (setup.py)")
    out = tmp_path_factory.mktemp("wheel")
    # build from a copy, so the checkout gets no build/ folder (the sdist would carry the same files)
    src = tmp_path_factory.mktemp("src") / "govlib"
    shutil.copytree(REPO, src, ignore=shutil.ignore_patterns(
        ".venv", ".git", "node_modules", "build", "dist", "_build", "course_build", "__pycache__",
        "*.egg-info", ".pytest_cache", "tests"))
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(src)], cwd=out)
    (whl,) = out.glob("govlib-*.whl")
    return whl


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel and the constraints; returns its bin/ folder."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    bin_ = env_dir / "bin"
    _run([str(bin_ / "python"), "-m", "pip", "install", "-q", "--no-compile", "--disable-pip-version-check",
          "-c", str(REPO / "constraints.txt"), str(wheel)], cwd=env_dir, timeout=900)
    return bin_


def _clean_env(bin_: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVLIB_", "PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{bin_}{os.pathsep}{env.get('PATH', '')}"
    env["MPLBACKEND"] = "Agg"
    return env


def test_wheel_carries_the_course_files_and_licence(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for rel in ("data/figures.csv", "data/sources.csv", "data/units.csv", "data/frameworks/quanzhou.yaml",
                "course/course.yml", "notebooks/quanzhou_survey.md", "constraints.txt"):
        assert f"govlib/_bundle/{rel}" in names, rel
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert wheel.name.startswith(f"govlib-{__version__}-")


def test_installed_wheel_works_from_an_empty_folder(installed, tmp_path):
    env = _clean_env(installed)
    work = tmp_path / "空文件夹"
    work.mkdir()
    govlib = str(installed / "govlib")

    assert _run([govlib, "--version"], work, env).stdout.strip() == f"govlib {__version__}"
    check = _run([govlib, "data", "check"], work, env)
    assert "通过" in check.stdout and "框架文件：5 个有效" in check.stdout

    res = _run([govlib, "student", "quanzhou-survey"], work, env)
    assert "已写入学生笔记本" in res.stdout
    nb_path = work / "quanzhou-survey.ipynb"
    _run([govlib, "student", "xiamen-127"], work, env)
    assert (work / "data" / "frameworks" / "xiamen-127.yaml").is_file()  # the file its diagram names, from the wheel

    # the student notebook runs to the end in a kernel of the fresh environment
    out = work / "executed.ipynb"
    _run([str(installed / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
          "--ExecutePreprocessor.timeout=300", "--output", str(out), str(nb_path)], work, env)
    nb = nbformat.read(out, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors[0]
    feedback = "".join(o.get("text", "") for c in nb.cells if "check(" in c.source for o in c.outputs)
    assert "quanzhou-survey-1" in feedback       # the first check() answered (unanswered: a hint)

    # the course files came from the wheel, and messages name them by absolute path
    probe = _run([str(installed / "python"), "-c",
                  "import govlib.paths as p, govlib.errors as e; print(p.ROOT_KIND); print(p.ROOT); "
                  "print(e.display_path('data/units.csv')); print(p.BUILD)"], work, env).stdout.split("\n")
    assert probe[0] == "bundle"
    assert "site-packages" in probe[1] and probe[1].endswith("_bundle")
    assert probe[2] == str(work / "data" / "units.csv")
    assert probe[3] == str(work / "course_build")


def test_the_wheel_lab_settings_are_the_course_settings(wheel):
    import json

    names = zipfile.ZipFile(wheel).namelist()
    (entry,) = [n for n in names if n.endswith(".data/data/share/jupyter/lab/settings/overrides.d/govlib.json")]
    shipped = json.loads(zipfile.ZipFile(wheel).read(entry))
    course = json.loads((REPO / "jupyter" / "labconfig" / "default_setting_overrides.json").read_text("utf-8"))
    assert shipped == course  # make lab / the hub and the wheel give students the same JupyterLab


@pytest.mark.browser
@pytest.mark.skipif(not (shutil.which("chromium") or shutil.which("chromium-browser")), reason="needs chromium")
def test_installed_wheel_opens_the_course_jupyterlab(installed, tmp_path):
    """The README's student line, from an empty folder of a fresh account: `govlib student --all`, then
    `jupyter lab`.  The interface is Chinese, the lesson opens as a notebook, no news question."""
    import json
    import socket
    import time
    import urllib.request

    env = _clean_env(installed)
    env.update(HOME=str(tmp_path / "home"))                 # a student's fresh account: no ~/.jupyter
    for k in [k for k in env if k.startswith(("JUPYTER", "JUPYTERLAB"))]:
        del env[k]
    (tmp_path / "home").mkdir()
    work = tmp_path / "我的课程"
    work.mkdir()
    _run([str(installed / "govlib"), "student", "--all"], work, env)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = "govlib-wheel-test"
    cmd = [str(installed / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           f"--IdentityProvider.token={token}"] + (["--allow-root"] if os.geteuid() == 0 else [])
    log = open(tmp_path / "lab.log", "w")
    proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def get(path):
        req = urllib.request.Request(base + path, headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read().decode("utf-8"))

    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                get("/api/status")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + (tmp_path / "lab.log").read_text()[-3000:])
                time.sleep(0.5)
        tr = get("/lab/api/settings/@jupyterlab/translation-extension:plugin")
        assert tr["schema"]["properties"]["locale"]["default"] == "zh_CN"
        news = get("/lab/api/settings/@jupyterlab/apputils-extension:notification")["schema"]["properties"]
        assert news["fetchNews"]["default"] == "false" and news["checkForUpdates"]["default"] is False
        dm = get("/lab/api/settings/@jupyterlab/docmanager-extension:plugin")
        assert dm["schema"]["properties"]["defaultViewers"]["default"]["markdown"] == "Jupytext Notebook"

        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        url = f"{base}/lab/tree/quanzhou-survey.ipynb?token={token}"
        common = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=30000", "--window-size=1280,900"]
        dom = subprocess.run(common + ["--dump-dom", url], capture_output=True, text=True, timeout=180).stdout
        assert "jp-NotebookPanel" in dom, "the lesson did not open as a notebook"
        assert dom.count("jp-Cell ") + dom.count('jp-Cell"') >= 10
        for menu in ("文件", "编辑", "运行", "内核"):
            assert f">{menu}<" in dom, f"menu {menu} missing: interface not in Chinese"
        assert "official Jupyter news" not in dom and "Jupyter 新闻" not in dom
        shot = tmp_path / "lab.png"
        subprocess.run(common + [f"--screenshot={shot}", url], capture_output=True, timeout=180)
        assert shot.is_file() and shot.stat().st_size > 20_000
        keep = os.environ.get("GOVLIB_SCREENSHOT_DIR")
        if keep:
            shutil.copy(shot, Path(keep) / "lab-from-wheel.png")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
