"""Feedback to every student: a Chinese page and the returned notebook with a feedback cell after each exercise.

For each student file of a grading run, :func:`write_feedback` writes into
``<out>/feedback/``:

``<student>.html``
    the student's own page (template ``grading/feedback.html``, autoescaped):
    status, total, each exercise with the prompt as handed to this student,
    their answer, points, the checker's message and, for a wrong answer, the
    hint; their own numbers when the lesson has per-student variants; the
    problems found in their file.  Nothing of another student.
``<student>.ipynb``
    the notebook they returned, with a Markdown cell (tag
    ``govlib-feedback``) after each exercise's cell; exercises whose cell
    cannot be found get theirs at the end.  Only for files that could be
    read as notebooks.

:func:`release` copies each student's two files into a folder per student
(``DIR/<student>/反馈/<lesson>.html``), which is the hub's home layout when
``DIR`` is the hub's homes folder; links and odd entries there are skipped,
never followed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from govlib.exercises.model import Labelled

__all__ = ["FeedbackItem", "FeedbackPage", "feedback_name", "build_pages", "render_page", "annotate_notebook",
           "write_feedback", "release", "FEEDBACK_TAG"]

#: tag of the feedback cells added to a returned notebook
FEEDBACK_TAG = "govlib-feedback"


@dataclass
class FeedbackItem(Labelled):
    """One exercise on a student's feedback page."""

    id: str
    number: int
    prompt: str
    answer: str
    status_zh: str
    points: str
    message: str
    hint: str = ""
    comment: str = ""
    klass: str = ""
    warmup: bool = False


@dataclass
class FeedbackPage:
    """Everything one student's page shows."""

    student: str
    file: str
    status_zh: str
    ran: bool
    total: str
    max_points: str
    percent: float | None
    late: bool
    pending: list[str]
    questions: list[FeedbackItem]
    problems: list[str]
    variant: list[dict] = field(default_factory=list)
    fingerprint: str = ""
    base: str = ""

    def __post_init__(self):
        if not self.base:
            self.base = feedback_name(self.file)


_UNSAFE = re.compile(r"[\x00-\x1f/\\]")


def feedback_name(file: str) -> str:
    """The base name of a student's feedback files: the submission's stem, made safe as a file name."""
    stem = Path(file).stem if Path(file).suffix else file
    stem = _UNSAFE.sub("_", stem).strip() or "未命名"
    return "_" + stem if stem.startswith((".", "-")) else stem


def _fmt(x) -> str:
    return "—" if x is None else f"{x:g}"


def build_pages(subs, rows, totals, exercises_for, manual=None, variants=None) -> list[FeedbackPage]:
    """The page of every student file (files not run get a page saying why).

    Parameters
    ----------
    exercises_for : callable
        Student id -> the exercises with prompts as handed to that student.
    manual : ManualSheet, optional
        Discussion scores and comments.
    variants : callable, optional
        Student id -> :class:`govlib.grading.variants.Variant`.
    """
    from govlib.grading.collect import STATUS_ZH
    from govlib.grading.manual import manual_key
    from govlib.grading.score import ROW_STATUS_ZH

    by = {(r.file, r.exercise): r for r in rows}
    tot = {t.file: t for t in totals}
    pages = []
    used: set[str] = set()
    for s in subs:
        t = tot.get(s.file)
        if t is None:
            continue
        items = []
        for ex in exercises_for(s.student):
            r = by.get((s.file, ex.id))
            pts = t.points.get(ex.id)
            if r is None:
                continue
            comment = manual.comments.get((manual_key(s.student), ex.id), "") if manual else ""
            if not ex.graded:
                status = "已评分（人工）" if pts is not None else "待教师评分"
                msg = "讨论题由教师按评分要点打分。"
            else:
                status = ROW_STATUS_ZH.get(r.status, r.status)
                msg = r.message
            klass = "ok" if r.correct == 1 else "no" if r.correct == 0 else "na"
            items.append(FeedbackItem(ex.id, ex.number, ex.prompt_zh, r.answer, status,
                                      f"{_fmt(pts)} / {_fmt(float(ex.points))}", msg,
                                      f"提示：{r.hint}" if r.hint and r.hint not in msg else "", comment, klass,
                                      ex.warmup))
        var = variants(s.student) if variants is not None else None
        vrows = [{"name": k, "label": var.labels.get(k, ""), "value": v} for k, v in var.values.items()] \
            if var is not None and var.values else []
        base = feedback_name(s.file)
        if base.casefold() in used:  # Zoe.txt beside zoe.ipynb: keep the suffix to tell them apart
            base = feedback_name(s.file.replace(".", "_")) + "_"
        used.add(base.casefold())
        pages.append(FeedbackPage(s.student, s.file, STATUS_ZH.get(s.status, s.status), s.ran, _fmt(t.total),
                                  _fmt(t.max_points), t.percent, s.late, list(t.pending), items, list(s.problems),
                                  vrows, var.fingerprint if var is not None else "", base))
    return pages


def _env():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from govlib import paths

    return Environment(loader=FileSystemLoader(str(paths.TEMPLATES)),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)


def render_page(page: FeedbackPage, *, title: str) -> str:
    """One student's feedback page (HTML, self-contained, every text escaped)."""
    from dataclasses import asdict

    from govlib import paths

    css = (Path(paths.TEMPLATES) / "grading" / "grading.css").read_text(encoding="utf-8")
    return _env().get_template("grading/feedback.html.j2").render(title=title, css=css, **asdict(page))


def _feedback_md(item: FeedbackItem) -> str:
    lines = [f"**教师反馈 · {item.label_zh}**：{item.status_zh}，得分 {item.points}。", "", item.message]
    if item.hint:
        lines += ["", item.hint]
    if item.comment:
        lines += ["", f"教师评语：{item.comment}"]
    return "\n".join(lines)


def annotate_notebook(nb, page: FeedbackPage, exercises) -> object:
    """A copy of the returned notebook with a feedback cell after each exercise's cell."""
    import copy

    import nbformat

    nb = copy.deepcopy(nb)
    items = {q.id: q for q in page.questions}
    where: dict[int, list[str]] = {}
    placed = set()
    for ex in exercises:
        if ex.id not in items:
            continue
        pat = re.compile(rf"""check\(\s*["']{re.escape(ex.id)}["']|^\s*{re.escape(ex.variable)}\s*=""", re.M)
        for i, cell in enumerate(nb.cells):
            src = cell.get("source", "")
            src = "".join(src) if isinstance(src, list) else str(src)
            if cell.get("cell_type") == "code" and pat.search(src):
                where.setdefault(i, []).append(ex.id)
                placed.add(ex.id)
                break
    cells = []
    for i, cell in enumerate(nb.cells):
        cells.append(cell)
        for ex_id in where.get(i, []):
            cells.append(nbformat.v4.new_markdown_cell(_feedback_md(items[ex_id]), metadata={"tags": [FEEDBACK_TAG]}))
    rest = [q for q in page.questions if q.id not in placed]
    if rest:
        cells.append(nbformat.v4.new_markdown_cell(f"**教师反馈 · 总分**：{page.total} / {page.max_points}",
                                                   metadata={"tags": [FEEDBACK_TAG]}))
        cells += [nbformat.v4.new_markdown_cell(_feedback_md(q), metadata={"tags": [FEEDBACK_TAG]}) for q in rest]
    else:
        cells.insert(0, nbformat.v4.new_markdown_cell(
            f"**教师反馈**：本次作业得分 {page.total} / {page.max_points}；每道练习下方有反馈。",
            metadata={"tags": [FEEDBACK_TAG]}))
    for c in cells:
        c.pop("id", None)
    nb.cells = cells
    nb.nbformat, nb.nbformat_minor = 4, 4  # no cell ids needed; the cells keep their order
    return nb


def write_feedback(out: Path, pages: list[FeedbackPage], *, title: str, submissions: Path, exercises_for) -> Path:
    """Write every student's page and annotated notebook into ``out/feedback``; returns that folder."""
    import nbformat

    from govlib.atomic import atomic_write
    from govlib.grading.files import read_notebook

    folder = Path(out) / "feedback"
    folder.mkdir(parents=True, exist_ok=True)
    for page in pages:
        base = page.base
        atomic_write(folder / f"{base}.html", render_page(page, title=title))
        if not page.ran:
            continue
        nb, _status, _why = read_notebook(Path(submissions) / page.file)
        if nb is None:
            continue
        annotated = annotate_notebook(nb, page, exercises_for(page.student))
        atomic_write(folder / f"{base}.ipynb", nbformat.writes(annotated) + "\n")
    return folder


def _real_dir(p: Path) -> bool:
    import os
    import stat

    try:
        st = os.lstat(p)
    except FileNotFoundError:
        return False
    return stat.S_ISDIR(st.st_mode)


def release(feedback: Path, dest: Path, *, lesson: str, pages: list[FeedbackPage]) -> tuple[list[Path], list[str]]:
    """Copy each student's feedback into ``dest/<student>/反馈/<lesson>.{html,ipynb}``.

    A student folder (or its ``反馈`` folder) that is a link or not a folder
    is skipped and reported; a missing one is created.

    Returns
    -------
    (list of Path, list of str)
        Files written, and notes (Chinese).
    """
    import os

    from govlib.atomic import atomic_write

    written, notes = [], []
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for page in pages:
        base = page.base
        home = dest / base
        box = home / "反馈"
        bad = None
        for d in (home, box):
            if os.path.lexists(d) and not _real_dir(d):
                bad = d
                break
            if not os.path.lexists(d):
                d.mkdir()
        if bad is not None:
            notes.append(f"{bad} 是链接或不是文件夹：没有发回 {page.student} 的反馈")
            continue
        for ext in ("html", "ipynb"):
            src = Path(feedback) / f"{base}.{ext}"
            if not src.is_file():
                continue
            target = box / f"{lesson}.{ext}"
            if os.path.lexists(target) and not target.is_file() or target.is_symlink():
                notes.append(f"{target} 是链接或特殊文件：没有覆盖")
                continue
            written.append(atomic_write(target, src.read_bytes()))
    return written, notes
