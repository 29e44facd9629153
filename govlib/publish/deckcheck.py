"""Checks that a built deck can be projected as it is: every slide fits, shows no code, carries its notes.

Used by the deck tests (``tests/publish/test_deck_fit.py``) and usable on any
build folder.  Three kinds of check:

:func:`html_fit`
    renders ``slides.html`` in headless Chromium at a projector size and, for
    every slide, measures whether any element reaches beyond the slide box
    (one page load per deck: JavaScript steps through the slides).
:func:`html_problems`
    reads the page: ``<code>``/``<pre>``, English words or identifiers outside
    :data:`govlib.textscan.ALLOWED`, a row-number column, a slide with nothing
    but a heading, a content slide without speaker notes, notes with file
    names or code.
:func:`pptx_problems`
    opens ``slides.pptx`` with python-pptx: every shape inside the slide,
    the East Asian typeface named on every run.

Each returns :class:`DeckProblem` records naming the slide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["DeckProblem", "html_fit", "html_problems", "pptx_problems", "slide_sections", "FIT_JS",
           "notes_coverage"]


@dataclass(frozen=True)
class DeckProblem:
    """One problem on one slide (1-based ``slide``)."""

    slide: int
    title: str
    problem: str

    def __str__(self) -> str:
        return f"第{self.slide}页「{self.title}」：{self.problem}"


#: steps through every slide; returns the slides whose content reaches beyond the slide box
FIT_JS = r"""(() => {
  const secs = Array.from(document.querySelectorAll('.reveal .slides > section'));
  const out = [];
  secs.forEach((sec, i) => {
    Reveal.slide(i);
    const box = sec.getBoundingClientRect();
    const scale = box.width / sec.offsetWidth || 1;
    let over = 0;
    sec.querySelectorAll('*').forEach(el => {
      if (el.closest('aside.notes')) return;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) return;
      over = Math.max(over, (r.bottom - box.bottom) / scale, (r.right - box.right) / scale,
                      (box.left - r.left) / scale, (box.top - r.top) / scale);
    });
    over = Math.max(over, sec.scrollHeight - sec.clientHeight, sec.scrollWidth - sec.clientWidth);
    const h = sec.querySelector('h1, h2');
    if (over > 1) out.push({slide: i + 1, title: h ? h.innerText : '', over: Math.round(over)});
  });
  return out;
})()"""


def html_fit(browser, path: Path, *, width: int = 1280, height: int = 720) -> list[DeckProblem]:
    """Slides of the deck at *path* whose content runs beyond the slide at a *width* x *height* screen."""
    found = browser.evaluate(Path(path).resolve().as_uri(), FIT_JS, width=width, height=height) or []
    return [DeckProblem(f["slide"], f["title"], f"在 {width}×{height} 下内容超出幻灯片 {f['over']} 像素")
            for f in found]


@dataclass
class Section:
    """A slide of a built reveal.js page: its title, its visible HTML and its notes' text."""

    index: int
    kind: str
    title: str
    body: str
    notes: str
    exercise: str


_SECTION = re.compile(r'<section class="gv-(\w+)" data-gv-slide="(\d+)"(?: data-gv-exercise="([^"]+)")?>(.*?)</section>',
                      re.S)
_NOTES = re.compile(r'<aside class="notes">(.*?)</aside>', re.S)


def slide_sections(page: str) -> list[Section]:
    """The slides of a built ``slides.html`` (the template marks each ``<section data-gv-slide>``)."""
    import html as _html

    from govlib.textscan import visible_text

    out = []
    for m in _SECTION.finditer(page):
        inner = m.group(4)
        notes = " ".join(_NOTES.findall(inner))
        body = _NOTES.sub("", inner)
        t = re.search(r"<h[12]>(.*?)</h[12]>", body, re.S)
        out.append(Section(int(m.group(2)), m.group(1), _html.unescape(t.group(1)) if t else "", body,
                           visible_text(notes), m.group(3) or ""))
    return out


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def _row_number_column(body: str) -> bool:
    p = _Tables()
    p.feed(body)
    for rows in p.tables:
        first = [r[0] for r in rows[1:] if r]
        if len(first) >= 2 and all(re.fullmatch(r"\d+", c) for c in first):
            n = [int(c) for c in first]
            if n == list(range(n[0], n[0] + len(n))) and n[0] in (0, 1) and (not rows[0] or not rows[0][0]):
                return True
    return False


_FILEISH = re.compile(r"[A-Za-z0-9_-]+\.(?:ya?ml|csv|py|md|ipynb|json)(?![A-Za-z])"  # a file name
                      r"|[A-Za-z_][A-Za-z0-9_.]*\("                                  # a call
                      r"|(?<![A-Za-z0-9])[A-Za-z]+_[A-Za-z0-9_]+"                      # snake_case
                      r"|(?<![A-Za-z0-9])[a-z]+(?:-[a-z0-9]+)+(?![A-Za-z0-9])"         # an id like qz-a-b
                      r"|(?<![A-Za-z0-9])[A-Za-z]+\.[A-Za-z]+(?![A-Za-z0-9])")        # module.name


def html_problems(page: str) -> list[DeckProblem]:
    """What a reader of the deck should not see (see the module docstring); notes are checked too."""
    from govlib.textscan import visible_english, visible_text

    out = []
    for s in slide_sections(page):
        def bad(problem: str) -> None:
            out.append(DeckProblem(s.index, s.title, problem))

        if re.search(r"<(code|pre)\b", s.body):
            bad("显示了代码（code/pre）")
        eng = visible_english(s.body)
        if eng:
            bad("显示了英文或标识符：" + "、".join(sorted(eng)))
        if _FILEISH.search(visible_text(s.body)):
            bad("显示了文件名或代码样的文字：" + _FILEISH.search(visible_text(s.body)).group(0))
        if _row_number_column(s.body):
            bad("表格有行号列")
        body_only = re.sub(r"<h[12]>.*?</h[12]>", "", s.body, flags=re.S)
        if not visible_text(body_only).strip() and "<img" not in body_only:
            bad("只有标题，没有内容")
        if s.kind != "title" and not s.notes.strip():
            bad("没有讲者备注")
        if s.notes:
            words = visible_english(f"<p>{s.notes}</p>")
            if words or _FILEISH.search(s.notes):
                bad("讲者备注里有文件名、代码或英文：" + "、".join(sorted(words) or [_FILEISH.search(s.notes).group(0)]))
        if s.kind == "exercise" and not {"参考答案", "參考答案"} & _words(s.notes):
            bad("练习页的备注没有参考答案")
        if s.kind == "discussion" and not {"评分要点", "評分要點"} & _words(s.notes):
            bad("讨论页的备注没有评分要点")
    return out


def _words(notes: str) -> set[str]:
    return {w for w in ("参考答案", "參考答案", "评分要点", "評分要點") if w in notes}


def notes_coverage(page: str) -> tuple[int, int]:
    """(content slides with notes, content slides) of a built deck (the title slide is not counted)."""
    secs = [s for s in slide_sections(page) if s.kind != "title"]
    return sum(bool(s.notes.strip()) for s in secs), len(secs)


def pptx_problems(path: Path, *, ea_faces: tuple[str, ...]) -> list[DeckProblem]:
    """Shapes beyond the slide, and runs without one of *ea_faces* as their East Asian typeface."""
    from pptx import Presentation
    from pptx.oxml.ns import qn

    prs = Presentation(str(path))
    W, H = prs.slide_width, prs.slide_height
    out = []
    for i, slide in enumerate(prs.slides, 1):
        title = next((sh.text_frame.text for sh in slide.shapes if sh.has_text_frame and sh.text_frame.text), "")
        for sh in slide.shapes:
            if sh.left < 0 or sh.top < 0 or sh.left + sh.width > W or sh.top + sh.height > H:
                out.append(DeckProblem(i, title, f"形状「{sh.name}」超出幻灯片"))
            runs = []
            if sh.has_text_frame:
                runs = [r for p in sh.text_frame.paragraphs for r in p.runs]
            elif sh.has_table:
                runs = [r for row in sh.table.rows for c in row.cells for p in c.text_frame.paragraphs for r in p.runs]
            for r in runs:
                ea = r._r.find(qn("a:rPr") + "/" + qn("a:ea"))
                if r.text.strip() and (ea is None or ea.get("typeface") not in ea_faces):
                    out.append(DeckProblem(i, title, f"文字「{r.text[:12]}」没有指定中文字体"))
                    break
    return out
