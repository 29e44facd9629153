"""govlib.exercises.parsing: numbers, percentages, durations and yes/no as people write them (hand-read values)."""

from __future__ import annotations

import pytest

from govlib.exercises.parsing import _cn_int, read_bool, read_number


@pytest.mark.parametrize("text,value,pct,suffix,decimals", [
    ("十一点八", 11.8, False, "", 1),
    ("四十五点九分", 45.9, False, "分", 1),
    ("百分之十一点八", 11.8, True, "%", 1),
    ("十一点八%", 11.8, True, "%", 1),
    ("百分之11.8", 11.8, True, "%", 1),
    ("百分之九十", 90, True, "%", 0),
    ("九成", 90, True, "%", 0),
    ("八成五", 85, True, "%", 0),
    ("两年零九个月", 33, False, "个月", 0),      # 2 * 12 + 9
    ("2年9个月", 33, False, "个月", 0),
    ("三年半", 42, False, "个月", 0),             # 3 * 12 + 6
    ("共8条", 8, False, "条", 0),
    ("至少104人", 104, False, "人", 0),
    ("每组104人", 104, False, "人", 0),
    ("约11.8%", 11.8, True, "%", 1),
    ("104人左右", 104, False, "人", 0),
    ("答：33个月", 33, False, "个月", 0),
    ("１１．８％", 11.8, True, "%", 1),
    ("５７，９００户", 57900, False, "户", 0),
    ("三点五万", 35000, False, "", 1),
    ("五万七千九百户", 57900, False, "户", 0),
    ("二〇二一年", 2021, False, "年", 0),
    ("十一点八零", 11.8, False, "", 2),
    ("兩年零九個月", 33, False, "个月", 0),       # typed from the zh-Hant page
    ("负三", -3, False, "", 0),
])
def test_read_number(text, value, pct, suffix, decimals):
    n = read_number(text)
    assert n.value == pytest.approx(value)
    assert (n.pct, n.suffix, n.decimals) == (pct, suffix, decimals)


@pytest.mark.parametrize("text", ["abc", "不到100", "第三", "", "百", "三分之一"])
def test_not_a_number(text):
    assert read_number(text).value is None


@pytest.mark.parametrize("text,value", [("不", False), ("不能", False), ("不是", False), ("不能说", False),
                                        ("不是的", False), ("否", False), ("是的", True), ("能", True),
                                        ("對", True), ("TRUE", True), ("False", False), ("也许", None),
                                        ("不一定", None)])
def test_read_bool(text, value):
    assert read_bool(text) is value


def test_chinese_integers_come_from_cn2an():
    assert (_cn_int("一百零四"), _cn_int("两万"), _cn_int("二〇二一"), _cn_int("十一点八")) == (104, 20000, 2021, None)
