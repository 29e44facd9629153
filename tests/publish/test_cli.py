"""``govlib build``: options, exit codes, plain progress lines, and building with no network."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from govlib.publish.cli import build


def _app():
    app = typer.Typer()
    app.command("build")(build)

    @app.command("noop")
    def noop():  # a second command, so typer keeps "build" as a subcommand
        pass

    return app


def test_help_lists_the_options():
    result = CliRunner().invoke(_app(), ["build", "--help"])
    assert result.exit_code == 0
    for opt in ("--out", "--lesson", "-j", "--force", "--quiet"):
        assert opt in result.output


def test_registered_in_the_govlib_command():
    from govlib.cli import app

    result = CliRunner().invoke(app, ["build", "--help"])
    assert result.exit_code == 0 and "--lesson" in result.output


def test_unknown_lesson_exits_non_zero(course):
    result = CliRunner().invoke(_app(), ["build", "--syllabus", str(course.syllabus), "--out",
                                         str(course.out), "--lesson", "nope"])
    assert result.exit_code == 2
    assert "课程大纲里没有课程编号 nope" in result.output and "alpha" in result.output


def test_bad_parameter_set_exits_non_zero(course):
    data = course.syllabus_data()
    data["lessons"][1]["params"]["default"]["seed"] = "x"
    course.write_syllabus(data)
    result = CliRunner().invoke(_app(), ["build", "--syllabus", str(course.syllabus), "--out", str(course.out)])
    assert result.exit_code == 2
    assert "课程 beta 的参数集 default：参数 seed 应为整数，收到文字 \"x\"" in result.output
    assert not (course.out / "lessons").exists()


@pytest.mark.slow
def test_failure_exits_1_with_plain_lines(course):
    course.keep_only()
    course.add_lesson("broken", "broken.md", {"default": {}})
    result = CliRunner().invoke(_app(), ["build", "--syllabus", str(course.syllabus), "--out", str(course.out),
                                         "-j", "1"])
    assert result.exit_code == 1, result.output
    assert "[开始运行] broken/default" in result.output  # not a terminal: plain lines
    assert "[1/1] broken/default 失败" in result.output
    assert "失败 课程 broken 的参数集 default，broken.md 的第 4 个单元" in result.output
    assert "构建失败：运行 0 个" in result.output
    assert "ZeroDivisionError" in result.output


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("unshare") or not shutil.which("ip"), reason="needs unshare and ip")
def test_builds_with_no_network(course):
    """Run the build in a network namespace with only loopback (kernels talk over 127.0.0.1)."""
    if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode != 0:
        pytest.skip("unshare -n is not permitted here")
    course.keep_only("beta")
    cmd = (f"ip link set lo up && {sys.executable} -c 'import typer; from govlib.publish.cli import build; "
           f"typer.run(build)' --syllabus {course.syllabus} --out {course.out} -j 1 --quiet")
    proc = subprocess.run(["unshare", "-n", "sh", "-c", cmd], capture_output=True, text=True, timeout=300,
                          env={**os.environ})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (course.out / "lessons/beta/default/student.html").is_file()
    assert (course.out / "index.html").is_file()


@pytest.mark.slow
def test_script_without_main_guard(course, tmp_path):
    """Workers must not re-run the calling script (multiprocessing's main-module import)."""
    course.keep_only("beta")
    script = tmp_path / "build_it.py"
    script.write_text(
        "from govlib.publish import run_build\n"
        f"r = run_build({str(course.syllabus)!r}, {str(course.out)!r}, jobs=2, quiet=True, hash_paths=[])\n"
        "print('RESULT', r.ok, r.executed)\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("RESULT") == 1 and "RESULT True ['beta/default']" in proc.stdout
