"""The visible-English scan: what counts as visible text, and what is code."""

from govlib.textscan import visible_english, visible_text

PAGE = """<html><head><title>title words</title><style>.x{color:red}</style></head><body>
<h1>课程 lesson</h1>
<div class="jp-Cell jp-CodeCell"><div class="jp-InputArea jp-Cell-inputArea"><div class="jp-CodeMirrorEditor">
<div class="highlight hl-ipython3"><span class="n">code_word</span><pre>print("hello")</pre></div></div></div></div>
<div class="jp-Cell jp-MarkdownCell"><div class="jp-InputArea jp-Cell-inputArea">
<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown">叙述 narrative</div></div></div>
<div class="jp-OutputArea-output"><table><tr><th>name</th><th>户数</th></tr>
<tr><td><code>qz-tai-grid</code></td><td>True</td></tr></table></div>
<p>威尔逊区间（Wilson）<img alt="No description"><span lang="en">An English Title</span>（英文题名）</p>
<script>var hidden = 1;</script></body></html>"""


def test_visible_text_skips_code_head_scripts_attributes_and_marked_english():
    text = visible_text(PAGE)
    assert "课程" in text and "户数" in text
    assert "叙述 narrative" in text  # markdown cells sit in an input area too, and are read
    for hidden in ("hello", "code_word", "title words", "color", "qz-tai-grid", "hidden", "No description", "English Title"):
        assert hidden not in text


def test_visible_english_counts_words_and_respects_the_allow_list():
    words = visible_english(PAGE)
    assert words == {"lesson": 1, "narrative": 1, "name": 1, "True": 1}  # Wilson is allowed


def test_ignore_removes_exact_phrases():
    assert visible_english("<p>保留 known phrase 词</p>", ignore=("known phrase",)) == {}
