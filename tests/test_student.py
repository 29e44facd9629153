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


# ----------------------------------------------------------------------------
# --all again, titles, suggestions, bad folders
# ----------------------------------------------------------------------------

def test_all_again_restores_what_is_missing_and_touches_nothing_else(tmp_path):
    from govlib.student import lesson_choices

    assert runner.invoke(app, ["student", "--all", "--dir", str(tmp_path)]).exit_code == 0
    (tmp_path / "intro.ipynb").unlink()                              # a student deleted one
    (tmp_path / "chengdu.ipynb").write_text("我的作答", encoding="utf-8")  # and worked in another
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("*.ipynb")}
    res = runner.invoke(app, ["student", "--all", "--dir", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "intro.ipynb").is_file()
    assert (tmp_path / "chengdu.ipynb").read_text(encoding="utf-8") == "我的作答"
    for name, mtime in before.items():
        assert (tmp_path / name).stat().st_mtime_ns == mtime, name
    lines = [ln for ln in res.output.splitlines() if ln.split("（", 1)[0] in lesson_choices()]
    assert len(lines) == len(lesson_choices())                      # one line per lesson
    assert sum("已写入学生笔记本" in ln for ln in lines) == 1 and sum("保持原样" in ln for ln in lines) == 7


def test_overwrite_keeps_the_old_notebook_under_another_name(tmp_path):
    nb = tmp_path / "yihe.ipynb"
    nb.write_text("我的作答", encoding="utf-8")
    res = runner.invoke(app, ["student", "yihe", "--overwrite", "--dir", str(tmp_path)])
    assert res.exit_code == 0, res.output
    (old,) = tmp_path.glob("yihe.旧-*.ipynb")
    assert old.read_text(encoding="utf-8") == "我的作答"
    assert nbformat.read(nb, as_version=4).cells and old.name in res.output


@pytest.mark.parametrize("text,lesson", [("quanzhou-survey", "quanzhou-survey"), ("quanzhou_survey", "quanzhou-survey"),
                                         ("泉州问卷", "quanzhou-survey"), ("成都社区改革", "chengdu"),
                                         ("导论：五篇文章与数字登记表", "intro"), ("蒲江", "pujiang")])
def test_lessons_by_id_or_chinese_title(text, lesson):
    from govlib.student import resolve_lesson

    assert resolve_lesson(text)[0] == lesson


def test_an_ambiguous_or_mistyped_lesson_gets_suggestions(tmp_path):
    res = runner.invoke(app, ["student", "泉州", "--dir", str(tmp_path)])
    assert res.exit_code == 2 and "quanzhou-practice" in res.output and "quanzhou-survey" in res.output
    res = runner.invoke(app, ["student", "qanzhou-survey", "--dir", str(tmp_path)])
    assert res.exit_code == 2 and "您是不是要找：quanzhou-survey" in res.output
    res = runner.invoke(app, ["student", "intro", "--set", "breif", "--dir", str(tmp_path)])
    assert res.exit_code == 2 and "您是不是要找：brief" in res.output
    assert not list(tmp_path.iterdir())


def test_a_chinese_title_is_handed_out_and_named(tmp_path):
    res = runner.invoke(app, ["student", "泉州问卷", "--dir", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "“泉州问卷”即第" in res.output and (tmp_path / "quanzhou-survey.ipynb").is_file()


def _bad_folder_output(args, env=None):
    res = runner.invoke(app, args, env=env)
    assert "Traceback" not in res.output and not isinstance(res.exception, (OSError, AttributeError, TypeError))
    return res


def test_bad_folders_get_a_chinese_error(tmp_path):
    a_file = tmp_path / "笔记.txt"
    a_file.write_text("x", encoding="utf-8")
    for folder, words in ((a_file, "是一个文件"), (a_file / "sub", "无法创建文件夹"), ("/proc/1", "/proc/1")):
        res = _bad_folder_output(["student", "intro", "--dir", str(folder)])
        assert res.exit_code == 2 and "错误：" in res.output and words in res.output, (folder, res.output)
        res = _bad_folder_output(["student", "--all", "--dir", str(folder)])
        assert res.exit_code == 2 and "错误：" in res.output, (folder, res.output)


def test_a_read_only_folder(tmp_path):
    import os

    ro = tmp_path / "只读"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        res = _bad_folder_output(["student", "intro", "--dir", str(ro)])
        if os.geteuid() == 0:  # root may write anywhere: the notebook is simply written
            assert res.exit_code == 0 and (ro / "intro.ipynb").is_file()
        else:
            assert res.exit_code == 2 and "不可写" in res.output
    finally:
        ro.chmod(0o755)


def test_a_govlib_root_that_is_not_a_course(tmp_path, monkeypatch):
    from govlib import paths

    monkeypatch.setattr(paths, "ROOT", tmp_path / "没有")
    monkeypatch.setattr(paths, "ROOT_KIND", "env")
    for args in (["student", "intro", "--dir", str(tmp_path)], ["data", "check"]):
        res = _bad_folder_output(args)
        assert res.exit_code in (1, 2) and "GOVLIB_ROOT" in res.output, res.output


def test_data_check_bad_folders(tmp_path):
    a_file = tmp_path / "a.csv"
    a_file.write_text("x", encoding="utf-8")
    for folder, words in ((a_file, "是一个文件"), (tmp_path / "nope", "不存在"), ("/proc/1", "没有 figures.csv")):
        res = _bad_folder_output(["data", "check", "--data", str(folder)])
        assert res.exit_code == 1 and "检查未通过" in res.output and words in res.output, res.output
