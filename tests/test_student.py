"""``govlib student``: one lesson's student notebook, written into a folder, with Chinese messages."""

from __future__ import annotations

import stat

import nbformat
import pytest
from typer.testing import CliRunner

from govlib.cli import app
from govlib.student import StudentError, referenced_files, show_file, write_student

runner = CliRunner()


def test_writes_the_student_notebook_without_solutions(tmp_path):
    out = write_student("quanzhou-survey", "default", tmp_path)
    assert out.notebook == tmp_path / "quanzhou-survey.ipynb"
    nb = nbformat.read(out.notebook, as_version=4)
    nbformat.validate(nb)
    tags = [t for c in nb.cells for t in c.metadata.get("tags", [])]
    assert "solution" not in tags and "instructor" not in tags
    assert tags.count("parameters") == 1
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert any("check(" in c.source for c in nb.cells if c.cell_type == "code")
    assert nb.metadata["govlib"]["lesson"] == "quanzhou-survey"


def test_parameter_set_values_are_written_into_the_parameters_cell(tmp_path):
    # course.yml: intro, set "brief" sets show_register to False (the notebook default is True)
    out = write_student("intro", "brief", tmp_path)
    assert out.notebook.name == "intro--brief.ipynb"
    nb = nbformat.read(out.notebook, as_version=4)
    (pcell,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert "show_register: bool = False" in pcell.source


def test_files_the_text_names_are_copied_read_only(tmp_path):
    # notebooks/xiamen_127.md names the framework file its diagram is drawn from
    out = write_student("xiamen-127", "default", tmp_path)
    copy = tmp_path / "data" / "frameworks" / "xiamen-127.yaml"
    assert copy in out.extras and copy.is_file()
    assert not copy.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert out.missing == []
    # a second hand-out to the same folder (another set) may refresh the read-only copy
    write_student("quanzhou-survey", "smallest-n", tmp_path)


def test_never_overwrites_a_students_work(tmp_path):
    write_student("intro", "default", tmp_path)
    nb = tmp_path / "intro.ipynb"
    nb.write_text("我的作答", encoding="utf-8")
    with pytest.raises(StudentError, match="已存在"):
        write_student("intro", "default", tmp_path)
    assert nb.read_text(encoding="utf-8") == "我的作答"
    write_student("intro", "default", tmp_path, overwrite=True)
    assert nbformat.read(nb, as_version=4).cells


def test_referenced_files_finds_course_paths_only():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("见 `data/frameworks/quanzhou.yaml` 与 data/crosscase.yaml。"),
        nbformat.v4.new_markdown_cell("不是课程文件：mydata/x.csv、https://e.org/data/a.csv"),
    ])
    assert referenced_files(nb) == ["data/crosscase.yaml", "data/frameworks/quanzhou.yaml"]


def test_show_file_prints_a_course_file_and_refuses_others(capsys):
    show_file("data/frameworks/quanzhou.yaml")
    assert capsys.readouterr().out.startswith("# data/frameworks/quanzhou.yaml\n")
    with pytest.raises(StudentError, match="没有文件"):
        show_file("../pyproject.toml")


def test_cli_unknown_lesson_lists_the_choices_in_chinese(tmp_path):
    res = runner.invoke(app, ["student", "no-such-lesson", "--dir", str(tmp_path)])
    assert res.exit_code == 2
    assert "没有编号为“no-such-lesson”的课" in res.output
    assert "quanzhou-survey（参数集：default" in res.output
    assert not list(tmp_path.iterdir())


def test_cli_unknown_set_lists_the_sets(tmp_path):
    res = runner.invoke(app, ["student", "intro", "--set", "nope", "--dir", str(tmp_path)])
    assert res.exit_code == 2
    assert "没有名为“nope”的参数集" in res.output and "brief" in res.output


def test_cli_writes_and_says_so_in_chinese(tmp_path):
    res = runner.invoke(app, ["student", "intro", "--dir", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "已写入学生笔记本" in res.output
    assert (tmp_path / "intro.ipynb").is_file()


def test_cli_all_writes_every_lesson_and_needs_one_choice(tmp_path):
    from govlib.student import lesson_choices

    res = runner.invoke(app, ["student", "--all", "--dir", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert sorted(p.stem for p in tmp_path.glob("*.ipynb")) == sorted(lesson_choices())
    res = runner.invoke(app, ["student", "--dir", str(tmp_path)])
    assert res.exit_code == 2 and "二者选一" in res.output
