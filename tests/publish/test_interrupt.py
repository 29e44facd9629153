"""Ctrl-C: the build stops, keeps what finished, leaves no half-written file and no kernel behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from conftest import proc_files

pytestmark = pytest.mark.slow

CLI = "import typer; from govlib.publish.cli import build; typer.run(build)"


def _marked_processes(marker: str) -> list[int]:
    return [pid for pid, env in proc_files("environ").items() if marker.encode() in env]


def _manifest(out: Path) -> list[dict]:
    try:
        return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["artifacts"]
    except (OSError, ValueError, KeyError):
        return []


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
def test_ctrl_c_leaves_complete_files_and_no_kernels(course):
    course.keep_only("beta")
    course.add_lesson("slow", "slow.md", {"default": {}, "long": {"pause": 90.0}})
    marker = f"GOVLIB_TEST_{uuid.uuid4().hex}"
    env = {**os.environ, marker: "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, "--syllabus", str(course.syllabus), "--out", str(course.out), "-j", "2", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        # wait until the two quick jobs are done and the long one is running in its kernel
        while time.monotonic() < deadline:
            done = {(a["lesson"], a["params"]) for a in _manifest(course.out) if a["status"] == "executed"}
            if {("beta", "default"), ("slow", "default")} <= done:
                break
            assert proc.poll() is None, proc.communicate()[0]
            time.sleep(0.3)
        else:
            pytest.fail("the quick jobs did not finish in time")
        time.sleep(2.0)
        assert proc.poll() is None
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        output, _ = proc.communicate(timeout=90)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, output
    assert "构建被中断" in output
    assert not list(course.out.rglob("*.govlib-tmp"))
    for page in course.out.rglob("*.html"):
        assert page.read_text(encoding="utf-8").endswith("</html>\n"), page
    arts = _manifest(course.out)
    paths = {a["path"] for a in arts}
    assert "lessons/beta/default/student.html" in paths
    assert not (course.out / "lessons" / "slow" / "long").exists()
    for a in arts:
        assert (course.out / a["path"]).is_file(), a["path"]
    # workers were stopped; their kernels notice and exit within a few seconds
    deadline = time.monotonic() + 20
    while _marked_processes(marker) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _marked_processes(marker) == []
    # and the next build finishes the job, reusing what was kept
    data = course.syllabus_data()
    data["lessons"][-1]["params"]["long"]["pause"] = 0.5
    course.write_syllabus(data)
    report = course.build()
    assert report.ok
    assert "slow/long" in report.executed


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
def test_ctrl_c_during_a_rebuild_keeps_every_entry_of_the_last_good_build(course):
    """Issue 22: Ctrl-C while lessons are being rebuilt dropped their manifest entries (326 -> 280)."""
    course.keep_only("beta")
    course.add_lesson("slow", "slow.md", {"default": {}, "long": {"pause": 0.0}})
    first = course.build()
    assert first.ok, first.text
    before = {a["path"]: a for a in _manifest(course.out)}
    assert {("slow", "long"), ("slow", "default"), ("beta", "default")} <= {(a["lesson"], a["params"])
                                                                           for a in before.values()}
    data = course.syllabus_data()
    data["lessons"][-1]["params"]["long"]["pause"] = 90.0  # slow/long must run again, and takes long
    course.write_syllabus(data)
    marker = f"GOVLIB_TEST_{uuid.uuid4().hex}"
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, "--syllabus", str(course.syllabus), "--out", str(course.out), "-j", "1", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, marker: "1"},
        start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        # the build, its worker and the worker's kernel: the long cell is running
        while len(_marked_processes(marker)) < 3 and time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()[0]
            time.sleep(0.3)
        time.sleep(3.0)
        assert proc.poll() is None
        os.killpg(proc.pid, signal.SIGINT)
        output, _ = proc.communicate(timeout=90)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, output
    after = {a["path"]: a for a in _manifest(course.out)}
    assert set(after) == set(before)  # nothing dropped
    for path, a in after.items():
        assert a["sha256"] == before[path]["sha256"], path  # the last good files, unchanged
        assert (course.out / path).is_file(), path
    long_entries = [a for a in after.values() if (a["lesson"], a["params"]) == ("slow", "long")]
    assert long_entries and all(a["values"] == {"pause": 0.0} for a in long_entries)  # what was handed out
