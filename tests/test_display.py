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
    # the citation links to the article's entry in the course bibliography page
    assert '[1] <a class="gv-cite" data-gv-link="index" href="../../../references.html#ref-pujiang">甲、乙·开篇 · 第2段</a>' in out


def test_code_frame_sets_identifiers_as_code_and_escapes():
    import pandas as pd

    from govlib.display import code_frame

    out = code_frame(pd.DataFrame({"编号": ["a-1"], "x-2": ["<b>"]}), code_columns=["编号"], code_headers=["x-2"]).html
    assert "<td><code>a-1</code></td>" in out and "<th><code>x-2</code></th>" in out and "&lt;b&gt;" in out


def test_collapsible_keeps_the_body_in_the_page():
    from govlib.display import HTML, collapsible

    box = collapsible("标题", HTML("<table>表</table>")).html
    assert box.startswith('<details class="gv-details"><summary>标题</summary>') and "<table>表</table>" in box
    assert " open>" in collapsible("标题", "正文", open=True).html


def test_say_rejects_placeholder_without_id(good_data):
    with pytest.raises(KeyError, match="b"):
        say("{a}{b}", a="pj-area", register=Register(good_data))


def test_table_escapes_text(good_data):
    p = good_data / "figures.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("行政区域面积", "<script>x</script>"), encoding="utf-8")
    out = figure_table(["pj-area"], register=Register(good_data), caption="<b>").html
    assert "<script>" not in out and "&lt;script&gt;" in out and "&lt;b&gt;" in out
