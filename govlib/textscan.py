"""English words a reader sees on a rendered lesson page (outside code cells).

The course's pages are in Chinese; English column headers, raw Python
output or developer notes slip in easily through tables and printed values.
:func:`visible_english` lists the English words in the *visible text* of a
page, skipping what a reader does not see or is meant to see as code:

- ``<script>``, ``<style>``, ``<head>`` and attributes (alt text, titles);
- code: ``<code>``, ``<pre>`` and the editor of every code cell
  (``jp-CodeMirrorEditor``, ``highlight``), i.e. the lines a student types
  or runs — markdown cells sit in an input area too, and *are* scanned;
- text marked ``lang="en"`` (a published English title quoted verbatim,
  explained next to it in Chinese).

Words on :data:`ALLOWED` (names of methods and people the Chinese text uses
as is) are not reported.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

__all__ = ["ALLOWED", "visible_text", "visible_english"]

#: English words allowed on a Chinese page, each with the reason
ALLOWED: dict[str, str] = {
    "Wilson": "威尔逊区间的提出者，统计书里常写原名",
    "GRIM": "可行样本量核对方法的通行缩写，词汇表有解释",
    "Cronbach": "克朗巴赫α的提出者原名，与中文并写",
    "JupyterLab": "学员运行笔记本的软件名",
    "Jupyter": "同上",
    "Python": "课程所用编程语言的名字",
    "OpenCC": "繁体版所用转换工具的名字",
    "ipynb": "页首下载链接里笔记本文件的扩展名",
    "PDF": "讲义文件格式的通行名称（“学生讲义 PDF”）",
    "govlib": "本课程软件包的名字，只出现在页脚的版本说明里",
}

_SKIP_TAGS = {"script", "style", "head", "code", "pre", "svg", "math", "title"}
_SKIP_CLASSES = {"jp-CodeMirrorEditor", "highlight", "jp-InputPrompt", "jp-OutputPrompt"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_WORD = re.compile(r"[A-Za-z][A-Za-z_'’-]*[A-Za-z]")


class _Visible(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # per open element: does it start a skipped region?
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        hide = (tag in _SKIP_TAGS or bool(classes & _SKIP_CLASSES)
                or (a.get("lang") or "").lower().startswith("en"))
        self.stack.append(hide)
        self.skip += hide

    def handle_endtag(self, tag):
        if tag in _VOID or not self.stack:
            return
        self.skip -= self.stack.pop()

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible_text(page_html: str) -> str:
    """The text a reader sees on a page, outside code, as one string."""
    p = _Visible()
    p.feed(page_html)
    p.close()
    return " ".join(p.parts)


def visible_english(page_html: str, *, allowed=ALLOWED, ignore: tuple[str, ...] = ()) -> Counter:
    """English words (two letters or more) in the visible text, with counts.

    Parameters
    ----------
    page_html : str
        A rendered page.
    allowed : collection of str
        Words not to report (default :data:`ALLOWED`).
    ignore : tuple of str
        Exact phrases removed from the text before scanning (e.g. a known
        string another part of the build is fixing).

    Returns
    -------
    collections.Counter
        Word -> occurrences.
    """
    text = visible_text(page_html)
    for phrase in ignore:
        text = text.replace(phrase, " ")
    return Counter(w for w in _WORD.findall(text) if w not in allowed)
