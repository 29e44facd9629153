"""JupyterLab as students meet it, with the course's own configuration (``jupyter/``, as ``make lab``):
a lesson ``.md`` opens as a notebook and the interface is Chinese.

One JupyterLab server on 127.0.0.1 for the module (about 10 s to start); the browser test needs
headless Chromium.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from govlib import paths

REPO = paths.PACKAGE.parent
CONFIG = REPO / "jupyter"
TOKEN = "govlib-test-token"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> dict:
    req = urllib.request.Request(url, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read().decode("utf-8"))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving a copy of the lessons; yields its base URL."""
    if not CONFIG.is_dir():
        pytest.skip("needs the repository's jupyter/ folder")
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "root"
    shutil.copytree(paths.NOTEBOOKS, root)
    port = _free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(CONFIG), JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"))
    log = open(tmp / "lab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                _get(f"{base}/api/status")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + (tmp / "lab.log").read_text()[-3000:])
                time.sleep(0.5)
        yield base, root
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_lesson_md_comes_back_as_a_notebook(lab):
    base, root = lab
    model = _get(f"{base}/api/contents/intro.md?type=notebook&content=1")
    assert model["type"] == "notebook"
    nb = model["content"]
    # every cell of the MyST file, and the parameters cell tagged as in the file
    text = (root / "intro.md").read_text(encoding="utf-8")
    assert sum(c["cell_type"] == "code" for c in nb["cells"]) == text.count("```{code-cell}")
    assert sum(c["cell_type"] == "markdown" for c in nb["cells"]) >= 5
    assert sum("parameters" in c["metadata"].get("tags", []) for c in nb["cells"]) == 1
    assert nb["cells"][0]["source"].startswith("# 导论")


def test_course_defaults_open_lessons_as_notebooks_in_chinese(lab):
    base, _ = lab
    dm = _get(f"{base}/lab/api/settings/@jupyterlab/docmanager-extension:plugin")
    assert dm["schema"]["properties"]["defaultViewers"]["default"]["markdown"] == "Jupytext Notebook"
    tr = _get(f"{base}/lab/api/settings/@jupyterlab/translation-extension:plugin")
    assert tr["schema"]["properties"]["locale"]["default"] == "zh_CN"
    assert "zh_CN" in _get(f"{base}/lab/api/translations/")["data"]     # the language pack is installed


def test_saving_a_lesson_unchanged_changes_nothing(lab):
    base, root = lab
    before = (root / "quanzhou_survey.md").read_bytes()
    model = _get(f"{base}/api/contents/quanzhou_survey.md?type=notebook&content=1")
    nb = model["content"]
    # what JupyterLab adds once a kernel is connected
    nb["metadata"]["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb["metadata"]["language_info"] = {"name": "python", "version": "3.11.0"}
    body = json.dumps({"type": "notebook", "format": "json", "content": nb}).encode("utf-8")
    req = urllib.request.Request(f"{base}/api/contents/quanzhou_survey.md", data=body, method="PUT",
                                 headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=30).close()
    after = (root / "quanzhou_survey.md").read_bytes()
    assert after == before, "saving from JupyterLab rewrote the lesson (jupytext header not as jupytext writes it?)"


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium")
def test_browser_opens_the_lesson_as_a_notebook_with_the_chinese_menu(lab, tmp_path):
    base, _ = lab
    url = f"{base}/lab/tree/intro.md?token={TOKEN}"
    common = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=30000", "--window-size=1280,900"]
    dom = subprocess.run(common + ["--dump-dom", url], capture_output=True, text=True, timeout=180).stdout
    assert "jp-NotebookPanel" in dom, "the lesson did not open as a notebook"
    assert dom.count("jp-Cell ") + dom.count('jp-Cell"') >= 10
    for menu in ("文件", "编辑", "运行", "内核"):
        assert f">{menu}<" in dom, f"menu {menu} missing: interface not in Chinese"
    shot = tmp_path / "lab.png"
    subprocess.run(common + [f"--screenshot={shot}", url], capture_output=True, timeout=180)
    assert shot.is_file() and shot.stat().st_size > 20_000
    keep = os.environ.get("GOVLIB_SCREENSHOT_DIR")
    if keep:
        shutil.copy(shot, Path(keep) / "lab.png")
