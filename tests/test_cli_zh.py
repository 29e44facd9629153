"""The command line in Chinese: every command's help, options, defaults and usage errors.

Also the canary for the typer names govlib.cli_zh relies on (typer vendors click and prints
its own words in English; a typer upgrade that renames them must fail here).
"""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from govlib.cli import app

runner = CliRunner()
COMMANDS = [[], ["build"], ["grade"], ["student"], ["data"], ["data", "check"]]
HAN = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = ("Usage", "Options", "Arguments", "Commands", "Show this message", "[default", "[required]", "<bool>",
           "<str>", "<int>", "<float>")


def _help(args):
    res = runner.invoke(app, [*args, "--help"], prog_name="govlib", env={"COLUMNS": "160", "TERMINAL_WIDTH": "160"})
    assert res.exit_code == 0, res.output
    return res.output


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "govlib")
def test_help_is_chinese(args):
    out = _help(args)
    assert "用法：govlib" in out and "显示本帮助并退出。" in out
    assert "选项" in out
    for word in ENGLISH:
        assert word not in out.replace("[选项]", ""), (word, out)
    # every option line carries Chinese help
    for line in out.splitlines():
        m = re.match(r"^[│|]\s*(?:\*\s*)?(--[\w-]+)", line)
        if m:
            assert HAN.search(line), line


def test_defaults_are_shown_in_chinese():
    out = _help(["student"])
    assert "[默认：default]" in out and "当前文件夹" in out
    out = _help(["grade"])
    assert "[默认：60.0]" in out and "grades-<课程编号>" in out and "course/course.yml" in out
    assert "[必填]" in out


def test_student_help_speaks_of_what_a_student_has():
    out = _help(["student"])
    assert "course.yml" not in out and "课名" in out and "泉州问卷" in out


@pytest.mark.parametrize("args,words", [
    (["biuld"], "没有命令“biuld”。您是不是要找：build？"),
    (["student", "--dri", "x"], "没有选项 --dri。您是不是要找：--dir？"),
    (["grade"], "缺少参数 作业文件夹"),
    (["grade", ".", "--lesson", "intro", "--jobs", "abc"], "--jobs / -j 的值不对：应是一个整数"),
    (["grade", ".", "--lesson", "intro", "--timeout", "x"], "--timeout 的值不对：应是一个数字"),
    (["grade", ".", "--lesson"], "选项 --lesson 需要一个值"),
    (["student", "intro", "extra"], "多余的参数"),
])
def test_usage_errors_are_chinese(args, words):
    res = runner.invoke(app, args, prog_name="govlib")
    assert res.exit_code == 2, res.output
    assert words in res.output, res.output
    assert "查看用法" in res.output and "Error" not in res.output and "Missing" not in res.output


def test_no_arguments_shows_the_help():
    res = runner.invoke(app, [], prog_name="govlib")
    assert "用法：govlib" in res.output and "Error" not in res.output


def test_canary_typer_names_used_by_cli_zh():
    from typer import rich_utils
    from typer._click import exceptions
    from typer.core import TyperCommand, TyperGroup

    from govlib.cli_zh import RICH_STRINGS

    for name in RICH_STRINGS:
        assert hasattr(rich_utils, name), name
    for name in ("ClickException", "BadParameter", "MissingParameter", "NoSuchOption", "NoArgsIsHelpError"):
        assert hasattr(exceptions, name), name
    for cls in (TyperCommand, TyperGroup):
        for meth in ("format_usage", "collect_usage_pieces", "get_help_option", "get_params", "main"):
            assert callable(getattr(cls, meth, None)), (cls, meth)
    assert callable(getattr(TyperGroup, "resolve_command", None))


def test_data_check_names_file_row_and_column_in_chinese(good_data):
    """A broken register: every problem says file, 第 N 行, 字段 and the rule in Chinese (no English frame)."""
    p = good_data / "figures.csv"
    text = p.read_text(encoding="utf-8").replace(",乡镇干部,,60,,,0,%,over,", ",乡镇干部,,160,,,0,%,over,")
    text = text.replace("583平方公里,行政区域面积,蒲江县,,583,,,0,平方公里", "583平方公里,行政区域面积,蒲江县,,583,,,0,亩")
    p.write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["data", "check", "--data", str(good_data), "--no-frameworks"],
                        env={"COLUMNS": "200"})
    assert res.exit_code == 1
    out = res.output
    assert "检查未通过" in out and "数据中有 2 处问题：" in out
    assert re.search(r"figures\.csv，第 5 行，字段 value：百分数应在 0–100 之间（现为 160）", out), out
    assert re.search(r"figures\.csv，第 \d+ 行，字段 unit：单位不在单位表 units\.csv 里（现为 “亩”）", out), out
    english = re.findall(r"\b(?:line|column|got|must|unknown|problem)\b", out)
    assert not english, out
