"""Hostile and careless file names and contents of the submissions folder (govlib.grading.files)."""

from __future__ import annotations

import json

import nbformat

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
