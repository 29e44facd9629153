"""Every deck of every lesson x set projects as built (issue 17): measured, not hoped for.

Uses the course build every course-level test shares (``course`` fixture).

* ``slides.html`` in one headless Chromium at 1280x720 and 1024x768 (the
  Traditional copy at 1280x720): no slide's content reaches beyond the slide
  (one page load per deck, JavaScript steps through the slides); no
  ``code``/``pre``, no English word or identifier outside
  ``govlib.textscan.ALLOWED``, no row-number column, no heading-only slide;
  notes on every content slide, without file names or code.
* every exercise of the set's answer key is on a slide whose notes give the
  key's answer (or the rubric);
* ``slides.pptx`` (and the Traditional one) has the html deck's slides, one
  for one, every shape inside the slide and 微软雅黑 (微軟正黑體) named as the
  East Asian face of every run;
* LibreOffice renders two decks (xiamen-127/default: the longest, eleven
  charts; intro/default: three tables) with no text beyond the page and no ink
  in the margin a box would run into first.  Two decks keep CI time small
  (about 15 s each on a busy 2-core machine).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess

import pytest

from govlib import paths
from govlib.publish.deckcheck import html_fit, html_problems, notes_coverage, pptx_problems, slide_sections
from govlib.publish.pptx_deck import FONT, FONT_HANT

from test_course import course, syllabus  # noqa: F401

pytestmark = pytest.mark.slow


def _sets(course, syllabus):
    for les in syllabus.lessons:
        for name in les.params:
            yield les, name, course / "lessons" / les.id / name


def _resolved(lesson, name):
    from govlib.publish.params import read_parameters

    values = read_parameters(paths.ROOT / lesson.notebook).defaults()
    values.update(lesson.params[name] or {})
    return values


@pytest.mark.browser
def test_every_deck_fits_the_screen_and_shows_no_code(course, syllabus):
    from govlib.publish.browser import Browser

    problems, decks = [], 0
    with Browser() as b:
        for les, name, d in _sets(course, syllabus):
            for fn, sizes in (("slides.html", ((1280, 720), (1024, 768))), ("slides.zh-Hant.html", ((1280, 720),))):
                page = d / fn
                found = html_problems(page.read_text(encoding="utf-8"))
                for w, h in sizes:
                    found += html_fit(b, page, width=w, height=h)
                problems += [f"{les.id}/{name}/{fn} {p}" for p in found]
                decks += 1
    assert decks == 2 * sum(len(les.params) for les in syllabus.lessons)
    assert problems == []


def test_notes_cover_the_content_slides_and_every_exercise_has_its_slide(course, syllabus):
    from govlib.exercises import answer_key

    with_notes = content = 0
    missing = []
    for les, name, d in _sets(course, syllabus):
        page = (d / "slides.html").read_text(encoding="utf-8")
        n, t = notes_coverage(page)
        with_notes, content = with_notes + n, content + t
        by_ex = {s.exercise: s for s in slide_sections(page) if s.exercise}
        for e in answer_key(les.id, _resolved(les, name)):
            s = by_ex.get(e.id)
            if s is None:
                missing.append((les.id, name, e.id, "no slide"))
            elif e.graded and html.unescape(e.expected_zh) not in html.unescape(s.notes):
                missing.append((les.id, name, e.id, "answer not in the notes"))
            elif not e.graded and any(r not in html.unescape(s.notes) for r in e.rubric_zh):
                missing.append((les.id, name, e.id, "rubric not in the notes"))
    assert missing == []
    assert content > 100 and with_notes / content >= 0.9, (with_notes, content)


def test_pptx_matches_the_html_deck_with_every_shape_inside(course, syllabus):
    from pptx import Presentation

    problems = []
    for les, name, d in _sets(course, syllabus):
        for html_name, pptx_name, face in (("slides.html", "slides.pptx", FONT),
                                           ("slides.zh-Hant.html", "slides.zh-Hant.pptx", FONT_HANT)):
            sections = slide_sections((d / html_name).read_text(encoding="utf-8"))
            prs = Presentation(str(d / pptx_name))
            slides = list(prs.slides)
            if len(slides) != len(sections):
                problems.append(f"{les.id}/{name}/{pptx_name}: {len(slides)} slides, html has {len(sections)}")
                continue
            for sec, slide in zip(sections, slides):
                texts = " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
                if sec.title.replace(" ", "") not in texts.replace(" ", ""):
                    problems.append(f"{les.id}/{name}/{pptx_name} 第{sec.index}页: title {sec.title!r} missing")
            problems += [f"{les.id}/{name}/{pptx_name} {p}" for p in pptx_problems(d / pptx_name, ea_faces=(face,))]
    assert problems == []


def test_traditional_decks_are_linked_from_the_traditional_index(course, syllabus):
    index = (course / "index.zh-Hant.html").read_text(encoding="utf-8")
    for les, name, d in _sets(course, syllabus):
        for fn in ("slides.zh-Hant.html", "slides.zh-Hant.pptx"):
            assert f'href="lessons/{les.id}/{name}/{fn}"' in index, (les.id, name, fn)
        page = (d / "slides.zh-Hant.html").read_text(encoding="utf-8")
        assert '<html lang="zh-Hant">' in page and "學習目標" in page and "学习目标" not in page


needs_soffice = pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")),
                                   reason="LibreOffice (libreoffice-impress) or poppler-utils missing")


@needs_soffice
@pytest.mark.parametrize("deck", ["xiamen-127/default", "intro/default"])
def test_libreoffice_render_shows_no_text_beyond_the_slide(course, deck, tmp_path):
    import numpy as np
    from PIL import Image
    from pptx import Presentation

    src = course / "lessons" / deck / "slides.pptx"
    n_slides = len(Presentation(str(src)).slides)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=300)
    pdf = tmp_path / "slides.pdf"
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', bbox, re.S)
    assert len(pages) == n_slides
    beyond = []
    for i, (w, h, body) in enumerate(pages, 1):
        for x0, y0, x1, y1, word in re.findall(
                r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>', body):
            if float(x0) < 0 or float(y0) < 0 or float(x1) > float(w) + 0.5 or float(y1) > float(h) + 0.5:
                beyond.append((i, word))
    assert beyond == []
    # ink in the outer margin (the last 0.15 in at the bottom and the right): a box running over reaches it first
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "p")], check=True)
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == n_slides
    inked = []
    for i, f in enumerate(images, 1):
        a = np.asarray(Image.open(f).convert("L"))
        band = int(0.15 * 40)
        if (a[-band:, :] < 200).any() or (a[:, -band:] < 200).any():
            inked.append(i)
    assert inked == []
