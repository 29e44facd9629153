"""Traditional Chinese copies: OpenCC s2tw, names and code protected (issue 12)."""

from __future__ import annotations

import csv

from govlib import paths
from govlib.publish.hant import CONFIG, NAMES, convert_text, to_traditional


def test_taiwan_standard_forms_not_s2t_variants():
    assert CONFIG == "s2tw"
    out = convert_text("为了才能在这里看着")
    assert out == "為了才能在這裡看著"  # not 爲 / 纔 / 裏 / 着


def test_course_terms_are_not_rewritten_as_taiwan_phrases():
    # s2twp would give 社群, 議事程式, 專案
    assert convert_text("社区议事程序项目") == "社區議事程序項目"


def test_everyday_words_in_traditional_wording():
    assert convert_text("默认值") == "預設值"
    assert convert_text("合成数据") == "合成資料"


def test_author_names_keep_their_traditional_form():
    assert convert_text("余薛锋") == "余薛鋒"  # plain OpenCC gives 餘薛鋒
    with open(paths.DATA / "sources.csv", encoding="utf-8") as fh:
        authors = [a for row in csv.DictReader(fh) for a in row["authors"].split("、") if a]
    assert authors
    for a in authors:
        assert a in NAMES, f"author {a} has no entry in govlib.publish.hant.NAMES"
        assert convert_text(a) == NAMES[a]


def test_code_parameter_values_and_math_are_not_converted():
    page = ('<p>社区</p><code>community = "示例社区B"</code>'
            '<div class="highlight hl-ipython3"><pre>say("社区数据")</pre></div>'
            '<p>诊断示例社区B的数据</p><math><mi>社</mi></math>')
    out = to_traditional(page, keep=["示例社区B"])
    assert '<code>community = "示例社区B"</code>' in out
    assert 'say("社区数据")' in out
    assert "<p>診斷示例社区B的資料</p>" in out
    assert "<p>社區</p>" in out and "<mi>社</mi>" in out
