"""``slides.pptx``: the same deck as ``slides.html``, editable in PowerPoint or WPS (python-pptx).

16:9 (13.33 x 7.5 in); every run of text in a CJK font (the East Asian
typeface is set, not only the Latin one, or PowerPoint falls back to a font
without Chinese glyphs); charts as PNG pictures scaled to fit; tables as
real PowerPoint tables; speaker notes from the deck's notes.  The file is
byte-identical across builds: the package dates come from
``SOURCE_DATE_EPOCH`` and the zip entries carry a fixed time stamp.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
import re
import zipfile
from html.parser import HTMLParser

from govlib.publish.slides import Block, Slide

__all__ = ["render_pptx", "html_to_parts", "FONT"]

FONT = "Noto Sans CJK SC"
FONT_HANT = "Noto Sans CJK TC"
_W, _H = 13.333, 7.5


class _Parts(HTMLParser):
    """HTML -> paragraphs (text, level) and tables (rows of cells)."""

    BLOCK = {"p", "div", "li", "br", "h1", "h2", "h3", "h4", "caption", "tr", "ul", "ol"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[tuple[str, object]] = []
        self.buf: list[str] = []
        self.table: list[list[str]] | None = None
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.depth = 0
        self.skip = 0

    def _flush(self):
        text = re.sub(r"\s+", " ", "".join(self.buf)).strip()
        if text:
            self.parts.append(("p", (text, self.depth)))
        self.buf = []

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.skip += 1
        elif tag == "table":
            self._flush()
            self.table = []
        elif tag == "tr" and self.table is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag in ("ul", "ol"):
            self._flush()
            self.depth += 1
        elif tag in self.BLOCK and self.table is None:
            self._flush()

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.skip -= 1
        elif tag == "table" and self.table is not None:
            if self.table:
                self.parts.append(("table", self.table))
            self.table = None
        elif tag == "tr" and self.row is not None:
            if self.table is not None and self.row:
                self.table.append(self.row)
            self.row = None
        elif tag in ("td", "th") and self.cell is not None:
            if self.row is not None:
                self.row.append(re.sub(r"\s+", " ", "".join(self.cell)).strip())
            self.cell = None
        elif tag in ("ul", "ol"):
            self._flush()
            self.depth = max(0, self.depth - 1)
        elif tag in self.BLOCK and self.table is None:
            self._flush()

    def handle_data(self, data):
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        elif self.table is None:
            self.buf.append(data)

    def close(self):
        super().close()
        self._flush()


def html_to_parts(fragment: str) -> list[tuple[str, object]]:
    """Paragraphs ``("p", (text, level))`` and tables ``("table", rows)`` of an HTML fragment."""
    p = _Parts()
    p.feed(fragment)
    p.close()
    return p.parts


def _font(run, size: int | None = None, bold: bool = False, color: str | None = None, face: str = FONT):
    from pptx.dml.color import RGBColor
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    f = run.font
    f.name = face
    if size:
        f.size = Pt(size)
    f.bold = bold or None
    if color:
        f.color.rgb = RGBColor.from_string(color)
    rpr = run._r.get_or_add_rPr()
    for tag in ("a:ea", "a:cs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = rpr.makeelement(qn(tag), {})
            rpr.append(el)
        el.set("typeface", face)


def _text_box(slide, left, top, width, height, paras, size, face, color="1F2328", bold=False):
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    tf = box.text_frame
    tf.word_wrap = True
    for i, (text, level) in enumerate(paras):
        para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        para.space_after = Pt(4)
        run = para.add_run()
        run.text = ("• " if level else "") + text
        _font(run, size, bold, color, face)
    return box


def _row_height(row: list[str], col_width: float, size: float) -> float:
    """Estimated height (inches) of a table row whose cells wrap at *col_width* inches."""
    per_line = max(1, int(col_width / (size / 72 * 1.05)))  # a CJK glyph is about one em wide
    lines = max((len(c) + per_line - 1) // per_line for c in row) if row else 1
    return 0.08 + max(1, lines) * size / 72 * 1.25


def _table(slide, rows, left, top, width, face, max_height):
    """A table cut to the rows that fit in *max_height*; a cut one ends with a row saying so."""
    from pptx.util import Inches, Pt

    size = 10
    ncol = max(len(r) for r in rows)
    col_w = width / ncol
    kept, used = [], 0.0
    for i, r in enumerate(rows):
        h = _row_height(r, col_w, size)
        if kept and used + h > max_height - (0.3 if i < len(rows) - 1 else 0):
            kept.append([f"……（共 {len(rows) - 1} 行，其余见讲义）"] + [""] * (ncol - 1))
            used += 0.3
            break
        kept.append(r)
        used += h
    shape = slide.shapes.add_table(len(kept), ncol, Inches(left), Inches(top), Inches(width),
                                   Inches(used))
    for i, r in enumerate(kept):
        for j in range(ncol):
            cell = shape.table.cell(i, j)
            cell.text = ""
            run = cell.text_frame.paragraphs[0].add_run()
            run.text = r[j] if j < len(r) else ""
            _font(run, size, i == 0, None, face)
            cell.margin_top = cell.margin_bottom = Pt(2)
    return used


def render_pptx(deck: list[Slide], *, hant: bool = False, epoch: int | None = None) -> bytes:
    """The deck as a 16:9 ``.pptx`` (bytes, deterministic)."""
    from pptx import Presentation
    from pptx.util import Inches

    face = FONT_HANT if hant else FONT
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(_W), Inches(_H)
    blank = prs.slide_layouts[6]
    for s in deck:
        slide = prs.slides.add_slide(blank)
        if s.kind == "title":
            _text_box(slide, 0.8, 2.3, _W - 1.6, 1.2, [(s.title, 0)], 40, face, "B3202A", True)
            _text_box(slide, 0.8, 3.6, _W - 1.6, 0.6, [(s.subtitle, 0)], 22, face, "5B6470")
            top = 4.4
        else:
            _text_box(slide, 0.5, 0.3, _W - 1.0, 0.8, [(s.title, 0)], 30, face, "B3202A", True)
            top = 1.2
        _blocks(slide, s.blocks, top, face)
        if s.notes:
            text = "\n".join(t for n in s.notes for kind, val in html_to_parts(n) if kind == "p"
                             for t in [val[0]])
            tf = slide.notes_slide.notes_text_frame
            tf.text = text
            for para in tf.paragraphs:
                for run in para.runs:
                    _font(run, 12, face=face)
    when = dt.datetime.fromtimestamp(epoch if epoch is not None else
                                     int(os.environ.get("SOURCE_DATE_EPOCH", "1704067200")), dt.timezone.utc)
    cp = prs.core_properties
    cp.created = cp.modified = when.replace(tzinfo=None)
    cp.last_modified_by = cp.author = "govlib"
    cp.title = deck[0].title if deck else ""
    cp.revision = 1
    raw = io.BytesIO()
    prs.save(raw)
    return _fixed_zip(raw.getvalue())


def _blocks(slide, blocks: list[Block], top: float, face: str) -> None:
    from pptx.util import Inches
    from PIL import Image

    bottom = _H - 0.3
    paras: list[tuple[str, int]] = []

    def flush():
        nonlocal top, paras
        if paras:
            lines = sum(1 + len(t) // 48 for t, _ in paras)
            height = min(bottom - top, 0.42 * lines + 0.2)
            size = 18 if lines <= 10 else 14
            _text_box(slide, 0.6, top, _W - 1.2, height, paras, size, face)
            top += height
            paras = []

    for b in blocks:
        if b.kind == "image":
            flush()
            data = base64.b64decode(b.png_b64)
            w, h = Image.open(io.BytesIO(data)).size
            avail_h, avail_w = max(1.0, bottom - top), _W - 1.2
            scale = min(avail_w / w, avail_h / h)
            pic = slide.shapes.add_picture(io.BytesIO(data), Inches((_W - w * scale) / 2), Inches(top),
                                           Inches(w * scale), Inches(h * scale))
            pic.name = b.alt or "图表"
            top += h * scale + 0.1
            continue
        for kind, val in html_to_parts(b.html):
            if kind == "p":
                paras.append(val)
            elif kind == "table" and top < bottom - 0.6:
                flush()
                top += _table(slide, val, 0.6, top, _W - 1.2, face, bottom - top) + 0.1
    flush()


def _fixed_zip(data: bytes) -> bytes:
    """Re-pack a zip with fixed time stamps and order (python-pptx stamps entries with the clock)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()
