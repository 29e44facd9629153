"""The cache: a lesson re-executes only when something it depends on changed."""

from __future__ import annotations

import json

import pytest

from govlib.publish import cache

pytestmark = pytest.mark.slow

ALL = ["alpha/big", "alpha/default", "beta/default"]


def _statuses(course):
    doc = json.loads((course.out / "manifest.json").read_text(encoding="utf-8"))
    return {a["path"]: a["status"] for a in doc["artifacts"]}


def test_nothing_changed_executes_nothing(built_copy):
    report = built_copy.build()
    assert report.ok
    assert report.executed == []
    assert sorted(report.cached) == ALL
    assert not report.index_written
    assert set(_statuses(built_copy).values()) == {"cached"}


def test_no_op_rebuild_does_not_import_the_heavy_libraries(built_copy):
    import subprocess
    import sys

    code = f"""
import sys, time
t = time.perf_counter()
from govlib.publish.runner import run_build
r = run_build({str(built_copy.syllabus)!r}, {str(built_copy.out)!r}, quiet=True,
              hash_paths={[str(p) for p in built_copy.hash_paths]!r})
assert r.ok and r.executed == [], r.executed
heavy = [m for m in ("nbformat", "jupytext", "papermill", "nbconvert", "pandas") if m in sys.modules]
print(heavy, round(time.perf_counter() - t, 3))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    heavy, _secs = out.strip().rsplit(" ", 1)
    assert heavy == "[]"


def test_notebook_change_reexecutes_that_lesson_only(built_copy):
    nb = built_copy.notebook("beta.md")
    nb.write_text(nb.read_text(encoding="utf-8").replace("# 第二课", "# 第二课（修订）"), encoding="utf-8")
    report = built_copy.build()
    assert report.executed == ["beta/default"]
    assert sorted(report.cached) == ["alpha/big", "alpha/default"]
    assert "第二课（修订）" in (built_copy.out / "lessons/beta/default/instructor.html").read_text(encoding="utf-8")


def test_parameter_change_reexecutes_that_set_only(built_copy):
    data = built_copy.syllabus_data()
    data["lessons"][0]["params"]["big"]["n"] = 41
    built_copy.write_syllabus(data)
    report = built_copy.build()
    assert report.executed == ["alpha/big"]
    assert "n = 41" in (built_copy.out / "lessons/alpha/big/instructor.html").read_text(encoding="utf-8")
    assert report.index_written  # the index shows parameter values


def test_added_parameter_set_runs_alone(built_copy):
    data = built_copy.syllabus_data()
    data["lessons"][1]["params"]["other-seed"] = {"seed": 8}
    built_copy.write_syllabus(data)
    report = built_copy.build()
    assert report.executed == ["beta/other-seed"]


@pytest.mark.parametrize("where", ["pkg/code.py", "pkg/new_module.py", "data/figures.csv", "constraints.txt"])
def test_code_data_or_lock_change_reexecutes_everything(built_copy, where):
    p = built_copy.root / where
    p.write_text((p.read_text() if p.exists() else "") + "# changed\n")
    report = built_copy.build()
    assert sorted(report.executed) == ALL


def test_caches_and_editor_droppings_are_ignored(built_copy):
    (built_copy.root / "pkg" / "__pycache__").mkdir()
    (built_copy.root / "pkg" / "__pycache__" / "code.cpython-311.pyc").write_bytes(b"\0")
    (built_copy.root / "data" / ".figures.csv.swp").write_bytes(b"\0")
    assert built_copy.build().executed == []


def test_depends_file_change_reexecutes_that_lesson(built_copy):
    (built_copy.root / "course" / "extra.txt").write_text("一\n", encoding="utf-8")
    data = built_copy.syllabus_data()
    data["lessons"][1]["depends"] = ["course/extra.txt"]
    built_copy.write_syllabus(data)
    assert built_copy.build().executed == ["beta/default"]
    assert built_copy.build().executed == []
    (built_copy.root / "course" / "extra.txt").write_text("二\n", encoding="utf-8")
    assert built_copy.build().executed == ["beta/default"]


def test_force_reexecutes_everything(built_copy):
    report = built_copy.build(force=True)
    assert sorted(report.executed) == ALL and report.cached == []


def test_deleted_or_edited_output_is_rebuilt(built_copy):
    (built_copy.out / "lessons/alpha/default/student.html").unlink()
    p = built_copy.out / "lessons/beta/default/student.ipynb"
    p.write_text(p.read_text(encoding="utf-8") + " ", encoding="utf-8")
    report = built_copy.build()
    assert sorted(report.executed) == ["alpha/default", "beta/default"]


def test_lesson_selection_keeps_other_outputs(built_copy):
    nb = built_copy.notebook("alpha.md")
    nb.write_text(nb.read_text(encoding="utf-8") + "\n另起一段。\n", encoding="utf-8")
    before = (built_copy.out / "lessons/alpha/big/instructor.html").read_bytes()
    report = built_copy.build(lessons=["beta"])
    assert report.executed == [] and report.cached == ["beta/default"]
    assert (built_copy.out / "lessons/alpha/big/instructor.html").read_bytes() == before
    statuses = _statuses(built_copy)
    assert statuses["lessons/alpha/big/instructor.html"] == "carried"
    assert sorted(built_copy.build().executed) == ["alpha/big", "alpha/default"]


def test_removed_lesson_outputs_are_pruned(built_copy):
    built_copy.keep_only("alpha")
    report = built_copy.build()
    assert report.executed == []
    assert not (built_copy.out / "lessons" / "beta").exists()
    assert "lessons/beta/default/student.html" not in _statuses(built_copy)


def test_tree_hash_sees_paths_and_contents(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.py").write_text("1")
    h1 = cache.tree_hash([tmp_path / "a", tmp_path / "missing.txt"])
    (tmp_path / "a" / "x.py").rename(tmp_path / "a" / "y.py")
    h2 = cache.tree_hash([tmp_path / "a", tmp_path / "missing.txt"])
    (tmp_path / "missing.txt").write_text("")
    h3 = cache.tree_hash([tmp_path / "a", tmp_path / "missing.txt"])
    assert len({h1, h2, h3}) == 3
