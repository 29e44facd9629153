"""Two course-wide reference pages: the glossary and the bibliography of the five articles.

Each page is returned as one complete, self-contained HTML document string
(inline CSS, no scripts, no external files), ready for the course build to
write beside ``index.html``:

- :func:`glossary_page` renders ``data/glossary.yaml`` (terms explained in our
  own words, grouped 治理 / 统计 / 课程, each with the lessons that use it);
- :func:`references_page` renders the bibliographic columns of
  ``data/sources.csv`` (authors, title, venue, issue, year, date) and says
  plainly where the article does not print a field; each article has the
  anchor ``ref-<source id>`` (:func:`reference_href`), which citations on the
  lesson pages link to.

Both pages are meant to sit at the root of the built site
(``glossary.html``, ``references.html``); lesson pages live three folders
down (``lessons/<lesson>/<set>/``), hence :data:`FROM_LESSON`.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from govlib import paths
from govlib.errors import DataError, Problem, display_path

__all__ = ["GLOSSARY_YAML", "REFERENCES_FILE", "GLOSSARY_FILE", "FROM_LESSON", "Term", "Glossary",
           "load_glossary", "glossary_page", "references_page", "reference_href", "reference_entry"]

GLOSSARY_YAML = paths.DATA / "glossary.yaml"
#: file names the two pages are meant to have at the root of the built site
REFERENCES_FILE = "references.html"
GLOSSARY_FILE = "glossary.html"
#: relative path from a lesson page (lessons/<lesson>/<set>/x.html) to the site root
FROM_LESSON = "../../../"

_GROUPS = ("治理", "统计", "课程")
_CJK = re.compile(r"[\u4e00-\u9fff]")


class Term(BaseModel):
    """One glossary entry."""

    model_config = ConfigDict(extra="forbid")

    term: str = Field(min_length=1, max_length=30)
    group: str
    text: str = Field(min_length=10)
    lessons: list[str] = Field(default_factory=list)
    source: str | None = None

    @field_validator("group")
    @classmethod
    def _group(cls, v: str) -> str:
        if v not in _GROUPS:
            raise ValueError(f"分组应为其中之一：{'、'.join(_GROUPS)}")
        return v

    @field_validator("term", "text")
    @classmethod
    def _chinese(cls, v: str) -> str:
        if not _CJK.search(v):
            raise ValueError("应当用中文写")
        return v.strip()


class Glossary(BaseModel):
    """The whole glossary file."""

    model_config = ConfigDict(extra="forbid")

    terms: list[Term] = Field(min_length=1)


def load_glossary(path: str | Path = GLOSSARY_YAML) -> Glossary:
    """Load and check the glossary.

    Besides the schema, checks that terms are unique, every ``lessons`` id is
    a lesson of ``course/course.yml`` and every ``source`` is a source id of
    ``data/sources.csv``.

    Raises
    ------
    DataError
        Naming the file and ``terms.<n>.<key>`` of every problem.
    """
    from govlib.data import load_register
    from govlib.syllabus import load_syllabus
    from govlib.yamlfile import load_model

    p = Path(path)
    shown = display_path(p)
    g = load_model(p, Glossary, expect="一个映射，含 terms: [...]（术语列表）")
    lesson_ids = {les.id for les in load_syllabus(check_notebooks=False).lessons}
    source_ids = set(load_register().sources["id"])
    problems, seen = [], set()
    for i, t in enumerate(g.terms):
        if t.term in seen:
            problems.append(Problem(shown, "术语重复", column=f"terms.{i}.term", value=t.term))
        seen.add(t.term)
        for lid in t.lessons:
            if lid not in lesson_ids:
                problems.append(Problem(shown, "课程编号不在课程大纲 course/course.yml 里",
                                        column=f"terms.{i}.lessons", value=lid))
        if t.source is not None and t.source not in source_ids:
            problems.append(Problem(shown, "来源编号不在来源表 data/sources.csv 里",
                                    column=f"terms.{i}.source", value=t.source))
    if problems:
        raise DataError(problems)
    return g


# ----------------------------------------------------------------------------- page frame

_CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
max-width:52em;margin:2em auto;padding:0 1em;line-height:1.7;color:#222}
h1{font-size:1.6em;border-bottom:2px solid #b22222;padding-bottom:.3em}
h2{font-size:1.25em;margin-top:1.6em;color:#7f1010}
dl{margin:0}dt{font-weight:bold;margin-top:1em}dd{margin:.2em 0 0 1.5em}
.meta{color:#666;font-size:.9em}
ol.refs li{margin-bottom:1.1em}
.missing{color:#8a5a00}
a{color:#1f4e79}
@media print{body{max-width:none}a{color:inherit;text-decoration:none}}
"""


def _page(title: str, body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"zh-Hans\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{html.escape(title)}</title>"
            f"<style>{_CSS}</style></head><body>{body}</body></html>\n")


def _lesson_titles() -> dict[str, str]:
    from govlib.syllabus import load_syllabus

    return {les.id: les.title_zh for les in load_syllabus(check_notebooks=False).lessons}


# ----------------------------------------------------------------------------- glossary

def glossary_page(path: str | Path = GLOSSARY_YAML) -> str:
    """The course glossary as one self-contained HTML page.

    Terms are grouped (治理、统计、课程) in file order; each shows its
    explanation, the lessons that use it (by title) and, when it comes from
    one article, a link to that article in the bibliography.  Each term has
    the anchor ``term-<n>`` (n = its position in the file, from 1).

    Returns
    -------
    str
        A complete HTML document (``<!DOCTYPE html>`` …).
    """
    from govlib.data import load_register

    g = load_glossary(path)
    titles = _lesson_titles()
    reg = load_register()
    parts = ["<h1>课程词汇表</h1>",
             "<p class=\"meta\">本课程页面上出现的专门词语，按治理、统计、课程三类排列，解释都是本课程自己的话。"
             f"文章的完整出处见<a data-gv-link=\"index\" href=\"{REFERENCES_FILE}\">参考文献</a>。</p>"]
    for group in _GROUPS:
        items = [(i, t) for i, t in enumerate(g.terms, 1) if t.group == group]
        if not items:
            continue
        parts.append(f"<h2>{html.escape(group)}</h2><dl>")
        for i, t in items:
            meta = []
            if t.lessons:
                meta.append("见：" + "、".join(html.escape(titles[lid]) for lid in t.lessons))
            if t.source:
                meta.append(f"出自：<a data-gv-link=\"index\" href=\"{reference_href(t.source, prefix='')}\">"
                            f"{html.escape(reg.source(t.source)['short_zh'])}</a>")
            meta_html = f"<div class=\"meta\">{'；'.join(meta)}</div>" if meta else ""
            parts.append(f"<dt id=\"term-{i}\">{html.escape(t.term)}</dt>"
                         f"<dd>{html.escape(t.text)}{meta_html}</dd>")
        parts.append("</dl>")
    return _page("课程词汇表", "".join(parts))


# ----------------------------------------------------------------------------- references

def reference_href(source_id: str, *, prefix: str = FROM_LESSON) -> str:
    """Link to one article in the bibliography page (``…references.html#ref-<id>``)."""
    return f"{prefix}{REFERENCES_FILE}#ref-{source_id}"


def _missing(what: str) -> str:
    return f"<span class=\"missing\">{html.escape(what)}未印</span>"


def reference_entry(source_id: str) -> str:
    """One article's full reference as an HTML fragment (fields the article lacks are named)."""
    from govlib.data import load_register

    s = load_register().source(source_id)
    authors = html.escape(s["authors"]) if s["authors"] else _missing("作者")
    if s["title"]:
        title = html.escape(s["title"])
        title = (f"《{title}》" if _CJK.search(s["title"])
                 else f"<span lang=\"en\">{title}</span>（原文只印英文题名）")
    else:
        title = _missing("题名")
    if not s["venue"]:
        venue = _missing("刊物或报纸名")
    elif s["venue"].upper().startswith("ISSN"):  # only the serial number is printed, not the journal's name
        venue = f"刊名未印（国际标准连续出版物号 {html.escape(s['venue'][4:].strip())}）"
    else:
        venue = html.escape(s["venue"])
    issue = html.escape(s["issue"]) if s["issue"] else "无期号或期号未印"
    year = html.escape(str(s["year"])) if s["year"] else _missing("年份")
    date = f"；日期：{html.escape(s['date'])}" if s["date"] else ""
    note = f"<div class=\"meta\">说明：{html.escape(s['bib_note_zh'])}</div>" if s.get("bib_note_zh") else ""
    place = html.escape(s["place"] or "")
    return (f"{authors}．{title}．{venue}，{issue}，{year}{date}．"
            f"<div class=\"meta\">课程简称：{html.escape(s['short_zh'])}；研究地点：{place}</div>{note}")


def references_page() -> str:
    """The bibliography of the five articles as one self-contained HTML page.

    One numbered entry per row of ``data/sources.csv``, in file order, with
    the anchor ``ref-<source id>``: authors, title, venue, issue, year and
    date where the article prints them, an explicit 「…未印」 where it does
    not, and the reader-facing note of column ``bib_note_zh``.

    Returns
    -------
    str
        A complete HTML document.
    """
    from govlib.data import load_register

    reg = load_register()
    items = "".join(f"<li id=\"ref-{html.escape(sid)}\">{reference_entry(sid)}</li>"
                    for sid in reg.sources["id"])
    body = ("<h1>参考文献：本课程研读的五篇文章</h1>"
            "<p class=\"meta\">页面上每个数字后的出处（如“第3段”“图2”）都指下列文章中的位置；"
            "段号按本课程所用文本连续计数。原文没有印出的项目照实写“未印”，不作猜测。"
            f"专门词语见<a data-gv-link=\"index\" href=\"{GLOSSARY_FILE}\">课程词汇表</a>。</p>"
            f"<ol class=\"refs\">{items}</ol>")
    return _page("参考文献", body)
