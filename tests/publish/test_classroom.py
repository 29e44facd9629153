"""Classroom outputs of the real course (issue 11): slides, the editable deck, PDF handouts, answer key.

Uses the course build every course-level test shares (``course`` fixture,
``course/_build``).  For each lesson's default set: the deck opens in headless
Chromium with no network and shows a title slide and a chart slide with
Chinese text; the pptx opens with python-pptx, is 16:9 and has speaker notes
in a CJK font; both PDFs embed a named CJK font, contain the lesson title and
have no page more than half empty except the last; the answer page and the
instructor page show every exercise's expected value from ``answer_key``.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess

import pytest

from govlib import paths
from govlib.publish.outputs import OUTPUTS

# the one whole-course build the course-level tests share (built once per session, file-locked)
from test_course import course, syllabus  # noqa: F401

pytestmark = pytest.mark.slow

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")


def _default_dirs(course, syllabus):
    return [(les, course / "lessons" / les.id / "default") for les in syllabus.lessons]


def _resolved(lesson, name="default"):
    from govlib.publish.params import read_parameters

    values = read_parameters(paths.ROOT / lesson.notebook).defaults()
    values.update(lesson.params[name] or {})
    return values


def _ink_rows(png: bytes):
    """Per pixel row of a page image: does it hold anything darker than near-white?"""
    import numpy as np
    from PIL import Image

    a = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    return (a < 200).any(axis=1), a


def test_every_output_is_built_for_every_set(course, syllabus):
    for les in syllabus.lessons:
        for name in les.params:
            for out in OUTPUTS.values():
                f = course / "lessons" / les.id / name / out.filename
                assert f.is_file() and f.stat().st_size > 0, f


def test_index_links_every_output_with_a_chinese_description(course, syllabus):
    index = (course / "index.html").read_text(encoding="utf-8")
    for out in OUTPUTS.values():
        assert html.escape(out.description_zh) in index or out.description_zh in index, out.edition
        assert re.search(r"[\u4e00-\u9fff]", out.description_zh)
    for les in syllabus.lessons:
        for name in les.params:
            for out in OUTPUTS.values():
                assert f'href="lessons/{les.id}/{name}/{out.filename}"' in index


def test_slides_render_offline_title_and_chart(course, syllabus, tmp_path):
    from govlib.publish.browser import Browser

    shots = 0
    with Browser() as b:
        for les, d in _default_dirs(course, syllabus):
            url = (d / "slides.html").as_uri()
            info = b.evaluate(url, """(() => {
                const s = Array.from(document.querySelectorAll('.slides > section'));
                return {total: Reveal.getTotalSlides(), chart: s.findIndex(x => x.querySelector('img')),
                        title: s[0].innerText, failed: performance.getEntriesByType('resource')
                          .filter(r => !r.name.startsWith('data:') && !r.name.startsWith('file:')).length};
            })()""")
            assert info["total"] >= 4, les.id
            assert les.title_zh in info["title"]
            assert info["failed"] == 0, les.id  # nothing requested outside the file
            title_png = b.screenshot(url, width=1280, height=720)
            ink, arr = _ink_rows(title_png)
            assert ink.mean() > 0.03, f"{les.id}: blank title slide"
            (tmp_path / f"{les.id}-title.png").write_bytes(title_png)
            shots += 1
            if info["chart"] >= 0:
                png = b.screenshot(url, width=1280, height=720, script=f"Reveal.slide({info['chart']})")
                ink, arr = _ink_rows(png)
                assert ink.mean() > 0.2, f"{les.id}: chart slide looks blank"
                assert (arr < 250).mean() > 0.02
                (tmp_path / f"{les.id}-chart.png").write_bytes(png)
                shots += 1
    assert shots >= len(syllabus.lessons) + 4  # most lessons have a chart


def test_slides_hold_no_code_no_solution_and_notes_from_instructor_cells(course, syllabus):
    for les, d in _default_dirs(course, syllabus):
        page = (d / "slides.html").read_text(encoding="utf-8")
        body = page[page.index('<div class="slides">'):page.index("<script>")]
        assert 'class="highlight' not in body and "jp-InputArea" not in body, les.id
        assert "【正确】" not in re.sub(r'<aside class="notes">.*?</aside>', "", body, flags=re.S)
        assert '<aside class="notes">' in body, f"{les.id}: no speaker notes"


def test_pptx_is_16_9_with_notes_and_cjk_font(course, syllabus):
    from pptx import Presentation
    from pptx.util import Inches

    for les, d in _default_dirs(course, syllabus):
        prs = Presentation(str(d / "slides.pptx"))
        assert abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.01
        assert prs.slide_width == Inches(13.333) or abs(prs.slide_width - Inches(13.333)) < Inches(0.01)
        slides = list(prs.slides)
        assert len(slides) >= 4
        texts = [sh.text_frame.text for sh in slides[0].shapes if sh.has_text_frame]
        assert any(les.title_zh in t for t in texts)
        notes = [s.notes_slide.notes_text_frame.text for s in slides if s.has_notes_slide]
        assert any(n.strip() for n in notes), les.id
        xml = slides[0].shapes[0]._element.xml
        assert '<a:ea typeface="微软雅黑"' in xml  # a face Windows and WPS have (see govlib/publish/pptx_deck.py)
    pics = sum(1 for les, d in _default_dirs(course, syllabus)
               for s in Presentation(str(d / "slides.pptx")).slides for sh in s.shapes if sh.shape_type == 13)
    assert pics >= 5


@needs_poppler
@pytest.mark.parametrize("which", ["student", "instructor"])
def test_pdf_handouts(course, syllabus, which):
    for les, d in _default_dirs(course, syllabus):
        pdf = d / f"{which}.pdf"
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"WenQuanYi|NotoSans\w*CJK|SourceHan", fonts), f"{les.id}: no named CJK font\n{fonts}"
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert les.title_zh in text.replace("\n", "") or les.title_zh.replace(" ", "") in text.replace(" ", "")
        assert "In [" not in text and "Out[" not in text
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "595" in info and "841" in info  # A4
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        # page images at low resolution: the body (between header and footer) of every page but the last
        # must be at least half used
        out = subprocess.run(["pdftoppm", "-r", "20", "-gray", str(pdf)], capture_output=True, check=True).stdout
        imgs = _split_pgm(out)
        assert len(imgs) == pages
        for i, img in enumerate(imgs[:-1], 1):
            h = img.shape[0]
            body = img[int(h * 0.06):int(h * 0.93)]
            rows = (body < 200).any(axis=1)
            last = rows.nonzero()[0].max() if rows.any() else 0
            assert last / len(rows) >= 0.5, f"{les.id} {which}.pdf page {i} is more than half empty"


def _split_pgm(data: bytes):
    """pdftoppm writes one binary PGM per page to stdout; split them into arrays."""
    import numpy as np

    imgs, pos = [], 0
    while pos < len(data):
        m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data[pos:])
        w, h = int(m.group(1)), int(m.group(2))
        start = pos + m.end()
        imgs.append(np.frombuffer(data[start:start + w * h], dtype=np.uint8).reshape(h, w))
        pos = start + w * h
    return imgs


def test_answer_key_on_answers_page_and_instructor_page(course, syllabus):
    from govlib.exercises import answer_key

    checked = 0
    for les in syllabus.lessons:
        for name in les.params:
            d = course / "lessons" / les.id / name
            answers = html.unescape((d / "answers.html").read_text(encoding="utf-8"))
            instructor = html.unescape((d / "instructor.html").read_text(encoding="utf-8"))
            for e in answer_key(les.id, _resolved(les, name)):
                for page in (answers, instructor):
                    if e.graded:
                        assert e.expected_zh in page, (les.id, name, e.id, e.expected_zh)
                    for r in e.rubric_zh:
                        assert r in page, (les.id, name, e.id)
                checked += 1
            assert "答案要点" in answers
    assert checked > 30


def test_pages_render_maths_without_raw_latex(course):
    page = (course / "lessons" / "pujiang" / "default" / "student.html").read_text(encoding="utf-8")
    assert "<math" in page and "<mfrac>" in page
    for f in (course / "lessons").rglob("*.html"):
        text = f.read_text(encoding="utf-8")
        visible = re.sub(r"<(style|script)\b.*?</\1>", "", text, flags=re.S)
        visible = re.sub(r'<div class="highlight.*?</div>', "", visible, flags=re.S)
        assert "\\frac" not in visible and "$$" not in visible, f


def test_traditional_pages_show_traditional_charts(course):
    d = course / "lessons" / "pujiang" / "default"
    find = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")
    simp = find.findall((d / "student.html").read_text(encoding="utf-8"))
    trad = find.findall((d / "student.zh-Hant.html").read_text(encoding="utf-8"))
    assert len(simp) == len(trad) >= 3
    assert sum(a != b for a, b in zip(simp, trad)) >= 3


def test_student_outputs_hold_no_answer_key(course, syllabus):
    for les, d in _default_dirs(course, syllabus):
        for out in OUTPUTS.values():
            if out.audience == "student" and out.filename.endswith(".html"):
                assert '<section class="gv-answer-key"' not in (d / out.filename).read_text(encoding="utf-8")


def test_student_notebook_for_matches_the_build(course, syllabus):
    import nbformat

    from govlib.publish import student_notebook_for

    for les in syllabus.lessons[:3]:
        for name in list(les.params)[:2]:
            nb = student_notebook_for(les.id, name)
            assert nbformat.writes(nb) + "\n" == (course / "lessons" / les.id / name / "student.ipynb").read_text(
                encoding="utf-8")
            hidden = [c for c in nb.cells if "remove-input" in c.metadata.get("tags", [])]
            assert all(c.metadata["jupyter"]["source_hidden"] is True for c in hidden)


def test_manifest_records_version_and_handed_out_values(course, syllabus):
    import json

    from govlib import __version__

    doc = json.loads((course / "manifest.json").read_text(encoding="utf-8"))
    assert doc["govlib_version"] == __version__ and re.match(r"\d+\.\d+", doc["govlib_version"])
    for les in syllabus.lessons:
        for name in les.params:
            assert doc["sets"][f"{les.id}/{name}"] == _resolved(les, name)
    entry = next(a for a in doc["artifacts"] if a["path"] == "lessons/pujiang/community-a/student.ipynb")
    assert entry["values"]["community"] == "示例社区A" and entry["values"]["seed"] == 20240601
    page = (course / "lessons" / "pujiang" / "default" / "student.html").read_text(encoding="utf-8")
    assert f"govlib {__version__}" in page


def test_pages_speak_chinese_in_alt_text_and_parameter_heading(course):
    for f in (course / "lessons").rglob("*.html"):
        text = f.read_text(encoding="utf-8")
        assert "No description has been provided" not in text, f
        assert "# Parameters" not in text, f
    page = (course / "lessons" / "pujiang" / "community-a" / "instructor.html").read_text(encoding="utf-8")
    assert "# 本次运行的参数" in page and 'alt="图表' in page
