"""The answer key of a lesson x parameter set: ``answers.html`` and the key in the instructor editions.

The values come from :func:`govlib.exercises.answer_key` -- the same
computation :func:`govlib.exercises.check` grades with -- for the set's
parameter values; nothing is recomputed here.  Discussion questions show
their rubric.  The key is instructor-only: no student output contains it
(``tests/test_course.py`` searches every student output for the values).
"""

from __future__ import annotations

import html
from typing import Any

__all__ = ["key_entries", "key_html", "render_answers"]

_RUBRIC_LABEL = '<div class="gv-key-label">评分要点</div>'


def key_entries(lesson: str, values: dict[str, Any]) -> list:
    """``answer_key(lesson, values)``; an empty list for a lesson without registered exercises."""
    from govlib.exercises import answer_key, catalog

    try:
        catalog(lesson)
    except Exception:  # noqa: BLE001 - a lesson (e.g. a test fixture) may have no exercise bank
        return []
    return answer_key(lesson, values)


def key_html(entries: list, *, heading: str = "答案要点") -> str:
    """The key as an HTML section (escaped); empty string when there are no exercises."""
    from govlib.exercises.show import text_html

    if not entries:
        return ""
    rows = []
    for e in entries:
        if e.graded:
            answer = f'<span class="gv-key-value">{html.escape(e.expected_zh)}</span>'
            for line in (*(f"也算对：{a}" for a in getattr(e, "also_zh", ())), getattr(e, "note_zh", "")):
                answer += f'<div class="gv-key-also">{html.escape(line)}</div>' if line else ""
            quantities = getattr(e, "quantities_zh", ())
            steps = getattr(e, "steps_zh", ())
            if quantities:
                answer += '<ul class="gv-key-quantities">' + "".join(f"<li>{html.escape(q)}</li>" for q in quantities) + "</ul>"
            if steps:
                answer += ('<div class="gv-key-steps"><span class="gv-key-label">算式</span>'
                           + "".join(f"<div>{html.escape(t)}</div>" for t in steps) + "</div>")
        else:
            answer = ""
        rubric = ""
        if e.rubric_zh:
            rubric = "<ul class=\"gv-key-rubric\">" + "".join(f"<li>{text_html(r)}</li>" for r in e.rubric_zh) + "</ul>"
        rows.append(
            f'<tr id="key-{html.escape(e.id)}"><td class="gv-key-n">{e.label_zh}</td>'
            f"<td>{html.escape(e.kind_zh)}</td><td>{text_html(e.prompt_zh)}</td>"
            f"<td>{answer}{(_RUBRIC_LABEL + rubric) if rubric else ''}</td></tr>")
    return (f'<section class="gv-answer-key" id="answer-key"><h2>{html.escape(heading)}</h2>'
            '<table class="gv-key"><thead><tr><th>题号</th><th>类型</th><th>题目</th><th>参考答案／评分要点</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></section>")


def render_answers(entries: list, *, course_title: str, lesson_title: str, set_name: str,
                   vals: list[tuple[str, str]], footer: str, set_description: str = "") -> str:
    """The one-page ``answers.html`` (self-contained, Simplified Chinese)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from govlib import paths
    from govlib.syllabus import set_label_zh

    env = Environment(loader=FileSystemLoader(str(paths.TEMPLATES)),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    css = (paths.TEMPLATES / "govlib" / "static" / "govlib.css").read_text(encoding="utf-8")
    page = env.get_template("site/answers.html.j2").render(
        css=css, course_title=course_title, lesson_title=lesson_title, vals=vals,
        set_label=set_label_zh(set_name), set_description=set_description,
        key=key_html(entries, heading="答案要点（本参数集）"), footer=footer, empty=not entries)
    return "\n".join(line.rstrip() for line in page.splitlines()) + "\n"
