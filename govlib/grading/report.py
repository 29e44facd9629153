"""Write the grading results: CSV tables, a self-contained HTML summary, the rubric list.

Files written into the output folder (each written to a temporary file first
and then renamed, so a reader never sees half a file):

``scores.csv``
    one row per student file and exercise: student, file, exercise, kind,
    answer (repr), correct (1/0/empty), status, status_zh, message, params;
``files.csv``
    one row per file: student, file, status, lesson, score, problems;
``summary.html``
    the class summary (template ``grading/summary.html.j2``, autoescaped): a per-question success-rate chart (embedded PNG, CJK
    font), a table per question and per student, the per-file problems and
    the discussion rubrics.  No external resources; all text is escaped;
``rubric.md``
    each discussion question with its marking points and every student's
    answer, for marking by hand.

CSV files are UTF-8 with a byte-order mark, so spreadsheet programs show the
Chinese text correctly; a cell a spreadsheet would run as a formula is
neutralised (:func:`csv_cell`).  ``rubric.md`` escapes every text it quotes
(:func:`md_text`): file names and answers cannot inject HTML or Markdown.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import re
from pathlib import Path

from govlib.atomic import atomic_write
from govlib.grading.files import printable
from govlib.grading.collect import STATUS_ZH
from govlib.grading.score import ROW_STATUS_ZH, QuestionStat, Row, student_totals

__all__ = ["csv_cell", "md_text", "scores_csv", "files_csv", "success_chart", "summary_html", "rubric_md",
           "write_reports"]

_SCORE_COLS = ["student", "file", "exercise", "kind", "answer", "correct", "status", "status_zh",
               "message", "params"]
_FILE_COLS = ["student", "file", "status", "status_zh", "lesson", "correct", "graded", "seconds",
              "problems"]


_PLAIN_NUMBER = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$")


def csv_cell(value) -> str:
    """A cell as text that a spreadsheet will not run as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    (Excel, WPS and LibreOffice treat these as formulas) gets a leading
    apostrophe, unless it is a plain number such as ``-5`` or ``+1.5``.

    Examples
    --------
    >>> csv_cell("=SUM(A1)"), csv_cell("-5"), csv_cell("@SUM(1)"), csv_cell("-2+3"), csv_cell(3)
    ("'=SUM(A1)", '-5', "'@SUM(1)", "'-2+3", '3')
    """
    text = printable("" if value is None else str(value))  # no ESC/NUL/RTL mark reaches a spreadsheet or terminal
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def _csv_text(cols, records) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    for rec in records:
        w.writerow({k: csv_cell(v) for k, v in rec.items()})
    return "\ufeff" + buf.getvalue()


def scores_csv(rows: list[Row]) -> str:
    """``scores.csv`` as text (with BOM)."""
    recs = []
    for r in rows:
        recs.append({"student": r.student, "file": r.file, "exercise": r.exercise, "kind": r.kind,
                     "answer": r.answer, "correct": "" if r.correct is None else r.correct,
                     "status": r.status, "status_zh": ROW_STATUS_ZH.get(r.status, r.status),
                     "message": r.message, "params": r.params})
    return _csv_text(_SCORE_COLS, recs)


def files_csv(subs, rows: list[Row]) -> str:
    """``files.csv`` as text (with BOM)."""
    totals = student_totals(rows)
    recs = []
    for s in subs:
        c, n = totals.get(s.file, (0, 0))
        recs.append({"student": s.student, "file": s.file, "status": s.status,
                     "status_zh": STATUS_ZH.get(s.status, s.status), "lesson": s.lesson or "",
                     "correct": c if n else "", "graded": n if n else "", "seconds": s.seconds,
                     "problems": " | ".join(s.problems)})
    return _csv_text(_FILE_COLS, recs)


def success_chart(stats: list[QuestionStat], *, title: str = "") -> bytes:
    """The per-question success-rate chart, as PNG bytes (horizontal bars, CJK labels)."""
    import govlib
    from govlib.exercises.core import KIND_ZH

    govlib.setup()
    from matplotlib.figure import Figure

    n = max(1, len(stats))
    fig = Figure(figsize=(7.5, 1.2 + 0.5 * n))
    ax = fig.add_subplot()
    ypos = list(range(len(stats)))[::-1]
    rates = [(s.rate or 0.0) * 100 for s in stats]
    ax.barh(ypos, rates, color="#b22222", height=0.6)
    ax.set_yticks(ypos, [f"{s.exercise}（{KIND_ZH.get(s.kind, s.kind)}）" for s in stats])
    for y, s, r in zip(ypos, stats, rates):
        label = f" {s.correct}/{s.graded}（{r:.0f}%）" if s.graded else " 无可评答案"
        ax.text(r, y, label, va="center", fontsize=9)
    ax.set_xlim(0, 118)
    ax.set_xticks([0, 20, 40, 60, 80, 100])
    ax.set_xlabel("正确率（%）")
    if title:
        ax.set_title(title)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()





def summary_html(*, lesson: str, exercises, subs, rows: list[Row], stats: list[QuestionStat],
                 notes: list[str], chart_png: bytes | None, title: str = "", totals=None) -> str:
    """The class summary page (self-contained HTML, template ``grading/summary.html.j2``, autoescaped).

    *totals* (:class:`govlib.grading.points.StudentTotal` list) adds each
    student's points out of the maximum.
    """
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from govlib import paths
    from govlib.exercises.core import KIND_ZH

    graded = [e for e in exercises if e.graded]
    by_file: dict[str, dict[str, Row]] = {}
    for r in rows:
        by_file.setdefault(r.file, {})[r.exercise] = r
    points = {t.file: (f"{t.total:g}/{t.max_points:g}" + ("（待人工评分）" if t.pending else "") if t.ran else "—")
              for t in totals or []}
    totals = student_totals(rows)
    sym = {1: ("✓", "ok"), 0: ("✗", "no"), None: ("—", "na")}
    students = []
    for s in subs:
        cells = []
        for e in graded:
            r = by_file.get(s.file, {}).get(e.id)
            mark, klass = sym[r.correct if r else None]
            cells.append({"mark": mark, "klass": klass,
                          "tip": f"{ROW_STATUS_ZH.get(r.status, r.status)}：{r.answer}" if r else ""})
        c, n = totals.get(s.file, (0, 0))
        students.append({"student": s.student, "file": s.file, "ran": s.ran, "cells": cells,
                         "status_zh": STATUS_ZH.get(s.status, s.status), "score": f"{c}/{n}" if n else "—",
                         "points": points.get(s.file, "—")})
    bad = [{"file": s.file, "student": s.student, "status_zh": STATUS_ZH.get(s.status, s.status),
            "problems": list(s.problems)} for s in subs if s.problems]
    discussion = [{"id": e.id, "prompt": e.prompt_zh, "rubric": list(e.rubric_zh),
                   "n_answers": sum(1 for r in rows if r.exercise == e.id and r.answer.strip())}
                  for e in exercises if not e.graded]
    env = Environment(loader=FileSystemLoader(str(paths.TEMPLATES)),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    css = (Path(paths.TEMPLATES) / "grading" / "grading.css").read_text(encoding="utf-8")
    return env.get_template("grading/summary.html.j2").render(
        lesson=lesson, title=title, css=css, notes=list(notes), n_subs=len(subs),
        n_ran=sum(1 for s in subs if s.ran), n_graded=len(graded), n_discussion=len(exercises) - len(graded),
        chart_b64=base64.b64encode(chart_png).decode("ascii") if chart_png else "",
        stats=[{"exercise": st.exercise, "kind_zh": KIND_ZH.get(st.kind, st.kind), "prompt": st.prompt,
                "correct": st.correct, "graded": st.graded,
                "rate": f"{st.rate * 100:.0f}%" if st.rate is not None else "—"} for st in stats],
        graded=[e.label_zh for e in graded], students=students, bad=bad, discussion=discussion)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#|~>!])")


def md_text(text) -> str:
    """Quoted text made inert in Markdown: one line, HTML escaped, Markdown punctuation backslash-escaped.

    Examples
    --------
    >>> print(md_text("<b>粗体</b> **x** [a](b)"))
    &lt;b&gt;粗体&lt;/b&gt; \\*\\*x\\*\\* \\[a\\]\\(b\\)
    """
    one = " ".join(printable("" if text is None else str(text)).split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(one, quote=False))


def rubric_md(*, lesson: str, exercises, rows: list[Row]) -> str:
    """The discussion questions with their rubrics and every student's answer (Markdown).

    Student names, file names and answers are quoted through :func:`md_text`.
    """
    lines = [f"# 讨论题评分要点：{lesson}", ""]
    disc = [e for e in exercises if not e.graded]
    if not disc:
        lines.append("本课没有讨论题。")
    for e in disc:
        lines += [f"## {e.id}：{e.prompt_zh}", "", "评分要点：", ""]
        lines += [f"{i}. {p}" for i, p in enumerate(e.rubric_zh, 1)]
        lines += ["", "学生回答：", ""]
        ans = [r for r in rows if r.exercise == e.id]
        for r in ans:
            text = md_text(r.answer) if r.answer.strip() else "（未作答）"
            if r.status != "discussion":
                text = f"（{ROW_STATUS_ZH.get(r.status, r.status)}）"
            lines.append(f"- **{md_text(r.student)}**（{md_text(r.file)}）：{text}")
        if not ans:
            lines.append("（没有提交）")
        lines.append("")
    return "\n".join(lines) + "\n"


def write_reports(out: str | Path, *, lesson: str, exercises, subs, rows: list[Row],
                  stats: list[QuestionStat], notes: list[str], title: str = "", totals=None) -> dict[str, Path]:
    """Write every output file into *out* (created if needed).

    Returns
    -------
    dict
        Output name -> path.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "scores": atomic_write(out / "scores.csv", scores_csv(rows)),
        "files": atomic_write(out / "files.csv", files_csv(subs, rows)),
        "rubric": atomic_write(out / "rubric.md", rubric_md(lesson=lesson, exercises=exercises, rows=rows)),
    }
    try:
        chart = success_chart(stats, title=f"{title or lesson}：各题正确率") if stats else None
    except Exception:  # noqa: BLE001 - the tables matter more than the chart
        chart = None
    paths["summary"] = atomic_write(out / "summary.html", summary_html(
        lesson=lesson, exercises=exercises, subs=subs, rows=rows, stats=stats, notes=notes,
        chart_png=chart, title=title, totals=totals))
    return paths
