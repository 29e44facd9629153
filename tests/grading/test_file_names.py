"""Hostile and careless file names and contents of the submissions folder (govlib.grading.files)."""

from __future__ import annotations

import json

import nbformat
import pytest

from govlib.grading import files


def _nb(**meta) -> dict:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('ans_demo1 = 41.11  # café\ncheck("demo-1", ans_demo1)')]
    nb.metadata.update(meta)
    return nb


def test_control_format_and_bidi_characters_become_visible_escapes():
    name = "li\x1b]0;pwned\x07\x1b[2J\u202egnp.ipynb\x00x"
    shown = files.display_name(name)
    assert shown == "li\\x1b]0;pwned\\x07\\x1b[2J\\u202egnp.ipynb\\x00x"
    assert not any(ord(c) < 32 or c in "\u202e\u200f\u2066" for c in shown)
    assert files.display_name("张三.ipynb") == "张三.ipynb"  # ordinary names unchanged


def test_full_width_name_is_the_twin_of_the_ascii_one():
    assert files.student_id("ｚｈａｎｇ.ipynb") == files.student_id("zhang.ipynb") == "zhang"


def test_blank_stem_gets_a_visible_name():
    sid = files.student_id("   .ipynb")
    assert sid.strip() and "无名" in sid and "'   .ipynb'" in sid


def test_one_latin1_byte_in_an_honest_notebook_is_read_with_a_warning(tmp_path):
    raw = json.dumps(_nb(), ensure_ascii=False).encode("utf-8").replace("café".encode("utf-8"), b"caf\xe9")
    p = tmp_path / "wang.ipynb"
    p.write_bytes(raw)
    nb, status, note = files.read_notebook(p)
    assert status == "ok" and "1 处字节不是 UTF-8" in note
    assert files.code_sources(nb)[0].startswith("ans_demo1 = 41.11")


def test_binary_file_is_still_not_a_notebook(tmp_path):
    p = tmp_path / "photo.ipynb"
    p.write_bytes(bytes(range(256)) * 40)
    assert files.read_notebook(p)[1] == "not-notebook"


def test_deep_metadata_is_dropped_not_fatal(tmp_path):
    deep: dict = {}
    cur = deep
    for _ in range(700):  # nbformat's reader recurses over metadata: this deep it cannot read it
        cur["a"] = {}
        cur = cur["a"]
    nb = _nb(govlib={"lesson": "demo"})
    text = json.dumps(nb).replace('"metadata": {', '"metadata": {"widgets": ' + json.dumps(deep) + ", ", 1)
    p = tmp_path / "zhao.ipynb"
    p.write_text(text, encoding="utf-8")
    got, status, note = files.read_notebook(p)
    assert status == "ok", note
    assert "元数据嵌套过深" in note and "widgets" in note
    assert files.detect_lesson(got) == ({"demo"}, "metadata")


def test_names_in_folder_notes_are_escaped(tmp_path):
    (tmp_path / "sub\x1b[31m").mkdir()
    (tmp_path / "ok.ipynb").write_text("{}", encoding="utf-8")
    _, notes = files.find_submissions(tmp_path)
    assert notes and all("\x1b" not in n for n in notes) and "sub\\x1b[31m" in notes[0]


@pytest.mark.slow
@pytest.mark.skipif(__import__("shutil").which("bwrap") is None, reason="bubblewrap (bwrap) is not installed")
def test_reports_and_twins_through_grade(tmp_path, monkeypatch):
    """Three honest notebooks with hostile names and answers, graded: reports carry no raw ESC/NUL/RTL mark,
    and the full-width name is flagged as the twin of the ASCII one."""
    import importlib
    import os
    import sys
    from pathlib import Path

    from govlib.exercises import core
    from govlib.grading import grade_folder

    grading = Path(__file__).resolve().parents[1] / "data" / "grading"
    monkeypatch.syspath_prepend(str(grading))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(grading), os.environ.get("PYTHONPATH")])))
    monkeypatch.setenv(core.BANKS_ENV, "govlib_demo_bank")
    importlib.import_module("govlib_demo_bank")
    make_class = importlib.import_module("make_class")
    subs = tmp_path / "class"
    subs.mkdir()
    answers = {**make_class.RIGHT, 6: '"网格\\x1b[2J\\x00与人力\\u202e相匹配"'}
    names = ["zhang.ipynb", "ｚｈａｎｇ.ipynb", "li\x1b[31m\u202egnp.ipynb"]
    for name in names:
        (subs / name).write_text(json.dumps(make_class.notebook(answers), ensure_ascii=False), encoding="utf-8")
    try:
        res = grade_folder(subs, "demo", out=tmp_path / "grades", jobs=1, timeout=30, extract_timeout=5,
                           syllabus=grading / "course" / "course.yml")
    finally:
        for k in [k for k, e in core._REGISTRY.items() if e.lesson == "demo"]:
            del core._REGISTRY[k]
        sys.modules.pop("govlib_demo_bank", None)
        sys.modules.pop("make_class", None)
    for key in ("scores", "files", "rubric"):
        text = res.paths[key].read_text(encoding="utf-8-sig")
        assert not any(c in text for c in ("\x1b", "\x00", "\u202e")), key
    assert "li\\x1b[31m\\u202egnp.ipynb" in res.paths["scores"].read_text(encoding="utf-8-sig")
    by = {s.file: s for s in res.submissions}
    assert set(by) == {"zhang.ipynb", "ｚｈａｎｇ.ipynb", "li\\x1b[31m\\u202egnp.ipynb"}
    for twin in ("zhang.ipynb", "ｚｈａｎｇ.ipynb"):
        assert any("学生编号重复" in p for p in by[twin].problems), by[twin].problems
    assert not any("学生编号重复" in p for p in by["li\\x1b[31m\\u202egnp.ipynb"].problems)
