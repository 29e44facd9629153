"""Slides from a lesson: which cells go on which slide, and the reveal.js deck (``slides.html``).

The convention (documented in the README, "Writing a lesson")
------------------------------------------------------------
A cell may say where it goes with Jupyter's standard slideshow metadata
(the same key RISE and ``nbconvert --to slides`` read)::

    +++ {"slideshow": {"slide_type": "slide"}}        <- Markdown cell, MyST

    ```{code-cell} ipython3
    ---
    slideshow: {slide_type: skip}
    ---
    ```

``slide`` / ``subslide``
    start a new slide with this cell;
``fragment``, ``-``
    stay on the current slide;
``skip``
    not on the slides;
``notes``
    speaker notes of the current slide.

A cell without the key gets a default, so every lesson has a deck:

* the title slide (lesson, course, minutes) and a slide of the syllabus'
  learning objectives replace the lesson's first Markdown cell;
* a Markdown cell that begins with a ``##`` or ``###`` heading starts a slide
  titled by that heading;
* ``instructor`` cells become speaker notes (teaching notes, timing and
  discussion hints, shown with the ``S`` key);
* ``solution``, ``parameters``/``injected-parameters`` cells and the outputs
  of ``exercise`` cells (the checker's verdicts) are never on a slide;
* code is never shown: a code cell contributes its outputs (figures, tables,
  the register's sentences), nothing else;
* a slide holds at most one chart or one long table: the next one continues
  on a slide with the same title and "（续）".

The deck is a list of :class:`Slide`; :func:`render_reveal` writes the
reveal.js page and :mod:`govlib.publish.pptx_deck` the PowerPoint file from
the same list.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govlib import paths
from govlib.publish.maths import markdown_maths

__all__ = ["Block", "Slide", "build_deck", "render_reveal", "slide_type", "VENDOR"]

#: vendored reveal.js (npm ``reveal.js``, MIT licence in the folder)
VENDOR = Path(paths.TEMPLATES) / "vendor" / "revealjs"

SKIP_TAGS = frozenset({"solution", "parameters", "injected-parameters"})
NOTES_TAGS = frozenset({"instructor"})
_HEADING = re.compile(r"^\s*(#{1,3})\s+(.+?)\s*$", re.M)
_CONT = "（续）"


@dataclass
class Block:
    """One piece of a slide: ``html`` (rendered text or a table) or ``image`` (PNG)."""

    kind: str
    html: str = ""
    png_b64: str = ""
    alt: str = ""

    @property
    def weight(self) -> int:
        if self.kind == "image":
            return 1000
        text = re.sub(r"<[^>]+>", "", self.html)
        return len(text) + 60 * self.html.count("<tr")


@dataclass
class Slide:
    """A slide: a title, blocks, and speaker notes (HTML fragments)."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kind: str = "content"  # "title", "objectives" or "content"
    subtitle: str = ""

    @property
    def weight(self) -> int:
        return sum(b.weight for b in self.blocks)


def slide_type(cell) -> str | None:
    """The cell's declared ``slideshow.slide_type`` (``None`` when it declares none)."""
    st = (cell.get("metadata", {}).get("slideshow") or {}).get("slide_type")
    return st if st in ("slide", "subslide", "fragment", "skip", "notes", "-") else None


def _md(source: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(markdown_maths(source))


def _tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags") or [])


def _output_blocks(cell) -> list[Block]:
    blocks = []
    for out in cell.get("outputs", []):
        data = out.get("data") or {}
        if out.get("output_type") not in ("display_data", "execute_result"):
            continue
        if "image/png" in data:
            b64 = data["image/png"]
            b64 = "".join(b64) if isinstance(b64, list) else b64
            blocks.append(Block("image", png_b64=b64.replace("\n", ""), alt=_alt(cell)))
        elif "text/html" in data:
            text = data["text/html"]
            blocks.append(Block("html", html="".join(text) if isinstance(text, list) else text))
        elif "text/markdown" in data:
            text = data["text/markdown"]
            blocks.append(Block("html", html=_md("".join(text) if isinstance(text, list) else text)))
    return blocks


def _alt(cell) -> str:
    m = re.search(r"title\s*=\s*[\"']([^\"']+)[\"']", cell.get("source", ""))
    return m.group(1) if m else "图表"


def _notes_html(cell) -> str:
    if cell.cell_type == "markdown":
        return _md(cell.source)
    return "".join(b.html for b in _output_blocks(cell) if b.kind == "html")


def build_deck(nb, *, lesson_title: str, course_title: str, objectives: list[str], minutes: int | None,
               set_name: str, set_note: str = "") -> list[Slide]:
    """Cut an executed (instructor) notebook into slides; see the module docstring for the rules."""
    title = Slide(lesson_title, kind="title", subtitle=course_title)
    if minutes:
        which = "默认参数" if set_name == "default" else f"参数集 <code>{html.escape(set_name)}</code>"
        title.blocks.append(Block("html", html=f"<p>课时约 {int(minutes)} 分钟 · {which}</p>"))
    if set_note:
        title.blocks.append(Block("html", html=f"<p>{html.escape(set_note)}</p>"))
    slides = [title]
    if objectives:
        items = "".join(f"<li>{html.escape(o)}</li>" for o in objectives)
        slides.append(Slide("学习目标", [Block("html", html=f"<ol>{items}</ol>")], kind="objectives"))
    current = slides[-1]
    first_md = True

    def new(t: str) -> Slide:
        s = Slide(t)
        slides.append(s)
        return s

    def add(block: Block) -> None:
        nonlocal current
        heavy = block.kind == "image" or block.html.count("<tr") > 6
        if current.kind != "content" or (current.blocks and (
                (heavy and current.weight > 150) or current.weight + block.weight > 1100)):
            base = current.title if current.kind == "content" else lesson_title
            current = new(base if base.endswith(_CONT) else base + _CONT)
        current.blocks.append(block)

    for cell in nb.cells:
        tags = _tags(cell)
        declared = slide_type(cell)
        if declared == "skip" or (declared is None and tags & SKIP_TAGS):
            continue
        if declared == "notes" or (declared is None and tags & NOTES_TAGS):
            html_notes = _notes_html(cell)
            if html_notes.strip():
                current.notes.append(html_notes)
            continue
        if cell.cell_type == "markdown":
            source = cell.source
            if first_md and declared is None:
                first_md = False
                if source.lstrip().startswith("# "):
                    continue  # the title and objectives slides stand for it
            first_md = False
            m = _HEADING.match(source.split("\n", 1)[0]) if source.strip() else None
            if declared in ("slide", "subslide") or (declared is None and m and len(m.group(1)) >= 2):
                current = new(m.group(2) if m else (current.title.removesuffix(_CONT) + _CONT))
                if m:
                    source = source.split("\n", 1)[1] if "\n" in source else ""
            if source.strip():
                add(Block("html", html=_md(source)))
        elif cell.cell_type == "code":
            if "exercise" in tags:
                continue  # the checker's verdicts are not for the projector
            if declared in ("slide", "subslide"):
                current = new(current.title.removesuffix(_CONT) + _CONT)
            for b in _output_blocks(cell):
                add(b)
    # a slide whose blocks all moved on, or a heading with nothing under it, is dropped
    return [s for s in slides if s.kind != "content" or s.blocks or s.notes]


def _inline_js(path: Path) -> str:
    return path.read_text(encoding="utf-8").replace("</script", "<\\/script")


def render_reveal(deck: list[Slide], *, lesson_title: str, course_title: str, lang: str = "zh-Hans") -> str:
    """The self-contained reveal.js page (reveal.js and its notes plugin inlined)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(paths.TEMPLATES)),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    page = env.get_template("site/slides.html.j2").render(
        deck=deck, lesson_title=lesson_title, course_title=course_title, lang=lang,
        reveal_css=(VENDOR / "reveal.css").read_text(encoding="utf-8"),
        reveal_js=_inline_js(VENDOR / "reveal.js"), notes_js=_inline_js(VENDOR / "notes.js"))
    return "\n".join(line.rstrip() for line in page.splitlines()) + "\n"
