"""The built course as an instructor prints it: no student prompts in the instructor editions, no Python
repr on any page, no small type in any PDF, a discussion question on every student page.

Uses the one course build of ``tests/test_course.py`` (set ``GOVLIB_TEST_COURSE`` to reuse a build).
"""

from __future__ import annotations

import subprocess

import pytest
from test_course import course, syllabus  # noqa: F401  (session fixtures: the built course, the syllabus)

pytestmark = pytest.mark.slow

NOT_ANSWERED = "尚未作答"


def _sets(syllabus):
    """(lesson, "lesson/set") for every parameter set of the course."""
    for lesson in syllabus.lessons:
        for name in lesson.params:
            yield lesson, f"{lesson.id}/{name}"


def test_no_instructor_output_says_not_answered(course, syllabus):
    found = []
    for lesson, where in _sets(syllabus):
        folder = course / "lessons" / where
        for page in ("instructor.html", "instructor.zh-Hant.html", "answers.html"):
            if NOT_ANSWERED in (folder / page).read_text(encoding="utf-8"):
                found.append(f"{where}/{page}")
        text = subprocess.run(["pdftotext", str(folder / "instructor.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout
        if NOT_ANSWERED in text:
            found.append(f"{where}/instructor.pdf")
    assert found == []


def test_instructor_solutions_show_the_check_on_the_worked_answer(course, syllabus):
    from govlib.exercises import catalog

    missing = []
    for lesson, where in _sets(syllabus):
        page = (course / "lessons" / where / "instructor.html").read_text(encoding="utf-8")
        for ex in catalog(lesson.id):
            if ex.graded and f"【正确】 {ex.label_zh}：本格算得" not in page.replace("<strong>", "").replace("</strong>", ""):
                missing.append(f"{where}: {ex.id}")
    assert missing == []


def test_no_page_shows_a_python_repr(course, syllabus):
    from govlib.publish.pagetext import repr_outputs

    found = {}
    for lesson, where in _sets(syllabus):
        for page in ("instructor.html", "student.html", "instructor.zh-Hant.html", "student.zh-Hant.html"):
            bad = repr_outputs((course / "lessons" / where / page).read_text(encoding="utf-8"))
            if bad:
                found[f"{where}/{page}"] = bad[:5]
    assert found == {}


def test_printed_handouts_have_no_type_under_7pt(course, syllabus):
    from govlib.publish.pdftext import small_text_pages

    found = {}
    for lesson, where in _sets(syllabus):
        for pdf in ("instructor.pdf", "student.pdf"):
            pages = small_text_pages(course / "lessons" / where / pdf)
            if pages:
                found[f"{where}/{pdf}"] = [(p.page, p.small, p.words, p.sample) for p in pages]
    assert found == {}


def test_every_student_page_shows_a_discussion_question(course, syllabus):
    from govlib.exercises import catalog
    from govlib.exercises.pages import shown_exercises

    missing = []
    for lesson, where in _sets(syllabus):
        talk = {ex.id for ex in catalog(lesson.id) if not ex.graded}
        if not talk:
            continue
        shown = set(shown_exercises((course / "lessons" / where / "student.html").read_text(encoding="utf-8")))
        if not talk & shown:
            missing.append(where)
    assert missing == []
