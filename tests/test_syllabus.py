"""The syllabus is validated like the data: errors name the file, line, lesson id and key."""

from __future__ import annotations

import pytest

from govlib import paths
from govlib.syllabus import lessons_frame, lessons_table, load_syllabus
from govlib.errors import DataError


def test_the_course_syllabus_is_valid():
    syl = load_syllabus(paths.SYLLABUS)
    ids = [les.id for les in syl.lessons]
    assert ids[0] == "intro"
    assert len(set(ids)) == len(ids)
    for les in syl.lessons:
        assert syl.notebook_path(les).is_file()
        assert "default" in les.params


def test_fixture_syllabus_loads(course):
    syl = load_syllabus(course.syllabus)
    assert [les.id for les in syl.lessons] == ["alpha", "beta"]
    assert syl.root == course.root.resolve()
    alpha = syl.lesson("alpha")
    assert alpha.set_names() == ["default", "big"]
    assert alpha.params["default"] == {}
    assert alpha.params["big"] == {"n": 40, "label": "乙", "ratio": 1}


def _break(course, edit):
    data = course.syllabus_data()
    edit(data)
    course.write_syllabus(data)
    with pytest.raises(DataError) as info:
        load_syllabus(course.syllabus)
    return str(info.value)


def test_unknown_notebook(course):
    msg = _break(course, lambda d: d["lessons"][1].update(notebook="notebooks/missing.md"))
    assert "course/course.yml，第 18 行，字段 课程 beta › notebook：找不到笔记本：notebooks/missing.md 不存在" in msg


def test_duplicate_id(course):
    msg = _break(course, lambda d: d["lessons"][1].update(id="alpha"))
    assert "字段 课程 alpha › id：课程编号 alpha 重复（第 1 课已经用了它）" in msg


@pytest.mark.parametrize("bad", ["Alpha", "../etc", "a/b", "a b", "", "-x"])
def test_bad_lesson_id(course, bad):
    msg = _break(course, lambda d: d["lessons"][0].update(id=bad))
    assert ("第 1 课 › id" in msg or f"课程 {bad} › id" in msg) and "第 4 行" in msg
    assert "只能用小写字母、数字和连字符" in msg and "pattern" not in msg


@pytest.mark.parametrize("bad", ["../up", "Big", "a/b", "x y"])
def test_bad_parameter_set_name(course, bad):
    msg = _break(course, lambda d: d["lessons"][0]["params"].update({bad: {"n": 2}}))
    assert f"课程 alpha › params：参数集名称“{bad}”只能用小写字母、数字和连字符" in msg


@pytest.mark.parametrize(("value", "expect"), [
    ([1, 2], "参数集 big 应写成“参数: 值”的映射"),
    ({"n": [1, 2]}, "参数集 big：参数 n 应为单个整数、数、文字或 true/false"),
    ({"n": {"a": 1}}, "参数集 big：参数 n 应为单个"),
    ({"n": None}, "参数集 big：参数 n 应为单个"),
])
def test_malformed_parameter_set(course, value, expect):
    msg = _break(course, lambda d: d["lessons"][0]["params"].update({"big": value}))
    assert expect in msg and "课程 alpha › params" in msg


def test_missing_default_set(course):
    msg = _break(course, lambda d: d["lessons"][0]["params"].pop("default"))
    assert "课程 alpha › params：缺少参数集 default" in msg


@pytest.mark.parametrize(("key", "value", "expect"), [
    ("minutes", "45", "minutes：应为整数"),
    ("minutes", 0, "minutes：应大于 0"),
    ("objectives", [], "objectives：至少要有 1 项"),
    ("title_zh", "  ", "title_zh：不能为空"),
    ("colour", "red", "colour：不认识这个键"),
    ("notebook", "/etc/passwd", "notebook：“/etc/passwd”应是相对于仓库根目录的路径"),
])
def test_bad_keys(course, key, value, expect):
    msg = _break(course, lambda d: d["lessons"][0].update({key: value}))
    assert f"课程 alpha › {expect}" in msg


def test_duplicate_yaml_key_is_reported(course):
    text = course.syllabus.read_text(encoding="utf-8")
    course.syllabus.write_text(text.replace("    minutes: 15\n", "    minutes: 15\n    minutes: 20\n"),
                               encoding="utf-8")
    with pytest.raises(DataError, match="第 \\d+ 行，字段 课程 beta › minutes：键重复"):
        load_syllabus(course.syllabus)


def test_all_problems_are_listed_together(course):
    def edit(d):
        d["lessons"][0]["minutes"] = -1
        d["lessons"][1]["notebook"] = "notebooks/nope.md"
    # pydantic problems stop before the notebook check; at least the first is reported with its line
    msg = _break(course, edit)
    assert "minutes" in msg


def test_lessons_frame_for_notebooks(course):
    df = lessons_frame(course.syllabus)
    assert list(df.columns) == ["课题", "学习目标", "课时（分钟）"]
    assert df.loc[2, "课时（分钟）"] == 15


def test_lessons_table_is_escaped_html(course):
    t = lessons_table(course.syllabus)
    html = t._repr_html_()
    assert html.startswith('<table class="gv-syllabus">')
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "<li>理解参数 &amp; 版本</li>" in html and "15 分钟" in html
    assert "共 2 课，约 45 分钟" in html
    assert repr(t).startswith("1. 第一课")


def test_course_order_and_a_chinese_description_for_every_parameter_set():
    syl = load_syllabus()
    ids = [les.id for les in syl.lessons]
    assert ids[0] == "intro" and ids[-1] == "cross-case"
    assert ids.index("quanzhou-survey") == len(ids) - 2  # survey after the cases, before the comparison
    for les in syl.lessons:
        for name in les.params:
            text = les.description(name)
            assert text and any("\u4e00" <= ch <= "\u9fff" for ch in text), (les.id, name)
        for name, values in les.params.items():
            assert les.set_for(values) == name, (les.id, name)


def test_set_for_recognises_the_set_from_the_notebook_values():
    les = load_syllabus().lesson("xiamen-127")
    assert les.set_for({"vote_reading": "inclusive", "weights_source": "register"}) == "default"
    assert les.set_for({"vote_reading": "exclusive", "weights_source": "register"}) == "exclusive-vote"
    assert les.set_for({"vote_reading": "inclusive", "weights_source": "equal"}) == "equal-weights"


def test_descriptions_must_name_a_set_and_be_chinese(course):
    msg = _break(course, lambda d: d["lessons"][0].update(descriptions_zh={"nosuch": "没有这个参数集。"}))
    assert "descriptions_zh 写了“nosuch”，但本课没有这个参数集（参数集：default、big）" in msg
    msg = _break(course, lambda d: d["lessons"][0].update(descriptions_zh={"default": "English only"}))
    assert "descriptions_zh › default 应当用中文写（现为“English only”）" in msg


def test_a_hub_entry_needs_a_web_address(course):
    data = course.syllabus_data()
    data["hub"] = {"url": "hub.example.edu.cn", "repo": "https://git.example.edu.cn/course.git"}
    course.write_syllabus(data)
    with pytest.raises(DataError, match="字段 hub › url：应是以 http:// 或 https:// 开头的网址"):
        load_syllabus(course.syllabus)
    data["hub"]["url"] = "https://hub.example.edu.cn"
    course.write_syllabus(data)
    assert load_syllabus(course.syllabus).hub.branch == "main"
