"""Figures on a page carry their id, published wording and citation; text is escaped."""

from __future__ import annotations

import re

import pytest

from govlib.data import Register
from govlib.display import figure_table, say


def test_say_puts_spans_and_citations(good_data):
    reg = Register(good_data)
    out = say("面积为{a}，近{h}。", a="pj-area", h="pj-half", register=reg).html
    assert '<span class="gv-fig" data-fig="pj-area"' in out
    spans = dict(re.findall(r'data-fig="([^"]+)"[^>]*>([^<]*)</span>', out))
    assert spans == {"pj-area": "583平方公里", "pj-half": "近一半"}
    assert "[1] 甲、乙·开篇 · 第2段" in out


def test_say_rejects_placeholder_without_id(good_data):
    with pytest.raises(KeyError, match="b"):
        say("{a}{b}", a="pj-area", register=Register(good_data))


def test_table_escapes_text(good_data):
    p = good_data / "figures.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("行政区域面积", "<script>x</script>"), encoding="utf-8")
    out = figure_table(["pj-area"], register=Register(good_data), caption="<b>").html
    assert "<script>" not in out and "&lt;script&gt;" in out and "&lt;b&gt;" in out
