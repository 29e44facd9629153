"""The whole grading cycle: per-student variants, points, the manual sheet, the gradebook, feedback, collection.

Fixture lesson ``demo`` (tests/data/grading/govlib_demo_bank.py); the variant
syllabus tests/data/grading/variants/course.yml lets ``n_households`` vary
over 400, 700, ..., 4900, so exercise demo-2's answer ceil(n / 300) differs
between students.  Hand-computed answers (see the bank): demo-1 41.11 (a
rounding near-miss 41 earns half of its 1 point), demo-2 ceil(n / 300) (2
points), demo-3 拒绝原假设, demo-4 True, demo-5 3125, demo-6 by hand (2
points): 8 points in all.
"""

from __future__ import annotations

import csv
import hashlib
import math
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from govlib.errors import ParameterError
from govlib.exercises import core
from govlib.grading import collect, manual, points, score, variants
from govlib.grading.collect import Spec, Submission

GRADING = Path(__file__).resolve().parents[1] / "data" / "grading"
SYLLABUS = GRADING / "course" / "course.yml"
VSYL = GRADING / "variants" / "course.yml"
KEY = "fixture-course-key-0123456789"


def _nb(cells, metadata=None, counts=None):
    import nbformat

    nb = nbformat.v4.new_notebook(metadata=metadata or {})
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    for c, n in zip(nb.cells, counts or []):
        c.execution_count = n
    return nb


def _snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() and not
                                         p.is_symlink() else os.readlink(p) if p.is_symlink() else "",
                                         os.lstat(p).st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


# ----------------------------------------------------------------------------
# false alarms and the cell named as JupyterLab shows it
# ----------------------------------------------------------------------------

def test_untouched_notebooks_raise_no_metadata_alarm(demo):
    from govlib.grading.collect import parameter_edits
    from govlib.grading.handout import load_handout

    exs = core.catalog("demo")
    spec = Spec.from_exercises("demo", exs, param_names=["n_households"])
    cells = ["n_households = 1000", "from govlib.exercises import check",
             "check('demo-2', a, households=n_households)"]
    h = load_handout("demo", exs, syllabus=SYLLABUS)
    assert h.defaults == {"n_households": 1000}
    # the default set records no changes: {} in the metadata is the pristine handout
    assert parameter_edits(_nb(cells, {"govlib": {"lesson": "demo", "params": "default", "values": {}}}), h, spec) == []
    big = load_handout("demo", exs, set_name="big", syllabus=SYLLABUS)
    cells[0] = "n_households = 2000"
    meta = {"govlib": {"lesson": "demo", "params": "big", "values": {"n_households": 2000}}}
    assert parameter_edits(_nb(cells, meta), big, spec) == []
    # a set's change missing from the metadata is reported once, as the default it implies
    meta["govlib"]["values"] = {}
    assert parameter_edits(_nb(cells, meta), big, spec) == [
        "笔记本元数据中没有参数 n_households（即默认值 1000），发放版为 2000：按发放版评分"]


def test_cells_are_named_by_their_execution_count():
    import nbformat

    nb = _nb(["a = 1", "b = 2", "ans_x = 1 / 0"], counts=[3, None, 12])
    nb.cells.insert(0, nbformat.v4.new_markdown_cell("# 标题"))
    labels = collect.cell_labels(nb)
    assert labels == ["单元格 [3]（从上数第 2 个单元格）", "从上数第 3 个单元格（未显示执行编号）",
                      "单元格 [12]（从上数第 4 个单元格）"]
    probs = ["第3个代码单元出错：ZeroDivisionError: division by zero"]
    assert collect.relabel(probs, labels) == ["单元格 [12]（从上数第 4 个单元格）出错：ZeroDivisionError: division by zero"]
    errs = collect._answer_errors(probs, collect.code_sources(nb), ["ans_x", "ans_y"], labels)
    assert errs == {"ans_x": "给 ans_x 赋值的单元格 [12]（从上数第 4 个单元格）运行出错（ZeroDivisionError: "
                             "division by zero），没有得到答案"}


def test_an_answer_lost_in_a_failing_cell_is_not_called_missing(demo):
    sub = Submission("s.ipynb", "s", "errors", "demo", answers={"ans_demo5": {"missing": True}},
                     answer_errors={"ans_demo5": "给 ans_demo5 赋值的单元格 [7]（从上数第 9 个单元格）运行出错（ValueError: x），没有得到答案"})
    (row,) = score.score_submission(sub, [core.get("demo-5")])
    assert row.status == "cell-error" and "单元格 [7]" in row.message and "缺少" not in row.message


# ----------------------------------------------------------------------------
# points
# ----------------------------------------------------------------------------

def test_points_part_credit_and_totals(demo):
    from govlib.grading.handout import Handout

    exs = core.catalog("demo")
    h = Handout("demo", "default", {"n_households": 1000}, exercise_params={"demo-2": {"households": 1000}})
    subs = [Submission("a.ipynb", "a", "ok", "demo", answers={
                "ans_demo1": {"v": 41}, "ans_demo2": {"v": 4}, "ans_demo3": {"v": "拒绝原假设"},
                "ans_demo4": {"v": False}, "ans_demo5": {"v": 3125}, "ans_demo6": {"v": "看法"}}),
            Submission("b.ipynb", "b", "broken")]
    rows = score.score_all(subs, exs, h)
    got = {r.exercise: r.points for r in rows if r.file == "a.ipynb"}
    # 41 for 41.11: a rounding near-miss, half of 1 point; demo-2 right: 2; demo-4 wrong: 0
    assert got == {"demo-1": 0.5, "demo-2": 2.0, "demo-3": 1.0, "demo-4": 0.0, "demo-5": 1.0, "demo-6": None}
    assert [r.hint for r in rows if r.exercise == "demo-4" and r.file == "a.ipynb"] == ["查看框架树的执行层节点。"]
    tots = points.totals(subs, rows, exs, {("a", "demo-6"): 1.5})
    assert (tots[0].total, tots[0].max_points, tots[0].percent, tots[0].pending) == (6.0, 8.0, 75.0, [])
    assert tots[1].ran is False and tots[1].percent is None
    assert points.totals(subs, rows, exs)[0].pending == ["demo-6"]


def test_near_miss_wording_canary(demo):
    """points.is_near_miss reads the checker's verdict: pin the wording it relies on."""
    from govlib.exercises import grade_answer

    assert points.NEAR_MISS_MARK in grade_answer("demo-1", 41).message
    assert points.NEAR_MISS_MARK not in grade_answer("demo-1", 40).message


# ----------------------------------------------------------------------------
# variants and the course key
# ----------------------------------------------------------------------------

def test_variants_are_deterministic_per_student_and_inside_the_range(demo, monkeypatch):
    monkeypatch.setenv(variants.KEY_ENV, KEY)
    names = ["anna", "ben", "chen", "dong", "eva", "fang", "gao", "hu", "张三", "李四"]
    got = {n: variants.variant_for("demo", n, syllabus=VSYL).values["n_households"] for n in names}
    assert all(v in range(400, 4901, 300) for v in got.values())
    assert len(set(got.values())) >= 5  # 16 possible values for 10 students
    assert variants.variant_for("demo", "ANNA ", syllabus=VSYL).values["n_households"] == got["anna"]
    # another key, another draw; a parameter the set changes keeps the set's value
    other = {n: variants.variant_for("demo", n, syllabus=VSYL, key=b"another-key-0123456789").values["n_households"]
             for n in names}
    assert other != got
    assert variants.variant_for("demo", "anna", set_name="big", syllabus=VSYL).values == {}
    # a lesson without variants needs no key
    monkeypatch.delenv(variants.KEY_ENV)
    assert variants.variant_for("demo", "anna", syllabus=SYLLABUS).values == {}


def test_a_full_width_name_gets_the_variant_of_its_file_name(demo, monkeypatch):
    """The hub hands out by login name (full-width allowed); grading reads the file name (NFKC)."""
    from govlib.grading.files import student_id

    monkeypatch.setenv(variants.KEY_ENV, KEY)
    for login in ["张三２", "ｚｈａｎｇ", "Ｌｉ Ｓｉ"]:
        handed_out = variants.variant_for("demo", login, syllabus=VSYL).values
        graded = variants.variant_for("demo", student_id(f"{login}.ipynb"), syllabus=VSYL).values
        assert handed_out == graded, login


def test_course_key_lives_outside_the_repository(monkeypatch, tmp_path):
    from govlib import paths

    monkeypatch.delenv(variants.KEY_ENV, raising=False)
    monkeypatch.setenv(variants.KEY_FILE_ENV, str(tmp_path / "none"))
    assert variants.course_key(required=False) is None
    with pytest.raises(ParameterError, match="没有设置课程密钥"):
        variants.course_key()
    (tmp_path / "key").write_text(KEY + "\n", encoding="utf-8")
    monkeypatch.setenv(variants.KEY_FILE_ENV, str(tmp_path / "key"))
    assert variants.course_key() == KEY.encode()
    (tmp_path / "short").write_text("abc", encoding="utf-8")
    monkeypatch.setenv(variants.KEY_FILE_ENV, str(tmp_path / "short"))
    with pytest.raises(ParameterError, match="太短"):
        variants.course_key()
    # a key file inside the course checkout (here a stand-in checkout) is refused
    monkeypatch.setattr(paths, "ROOT", tmp_path / "checkout")
    inside = tmp_path / "checkout" / "course" / "key"
    inside.parent.mkdir(parents=True)
    inside.write_text(KEY, encoding="utf-8")
    monkeypatch.setenv(variants.KEY_FILE_ENV, str(inside))
    with pytest.raises(ParameterError, match="在课程仓库里"):
        variants.course_key()


def test_course_variants_vary_only_assumptions():
    """Every declared variant fits its parameter's declaration and is a lesson assumption, never a published figure."""
    from govlib.publish.params import read_parameters
    from govlib.syllabus import load_syllabus

    syl = load_syllabus()
    varying = [les for les in syl.lessons if les.variants]
    assert {"quanzhou-survey", "xiamen-127"} <= {les.id for les in varying}
    for les in varying:
        specs = read_parameters(syl.notebook_path(les)).specs
        assert variants.check_variants(les, specs) == [], les.id
        assert les.variants_note_zh.strip(), les.id
        for name in les.variants:
            words = specs[name].help + name
            assert any(w in words for w in ("假设", "未公布", "未给出", "合成", "虚构", "种子", "seed")), (les.id, name)


def test_bad_variant_declarations_are_refused(tmp_path):
    from govlib.syllabus import VariantRange

    with pytest.raises(ValueError):
        VariantRange(low=5, high=1)
    with pytest.raises(ValueError):
        VariantRange(low=1, high=5, choices=[1, 2])
    with pytest.raises(ValueError):
        VariantRange(choices=["only"])


def test_student_variant_notebook_shows_the_numbers(demo, monkeypatch, tmp_path):
    monkeypatch.setenv(variants.KEY_ENV, KEY)
    n = variants.variant_for("demo", "anna", syllabus=VSYL).values["n_households"]
    nb = variants.variant_notebook("demo", "anna", syllabus=VSYL)
    assert nb.metadata["govlib"]["values"] == {"n_households": n} and nb.metadata["govlib"]["student"] == "anna"
    src = [c.source for c in nb.cells]
    i = next(k for k, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    assert src[i].startswith(f"n_households: int = {n}  #")
    assert "你的专属数字" in src[i + 1] and f"`{n}`" in src[i + 1]
    # the same student always gets the same notebook
    import nbformat

    assert nbformat.writes(variants.variant_notebook("demo", "anna", syllabus=VSYL)) == nbformat.writes(nb)


@pytest.mark.slow
def test_student_and_key_commands_for_a_real_lesson(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from govlib.cli import app

    monkeypatch.setenv(variants.KEY_ENV, KEY)
    v = variants.variant_for("xiamen-127", "张三")
    res = CliRunner().invoke(app, ["student", "xiamen-127", "--student", "张三", "--dir", str(tmp_path)])
    assert res.exit_code == 0, res.output
    import nbformat

    nb = nbformat.read(str(tmp_path / "xiamen-127.ipynb"), as_version=4)
    par = next(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert f"households: int = {v.values['households']}  #" in par and f"n_reps: int = {v.values['n_reps']}  #" in par
    res = CliRunner().invoke(app, ["key", "xiamen-127", "--student", "张三"])
    assert res.exit_code == 0, res.output
    assert v.fingerprint in res.output and "练习2" in res.output and "答案：" in res.output
    monkeypatch.delenv(variants.KEY_ENV)
    monkeypatch.setenv(variants.KEY_FILE_ENV, str(tmp_path / "no-key"))
    res = CliRunner().invoke(app, ["student", "xiamen-127", "--student", "张三", "--dir", str(tmp_path / "x")])
    assert res.exit_code == 2 and "课程密钥" in res.output


# ----------------------------------------------------------------------------
# manual sheet, gradebook, feedback release
# ----------------------------------------------------------------------------

def test_manual_sheet_keeps_what_the_instructor_typed(demo, tmp_path):
    exs = core.catalog("demo")
    subs = [Submission("a.ipynb", "a", "ok", answers={}), Submission("b.ipynb", "b", "ok", answers={})]
    rows = [score.Row("a", "a.ipynb", "demo-6", "discuss", "=网格要适度", None, "discussion"),
            score.Row("b", "b.ipynb", "demo-6", "discuss", "越小越好", None, "discussion")]
    path = tmp_path / "manual.csv"
    sheet = manual.merge_manual(path, subs, rows, exs)
    assert sheet.scores == {} and len(sheet.entries) == 2
    text = path.read_text(encoding="utf-8-sig")
    assert "'=网格要适度" in text  # formula-safe
    # the instructor fills it in Excel, which saves GB18030, and scores one row out of range
    recs = list(csv.DictReader(text.splitlines()))
    recs[0]["points"], recs[0]["comment"] = "1.5", "论证清楚"
    recs[1]["points"] = "5"
    with open(path, "w", encoding="gb18030", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=manual.MANUAL_COLS)
        w.writeheader()
        w.writerows(recs)
    sheet = manual.merge_manual(path, subs[:1], rows[:1], exs)  # b is gone this run: their row stays
    assert sheet.scores == {("a", "demo-6"): 1.5} and sheet.comments == {("a", "demo-6"): "论证清楚"}
    assert len(sheet.notes) == 1 and "第 3 行" in sheet.notes[0] and "0 到 2" in sheet.notes[0]
    again = manual.merge_manual(path, subs, rows, exs)
    assert again.scores == {("a", "demo-6"): 1.5}
    assert [(e.student, e.points, e.comment) for e in again.entries] == [("a", "1.5", "论证清楚"), ("b", "5", "")]


def test_manual_sheet_may_be_an_excel_workbook(demo, tmp_path):
    import openpyxl

    exs = core.catalog("demo")
    subs = [Submission("a.ipynb", "a", "ok", answers={}), Submission("b.ipynb", "b", "ok", answers={})]
    rows = [score.Row("a", "a.ipynb", "demo-6", "discuss", "网格要适度", None, "discussion"),
            score.Row("b", "b.ipynb", "demo-6", "discuss", "=1+1", None, "discussion")]
    path = tmp_path / "manual.xlsx"
    assert manual.merge_manual(path, subs, rows, exs).scores == {}
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == manual.MANUAL_COLS and ws.cell(3, 7).value == "=1+1"
    assert ws.cell(3, 7).data_type == "s"  # a student's text is never a formula
    ws.cell(2, 5).value = 2  # the instructor types a number
    ws.cell(2, 6).value = "很好"
    wb.save(path)
    sheet = manual.merge_manual(path, subs, rows, exs)
    assert sheet.scores == {("a", "demo-6"): 2.0} and sheet.comments == {("a", "demo-6"): "很好"}
    assert manual.merge_manual(path, subs, rows, exs).scores == {("a", "demo-6"): 2.0}


def test_release_copies_into_a_folder_per_student(tmp_path):
    from govlib.grading import feedback

    fb = tmp_path / "feedback"
    fb.mkdir()
    pages = []
    for name in ("anna", "ben", "chen"):
        (fb / f"{name}.html").write_text(f"<p>{name}</p>", encoding="utf-8")
        pages.append(feedback.FeedbackPage(name, f"{name}.ipynb", "已运行", True, "1", "2", 50.0, False, [], [], []))
    homes = tmp_path / "homes"
    (homes / "anna").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (homes / "ben").symlink_to(tmp_path / "elsewhere")
    written, notes = feedback.release(fb, homes, lesson="demo", pages=pages)
    assert sorted(p.relative_to(homes).as_posix() for p in written) == ["anna/反馈/demo.html", "chen/反馈/demo.html"]
    assert list((tmp_path / "elsewhere").iterdir()) == [] and "ben" in notes[0]
    assert (homes / "anna" / "反馈" / "demo.html").read_text(encoding="utf-8") == "<p>anna</p>"


# ----------------------------------------------------------------------------
# collection from the hub's homes
# ----------------------------------------------------------------------------

def _homes(root: Path) -> Path:
    import nbformat

    homes = root / "homes"
    for name in ("anna", "ben", "chen", "dong", "eva"):
        (homes / name).mkdir(parents=True)
    nbformat.write(_nb(["ans_demo1 = 41.11"]), str(homes / "anna" / "demo.ipynb"))
    nbformat.write(_nb(["ans_demo1 = 50"]), str(homes / "ben" / "demo.ipynb"))
    os.utime(homes / "anna" / "demo.ipynb", (1_700_000_000, 1_700_000_000))   # 2023-11-14: on time
    os.utime(homes / "ben" / "demo.ipynb", (1_900_000_000, 1_900_000_000))    # 2030: late
    (root / "secret.ipynb").write_text("{}", encoding="utf-8")
    (homes / "chen" / "demo.ipynb").symlink_to(root / "secret.ipynb")         # a link: never followed
    os.mkfifo(homes / "dong" / "demo.ipynb")                                  # a FIFO: never opened
    (homes / "eva" / "other.ipynb").write_text("{}", encoding="utf-8")        # no notebook of this lesson
    (homes / "fei").symlink_to(root)                                          # a home that is a link
    (homes / "notes.txt").write_text("x", encoding="utf-8")
    return homes


def test_collect_builds_the_submissions_folder_from_hub_homes(tmp_path):
    from typer.testing import CliRunner

    from govlib.cli import app

    homes = _homes(tmp_path)
    before = _snapshot(homes)
    dest = tmp_path / "submissions"
    res = CliRunner().invoke(app, ["collect", "demo", "--hub-dir", str(homes), "--out", str(dest),
                                   "--deadline", "2026-12-07T18:00+08:00"])
    assert res.exit_code == 0, res.output
    assert _snapshot(homes) == before  # no home changed
    assert sorted(p.name for p in dest.iterdir()) == ["anna.ipynb", "ben.ipynb"]
    assert (dest / "anna.ipynb").read_bytes() == (homes / "anna" / "demo.ipynb").read_bytes()
    assert os.stat(dest / "anna.ipynb").st_mtime == 1_700_000_000
    with open(tmp_path / "submissions-collection.csv", encoding="utf-8-sig", newline="") as fh:
        log = {r["student"]: r for r in csv.DictReader(fh)}
    assert {k: r["status"] for k, r in log.items()} == {
        "anna": "ok", "ben": "late", "chen": "symlink", "dong": "special", "eva": "missing", "fei": "symlink",
        "notes.txt": "not-folder"}
    assert log["ben"]["late"] == "是" and log["anna"]["late"] == ""
    assert "迟交 1 份" in res.output
    bad = CliRunner().invoke(app, ["collect", "demo", "--hub-dir", str(homes), "--out", str(homes / "anna" / "x")])
    assert bad.exit_code == 2 and "不能在" in bad.output
    bad = CliRunner().invoke(app, ["collect", "demo", "--hub-dir", str(homes), "--deadline", "下周一"])
    assert bad.exit_code == 2 and "ISO" in bad.output


def test_grade_command_checks_the_new_options(demo, tmp_path):
    from typer.testing import CliRunner

    from govlib.cli import app

    (tmp_path / "returned").mkdir()
    res = CliRunner().invoke(app, ["grade", str(tmp_path / "returned"), "--lesson", "demo", "--syllabus", str(SYLLABUS),
                                   "--deadline", "明天"])
    assert res.exit_code == 2 and "--deadline" in res.output and "ISO" in res.output
    res = CliRunner().invoke(app, ["grade", "--help"])
    assert "--release" in res.output and "--manual" in res.output


def test_without_a_course_key_a_variant_lesson_grades_as_before(demo, monkeypatch, tmp_path):
    from govlib.grading import grade_folder

    monkeypatch.delenv(variants.KEY_ENV, raising=False)
    monkeypatch.setenv(variants.KEY_FILE_ENV, str(tmp_path / "no-key"))
    sub = tmp_path / "returned"
    sub.mkdir()
    (sub / "anna.ipynb").write_text("", encoding="utf-8")  # empty: nothing runs
    res = grade_folder(sub, "demo", jobs=1, timeout=5, syllabus=VSYL)
    assert res.notes[0] == "评分参数来自课程大纲参数集 default：n_households=1000"
    assert any("没有设置课程密钥" in n and "统一发放版" in n for n in res.notes)


# ----------------------------------------------------------------------------
# the Done-when test: a class of variant notebooks, graded three times
# ----------------------------------------------------------------------------

def _answered(name: str, answers: dict[str, str], *, counts: bool = False):
    nb = variants.variant_notebook("demo", name, syllabus=VSYL)
    n = 0
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        for var, value in answers.items():
            c.source = c.source.replace(f"{var} = None  # 在此填写", f"{var} = {value}")
        if counts:
            n += 1
            c.execution_count = n
    return nb


@pytest.mark.slow
def test_a_class_of_variant_notebooks(demo, monkeypatch, tmp_path):
    import nbformat
    import openpyxl

    from govlib.grading import grade_folder

    monkeypatch.setenv(variants.KEY_ENV, KEY)
    n = {s: variants.variant_for("demo", s, syllabus=VSYL).values["n_households"] for s in ("anna", "ben", "chen", "dong")}
    assert n["anna"] != n["ben"]
    sub = tmp_path / "returned"
    sub.mkdir()

    def right(s):
        return {"ans_demo1": "41.11", "ans_demo2": str(math.ceil(n[s] / 300)), "ans_demo3": '"拒绝原假设"',
                "ans_demo4": "True", "ans_demo5": "3125", "ans_demo6": '"网格要与人力相匹配"'}
    nbformat.write(_answered("anna", right("anna")), str(sub / "anna.ipynb"))
    # ben hands in anna's notebook under his own name
    shutil.copy(sub / "anna.ipynb", sub / "ben.ipynb")
    # chen hands in the notebook as received
    nbformat.write(variants.variant_notebook("demo", "chen", syllabus=VSYL), str(sub / "chen.ipynb"))
    # dong is right, but the cell of exercise 5 raises before its answer is assigned
    d = right("dong")
    d["ans_demo5"] = "1 / 0\nans_demo5"
    nbformat.write(_answered("dong", d, counts=True), str(sub / "dong.ipynb"))
    out = tmp_path / "grades"

    res = grade_folder(sub, "demo", out=out, jobs=2, timeout=20, syllabus=VSYL)
    by = {s.student: s for s in res.submissions}
    tot = {t.student: t for t in res.totals}
    pts = {(r.student, r.exercise): r.points for r in res.rows}
    # anna: every auto-graded answer right for her own numbers, 6 of 6; demo-6 waits for the manual sheet
    assert [pts[("anna", f"demo-{i}")] for i in range(1, 6)] == [1.0, 2.0, 1.0, 1.0, 1.0]
    assert tot["anna"].total == 6.0 and tot["anna"].max_points == 8.0 and tot["anna"].pending == ["demo-6"]
    assert by["anna"].problems == []
    # ben: anna's demo-2 answer is wrong for ben's numbers, and the name in the metadata is flagged
    assert pts[("ben", "demo-2")] == 0.0 and tot["ben"].total == 4.0
    assert any("笔记本元数据写的学生是 'anna'" in p for p in by["ben"].problems)
    # chen: untouched -> no alarm at all, nothing scored
    assert by["chen"].problems == [] and tot["chen"].total == 0.0
    # dong: the failing cell is named as JupyterLab shows it, and the answer is not called missing
    row5 = next(r for r in res.rows if r.student == "dong" and r.exercise == "demo-5")
    assert row5.status == "cell-error" and "单元格 [" in row5.message and "ZeroDivisionError" in row5.message
    assert tot["dong"].total == 5.0
    assert any(p.startswith("单元格 [") and "出错" in p for p in by["dong"].problems)
    # every student has a feedback page and an annotated notebook; nobody sees another's data
    for s in ("anna", "ben", "chen", "dong"):
        page = (out / "feedback" / f"{s}.html").read_text(encoding="utf-8")
        assert f"学生：<strong>{s}</strong>" in page and f">{n[s]}<" in page
        assert not any(f"<strong>{o}</strong>" in page for o in n if o != s)
        fb = nbformat.read(str(out / "feedback" / f"{s}.ipynb"), as_version=4)
        assert sum("govlib-feedback" in c.metadata.get("tags", []) for c in fb.cells) == 7  # header + 6 exercises
    assert "提示：户数除以300后向上取整。" in (out / "feedback" / "ben.html").read_text(encoding="utf-8")

    # the instructor marks the discussion answers
    path = res.paths["manual"]
    with open(path, encoding="utf-8-sig", newline="") as fh:
        recs = list(csv.DictReader(fh))
    assert sorted(r["student"] for r in recs) == ["anna", "ben", "chen", "dong"]
    for r in recs:
        r["points"] = {"anna": "1.5", "ben": "0", "dong": "2"}.get(r["student"], "")
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=manual.MANUAL_COLS)
        w.writeheader()
        w.writerows(recs)
    from datetime import datetime, timezone

    for run in (2, 3):
        # run 3: a deadline before the files were written marks every file late
        res = grade_folder(sub, "demo", out=out, jobs=2, timeout=20, syllabus=VSYL,
                           release=tmp_path / "homes" if run == 3 else None,
                           deadline=datetime(2000, 1, 1, tzinfo=timezone.utc) if run == 3 else None)
        assert all(t.late == (run == 3) for t in res.totals), run
        tot = {t.student: t for t in res.totals}
        assert (tot["anna"].total, tot["ben"].total, tot["chen"].total, tot["dong"].total) == (7.5, 4.0, 0.0, 7.0), run
        assert tot["chen"].pending == ["demo-6"] and tot["anna"].pending == []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        assert {r["student"]: r["points"] for r in csv.DictReader(fh)} == {"anna": "1.5", "ben": "0", "chen": "",
                                                                          "dong": "2"}
    assert (tmp_path / "homes" / "anna" / "反馈" / "demo.html").is_file()

    # the gradebook: openpyxl and LibreOffice read the same totals
    wb = openpyxl.load_workbook(res.paths["gradebook"])
    ws = wb["成绩册"]
    head = [c.value for c in ws[1]]
    assert head[:3] == ["学生", "文件", "状态"] and "练习2（2分）" in head and "练习6（讨论）（2分）" in head
    table = {r[0]: dict(zip(head, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert {s: table[s]["总分"] for s in table} == {"anna": 7.5, "ben": 4, "chen": 0, "dong": 7}
    assert table["anna"]["满分"] == 8 and table["anna"]["得分率（%）"] == 93.8 and table["anna"]["迟交"] == "是"
    assert table["chen"]["待人工评分"] == "demo-6" and table["chen"]["练习6（讨论）（2分）"] is None
    with open(res.paths["gradebook_csv"], encoding="utf-8-sig", newline="") as fh:
        wide = {r["学生"]: r for r in csv.DictReader(fh)}
    assert wide["anna"]["总分"] == "7.5" and wide["dong"]["练习5（1分）"] == "0"
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (.ci/system-packages installs it)")
    conv = tmp_path / "conv"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(conv), str(res.paths["gradebook"])],
                   check=True, capture_output=True, timeout=180)
    with open(conv / "gradebook.csv", encoding="utf-8", newline="") as fh:
        lo = {r["学生"]: r for r in csv.DictReader(fh)}
    assert {s: float(lo[s]["总分"]) for s in lo} == {"anna": 7.5, "ben": 4.0, "chen": 0.0, "dong": 7.0}
