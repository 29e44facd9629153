"""Schemas, look-ups and citations of the register (tests/data/good is a small synthetic register)."""

from __future__ import annotations

import shutil

import pytest

from govlib.data import Register, derived_ids, evaluate, load_figures, load_framework
from govlib.errors import DataError

from conftest import DATA

# broken fixture -> (line, column, words the message must contain)
BROKEN = {
    "unknown_source": (8, "source", "来源编号不在来源表 sources.csv 里"),
    "bad_percentage": (5, "value", "百分数应在 0–100 之间（现为 160）"),
    "low_above_high": (6, "low", "下限 low 大于上限 high"),
    "unknown_unit": (8, "unit", "单位不在单位表 units.csv 里"),
    "unknown_qualifier": (5, "qualifier", "不认识的限定词"),
    "empty_locator": (2, "locator", "不能为空"),
    "derived_missing_row": (4, "derived_from", "推算式用到的行不存在：qz-a-ten"),
    "derived_wrong_value": (4, "value", "推算式算得 46.2，与这一行的 value 不符"),
    "not_a_number": (3, "value", "应为数字"),
    "range_without_high": (6, "high", "范围（range）要填下限 low 和上限 high"),
    "duplicate_id": (9, "id", "重复"),
    "missing_column": (1, "note", "表头缺少这一列"),
}


def test_good_register_loads(good_data):
    reg = Register(good_data)
    assert len(reg) == 9
    assert reg.value("qz-a-over20") == pytest.approx(11.4)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_broken_rule_is_named(good_data, name):
    shutil.copy(DATA / "broken" / f"{name}.csv", good_data / "figures.csv")
    line, column, words = BROKEN[name]
    with pytest.raises(DataError) as info:
        Register(good_data)
    msg = str(info.value)
    assert "figures.csv" in msg
    assert f"figures.csv，第 {line} 行，字段 {column}：" in msg
    assert words in msg
    assert not any(w in msg for w in ("line", "column", "got", "must")), msg


def test_all_broken_rules_reported_together(good_data):
    text = (good_data / "figures.csv").read_text(encoding="utf-8")
    text = text.replace("583平方公里,行政区域面积,蒲江县,,583,,,0,平方公里",
                        "583平方公里,行政区域面积,蒲江县,,583,,,0,亩")
    text = text.replace(",乡镇干部,,60,,,0,%,over,", ",乡镇干部,,160,,,0,%,over,")
    (good_data / "figures.csv").write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        Register(good_data)
    assert len(info.value.problems) == 2


def test_figures_of_a_source_missing_from_sources_file_are_named(good_data):
    p = good_data / "sources.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("chengdu,cd,成都示例", "beijing,bj,北京示例"), encoding="utf-8")
    with pytest.raises(DataError, match=r"figures.csv，第 \d+ 行，字段 source：来源编号不在来源表"):
        Register(good_data)


def test_a_new_source_needs_only_a_row_in_sources_file(good_data):
    p = good_data / "sources.csv"
    p.write_text(p.read_text(encoding="utf-8") + "beijing,bj,北京示例,,,,,,,,北京市,简体,005.txt,\n", encoding="utf-8")
    f = good_data / "figures.csv"
    lines = f.read_text(encoding="utf-8").splitlines()
    row = next(line for line in lines[1:] if line.startswith("cd-"))
    f.write_text("\n".join([*lines, row.replace("cd-", "bj-new-", 1).replace(",chengdu,", ",beijing,", 1)]) + "\n",
                 encoding="utf-8")
    reg = Register(good_data)
    assert "beijing" in set(reg.sources["id"]) and any(i.startswith("bj-new-") for i in reg.figures["id"])


def test_figure_id_must_carry_its_sources_prefix(good_data):
    f = good_data / "figures.csv"
    lines = f.read_text(encoding="utf-8").splitlines()
    i, row = next((i, line) for i, line in enumerate(lines) if line.startswith("cd-"))
    lines[i] = row.replace("cd-", "qz-moved-", 1)
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=rf"figures.csv，第 {i + 1} 行，字段 id：编号应以“cd-”开头"):
        Register(good_data)


def test_unreadable_file_is_named(good_data):
    (good_data / "figures.csv").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(DataError, match="figures.csv"):
        load_figures(good_data / "figures.csv")


def test_text_uses_published_wording_and_marks_derived(good_data):
    reg = Register(good_data)
    assert reg.figure("qz-over60").text == "超过60%"
    assert reg.figure("qz-grid-size").text == "300-500户"
    # 100 - 11.4 - 42.4 = 46.2, shown as a derived value
    assert reg.figure("qz-a-under10").text == "46.2%（推算）"


def test_ranges_and_dates_have_no_single_value(good_data):
    reg = Register(good_data)
    with pytest.raises(ValueError, match="qz-grid-size（range）没有单一的数值"):
        reg.value("qz-grid-size")
    with pytest.raises(ValueError):
        reg.value("cd-regulation")


def test_unknown_id_suggests_close_ones(good_data):
    reg = Register(good_data)
    with pytest.raises(KeyError, match="登记表里没有编号为“qz-a-over2”的数字；您是不是要找：qz-a-over20"):
        reg.figure("qz-a-over2")


def test_citation_names_author_year_section_and_figure(good_data):
    reg = Register(good_data)
    assert reg.cite("qz-rank-first") == "丁（2022）·二 · 第1段 · 图1"
    # no author: the short label stands in; no year: none is made up
    assert reg.cite("cd-regulation") == "成都示例·上篇 · 第5段"
    assert reg.cite("qz-a-under10").endswith("；据“甲组超过20个”“甲组10到20个”推算")  # labels, not ids


def test_derived_expression_reader():
    assert derived_ids("100 - qz-a - qz-b-2") == ["qz-a", "qz-b-2"]
    assert evaluate("(qz-a + qz-b) / 2", {"qz-a": 1, "qz-b": 2}) == pytest.approx(1.5)
    with pytest.raises(ValueError):
        evaluate("__import__('os')", {})


def test_framework_errors_name_file_and_key(tmp_path, good_data):
    reg = Register(good_data)
    p = tmp_path / "fw.yaml"
    p.write_text(
        "id: demo\nsource: pujiang\ntitle_zh: 示例\nsummary_zh: 示例\nlocator: 开篇\n"
        "root:\n  id: r\n  label_zh: 根\n  kind: root\n  locator: 开篇\n  children:\n"
        "    - {id: a, label_zh: 甲, kind: dimensoin, locator: x}\n"
        "    - {id: a, label_zh: 乙, kind: dimension, locator: x, figures: [pj-nope]}\n",
        encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_framework(p, register=reg)
    msg = str(info.value)
    assert "fw.yaml" in msg and "字段 root.children.0.kind：应为其中之一：" in msg and "dimension" in msg
    p.write_text(p.read_text(encoding="utf-8").replace("dimensoin", "dimension"), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_framework(p, register=reg)
    msg = str(info.value)
    assert "节点编号重复（root.children.0 也用了它）" in msg and "数字编号不在登记表里（现为 “pj-nope”）" in msg


def test_framework_bad_yaml_names_line(tmp_path, good_data):
    p = tmp_path / "bad.yaml"
    p.write_text("id: demo\nroot: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataError, match="bad.yaml，第 3 行：不是有效的 YAML"):
        load_framework(p, register=Register(good_data))


# ----------------------------------------------------------------------------
# exact error positions: blank lines, quoted multi-line fields, bytes that are not UTF-8
# ----------------------------------------------------------------------------

def _figures_with(good_data, edit) -> str:
    lines = (good_data / "figures.csv").read_text(encoding="utf-8").split("\n")
    lines = edit(lines)
    (good_data / "figures.csv").write_text("\n".join(lines), encoding="utf-8")
    return "\n".join(lines)


def _bad_percentage(lines):
    # line 5 (qz-over60) gets 160%
    lines[4] = lines[4].replace(",,60,,,0,%,over,", ",,160,,,0,%,over,")
    return lines


def test_error_line_counts_blank_lines(good_data):
    # two blank lines inserted after line 2: the bad row moves from line 5 to line 7
    _figures_with(good_data, lambda ls: _bad_percentage(ls)[:2] + ["", ""] + _bad_percentage(ls)[2:])
    with pytest.raises(DataError) as info:
        Register(good_data)
    assert [(p.row, p.column) for p in info.value.problems] == [(7, "value")]


def test_error_line_counts_quoted_multiline_fields(good_data):
    def edit(ls):
        ls = _bad_percentage(ls)
        # the note of line 2 spans three lines: the bad row moves from line 5 to line 7
        ls[1] = ls[1] + '"第一行\n第二行,带逗号\n第三行"'
        return ls

    text = _figures_with(good_data, edit)
    assert text.split("\n")[6].startswith("qz-over60,")  # hand check: the bad row is the 7th line
    with pytest.raises(DataError) as info:
        Register(good_data)
    assert [(p.row, p.column) for p in info.value.problems] == [(7, "value")]
    assert "第 7 行，字段 value" in str(info.value)


def test_error_line_after_a_multiline_field_and_a_blank_line(good_data):
    def edit(ls):
        ls = _bad_percentage(ls)
        ls[2] = ls[2] + '"甲\n\n乙"'  # a blank line *inside* the quotes is part of the field
        return ls[:3] + [""] + ls[3:]

    _figures_with(good_data, edit)
    with pytest.raises(DataError) as info:
        Register(good_data)
    # line 5 + 2 (inside the field) + 1 (blank line) = 8
    assert [(p.row, p.column) for p in info.value.problems] == [(8, "value")]
    lines = (good_data / "figures.csv").read_text(encoding="utf-8").split("\n")
    assert lines[7].startswith("qz-over60,")  # hand check: the bad row is the 8th line


def test_non_utf8_byte_gives_line_and_column(good_data):
    raw = (good_data / "figures.csv").read_bytes().split(b"\n")
    # line 4, after "qz-a-under10,quanzhou,": a Latin-1 e-acute (0xE9) -> column 23
    raw[3] = raw[3].replace(b"qz-a-under10,quanzhou,", b"qz-a-under10,quanzhou,\xe9", 1)
    (good_data / "figures.csv").write_bytes(b"\n".join(raw))
    with pytest.raises(DataError) as info:
        Register(good_data)
    (p,) = info.value.problems
    assert p.row == 4
    assert "第 23 个字符处有字节 0xE9" in p.rule and "UTF-8" in p.rule
    assert "position" not in str(info.value)


def test_non_utf8_byte_column_counts_characters_not_bytes(good_data):
    raw = (good_data / "figures.csv").read_bytes().split(b"\n")
    # line 2 = "qz-a-over20,quanzhou,二（四）甲 · 第2段,..." ; a bad byte right after "二（四）甲"
    prefix = "qz-a-over20,quanzhou,二（四）甲".encode()
    assert raw[1].startswith(prefix)
    raw[1] = prefix + b"\xff" + raw[1][len(prefix):]
    (good_data / "figures.csv").write_bytes(b"\n".join(raw))
    with pytest.raises(DataError) as info:
        Register(good_data)
    (p,) = info.value.problems
    # 21 ASCII characters + 5 Chinese characters, then the bad byte: character 27
    assert (p.row, "第 27 个字符" in p.rule) == (2, True)


def test_too_many_fields_names_the_line(good_data):
    _figures_with(good_data, lambda ls: ls[:3] + ["", ls[3] + ",extra"] + ls[4:])
    with pytest.raises(DataError) as info:
        Register(good_data)
    assert [p.row for p in info.value.problems] == [5]
