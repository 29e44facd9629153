"""The glossary and bibliography pages (govlib.reference)."""

import re

import pytest
import yaml

from govlib.errors import DataError
from govlib.reference import glossary_page, load_glossary, reference_href, references_page


def _complete_offline(page: str):
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert '<meta charset="utf-8">' in page
    assert not re.search(r'(src|href)="(https?:)?//', page), "a page must not load anything from the network"


def test_glossary_page_lists_every_term_with_an_anchor():
    page = glossary_page()
    _complete_offline(page)
    terms = load_glossary().terms
    for i, t in enumerate(terms, 1):
        assert f'id="term-{i}"' in page
    for needed in ("网格", "三评三理", "社治委", "置信区间", "优势比", "有限总体校正", "克朗巴赫α", "检验效能"):
        assert any(t.term.startswith(needed) for t in terms), needed
    assert "课程词汇表" in page and 'href="references.html#ref-quanzhou"' in page


def test_glossary_rejects_unknown_lesson_and_source(tmp_path):
    p = tmp_path / "g.yaml"
    p.write_text(yaml.safe_dump({"terms": [
        {"term": "网格", "group": "治理", "text": "一段足够长的中文解释文字。", "lessons": ["no-such-lesson"]},
        {"term": "网格二", "group": "治理", "text": "一段足够长的中文解释文字。", "source": "nowhere"},
        {"term": "网格", "group": "其他", "text": "一段足够长的中文解释文字。"}]}, allow_unicode=True),
        encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_glossary(p)
    assert "terms.2.group" in str(err.value)
    p.write_text(yaml.safe_dump({"terms": [
        {"term": "网格", "group": "治理", "text": "一段足够长的中文解释文字。", "lessons": ["no-such-lesson"]},
        {"term": "网格", "group": "治理", "text": "一段足够长的中文解释文字。", "source": "nowhere"}]},
        allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_glossary(p)
    msg = str(err.value)
    assert "terms.0.lessons" in msg and "terms.1.source" in msg and "术语重复" in msg and "课程编号不在课程大纲" in msg and "来源编号不在来源表" in msg


def test_references_page_has_the_five_articles_and_names_what_is_missing():
    page = references_page()
    _complete_offline(page)
    entries = re.findall(r'<li id="ref-([a-z]+)">(.*?)</li>', page, re.S)
    assert [e[0] for e in entries] == ["pujiang", "xiamen", "yihe", "chengdu", "quanzhou"]
    by = dict(entries)
    # from the articles themselves (see /work/shared/seeds/readable): authors, titles, year, issue
    assert "严晗、王巍" in by["pujiang"] and "题名未印" in by["pujiang"] and "年份未印" in by["pujiang"]
    assert "余薛锋" in by["xiamen"] and "《127党建引领社区治理机制探索》" in by["xiamen"] and "2021" in by["xiamen"]
    assert "作者未印" in by["yihe"] and "《基层党建引领社区治理实践偏差与破解路径》" in by["yihe"]
    assert "作者未印" in by["chengdu"] and "刊物或报纸名未印" in by["chengdu"]
    assert "施美萍" in by["quanzhou"] and "2022年第2期" in by["quanzhou"] and "1007-8207" in by["quanzhou"]
    assert '<span lang="en">The Practical Path' in by["quanzhou"] and "原文只印英文题名" in by["quanzhou"]
    assert "收稿日期" in by["quanzhou"]


def test_citations_on_lesson_pages_link_to_the_bibliography():
    from govlib.display import figure_table

    assert reference_href("xiamen") == "../../../references.html#ref-xiamen"
    html_text = figure_table(["xm-weight-peer"]).html
    assert 'href="../../../references.html#ref-xiamen"' in html_text
