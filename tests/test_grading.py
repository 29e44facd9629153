"""Tests for govlib.grading: reading, running and scoring returned notebooks, and the reports.

The fixture class (tests/data/grading/class/, written by make_class.py) holds
returned notebooks of the fixture lesson ``demo`` (govlib_demo_bank.py).  The
expected scores below follow from what each file contains (see make_class.py)
and the hand-computed answers in govlib_demo_bank.py:

- alice: 41.11, 4, 拒绝原假设, True, 3125 -> all five right
- bob: 50, 3, 不拒绝原假设, False, 2000 -> none right
- carol: 0.4111 (fraction of 41.111 %, right), "2" with n_households = 600
  (ceil(600 / 300) = 2, right), None, "否" (wrong), {3125} (a set: unreadable)
- frank (.txt): "41.1%" (right), nothing else
- ivan: 41.11 (right), then an infinite loop -> timeout, nothing else
- judy: 41.11, 4, 拒绝原假设 (right) around cells that raise; 4 and 5 unanswered
- mallory: all wrong, with a redefined check() that prints 【正确】 and fake grader output
- dave, erin, grace, heidi: broken, empty, another lesson, not a notebook -> not run

Kernel-starting tests are marked ``slow``.
"""

from __future__ import annotations

import csv
import hashlib
import importlib
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from conftest import live_children

from govlib.errors import ParameterError
from govlib.exercises import core
from govlib.grading import collect, files, kernel, report, score
from govlib.grading.collect import Spec, Submission

GRADING = Path(__file__).resolve().parent / "data" / "grading"
CLASS = GRADING / "class"
SYLLABUS = GRADING / "course" / "course.yml"


@pytest.fixture
def spec(demo):
    return Spec.from_exercises("demo", core.catalog("demo"))


def _snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "",
                                         p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


def _nb(cells, metadata=None):
    import nbformat

    nb = nbformat.v4.new_notebook(metadata=metadata or {})
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    return nb


# ----------------------------------------------------------------------------
# reading files
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("name,status,words", [
    ("alice.ipynb", "ok", ""),
    ("frank.txt", "ok", ""),
    ("dave.ipynb", "broken", "JSON 无法解析"),
    ("erin.ipynb", "empty", "0 字节"),
    ("heidi.pdf", "not-notebook", "不是笔记本"),
])
def test_read_notebook_classifies_the_fixture_files(name, status, words):
    nb, got, why = files.read_notebook(CLASS / name)
    assert got == status and words in why
    assert (nb is None) == (status != "ok")


@pytest.mark.parametrize("content,status", [
    (b"   \n", "empty"),
    (b"hello, this is my homework", "not-notebook"),
    (b"[1, 2, 3]", "not-notebook"),
    (b'{"cells": 3}', "broken"),
    (b'{"cells": "x", "nbformat": 4, "nbformat_minor": 5, "metadata": {}}', "broken"),
    (b'{"a": 1}', "broken"),
    (b"\xff\xfe\x00\x01binary", "not-notebook"),
])
def test_read_notebook_rejects_what_is_not_a_notebook(tmp_path, content, status):
    p = tmp_path / "x.ipynb"
    p.write_bytes(content)
    nb, got, why = files.read_notebook(p)
    assert nb is None and got == status and why


def test_student_id_and_find_submissions(tmp_path):
    for name in ("b.ipynb", "a.txt", ".hidden.ipynb", "~$lock.docx", ".DS_Store"):
        (tmp_path / name).write_text("{}")
    (tmp_path / "sub").mkdir()
    (tmp_path / "out").mkdir()
    found, notes = files.find_submissions(tmp_path, exclude=tmp_path / "out")
    assert [f.name for f in found] == ["a.txt", "b.ipynb"]
    assert len(notes) == 1 and "sub/" in notes[0]
    assert files.student_id("张三.ipynb") == "张三"
    assert files.student_id(Path("x/li.si.ipynb")) == "li.si"


def test_detect_lesson():
    assert files.detect_lesson(_nb(["x = 1"], {"govlib": {"lesson": "demo"}})) == ({"demo"}, "metadata")
    assert files.detect_lesson(_nb(['check("xiamen-127-2", ans_x)', "check('demo-1', a)"])) == \
        ({"xiamen-127", "demo"}, "check")
    assert files.detect_lesson(_nb(["print(1)"])) == (set(), "")


def test_check_params_reads_the_keyword_expressions(spec):
    nb = _nb(["%matplotlib inline\nfrom govlib.exercises import check",
              "ans_demo2 = 4\ncheck('demo-2', ans_demo2, households=n_households * 2)",
              "check('demo-2', ans_demo2, households=999)",  # only the first call counts
              "this is not python ("])
    assert files.check_params(nb, spec) == {"demo-2": {"households": "n_households * 2"}}
    # no check call: the parameter's own name
    assert files.check_params(_nb(["x = 1"]), spec) == {"demo-2": {"households": "households"}}
    nb = _nb(["import govlib.exercises as gx\ngx.check('demo-2', ans_demo2, households=h)"])
    assert files.check_params(nb, spec) == {"demo-2": {"households": "h"}}


# ----------------------------------------------------------------------------
# the grader's cell, run here without a kernel
# ----------------------------------------------------------------------------

class _Sneaky(int):
    def __int__(self):
        return 41

    def __eq__(self, other):
        return True

    __hash__ = int.__hash__


class _BadRepr:
    def __repr__(self):
        raise RuntimeError("no")


def _run_dump(ns, variables, params, capsys):
    nonce = "ab" * 16
    src = kernel.extraction_source(variables, params, nonce)
    saved = {k: m for k, m in sys.modules.items() if k == "json" or k.startswith("json.")}
    try:
        exec(compile(src, "<grader>", "exec"), ns)  # replaces the json modules, as in a kernel
    finally:
        sys.modules.update(saved)
    return kernel.parse_payload(capsys.readouterr().out, nonce, variables, params)


def test_extraction_converts_values(capsys):
    np = pytest.importorskip("numpy")
    ns = {"ans_a": 41.11, "ans_b": np.int64(4), "ans_c": "拒绝原假设", "ans_d": {3125}, "ans_e": _BadRepr(),
          "ans_f": np.float64(2.5), "ans_g": None, "ans_h": _Sneaky(7), "ans_i": True, "n_households": 600}
    ns["ans_j"] = 10 ** 5000  # more digits than json may write: only this answer is lost
    ns["ans_k"] = float("nan")
    payload, why = _run_dump(ns, [k for k in ns if k.startswith("ans_")] + ["ans_missing"],
                             ["n_households", "undefined_name"], capsys)
    assert why == ""
    v = payload["vars"]
    assert v["ans_a"] == {"v": 41.11} and v["ans_b"] == {"v": 4} and v["ans_c"] == {"v": "拒绝原假设"}
    assert v["ans_d"] == {"repr": "", "type": "set"}  # the student's repr is never called
    assert v["ans_e"] == {"repr": "", "type": "_BadRepr"}
    assert v["ans_j"]["type"] == "int" and "v" not in v["ans_j"]
    assert v["ans_k"] == {"repr": "", "type": "float"}
    assert v["ans_f"] == {"v": 2.5} and v["ans_g"] == {"v": None} and v["ans_i"] == {"v": True}
    assert v["ans_h"] == {"v": 7}  # the int's own value, not what a subclass claims
    assert v["ans_missing"] == {"missing": True}
    assert payload["params"] == {"n_households": {"v": 600}, "undefined_name": {"missing": True}}
    assert "_govlib_grader_dump" not in ns


def test_extraction_ignores_a_patched_json_module(capsys):
    import types

    fake = types.ModuleType("json")
    fake.dumps = lambda *a, **k: '{"vars": {"ans_a": {"v": 41.11}}, "params": {}}'
    saved = sys.modules["json"]
    sys.modules["json"] = fake
    try:
        payload, _ = _run_dump({"ans_a": 0}, ["ans_a"], [], capsys)
    finally:
        sys.modules["json"] = saved
    assert payload["vars"]["ans_a"] == {"v": 0}


def test_parse_payload_needs_exactly_one_block_with_this_nonce():
    n = "cd" * 16
    block = f'<<govlib-grader {n}>>{{"vars": {{}}, "params": {{}}}}<<end {n}>>'
    assert kernel.parse_payload(block, n)[0] == {"vars": {}, "params": {}}
    assert kernel.parse_payload(block, "ef" * 16)[0] is None
    assert "多次" in kernel.parse_payload(block + "\n" + block, n)[1]
    assert kernel.parse_payload(f"<<govlib-grader {n}>>nope<<end {n}>>", n)[0] is None
    assert "X: y" in kernel.parse_payload(f'<<govlib-grader {n}>>{{"error": "X: y"}}<<end {n}>>', n)[1]
    assert kernel.parse_payload("", n)[1] == "未能读取答案：评分单元没有输出"
    with pytest.raises(ValueError, match="nonce"):
        kernel.extraction_source([], {}, "not hex!")


# ----------------------------------------------------------------------------
# scoring
# ----------------------------------------------------------------------------

def _sub(answers, *, status="ok", file="s.ipynb"):
    return Submission(file=file, student=Path(file).stem, status=status, lesson="demo", answers=answers)


def _handout(**ex_params):
    from govlib.grading.handout import Handout

    return Handout("demo", "default", {"n_households": 1000}, exercise_params=ex_params)


HANDOUT_1000 = {"demo-2": {"households": 1000}}


def test_score_submission_statuses(demo):
    exs = core.catalog("demo")
    sub = _sub({"ans_demo1": {"v": "41.1%"}, "ans_demo2": {"v": 4}, "ans_demo3": {"v": None},
                "ans_demo4": {"repr": "", "type": "object"}, "ans_demo5": {"missing": True},
                "ans_demo6": {"v": "我的看法"}})
    rows = score.score_submission(sub, exs, _handout(**HANDOUT_1000))
    got = [(r.exercise, r.correct, r.status) for r in rows]
    assert got == [("demo-1", 1, "correct"), ("demo-2", 1, "correct"), ("demo-3", 0, "unanswered"),
                   ("demo-4", 0, "unsupported"), ("demo-5", 0, "missing"), ("demo-6", None, "discussion")]
    assert rows[1].params == '{"households": 1000}' and rows[5].answer == "我的看法"
    assert rows[0].answer == "41.1%"  # the answer as the student wrote it, not a Python repr


def test_score_uses_only_the_handout_parameters(demo):
    exs = [core.get("demo-2")]
    # ceil(600 / 300) = 2 would be right with the student's 600; the handout says 1000 -> 4
    (row,) = score.score_submission(_sub({"ans_demo2": {"v": 2}}), exs, _handout(**HANDOUT_1000))
    assert (row.correct, row.status) == (0, "wrong")
    (row,) = score.score_submission(_sub({"ans_demo2": {"v": 7}}), exs, _handout(**{"demo-2": {"households": 2000}}))
    assert (row.correct, row.status) == (1, "correct")  # ceil(2000 / 300) = 7


def test_ungradable_answers_stay_in_the_denominator(demo):
    exs = core.catalog("demo")
    # no handout value for demo-2, and a handout value the expected function cannot use
    rows = score.score_submission(_sub({"ans_demo2": {"v": 4}}), exs, _handout())
    assert (rows[1].correct, rows[1].status) == (0, "ungradable") and "households" in rows[1].message
    rows = score.score_submission(_sub({"ans_demo2": {"v": 4}}), exs, _handout(**{"demo-2": {"households": "many"}}))
    assert (rows[1].correct, rows[1].status) == (0, "ungradable") and "TypeError" in rows[1].message
    stats = score.question_stats(rows, exs)
    assert [(s.correct, s.graded) for s in stats] == [(0, 1)] * 5


def test_scoring_has_a_time_limit(demo, monkeypatch):
    import threading
    import time as _time

    ex = core.get("demo-1")
    release = threading.Event()
    slow = lambda: release.wait(30) or 41.1  # noqa: E731 - a stuck expected-value computation
    monkeypatch.setitem(core._REGISTRY, "demo-1", __import__("dataclasses").replace(ex, expected=slow))
    g = score._Grader(timeout=0.3)
    t0 = _time.monotonic()
    rows = score.score_submission(_sub({"ans_demo1": {"v": 41.1}}), [core.get("demo-1")], _handout(), g)
    release.set()
    assert _time.monotonic() - t0 < 5
    assert (rows[0].correct, rows[0].status) == (0, "ungradable") and "超时" in rows[0].message


def test_score_all_survives_what_the_kernel_sends(demo):
    exs = core.catalog("demo")
    weird = [None, 3, "x", [], {"v": [1, 2]}, {"v": {"a": 1}}, {"repr": 5, "type": []}, {"v": 10 ** 40},
             {"v": float("inf")}, {"missing": "yes"}, {"v": 1, "extra": 2}]
    subs = [_sub({"ans_demo1": kernel.validate_value(w), "ans_demo2": w}, file=f"w{i}.ipynb")
            for i, w in enumerate(weird)]
    subs.append(_sub("not a dict", file="z.ipynb"))  # type: ignore[arg-type]
    rows = score.score_all(subs, exs, _handout(**HANDOUT_1000))
    assert len(rows) == len(subs) * 6
    assert all(r.correct == 0 for r in rows if r.exercise in ("demo-1", "demo-2"))
    assert "评分程序处理此文件的答案时出错" in " ".join(subs[-1].problems)


@pytest.mark.parametrize("enc,want", [
    ({"v": 41.11}, {"v": 41.11}), ({"v": True}, {"v": True}), ({"v": None}, {"v": None}),
    ({"v": 10 ** 29}, {"v": 10 ** 29}), ({"v": 10 ** 30}, {"invalid": True}), ({"v": float("nan")}, {"invalid": True}),
    ({"v": "x" * 30000}, {"v": "x" * kernel.MAX_STR}), ({"v": [1]}, {"invalid": True}), ({"v": {}}, {"invalid": True}),
    ({"repr": "r" * 999, "type": "T"}, {"repr": "r" * 300, "type": "T"}), ({"repr": 1, "type": "T"}, {"invalid": True}),
    ({"missing": True}, {"missing": True}), ({"missing": 1}, {"invalid": True}), ("text", {"invalid": True}),
    ({"v": "\ud800"}, {"v": "?"}),
])
def test_validate_value(enc, want):
    assert kernel.validate_value(enc) == want


def test_validate_payload_keeps_only_the_names_asked_for():
    data = {"vars": {"ans_a": {"v": 1}, "ans_zzz": {"v": 2}}, "params": {"n": {"v": 3}, "x": {"v": 4}}}
    assert kernel.validate_payload(data, ["ans_a", "ans_b"], ["n"]) == \
        {"vars": {"ans_a": {"v": 1}, "ans_b": {"missing": True}}, "params": {"n": {"v": 3}}}
    assert kernel.validate_payload({"vars": []}, ["ans_a"]) is None
    assert kernel.validate_payload([1], ["ans_a"]) is None


def test_score_files_not_run_and_runs_without_answers(demo):
    exs = core.catalog("demo")
    rows = score.score_submission(_sub(None, status="broken"), exs)
    assert {(r.correct, r.status) for r in rows} == {(None, "broken")}
    rows = score.score_submission(_sub(None, status="timeout"), exs)
    assert [r.correct for r in rows] == [0, 0, 0, 0, 0, None] and rows[0].status == "timeout"
    rows = score.score_submission(_sub(None, status="errors"), exs)
    assert rows[0].status == "no-answers"


def test_question_stats_and_totals(demo):
    exs = core.catalog("demo")
    subs = [_sub({"ans_demo1": {"v": 41.11}}, file="a.ipynb"), _sub({"ans_demo1": {"v": 1}}, file="b.ipynb"),
            _sub(None, status="broken", file="c.ipynb")]
    rows = score.score_all(subs, exs, _handout(**HANDOUT_1000))
    stats = score.question_stats(rows, exs)
    assert [(s.exercise, s.correct, s.graded) for s in stats] == \
        [("demo-1", 1, 2), ("demo-2", 0, 2), ("demo-3", 0, 2), ("demo-4", 0, 2), ("demo-5", 0, 2)]
    assert stats[0].rate == 0.5
    assert score.student_totals(rows) == {"a.ipynb": (1, 5), "b.ipynb": (0, 5), "c.ipynb": (0, 0)}


# ----------------------------------------------------------------------------
# reports
# ----------------------------------------------------------------------------

def test_reports_escape_text_and_need_nothing_outside(demo, tmp_path):
    exs = core.catalog("demo")
    evil = "<script>alert(1)</script>"
    subs = [_sub({"ans_demo1": {"v": evil}, "ans_demo6": {"v": evil}}, file=f"{evil}.ipynb"),
            _sub(None, status="broken", file="x.ipynb")]
    subs[1].problems.append(f"文件损坏：{evil}")
    rows = score.score_all(subs, exs)
    paths = report.write_reports(tmp_path, lesson="demo", exercises=exs, subs=subs, rows=rows,
                                 stats=score.question_stats(rows, exs), notes=[f"跳过子文件夹 {evil}/"])
    page = paths["summary"].read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;" in page
    for bad in ("http://", "https://", "<link", "src=\"/", "@import"):
        assert bad not in page
    assert page.count("data:image/png;base64,") == 1
    assert "网格越小越好吗" in page and "指出网格规模与人力成本之间的权衡" in page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["files.csv", "rubric.md", "scores.csv", "summary.html"]
    raw = paths["scores"].read_bytes()
    assert raw.startswith("\ufeff".encode())
    with open(paths["scores"], encoding="utf-8-sig", newline="") as fh:
        recs = list(csv.DictReader(fh))
    assert list(recs[0]) == ["student", "file", "exercise", "kind", "answer", "correct", "status", "status_zh",
                             "message", "params"]
    assert len(recs) == 12 and recs[0]["answer"] == evil and recs[0]["correct"] == "0"
    assert recs[-1]["correct"] == "" and recs[-1]["status"] == "broken"
    md = paths["rubric"].read_text(encoding="utf-8")
    assert "1. 指出网格规模与人力成本之间的权衡" in md and evil not in md and "&lt;script&gt;" in md


def test_reports_neutralise_formulas_and_markdown(demo, tmp_path):
    exs = core.catalog("demo")
    subs = [_sub({"ans_demo1": {"v": "=HYPERLINK(\"http://x\")"}, "ans_demo6": {"v": "@SUM(1) **粗体** [链接](http://x)"}},
                 file="=cmd|' calc'!A0.ipynb"),
            _sub({"ans_demo1": {"v": -5}, "ans_demo6": {"v": "-1+2"}}, file="+plus.ipynb")]
    rows = score.score_all(subs, exs, _handout(**HANDOUT_1000))
    paths = report.write_reports(tmp_path, lesson="demo", exercises=exs, subs=subs, rows=rows,
                                 stats=score.question_stats(rows, exs), notes=[])
    for name in ("scores", "files"):
        with open(paths[name], encoding="utf-8-sig", newline="") as fh:
            for rec in csv.DictReader(fh):
                for col, cell in rec.items():
                    assert cell[:1] not in ("=", "+", "@") or cell == "", (name, col, cell)
                    assert not (cell.startswith("-") and not cell.lstrip("-").replace(".", "").isdigit()), cell
    with open(paths["scores"], encoding="utf-8-sig", newline="") as fh:
        recs = list(csv.DictReader(fh))
    assert recs[0]["file"] == "'=cmd|' calc'!A0.ipynb" and recs[0]["student"] == "'=cmd|' calc'!A0"
    assert recs[6]["answer"] == "-5"  # a plain negative number stays a number
    md = paths["rubric"].read_text(encoding="utf-8")
    assert "\\*\\*粗体\\*\\*" in md and "\\[链接\\]\\(http://x\\)" in md and "[链接](" not in md


def test_success_chart_is_a_png_with_cjk_labels():
    stats = [score.QuestionStat("demo-1", "recompute", "？", 5, 7), score.QuestionStat("demo-2", "apply", "？", 0, 0)]
    png = report.success_chart(stats, title="演示：各题正确率")  # a missing glyph would warn -> error
    assert png.startswith(b"\x89PNG")


# ----------------------------------------------------------------------------
# the pipeline and the command (no kernel needed: nothing here is runnable)
# ----------------------------------------------------------------------------

def _unrunnable(folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(CLASS / "erin.ipynb", folder / "zoe.ipynb")
    shutil.copy(CLASS / "dave.ipynb", folder / "Zoe.txt")
    shutil.copy(CLASS / "grace.ipynb", folder / "grace.ipynb")
    (folder / "drafts").mkdir()
    return folder


def test_grade_folder_reports_duplicates_and_writes_beside_the_folder(demo, tmp_path):
    from govlib.grading import grade_folder

    sub = _unrunnable(tmp_path / "returned")
    before = _snapshot(sub)
    res = grade_folder(sub, "demo", jobs=1, timeout=5, syllabus=SYLLABUS)
    assert res.out == tmp_path / "grades-demo" and res.paths["summary"].exists()
    assert _snapshot(sub) == before
    by = {s.file: s for s in res.submissions}
    assert by["drafts"].status == "folder" and "drafts/" in by["drafts"].problems[0]
    assert [by["Zoe.txt"].status, by["zoe.ipynb"].status, by["grace.ipynb"].status] == \
        ["broken", "empty", "wrong-lesson"], [s.problems for s in res.submissions]
    for f in ("Zoe.txt", "zoe.ipynb"):
        assert any("学生编号重复" in p for p in by[f].problems)
    assert not any("重复" in p for p in by["grace.ipynb"].problems)
    assert res.notes[0] == "评分参数来自课程大纲参数集 default：n_households=1000"
    assert all(r.correct is None for r in res.rows)
    assert [s.graded for s in res.stats] == [0] * 5


def test_grade_folder_rejects_bad_arguments(demo, tmp_path):
    from govlib.grading import grade_folder

    sub = tmp_path / "sub"
    sub.mkdir()
    with pytest.raises(ParameterError, match=r"作业文件夹 .*nope 不存在或不是文件夹"):
        grade_folder(tmp_path / "nope", "demo")
    with pytest.raises(ParameterError, match="--lesson no-such-lesson 没有练习；有练习的课程：.*demo"):
        grade_folder(sub, "no-such-lesson")
    for bad in (0, -1, float("inf"), float("nan"), 1e9):
        with pytest.raises(ParameterError, match="--timeout 必须是"):
            grade_folder(sub, "demo", timeout=bad)
    with pytest.raises(ParameterError, match="--jobs"):
        grade_folder(sub, "demo", jobs=-1)
    (tmp_path / "f").write_text("")
    with pytest.raises(ParameterError, match=r"--out .*f 已存在且不是文件夹"):
        grade_folder(sub, "demo", out=tmp_path / "f")
    for inside in (sub, sub / "grades", sub / "a" / "b"):
        with pytest.raises(ParameterError, match="不能是作业文件夹本身或在其中"):
            grade_folder(sub, "demo", out=inside, syllabus=SYLLABUS)
    with pytest.raises(ParameterError, match="没有参数集 nope"):
        grade_folder(sub, "demo", set_name="nope", syllabus=SYLLABUS)
    with pytest.raises(ParameterError, match="找不到课程 demo"):
        grade_folder(sub, "demo")  # the real syllabus has no demo lesson, and demo-2 needs a parameter
    assert not (sub / "grades").exists() and list(sub.iterdir()) == []


def test_read_only_out_gives_a_clear_message(demo, tmp_path, monkeypatch):
    from govlib.grading import grade_folder

    sub = _unrunnable(tmp_path / "returned")
    with pytest.raises(ParameterError, match="无法写入输出文件夹"):
        grade_folder(sub, "demo", out=Path("/sys/govlib-grading-test-out"), syllabus=SYLLABUS)
    # a folder that becomes unwritable while grading
    import govlib.grading.report as rep

    def refuse(path, data):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(rep, "atomic_write", refuse)
    with pytest.raises(ParameterError, match="无法写入输出文件夹.*Permission denied"):
        grade_folder(sub, "demo", out=tmp_path / "out", syllabus=SYLLABUS)


def test_interrupt_writes_a_partial_report(demo, tmp_path):
    from govlib.grading import grade_folder

    sub = _unrunnable(tmp_path / "returned")
    seen = []

    def ctrl_c(s):
        seen.append(s.file)
        raise KeyboardInterrupt

    res = grade_folder(sub, "demo", jobs=1, syllabus=SYLLABUS, on_done=ctrl_c)
    assert res.interrupted and len(seen) == 1
    with open(res.paths["files"], encoding="utf-8-sig") as fh:
        recs = {r["file"]: r["status"] for r in csv.DictReader(fh)}
    assert set(recs) == {"Zoe.txt", "drafts", "grace.ipynb", "zoe.ipynb"}
    # the file done before Ctrl-C keeps its status; the others finished or are marked interrupted
    assert recs[seen[0]] != "interrupted"
    want = {"Zoe.txt": "broken", "drafts": "folder", "grace.ipynb": "wrong-lesson", "zoe.ipynb": "empty"}
    assert all(recs[f] in (st, "interrupted") for f, st in want.items()), recs
    assert any("中断" in n for n in res.notes)
    assert "中断" in res.paths["summary"].read_text(encoding="utf-8")


def test_cli_grade(demo, tmp_path):
    import typer
    from typer.testing import CliRunner

    from govlib.grading.cli import grade

    app = typer.Typer()
    app.command()(grade)
    sub = _unrunnable(tmp_path / "returned")
    res = CliRunner().invoke(app, [str(sub), "--lesson", "demo", "--out", str(sub / "grades"), "-j", "1",
                                   "--syllabus", str(SYLLABUS)])
    assert res.exit_code == 2 and "不能是作业文件夹本身或在其中" in res.output and not (sub / "grades").exists()
    out = tmp_path / "grades"
    res = CliRunner().invoke(app, [str(sub), "--lesson", "demo", "--out", str(out), "-j", "1",
                                   "--syllabus", str(SYLLABUS)])
    assert res.exit_code == 0, res.output
    assert "已写入" in res.output and (out / "scores.csv").exists()
    with open(out / "files.csv", encoding="utf-8-sig") as fh:
        assert sorted(r["file"] for r in csv.DictReader(fh)) == ["Zoe.txt", "drafts", "grace.ipynb", "zoe.ipynb"]
    res = CliRunner().invoke(app, [str(sub), "--lesson", "nope"])
    assert res.exit_code == 2 and "--lesson nope 没有练习" in res.output
    for bad in ("inf", "-1", "0", "nan", "1e9"):
        res = CliRunner().invoke(app, [str(sub), "--lesson", "demo", "--timeout", bad])
        assert res.exit_code == 2 and "有限秒数" in res.output, (bad, res.output)
    res = CliRunner().invoke(app, [str(sub), "--lesson", "demo", "-j", "-3"])
    assert res.exit_code == 2 and "0 到 64" in res.output


def test_grade_refuses_without_bwrap_unless_told(demo, tmp_path, monkeypatch):
    import typer
    from typer.testing import CliRunner

    from govlib.grading import sandbox
    from govlib.grading.cli import grade

    app = typer.Typer()
    app.command()(grade)
    sub = _unrunnable(tmp_path / "returned")
    monkeypatch.setattr(sandbox, "find_bwrap", lambda: None)
    monkeypatch.setattr(sandbox, "_CHECKED", {})
    res = CliRunner().invoke(app, [str(sub), "--lesson", "demo", "--syllabus", str(SYLLABUS)])
    assert res.exit_code == 2
    assert "bubblewrap" in res.output and "apt-get install bubblewrap" in res.output and "--unsafe-no-sandbox" in res.output
    assert not (tmp_path / "grades-demo").exists()
    res = CliRunner().invoke(app, [str(sub), "--lesson", "demo", "--syllabus", str(SYLLABUS), "--unsafe-no-sandbox"])
    assert res.exit_code == 0, res.output
    assert "警告" in res.output
    assert "没有使用沙箱" in (tmp_path / "grades-demo" / "summary.html").read_text(encoding="utf-8")


def test_cli_module_is_light():
    import subprocess

    code = ("import sys, govlib.grading.cli\n"
            "print(sorted(m for m in ('pandas', 'matplotlib', 'nbclient', 'nbformat') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"


# ----------------------------------------------------------------------------
# kernels
# ----------------------------------------------------------------------------

#: file -> (file status, correct per demo-1..5, row statuses)
EXPECTED = {
    "alice.ipynb": ("ok", [1, 1, 1, 1, 1], ["correct"] * 5),
    "bob.ipynb": ("ok", [0, 0, 0, 0, 0], ["wrong"] * 5),
    # carol changed n_households to 600 and answered ceil(600 / 300) = 2; the handout's 1000 needs 4
    "carol.ipynb": ("ok", [1, 0, 0, 0, 0], ["correct", "wrong", "unanswered", "wrong", "unsupported"]),
    "dave.ipynb": ("broken", [None] * 5, ["broken"] * 5),
    "erin.ipynb": ("empty", [None] * 5, ["empty"] * 5),
    "frank.txt": ("ok", [1, 0, 0, 0, 0], ["correct"] + ["unanswered"] * 4),
    "grace.ipynb": ("wrong-lesson", [None] * 5, ["wrong-lesson"] * 5),
    "heidi.pdf": ("not-notebook", [None] * 5, ["not-notebook"] * 5),
    "ivan.ipynb": ("timeout", [1, 0, 0, 0, 0], ["correct"] + ["missing"] * 4),
    "judy.ipynb": ("errors", [1, 1, 1, 0, 0], ["correct"] * 3 + ["unanswered"] * 2),
    "mallory.ipynb": ("ok", [0, 0, 0, 0, 0], ["wrong"] * 5),
}


@pytest.mark.slow
def test_fixture_class(demo, tmp_path):
    from govlib.grading import grade_folder

    sub = tmp_path / "class"
    shutil.copytree(CLASS, sub)
    before = _snapshot(sub)
    res = grade_folder(sub, "demo", jobs=2, timeout=5, syllabus=SYLLABUS)
    # nothing in the submissions folder changed, nothing was added to it
    assert _snapshot(sub) == before
    with open(res.paths["scores"], encoding="utf-8-sig", newline="") as fh:
        recs = list(csv.DictReader(fh))
    table = {}
    for r in recs:
        if r["exercise"] != "demo-6":
            table.setdefault(r["file"], []).append((None if r["correct"] == "" else int(r["correct"]), r["status"]))
    assert set(table) == set(EXPECTED)
    by = {s.file: s for s in res.submissions}
    for name, (status, correct, statuses) in EXPECTED.items():
        assert by[name].status == status, (name, by[name].problems)
        assert [c for c, _ in table[name]] == correct, name
        assert [s for _, s in table[name]] == statuses, name
    # class summary: correct / notebooks run (7)
    assert [(s.correct, s.graded) for s in res.stats] == [(5, 7), (2, 7), (2, 7), (1, 7), (1, 7)]
    # per-file reports
    probs = {n: " ".join(s.problems) for n, s in by.items()}
    assert "超时" in probs["ivan.ipynb"] and "5 秒" in probs["ivan.ipynb"]
    assert "ZeroDivisionError" in probs["judy.ipynb"] and "ValueError" in probs["judy.ipynb"]
    assert ".txt" in probs["frank.txt"]
    assert "other-lesson" in probs["grace.ipynb"]
    assert "参数 n_households 在笔记本中被改为 600（发放版为 1000）：按发放版评分" in probs["carol.ipynb"]
    assert probs["alice.ipynb"] == "" and probs["mallory.ipynb"] == ""
    # discussion answers are collected for marking by hand
    md = res.paths["rubric"].read_text(encoding="utf-8")
    assert "**alice**（alice.ipynb）：网格要与人力相匹配" in md and "**bob**（bob.ipynb）：越小越好" in md
    page = res.paths["summary"].read_text(encoding="utf-8")
    assert "5/7" in page and "mallory" in page


HOSTILE = {
    # ignores Ctrl-C, then loops: the interrupt cannot stop it, the kernel is killed
    "stubborn.ipynb": ["ans_demo1 = 41.11", "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                       "while True:\n    pass"],
    # the kernel process dies
    "crash.ipynb": ["ans_demo1 = 41.11", "import os\nos._exit(1)"],
    # redefines the names the grader's cell could rely on
    "shadow.ipynb": ["ans_demo1 = 41.11\nprint = None\nget_ipython = None\nglobals = None\njson = None"],
}


@pytest.mark.slow
def test_hostile_notebooks_are_reported(demo, tmp_path):
    import nbformat

    from govlib.grading import grade_folder

    sub = tmp_path / "returned"
    sub.mkdir()
    for name, cells in HOSTILE.items():
        nbformat.write(_nb(["from govlib.exercises import check", *cells], {"govlib": {"lesson": "demo"}}),
                       str(sub / name))
    res = grade_folder(sub, "demo", jobs=2, timeout=2, extract_timeout=2, syllabus=SYLLABUS)
    by = {s.file: s for s in res.submissions}
    assert by["stubborn.ipynb"].status == "timeout" and by["stubborn.ipynb"].answers is None
    assert "强制结束" in " ".join(by["stubborn.ipynb"].problems)
    assert by["crash.ipynb"].status == "died" and by["crash.ipynb"].answers is None
    assert by["shadow.ipynb"].status == "ok"
    assert by["shadow.ipynb"].answers["ans_demo1"] == {"v": 41.11}
    rows = res.rows
    assert [r.correct for r in rows if r.file == "shadow.ipynb"][:5] == [1, 0, 0, 0, 0]
    assert [r.status for r in rows if r.file == "crash.ipynb"][:2] == ["died", "died"]


@pytest.mark.slow
def test_check_works_in_a_fresh_kernel(demo, tmp_path):
    from nbclient import NotebookClient

    nb = _nb(["from govlib.exercises import check",
              "n_households = 1000\nans_demo2 = 4\ncheck('demo-2', ans_demo2, households=n_households)",
              "check('demo-1', 0.4111)\ncheck('demo-1', 50)\ncheck('demo-6', '看法')"])
    NotebookClient(nb, kernel_name="python3", timeout=60, resources={"metadata": {"path": str(tmp_path)}}).execute()
    text = "".join(o.get("text", "") for c in nb.cells for o in c.outputs)
    assert text.splitlines() == ["【正确】 demo-2：正确。", "【正确】 demo-1：正确（已把小数按百分数理解）。",
                                 "【再想想】 demo-1：还不对。提示：满意人数除以受访人数，再乘以100。",
                                 "【提示】 demo-6：这是讨论题，不自动评分；请在课堂上与同学交流你的观点。"]
    assert "41.1" not in text


def test_committed_fixture_class_matches_its_generator():
    sys.path.insert(0, str(GRADING))
    try:
        import make_class
    finally:
        sys.path.remove(str(GRADING))
    built = make_class.build()
    assert sorted(built) == sorted(p.name for p in CLASS.iterdir())
    for name, data in built.items():
        assert (CLASS / name).read_bytes() == data, name
    json.loads((CLASS / "alice.ipynb").read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------
# the handed-out edition decides the parameters
# ----------------------------------------------------------------------------

def _fake_build(root: Path, *, values=None, meta_values=None, set_name="default") -> Path:
    """A build folder with one handed-out demo notebook and its manifest entry."""
    sys.path.insert(0, str(GRADING))
    try:
        import make_class
    finally:
        sys.path.remove(str(GRADING))
    nb = make_class.notebook({}, params="n_households: int = 1000  # 社区户数 [100, 5000]")
    nb["metadata"]["govlib"]["params"] = set_name
    nb["metadata"]["govlib"]["values"] = meta_values if meta_values is not None else {"n_households": 1000}
    rel = f"lessons/demo/{set_name}/student.ipynb"
    (root / rel).parent.mkdir(parents=True)
    data = json.dumps(nb, ensure_ascii=False).encode("utf-8")
    (root / rel).write_bytes(data)
    entry = {"lesson": "demo", "params": set_name, "edition": "student-notebook", "path": rel,
             "sha256": hashlib.sha256(data).hexdigest()}
    if values is not None:
        entry["values"] = values
    (root / "manifest.json").write_text(json.dumps({"format": 1, "artifacts": [entry]}), encoding="utf-8")
    return root


def test_handout_from_the_syllabus(demo):
    from govlib.grading.handout import load_handout

    exs = core.catalog("demo")
    h = load_handout("demo", exs, syllabus=SYLLABUS)
    assert h.values == {"n_households": 1000} and h.exercise_params == {"demo-2": {"households": 1000}}
    assert h.check_exprs == {("demo-2", "households"): "n_households"}
    h = load_handout("demo", exs, set_name="big", syllabus=SYLLABUS)
    assert h.exercise_params == {"demo-2": {"households": 2000}} and "big" in h.origin


def test_handout_from_a_build_manifest(demo, tmp_path):
    from govlib.grading.handout import load_handout

    exs = core.catalog("demo")
    # the manifest's own values win over the notebook metadata
    b = _fake_build(tmp_path / "b1", values={"n_households": 2000}, meta_values={"n_households": 1500})
    h = load_handout("demo", exs, build=b)
    assert h.exercise_params == {"demo-2": {"households": 2000}} and "清单已核对" in h.origin
    # no values in the manifest yet: the handed-out notebook's metadata
    h = load_handout("demo", exs, build=_fake_build(tmp_path / "b2", meta_values={"n_households": 1500}))
    assert h.exercise_params == {"demo-2": {"households": 1500}}
    # a value outside the declared range [100, 5000] is clamped, and said so
    h = load_handout("demo", exs, build=_fake_build(tmp_path / "b3", values={"n_households": 10 ** 9}))
    assert h.exercise_params == {"demo-2": {"households": 5000}} and "超出声明范围" in h.notes[0]
    with pytest.raises(ParameterError, match="不符合声明"):
        load_handout("demo", exs, build=_fake_build(tmp_path / "b4", values={"n_households": "many"}))
    with pytest.raises(ParameterError, match="参数集 big.*已有参数集：default"):
        load_handout("demo", exs, set_name="big", build=tmp_path / "b1")
    # the handed-out notebook changed after the build: refused
    nb = tmp_path / "b1" / "lessons" / "demo" / "default" / "student.ipynb"
    nb.write_bytes(nb.read_bytes().replace(b"1500", b"3000"))
    with pytest.raises(ParameterError, match="SHA-256"):
        load_handout("demo", exs, build=tmp_path / "b1")
    with pytest.raises(ParameterError, match="无法读取构建清单"):
        load_handout("demo", exs, build=tmp_path / "nothing-here")


def test_parameter_edits_are_reported_statically(demo):
    from govlib.grading.collect import parameter_edits
    from govlib.grading.handout import load_handout

    h = load_handout("demo", core.catalog("demo"), syllabus=SYLLABUS)
    spec = Spec.from_exercises("demo", core.catalog("demo"), param_names=["n_households"])
    nb = _nb(["n_households = 1000", "n_households = 600", "n_households += 1",
              "check('demo-2', ans_demo2, households=600)", "check('demo-2', ans_demo2, households=n_households)"],
             {"govlib": {"lesson": "demo", "params": "big", "values": {"n_households": 600}},
              "kernelspec": {"name": "evil", "display_name": "Evil"}})
    got = parameter_edits(nb, h, spec)
    assert got == [
        "笔记本元数据中的参数 n_households 被改为 600（发放版为 1000）：按发放版评分",
        "笔记本元数据写的参数集是 'big'，发放的是 default：按发放版评分",
        "参数 n_households 在笔记本中被改为 600（发放版为 1000）：按发放版评分",
        "参数 n_households 在笔记本中被改为 n_households Add 1（发放版为 1000）：按发放版评分",
        "check(\"demo-2\", …) 的参数 households 被写成 600（发放版为 n_households）：按发放版评分",
        "发放版中有 1 个非练习代码单元被修改或删除（仍照常运行评分，请留意）",  # the import cell is gone
        "笔记本的内核是 'evil'，不是发放版的 python3：仍用 python3 运行",
    ]
    assert parameter_edits(_nb(["n_households = 1000", "from govlib.exercises import check",
                                "check('demo-2', a, households=n_households)"],
                               {"govlib": {"lesson": "demo", "params": "default", "values": {"n_households": 1000}}}),
                           h, spec) == []


def test_kernel_client_uses_only_public_nbclient_api():
    from nbclient import NotebookClient

    cls = kernel._client_class()
    overridden = [k for k, v in vars(cls).items() if callable(v) and hasattr(NotebookClient, k)
                  and not k.startswith("__")]
    assert overridden == ["output"]  # a public hook; no private method of NotebookClient is overridden


# ----------------------------------------------------------------------------
# files: every entry, encodings, old formats
# ----------------------------------------------------------------------------

def test_scan_folder_lists_every_entry_without_following_links(tmp_path):
    (tmp_path / "a.ipynb").write_text("{}")
    (tmp_path / ".h.ipynb").write_text("{}")
    (tmp_path / "d").mkdir()
    os.symlink("/etc/passwd", tmp_path / "out.ipynb")
    os.symlink(tmp_path / "nope", tmp_path / "dangling.ipynb")
    os.mkfifo(tmp_path / "fifo.ipynb")
    got = {e.name: e.kind for e in files.scan_folder(tmp_path)}
    assert got == {"a.ipynb": "file", ".h.ipynb": "hidden", "d": "folder", "out.ipynb": "symlink",
                   "dangling.ipynb": "symlink", "fifo.ipynb": "special"}
    # reading a FIFO or a link is refused without blocking
    assert files.read_notebook(tmp_path / "fifo.ipynb")[1] == "not-notebook"
    assert files.read_notebook(tmp_path / "out.ipynb")[1] == "not-notebook"


@pytest.mark.parametrize("encoding,name", [("utf-16", "UTF-16（带 BOM）"), ("utf-16-le", "UTF-16 LE（无 BOM）"),
                                           ("utf-16-be", "UTF-16 BE（无 BOM）"), ("utf-32", "UTF-32（带 BOM）"),
                                           ("utf-8-sig", "UTF-8（带 BOM）"), ("gb18030", "GB18030/GBK")])
def test_read_notebook_detects_and_names_encodings(tmp_path, encoding, name):
    text = (CLASS / "alice.ipynb").read_text(encoding="utf-8")
    p = tmp_path / "x.ipynb"
    p.write_bytes(text.encode(encoding))
    nb, status, note = files.read_notebook(p)
    assert status == "ok" and note == f"文件编码为 {name}，已按此读取"
    assert "网格要与人力相匹配" in "".join(files.code_sources(nb))


def test_read_notebook_upgrades_nbformat_3(tmp_path):
    v3 = {"metadata": {"name": ""}, "nbformat": 3, "nbformat_minor": 0,
          "worksheets": [{"cells": [{"cell_type": "code", "language": "python", "input": "ans_demo1 = 41.11",
                                     "metadata": {}, "outputs": [], "collapsed": False}], "metadata": {}}]}
    p = tmp_path / "old.ipynb"
    p.write_text(json.dumps(v3))
    nb, status, note = files.read_notebook(p)
    assert status == "ok" and "nbformat 3" in note and files.code_sources(nb) == ["ans_demo1 = 41.11"]
    p.write_text(json.dumps({**v3, "nbformat": 2}))
    assert files.read_notebook(p)[1] == "broken"


@pytest.mark.skipif(__import__("shutil").which("bwrap") is None, reason="bubblewrap is not installed")
def test_sandbox_command_line(tmp_path, monkeypatch):
    from govlib import paths
    from govlib.grading import sandbox

    monkeypatch.setenv("SECRET_TOKEN", "do-not-pass")
    inside = paths.DATA / "returned"  # a submissions folder inside a visible folder is covered
    r = sandbox.Runner(masks=[inside, tmp_path / "out", Path("/")], jobs=2)
    cmd = r._bwrap_cmd(5)
    text = " ".join(cmd)
    for flag in ("--unshare-user", "--disable-userns", "--unshare-pid", "--unshare-net", "--unshare-ipc",
                 "--die-with-parent", "--new-session", "--clearenv", "--cap-drop ALL", "--remount-ro /"):
        assert flag in text, flag
    assert f"--tmpfs {inside}" in text and f"--tmpfs {tmp_path / 'out'}" not in text  # not visible anyway
    assert "--tmpfs / " not in text
    assert "SECRET_TOKEN" not in text and "do-not-pass" not in text
    assert f"--tmpfs {sandbox.HOME}" in text and "--chdir " + sandbox.WORK in text
    binds = [cmd[i + 1] for i, a in enumerate(cmd) if a in ("--bind", "--bind-try")]
    assert binds == []  # nothing of the host is writable
    assert cmd[-6:] == ["--", sys.executable, "-P", "-s", "-m", "govlib.grading.runner"]


@pytest.mark.slow
def test_ctrl_c_stops_running_sandboxes_and_keeps_a_partial_report(demo, tmp_path):
    import time as _time

    import nbformat

    from govlib.grading import grade_folder

    sub = tmp_path / "returned"
    sub.mkdir()
    for name in ("loop1.ipynb", "loop2.ipynb"):
        nbformat.write(_nb(["ans_demo1 = 41.11", "import time\ntime.sleep(600)"], {"govlib": {"lesson": "demo"}}),
                       str(sub / name))
    shutil.copy(CLASS / "dave.ipynb", sub / "broken.ipynb")  # done at once: its report triggers Ctrl-C

    def ctrl_c(s):
        if s.file == "broken.ipynb":
            _time.sleep(3)  # the two loops are running by now
            raise KeyboardInterrupt

    before = live_children(os.getpid())  # an earlier test in this worker may have left a forkserver
    t0 = _time.monotonic()
    res = grade_folder(sub, "demo", jobs=3, timeout=300, syllabus=SYLLABUS, on_done=ctrl_c)
    assert _time.monotonic() - t0 < 60
    assert res.interrupted
    by = {s.file: s.status for s in res.submissions}
    assert by == {"broken.ipynb": "broken", "loop1.ipynb": "interrupted", "loop2.ipynb": "interrupted"}
    assert res.paths["scores"].exists() and "评分被中断" in res.paths["summary"].read_text(encoding="utf-8")
    _time.sleep(1)
    assert live_children(os.getpid()) - before == set()  # no sandbox (bwrap) or runner left behind


def test_reports_quote_prompts_with_the_handed_out_parameters_filled_in():
    from types import SimpleNamespace

    from govlib.exercises import get

    ex = get("pujiang-2")  # its prompt names {community} and {focus_dimension}
    assert "{community}" in ex.prompt_zh
    handout = SimpleNamespace(exercise_params={"pujiang-2": {"community": "社区甲", "focus_dimension": "capacity",
                                                             "seed": 7}})
    (shown,) = score.as_handed_out([ex], handout)
    assert "社区甲" in shown.prompt_zh and "{" not in shown.prompt_zh
    assert get("pujiang-2").prompt_zh == ex.prompt_zh  # the registered exercise is untouched
    (bare,) = score.as_handed_out([ex])
    assert "（本页参数 community）" in bare.prompt_zh
