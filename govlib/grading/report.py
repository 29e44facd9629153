"""Write the grading results: CSV tables, a self-contained HTML summary, the rubric list.

Files written into the output folder (each written to a temporary file first
and then renamed, so a reader never sees half a file):

``scores.csv``
    one row per student file and exercise: student, file, exercise, kind,
    answer (repr), correct (1/0/empty), status, status_zh, message, params;
``files.csv``
    one row per file: student, file, status, lesson, score, problems;
``summary.html``
    the class summary: a per-question success-rate chart (embedded PNG, CJK
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


_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em auto;max-width:70em;
color:#222;line-height:1.5;padding:0 1em}
h1{color:#8b1a1a;font-size:1.6em}h2{border-bottom:2px solid #b22222;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f4e9e9}td.n{text-align:right}
.ok{color:#1a7f37;font-weight:bold}.no{color:#b22222}.na{color:#888}
.bad{background:#fff4e5}.note{color:#555;font-size:.9em}
img{max-width:100%}td ul{margin:0;padding-left:1.2em}
"""


def _e(x) -> str:
    return html.escape("" if x is None else str(x))


def summary_html(*, lesson: str, exercises, subs, rows: list[Row], stats: list[QuestionStat],
                 notes: list[str], chart_png: bytes | None, title: str = "") -> str:
    """The class summary page (self-contained HTML)."""
    from govlib.exercises.core import KIND_ZH

    ran = [s for s in subs if s.ran]
    bad = [s for s in subs if s.problems]
    graded = [e for e in exercises if e.graded]
    parts = [f"<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
             f"<title>作业评分汇总：{_e(lesson)}</title><style>{_CSS}</style></head><body>",
             f"<h1>作业评分汇总：{_e(title or lesson)}</h1>",
             f"<p>课程编号 <code>{_e(lesson)}</code>；共 {len(subs)} 个条目，其中 {len(ran)} 个笔记本已运行并评分，"
             f"{len(subs) - len(ran)} 个未运行；{len(bad)} 个条目有问题或提醒（见下文）。"
             f"自动评分题 {len(graded)} 道，讨论题 {len(exercises) - len(graded)} 道。</p>"]
    if notes:
        parts.append("<ul class=\"note\">" + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>")
    parts.append("<h2>各题正确率</h2>")
    if chart_png:
        b64 = base64.b64encode(chart_png).decode("ascii")
        parts.append(f"<img alt=\"各题正确率柱状图\" src=\"data:image/png;base64,{b64}\">")
    parts.append("<table><tr><th>题号</th><th>类型</th><th>题目</th><th>正确/已评</th><th>正确率</th></tr>")
    for s in stats:
        rate = f"{s.rate * 100:.0f}%" if s.rate is not None else "—"
        parts.append(f"<tr><td>{_e(s.exercise)}</td><td>{_e(KIND_ZH.get(s.kind, s.kind))}</td>"
                     f"<td>{_e(s.prompt)}</td><td class=\"n\">{s.correct}/{s.graded}</td>"
                     f"<td class=\"n\">{rate}</td></tr>")
    parts.append("</table><p class=\"note\">正确率 = 答对人数 ÷ 已运行的笔记本数；未作答、缺少答案变量或答案类型无法读取均按错误计。"
                 "评分依据是笔记本运行后答案变量的值，与笔记本打印的内容无关。</p>")
    # per student
    parts.append("<h2>每位学生</h2><table><tr><th>学生</th><th>文件</th><th>状态</th>")
    parts.extend(f"<th>{_e(e.id.rsplit('-', 1)[1])}</th>" for e in graded)
    parts.append("<th>得分</th></tr>")
    by_file: dict[str, dict[str, Row]] = {}
    for r in rows:
        by_file.setdefault(r.file, {})[r.exercise] = r
    totals = student_totals(rows)
    sym = {1: ("✓", "ok"), 0: ("✗", "no"), None: ("—", "na")}
    for s in subs:
        cls = "" if s.ran else " class=\"bad\""
        parts.append(f"<tr{cls}><td>{_e(s.student)}</td><td>{_e(s.file)}</td>"
                     f"<td>{_e(STATUS_ZH.get(s.status, s.status))}</td>")
        for e in graded:
            r = by_file.get(s.file, {}).get(e.id)
            c = r.correct if r else None
            mark, klass = sym[c]
            tip = _e(f"{ROW_STATUS_ZH.get(r.status, r.status)}：{r.answer}" if r else "")
            parts.append(f"<td class=\"{klass}\" title=\"{tip}\">{mark}</td>")
        c, n = totals.get(s.file, (0, 0))
        parts.append(f"<td class=\"n\">{f'{c}/{n}' if n else '—'}</td></tr>")
    parts.append("</table><p class=\"note\">✓ 正确；✗ 错误或未作答；— 未评分（文件未能运行）。"
                 "鼠标停在格子上可看到读取到的答案。</p>")
    # problems
    parts.append("<h2>文件问题与提醒</h2>")
    if bad:
        parts.append("<table><tr><th>文件</th><th>学生</th><th>状态</th><th>问题</th></tr>")
        for s in bad:
            items = "".join(f"<li>{_e(p)}</li>" for p in s.problems)
            parts.append(f"<tr><td>{_e(s.file)}</td><td>{_e(s.student)}</td>"
                         f"<td>{_e(STATUS_ZH.get(s.status, s.status))}</td><td><ul>{items}</ul></td></tr>")
        parts.append("</table>")
    else:
        parts.append("<p>没有问题。</p>")
    # discussion
    disc = [e for e in exercises if not e.graded]
    if disc:
        parts.append("<h2>讨论题评分要点</h2><p class=\"note\">讨论题不自动评分；学生的回答见 rubric.md。</p>")
        for e in disc:
            n_ans = sum(1 for r in rows if r.exercise == e.id and r.answer.strip())
            pts = "".join(f"<li>{_e(p)}</li>" for p in e.rubric_zh)
            parts.append(f"<h3>{_e(e.id)}：{_e(e.prompt_zh)}</h3><ol>{pts}</ol>"
                         f"<p class=\"note\">已收到 {n_ans} 份书面回答。</p>")
    parts.append("</body></html>\n")
    return "".join(parts)


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
                  stats: list[QuestionStat], notes: list[str], title: str = "") -> dict[str, Path]:
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
        chart_png=chart, title=title))
    return paths
