"""``slides.pptx``: the same deck as ``slides.html``, slide for slide, editable in PowerPoint or WPS (python-pptx).

16:9 (13.333 x 7.5 in); charts as pictures scaled into the space left; table
excerpts as real tables; speaker notes from the deck's notes.  The file is
byte-identical across builds (package dates from ``SOURCE_DATE_EPOCH``, fixed
zip time stamps).

Every shape inside the slide
    Text is measured before it is placed: each paragraph is wrapped with the
    advance widths of the bundled face (Noto Sans CJK, the face the charts use;
    a CJK glyph is one em in it as in 微软雅黑), at a line height of
    :data:`LINE` em (Noto's own line gap, taller than 微软雅黑's, so a box
    sized for it also holds the PowerPoint rendering).  A box that would not
    fit is set in a smaller size, step by step down to a floor; the deck
    builder keeps slides short enough that the floor is not reached
    (``tests/publish/test_deck_fit.py`` checks every shape's box against the
    slide, and renders a deck through LibreOffice to look for ink beyond it).

Fonts
    Every run names :data:`FONT` (微软雅黑; 微軟正黑體 in the Traditional deck)
    as its Latin, East Asian (``a:ea``) and complex-script typeface, with the
    face's PANOSE number and GB2312 (Big5) character set, so that:

    * PowerPoint and WPS on Windows use 微软雅黑, which every Chinese Windows
      since Vista has, and WPS ships;
    * PowerPoint without it substitutes by character set and PANOSE, i.e. a
      GB2312 sans face (等线 or 黑体);
    * LibreOffice (checked with ``soffice --headless --convert-to pdf`` on
      Debian 12, LibreOffice 7.4) finds no 微软雅黑; fontconfig matches the
      name to DejaVu Sans, which draws the Latin letters and digits, and the
      glyph fallback draws every Chinese character in the installed Noto Sans
      CJK collection (``fonts-noto-cjk``).  ``pdffonts`` names the collection's
      JP member even though the runs say ``lang="zh-CN"``: most glyphs are the
      same, a few characters shared with Japanese (e.g. 直、骨) take the
      Japanese form.  The layout measured above holds (Noto is the taller
      face).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import io
import os
import zipfile

from govlib.publish.slides import Block, Slide

__all__ = ["render_pptx", "FONT", "FONT_HANT", "measure_lines", "LINE"]

FONT = "微软雅黑"
FONT_HANT = "微軟正黑體"
_FACE_ATTRS = {FONT: {"panose": "020B0503020204020204", "charset": "-122", "pitchFamily": "34"},
               FONT_HANT: {"panose": "020B0604030504040204", "charset": "-120", "pitchFamily": "34"}}
_W, _H = 13.333, 7.5
_LEFT, _RIGHT, _BOTTOM = 0.55, 0.55, 0.4
#: line height in em used to size text boxes (Noto Sans CJK's ascent + descent is 1.448 em)
LINE = 1.5
_INSET_X, _INSET_Y = 0.1, 0.05
_RED, _INK, _MUTED = "B3202A", "1F2328", "5B6470"


@functools.lru_cache(maxsize=2)
def _face(hant: bool):
    from PIL import ImageFont

    from govlib.plotting import font_path

    return ImageFont.truetype(str(font_path()), 100, index=3 if hant else 2)


def measure_lines(text: str, width_in: float, size_pt: float, *, hant: bool = False) -> int:
    """How many lines *text* takes in a box *width_in* inches wide at *size_pt* (greedy wrap, 5% slack)."""
    face = _face(hant)
    avail = width_in * 72 / size_pt * 100 * 0.95  # in font units at size 100
    lines, cur = 1, 0.0
    for ch in text:
        w = face.getlength(ch)
        if cur + w > avail and cur > 0:
            lines, cur = lines + 1, w
        else:
            cur += w
    return lines


def _text_height(paras: list[str], width_in: float, size: float, hant: bool, gap: float) -> float:
    inner = width_in - 2 * _INSET_X
    lines = sum(measure_lines(p, inner, size, hant=hant) for p in paras)
    return 2 * _INSET_Y + lines * size * LINE / 72 + max(0, len(paras) - 1) * gap / 72


def _fit(paras: list[str], width_in: float, max_h: float, sizes: tuple[float, ...], hant: bool, gap: float):
    """The largest size in *sizes* at which *paras* fit *max_h* inches, and the box height at that size."""
    for size in sizes:
        h = _text_height(paras, width_in, size, hant, gap)
        if h <= max_h:
            return size, h
    size = sizes[-1]
    return size, min(max_h, _text_height(paras, width_in, size, hant, gap))


def _font(run, face: str, size: float, bold: bool = False, color: str | None = None):
    from pptx.dml.color import RGBColor
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    f = run.font
    f.size = Pt(size)
    f.bold = bold or None
    if color:
        f.color.rgb = RGBColor.from_string(color)
    rpr = run._r.get_or_add_rPr()
    # the language picks the right CJK variant when a renderer falls back (LibreOffice: Noto Sans CJK SC/TC)
    rpr.set("lang", "zh-TW" if face == FONT_HANT else "zh-CN")
    rpr.set("altLang", "en-US")
    for tag in ("a:latin", "a:ea", "a:cs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = rpr.makeelement(qn(tag), {})
            rpr.append(el)
        el.set("typeface", face)
        for k, v in _FACE_ATTRS.get(face, {}).items():
            el.set(k, v)


def _box(slide, left, top, width, height, paras, size, face, *, color=_INK, bold=False, gap=6.0,
         align=None, name=""):
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    if name:
        box.name = name
    tf = box.text_frame
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.margin_left = tf.margin_right = Inches(_INSET_X)
    tf.margin_top = tf.margin_bottom = Inches(_INSET_Y)
    for i, text in enumerate(paras):
        para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        para.space_after = Pt(gap)
        para.line_spacing = 1.2
        if align is not None:
            para.alignment = align
        run = para.add_run()
        run.text = text
        _font(run, face, size, bold, color)
    return box


def _title(slide, s: Slide, face: str, hant: bool) -> float:
    """The slide title; returns where the body starts (inches from the top)."""
    from pptx.enum.text import PP_ALIGN

    width = _W - _LEFT - _RIGHT
    if s.kind == "title":
        size, h = _fit([s.title], width, 2.3, (40, 36, 32, 28), hant, 0)
        top = 1.7
        _box(slide, _LEFT, top, width, h, [s.title], size, face, color=_RED, bold=True, align=PP_ALIGN.CENTER,
             name="标题")
        top += h + 0.15
        if s.subtitle:
            size2, h2 = _fit([s.subtitle], width, 1.0, (22, 20, 18), hant, 0)
            _box(slide, _LEFT, top, width, h2, [s.subtitle], size2, face, color=_MUTED, align=PP_ALIGN.CENTER,
                 name="副标题")
            top += h2 + 0.25
        return top
    size, h = _fit([s.title], width, 1.1, (30, 26, 22), hant, 0)
    _box(slide, _LEFT, 0.3, width, h, [s.title], size, face, color=_RED, bold=True, name="标题")
    line = slide.shapes.add_connector(1, _emu(_LEFT), _emu(0.3 + h + 0.05), _emu(_W - _RIGHT), _emu(0.3 + h + 0.05))
    line.line.color.rgb = _rgb(_RED)
    line.line.width = _emu(0.03)
    line.name = "标题线"
    return 0.3 + h + 0.25


def _emu(inches: float) -> int:
    from pptx.util import Inches

    return int(Inches(inches))


def _rgb(hexstr: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hexstr)


def _table(slide, b: Block, top: float, bottom: float, face: str, hant: bool) -> float:
    from pptx.util import Inches, Pt

    width = _W - _LEFT - _RIGHT
    rows = b.rows
    ncol = max(len(r) for r in rows)
    rows = [r + [""] * (ncol - len(r)) for r in rows]
    if b.caption:
        cs, ch = _fit([b.caption], width, 0.8, (18, 16, 14), hant, 0)
        _box(slide, _LEFT, top, width, ch, [b.caption], cs, face, bold=True, name="表题")
        top += ch
    more_h = 0.55 if b.more else 0.0
    avail = bottom - top - more_h
    # column widths in proportion to the longest cell (capped, so one long column does not squeeze the
    # short ones into wrapping), at least 1.2 inches
    longest = [max(2, max(len(r[j]) for r in rows)) for j in range(ncol)]
    total = sum(min(20, n) for n in longest)
    widths = [max(1.2, width * min(20, n) / total) for n in longest]
    scale = width / sum(widths)
    widths = [w * scale for w in widths]
    for size in (18, 16, 14, 12, 11, 10):
        # cells are measured with room to spare: header cells are bold, and LibreOffice adds space
        # between Chinese and Latin characters
        heights = [max(2 * 0.04 + measure_lines(c or " ", w - 0.35, size * 1.08, hant=hant) * size * LINE / 72
                       for c, w in zip(r, widths)) for r in rows]
        if sum(heights) <= avail:
            break
    shape = slide.shapes.add_table(len(rows), ncol, Inches(_LEFT), Inches(top), Inches(width), Inches(sum(heights)))
    shape.name = "表格"
    for j, w in enumerate(widths):
        shape.table.columns[j].width = Inches(w)
    for i, r in enumerate(rows):
        shape.table.rows[i].height = Inches(heights[i])
        for j, text in enumerate(r):
            cell = shape.table.cell(i, j)
            cell.margin_top = cell.margin_bottom = Inches(0.04)
            cell.margin_left = cell.margin_right = Inches(0.1)
            cell.text = ""
            run = cell.text_frame.paragraphs[0].add_run()
            run.text = text
            _font(run, face, size, i == 0, _INK if i else "FFFFFF")
    top += sum(heights) + 0.15
    if b.more:
        _box(slide, _LEFT, top, width, 0.4, [b.more], 14, face, color=_MUTED, name="说明")
        top += 0.4
    return top


def _blocks(slide, s: Slide, top: float, face: str, hant: bool) -> None:
    from PIL import Image
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches

    bottom = _H - _BOTTOM
    width = _W - _LEFT - _RIGHT
    has_image = any(b.kind in ("image", "table") for b in s.blocks)
    for b in s.blocks:
        room = bottom - top
        if b.kind == "points":
            paras = b.items if s.kind == "title" else [f"• {t}" for t in b.items]
            limit = min(room, 1.9) if has_image else room
            sizes = (22, 20, 18, 16) if s.kind == "title" else (24, 22, 20, 18, 16, 14)
            size, h = _fit(paras, width, limit, sizes, hant, 10)
            _box(slide, _LEFT, top, width, h, paras, size, face, gap=10,
                 align=PP_ALIGN.CENTER if s.kind == "title" else None, name="要点")
            top += h + 0.1
        elif b.kind == "question":
            q, opts = b.items[:1], b.items[1:]
            size, h = _fit(q, width, room * (0.6 if opts else 1.0), (28, 26, 24, 22, 20, 18, 16), hant, 0)
            _box(slide, _LEFT, top, width, h, q, size, face, name="问题")
            top += h + 0.15
            if opts:
                paras = [f"{chr(65 + i)}. {o}" for i, o in enumerate(opts)]
                size, h = _fit(paras, width, bottom - top, (22, 20, 18, 16, 14), hant, 6)
                _box(slide, _LEFT + 0.3, top, width - 0.3, h, paras, size, face, name="选项")
                top += h
        elif b.kind == "image":
            cap_h = 0.0
            if b.caption:
                cs, cap_h = _fit([b.caption], width, 0.9, (18, 16, 14), hant, 0)
            data = base64.b64decode(b.png_b64)
            w, h = Image.open(io.BytesIO(data)).size
            avail_h = max(0.5, room - cap_h - 0.1)
            scale = min(width / w, avail_h / h)
            pw, ph = w * scale, h * scale
            pic = slide.shapes.add_picture(io.BytesIO(data), Inches((_W - pw) / 2), Inches(top), Inches(pw),
                                           Inches(ph))
            pic.name = "图表"
            pic._element.nvPicPr.cNvPr.set("descr", b.alt or b.caption)
            top += ph + 0.05
            if b.caption:
                _box(slide, _LEFT, top, width, cap_h, [b.caption], cs, face, color=_MUTED, align=PP_ALIGN.CENTER,
                     name="图注")
                top += cap_h
        elif b.kind == "table":
            top = _table(slide, b, top, bottom, face, hant)


def render_pptx(deck: list[Slide], *, hant: bool = False, epoch: int | None = None) -> bytes:
    """The deck as a 16:9 ``.pptx`` (bytes, deterministic), one slide per :class:`Slide`."""
    from pptx import Presentation

    face = FONT_HANT if hant else FONT
    prs = Presentation()
    prs.slide_width, prs.slide_height = _emu(_W), _emu(_H)
    blank = prs.slide_layouts[6]
    for s in deck:
        slide = prs.slides.add_slide(blank)
        top = _title(slide, s, face, hant)
        _blocks(slide, s, top, face, hant)
        if s.notes:
            tf = slide.notes_slide.notes_text_frame
            tf.text = "\n".join(s.notes)
            for para in tf.paragraphs:
                for run in para.runs:
                    _font(run, face, 12)
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
