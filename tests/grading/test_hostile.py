"""The hostile class: students who attack the grader (tests/data/grading/make_hostile.py).

One grading run of the whole class, in bubblewrap sandboxes, then one test
per promise: the expected table, honest students' rows, every submission
unchanged, no process left, nothing written outside the output folder,
parameter edits reported and ignored, every folder entry listed, reports
that neither a spreadsheet nor a browser would run.
"""

from __future__ import annotations

import csv
import hashlib
import os
import stat
import sys
import uuid
from pathlib import Path

import pytest

from conftest import proc_files

from govlib.grading import sandbox

GRADING = Path(__file__).resolve().parents[1] / "data" / "grading"
SYLLABUS = GRADING / "course" / "course.yml"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sandbox.find_bwrap() is None, reason="bubblewrap (bwrap) is not installed")]


def _tree(folder: Path) -> dict[str, tuple]:
    """Every entry under *folder*, by lstat: links and FIFOs are not followed or opened."""
    out = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            p = Path(root) / name
            st = os.lstat(p)
            if stat.S_ISREG(st.st_mode):
                out[str(p.relative_to(folder))] = ("file", hashlib.sha256(p.read_bytes()).hexdigest(), st.st_mtime_ns)
            elif stat.S_ISLNK(st.st_mode):
                out[str(p.relative_to(folder))] = ("link", os.readlink(p), st.st_mtime_ns)
            else:
                out[str(p.relative_to(folder))] = (stat.S_IFMT(st.st_mode), "", st.st_mtime_ns)
    return out


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade the hostile class once; yield what the tests check."""
    import importlib

    from govlib.exercises import core
    from govlib.grading import grade_folder

    import matplotlib

    mp = pytest.MonkeyPatch()
    # the grader's own matplotlib cache stays where it is: the test home shows only what students did
    mp.setenv("MPLCONFIGDIR", matplotlib.get_cachedir())
    base = tmp_path_factory.mktemp("hostile")
    home = base / "home"
    (home / ".ipython" / "profile_default" / "startup").mkdir(parents=True)
    mp.setenv("HOME", str(home))
    mp.syspath_prepend(str(GRADING))
    mp.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(GRADING), os.environ.get("PYTHONPATH")])))
    mp.setenv(core.BANKS_ENV, "govlib_demo_bank")
    importlib.import_module("govlib_demo_bank")
    make_hostile = importlib.import_module("make_hostile")
    secret, token = f"SECRET-{uuid.uuid4().hex}", f"govlib-orphan-{uuid.uuid4().hex}"
    subs, out, outside = base / "class", base / "grades", base / "outside"
    make_hostile.write_class(subs, out, home, outside, secret, token)
    before_subs, before_base = _tree(subs), _tree(base)
    real_startup = Path("/root/.ipython/profile_default/startup") / f"00-govlib-hostile-{token}.py"
    try:
        res = grade_folder(subs, "demo", out=out, jobs=2, timeout=20, extract_timeout=5, syllabus=SYLLABUS)
        yield dict(res=res, subs=subs, out=out, base=base, home=home, secret=secret, token=token,
                   before_subs=before_subs, before_base=before_base, expected=make_hostile.EXPECTED,
                   real_startup=real_startup)
    finally:
        mp.undo()
        for k in [k for k, e in core._REGISTRY.items() if e.lesson == "demo"]:
            del core._REGISTRY[k]
        sys.modules.pop("govlib_demo_bank", None)
        sys.modules.pop("make_hostile", None)


def _table(res) -> dict[str, list]:
    with open(res.paths["scores"], encoding="utf-8-sig", newline="") as fh:
        recs = list(csv.DictReader(fh))
    table: dict[str, list] = {}
    for r in recs:
        if r["exercise"] != "demo-6":
            table.setdefault(r["file"].removeprefix("'"), []).append(None if r["correct"] == "" else int(r["correct"]))
    return table


def test_expected_table(graded):
    res, expected = graded["res"], graded["expected"]
    by = {s.file: s for s in res.submissions}
    assert set(by) == set(expected)
    got = {name: (by[name].status, _table(res)[name]) for name in expected}
    want = {name: (st, correct) for name, (st, correct) in expected.items()}
    assert got == want, {n: by[n].problems for n in expected if got[n] != want[n]}


def test_honest_rows_and_class_rates(graded):
    res = graded["res"]
    rows = {(r.file, r.exercise): r for r in res.rows}
    assert [rows[("alice.ipynb", f"demo-{i}")].status for i in range(1, 6)] == ["correct"] * 5
    assert [rows[("bob.ipynb", f"demo-{i}")].status for i in range(1, 6)] == ["wrong"] * 5
    by = {s.file: s for s in res.submissions}
    assert by["alice.ipynb"].problems == [] and by["bob.ipynb"].problems == []
    # every notebook that ran counts in every question's denominator
    ran = sum(1 for s in res.submissions if s.ran)
    assert ran == 19 and all(st.graded == ran for st in res.stats)


def test_submissions_unchanged_and_nothing_written_outside_the_output_folder(graded):
    assert _tree(graded["subs"]) == graded["before_subs"]
    after = {k: v for k, v in _tree(graded["base"]).items() if not k.startswith("grades")}
    assert after == graded["before_base"]  # class, home, outside folder: untouched
    assert sorted(p.name for p in graded["out"].iterdir()) == ["feedback", "files.csv", "gradebook.csv", "gradebook.xlsx",
                                                               "manual.csv", "rubric.md", "scores.csv", "summary.html"]
    assert {p.suffix for p in (graded["out"] / "feedback").iterdir()} <= {".html", ".ipynb"}
    assert not graded["real_startup"].exists()
    assert not Path("/tmp/govlib-hostile-tamper").exists()


def test_no_process_survives(graded):
    token = graded["token"].encode()
    assert [pid for pid, cmd in proc_files("cmdline").items() if token in cmd] == []


def test_spy_saw_nothing(graded):
    res = graded["res"]
    spy = next(r for r in res.rows if r.file == "spy.ipynb" and r.exercise == "demo-6")
    assert spy.answer.startswith("SPY:"), spy.answer
    assert spy.answer == "SPY:[]", spy.answer
    md = res.paths["rubric"].read_text(encoding="utf-8")
    assert md.count(graded["secret"]) == 2  # alice's and bob's own answers, nowhere else


def test_parameter_edits_reported_and_ignored(graded):
    by = {s.file: " ".join(s.problems) for s in graded["res"].submissions}
    assert "参数 n_households 在笔记本中被改为 600（发放版为 1000）：按发放版评分" in by["params_cell.ipynb"]
    assert "笔记本元数据中的参数 n_households 被改为 600" in by["params_meta.ipynb"]
    assert "参数集是 'big'" in by["params_meta.ipynb"]
    assert "check(\"demo-2\", …) 的参数 households 被写成 600（发放版为 n_households）" in by["params_call.ipynb"]
    assert "被写成 no_such_name" in by["denominator.ipynb"]
    assert "被改为 5000000000" in by["dos.ipynb"] and "被写成 10 ** 12" in by["dos.ipynb"]
    assert "运行后参数 n_households 的值是 600" in by["forge_hook.ipynb"]
    for r in graded["res"].rows:
        if r.exercise == "demo-2" and r.params:
            assert r.params == '{"households": 1000}', (r.file, r.params)


def test_every_entry_listed_with_a_status(graded):
    res = graded["res"]
    with open(res.paths["files"], encoding="utf-8-sig", newline="") as fh:
        recs = {r["file"].removeprefix("'"): r for r in csv.DictReader(fh)}
    assert set(recs) == set(os.listdir(graded["subs"]))
    assert recs["link_out.ipynb"]["status_zh"] == "符号链接，未跟随" and "不跟随" in recs["link_out.ipynb"]["problems"]
    assert "目标不存在" in recs["dangling.ipynb"]["problems"]
    assert recs["pipe.ipynb"]["status"] == "special" and "FIFO" in recs["pipe.ipynb"]["problems"]
    assert recs["drafts"]["status"] == "folder"
    assert "UTF-16" in recs["utf16.ipynb"]["problems"]
    assert "nbformat 3" in recs["old_v3.ipynb"]["problems"]
    assert recs["killparent.ipynb"]["status"] == "errors"
    assert "ProcessLookupError" in recs["killparent.ipynb"]["problems"]  # nothing left it could kill
    assert recs["denominator.ipynb"]["graded"] == "5" and recs["denominator.ipynb"]["correct"] == "0"


def test_reports_are_inert(graded):
    res = graded["res"]
    for name in ("scores", "files"):
        with open(res.paths[name], encoding="utf-8-sig", newline="") as fh:
            for rec in csv.DictReader(fh):
                for cell in rec.values():
                    assert cell[:1] not in ("=", "+", "@", "\t", "\r"), cell
    md = res.paths["rubric"].read_text(encoding="utf-8")
    assert "<img" not in md and "<script" not in md and "&lt;img src=x onerror=alert\\(1\\)&gt;" in md
    assert "\\*\\*粗\\*\\*" in md
    page = res.paths["summary"].read_text(encoding="utf-8")
    assert "<img src=x" not in page and "<script>" not in page
