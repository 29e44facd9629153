"""Failures: one failing lesson does not stop the others; the report names lesson, set, cell and error."""

from __future__ import annotations

import json

import nbformat
import pytest

from govlib.errors import GovlibError, ParameterError

pytestmark = pytest.mark.slow


def test_failing_lesson_is_reported_and_others_build(built_copy):
    built_copy.add_lesson("broken", "broken.md", {"default": {}, "ok": {"divisor": 2}})
    report = built_copy.build()
    assert not report.ok
    assert sorted(report.executed) == ["broken/ok"]
    assert sorted(report.cached) == ["alpha/big", "alpha/default", "beta/default"]
    [f] = report.failures
    assert (f.lesson, f.params, f.ename) == ("broken", "default", "ZeroDivisionError")
    assert f.cell == 4  # markdown, parameters, print, 1 / divisor
    assert "broken.md 的第 4 个单元" in f.cell_label
    assert "division by zero" in f.evalue
    assert f.notebook == "_failed/broken/default.ipynb"
    printed = report.text
    assert "失败" in printed and "课程 broken 的参数集 default，broken.md 的第 4 个单元" in printed
    assert "出错的笔记本保存在 _failed/broken/default.ipynb" in printed
    assert "ZeroDivisionError" in printed and "_failed/broken/default.ipynb" in printed
    kept = nbformat.read(built_copy.out / f.notebook, as_version=4)
    assert any(o.get("output_type") == "error" for c in kept.cells for o in c.get("outputs", []))
    assert "before the error" in json.dumps(kept, ensure_ascii=False)
    assert "never reached" in json.dumps(kept, ensure_ascii=False)  # source kept, not executed
    index = (built_copy.out / "index.html").read_text(encoding="utf-8")
    assert "最近一次构建失败" in index
    # the failed run is recorded, so the next build tries again
    assert built_copy.build().failures


def test_last_good_outputs_stay_in_place(built_copy):
    built_copy.add_lesson("broken", "broken.md", {"default": {"divisor": 1}})
    assert built_copy.build().ok
    page = built_copy.out / "lessons/broken/default/instructor.html"
    good = page.read_bytes()
    data = built_copy.syllabus_data()
    data["lessons"][-1]["params"]["default"] = {"divisor": 0}
    built_copy.write_syllabus(data)
    report = built_copy.build()
    assert [f.lesson for f in report.failures] == ["broken"]
    assert page.read_bytes() == good
    doc = json.loads((built_copy.out / "manifest.json").read_text(encoding="utf-8"))
    entries = {a["path"]: a for a in doc["artifacts"]}
    assert entries["lessons/broken/default/instructor.html"]["status"] == "failed"
    assert entries["_failed/broken/default.ipynb"]["edition"] == "failed-notebook"
    index = (built_copy.out / "index.html").read_text(encoding="utf-8")
    assert "以下为上次成功的版本" in index
    # fixed again: the failed notebook goes away
    data["lessons"][-1]["params"]["default"] = {"divisor": 4}
    built_copy.write_syllabus(data)
    report = built_copy.build()
    assert report.ok and report.executed == ["broken/default"]
    assert not (built_copy.out / "_failed").exists()


def test_parameter_errors_stop_before_any_kernel(built_copy, monkeypatch):
    import govlib.publish.runner as runner

    def no_kernels(*a, **k):  # pragma: no cover - must not be reached
        raise AssertionError("a kernel pool was started")

    monkeypatch.setattr(runner, "run_pool", no_kernels)
    data = built_copy.syllabus_data()
    data["lessons"][0]["params"]["big"]["n"] = "forty"
    data["lessons"][0]["params"]["big"]["sample"] = 3
    data["lessons"][1]["params"]["default"]["seed"] = -1
    built_copy.write_syllabus(data)
    with pytest.raises(ParameterError) as info:
        built_copy.build(force=True)
    msg = str(info.value)
    assert "course/course.yml" in msg or "course.yml" in msg
    assert "参数集有 3 处问题（尚未运行任何笔记本）" in msg
    assert "课程 alpha 的参数集 big：参数 n 应为整数，收到文字 \"forty\"" in msg
    assert "课程 alpha 的参数集 big：没有参数 sample" in msg
    assert "课程 beta 的参数集 default：参数 seed 应为整数，不小于 0，收到 -1" in msg


def test_unknown_lesson_id(built_copy):
    with pytest.raises(GovlibError, match="课程大纲里没有课程编号 gamma；大纲里的课程编号：alpha、beta"):
        built_copy.build(lessons=["gamma"])


def test_a_kernel_lost_while_starting_is_started_again_once():
    from govlib.publish.execute import retry_kernel_start

    calls = []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return "executed"

    assert retry_kernel_start(flaky) == "executed" and len(calls) == 2

    def always_dead():
        calls.append(1)
        raise RuntimeError("Kernel died before replying to kernel_info")

    calls.clear()
    with pytest.raises(RuntimeError, match="kernel_info"):
        retry_kernel_start(always_dead)
    assert len(calls) == 2  # twice, then the error stands


def test_errors_after_start_are_never_retried():
    from nbclient.exceptions import DeadKernelError

    from govlib.publish.execute import retry_kernel_start

    calls = []

    def died_in_a_cell():
        calls.append(1)
        raise DeadKernelError("Kernel died")

    with pytest.raises(DeadKernelError):
        retry_kernel_start(died_in_a_cell)
    assert len(calls) == 1


# ---------------------------------------------------------------- issue 22: the register, cell time, the lock

def _broken_register(tmp_path, edit) -> "Path":
    import shutil

    from govlib import paths

    data = tmp_path / "data"
    shutil.copytree(paths.DATA, data)
    fig = data / "figures.csv"
    fig.write_bytes(edit(fig.read_bytes()))
    return data


@pytest.mark.parametrize("kind, edit", [
    ("unknown source", lambda raw: raw.replace(b"\npj-area,pujiang,", b"\npj-area,nosuchsource,", 1)),
    ("bad qualifier", lambda raw: raw.replace(b",exact,", b",roughly,", 1)),
    ("non-UTF-8", lambda raw: raw + "\n".encode() + "坏行".encode("gb18030") + b"\n"),
    ("extra field", lambda raw: raw.rstrip(b"\n") + b",extra\n"),
    ("broken quoting", lambda raw: raw.rstrip(b"\n") + b'\n"unclosed,1,2\n'),
])
def test_a_broken_register_stops_the_build_before_any_kernel(course, tmp_path, monkeypatch, kind, edit):
    import govlib.publish.runner as runner
    from govlib.errors import DataError

    def no_kernels(*a, **k):  # pragma: no cover - must not be reached
        raise AssertionError("a kernel pool was started")

    monkeypatch.setattr(runner, "run_pool", no_kernels)
    data = _broken_register(tmp_path, edit)
    with pytest.raises(DataError) as info:
        course.build(data_dir=data)
    assert "figures.csv" in str(info.value), (kind, str(info.value))
    assert not (course.out / "lessons").exists()


def test_a_cell_over_the_cell_timeout_is_named(course):
    course.keep_only("beta")
    course.add_lesson("slow", "slow.md", {"default": {"pause": 60.0}})
    report = course.build(lessons=["slow"], cell_timeout=3, jobs=1)
    [f] = report.failures
    # slow.md: title (markdown) 1, parameters 2, the sleeping cell 3
    assert (f.lesson, f.params, f.ename, f.cell) == ("slow", "default", "CellTimeoutError", 3)
    assert "slow.md 的第 3 个单元" in f.cell_label
    assert "第 3 个单元运行超过 3 秒" in f.evalue and "--cell-timeout" in f.evalue
    assert report.seconds < 60


def test_cell_timeout_must_be_positive(course):
    with pytest.raises(ParameterError, match="--cell-timeout"):
        course.build(cell_timeout=0)


def test_a_second_build_into_the_same_folder_is_refused(course, monkeypatch):
    import os

    import govlib.publish.runner as runner
    from govlib.publish import plan

    def no_kernels(*a, **k):  # pragma: no cover - must not be reached
        raise AssertionError("a kernel pool was started")

    monkeypatch.setattr(runner, "run_pool", no_kernels)
    plan.ensure_out(course.out)
    held = plan.lock_out(course.out)  # the first build
    try:
        with pytest.raises(GovlibError) as info:
            course.build()
        assert "另一个构建正在写入" in str(info.value)
    finally:
        os.close(held)
    assert not (course.out / "lessons").exists()
    # once the first build is done the folder is free again
    again = plan.lock_out(course.out)
    os.close(again)
