"""The manual sheet: discussion answers scored by the instructor, merged on every run, never overwritten.

``manual.csv`` (in the output folder, or ``--manual PATH``) has one row per
student and discussion exercise::

    student,file,exercise,max_points,points,comment,answer

The grader writes the rows it has not seen before with ``points`` empty and
the student's answer for reference; the instructor types a score (0 to
``max_points``) and optionally a comment, in Excel, WPS or a text editor,
and runs ``govlib grade`` again: the scores join the gradebook.  What the
instructor typed (``points``, ``comment``) is never changed and a row of a
student who is no longer in the folder is kept; only the reference columns
(``file``, ``max_points``, ``answer``) are refreshed.  The file may come back
saved as UTF-8 (with or without BOM) or GB18030 (Excel's Chinese "CSV").
A score that is not a number in range is reported with its row and ignored.
The sheet may also be an Excel workbook (``--manual manual.xlsx``): the same
columns on its first sheet, read and written with openpyxl.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from govlib.atomic import atomic_write

__all__ = ["MANUAL_COLS", "ManualEntry", "ManualSheet", "manual_key", "read_manual", "merge_manual"]

MANUAL_COLS = ["student", "file", "exercise", "max_points", "points", "comment", "answer"]


def manual_key(student: str) -> str:
    """How a student is matched between runs: NFC, trimmed, case-folded."""
    return unicodedata.normalize("NFC", str(student)).strip().casefold()


@dataclass
class ManualEntry:
    """One row of the manual sheet (as text, exactly as the instructor left it)."""

    student: str
    file: str
    exercise: str
    max_points: str = ""
    points: str = ""
    comment: str = ""
    answer: str = ""


@dataclass
class ManualSheet:
    """The merged sheet and what it gives the gradebook.

    Attributes
    ----------
    entries : list of ManualEntry
    scores : dict
        (student key, exercise id) -> points, for the filled, valid rows.
    comments : dict
        (student key, exercise id) -> the instructor's comment.
    notes : list of str
        Rows that could not be used (Chinese, with the row number).
    """

    entries: list[ManualEntry] = field(default_factory=list)
    scores: dict[tuple[str, str], float] = field(default_factory=dict)
    comments: dict[tuple[str, str], str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _decode(raw: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def _uncell(text: str) -> str:
    # the grader writes formula-like text with a leading apostrophe (report.csv_cell)
    return text[1:] if text[:2] in ("'=", "'+", "'-", "'@") else text


def _xlsx_records(p: Path) -> tuple[list[str], list[dict]]:
    from openpyxl import load_workbook

    ws = load_workbook(p, read_only=True, data_only=True).worksheets[0]
    it = ws.iter_rows(values_only=True)
    head = [str(h).strip() if h is not None else "" for h in next(it, ())]

    def text(v) -> str:
        if v is None:
            return ""
        return f"{v:g}" if isinstance(v, float) else str(v)
    return head, [dict(zip(head, (text(v) for v in row))) for row in it if any(v is not None for v in row)]


def _write_xlsx(p: Path, entries) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "人工评分"
    ws.append(MANUAL_COLS)
    for e in entries:
        ws.append([getattr(e, c) for c in MANUAL_COLS])
        for c in ws[ws.max_row]:
            c.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write(p, buf.getvalue())


def read_manual(path: str | Path) -> tuple[list[ManualEntry], list[str]]:
    """The rows of an existing manual sheet (none if the file does not exist) and problems (Chinese)."""
    p = Path(path)
    if not p.is_file():
        return [], []
    if p.suffix.lower() == ".xlsx":
        try:
            fieldnames, records = _xlsx_records(p)
        except Exception as exc:  # noqa: BLE001 - a damaged workbook is reported, never overwritten
            return [], [f"人工评分表 {p.name} 无法读取（{type(exc).__name__}）：本次未读取其中的分数（文件未改动）"]
    else:
        reader = csv.DictReader(io.StringIO(_decode(p.read_bytes())))
        fieldnames, records = reader.fieldnames or [], list(reader)
    missing = [c for c in ("student", "exercise", "points") if c not in fieldnames]
    if missing:
        return [], [f"人工评分表 {p.name} 缺少列 {'、'.join(missing)}：本次未读取其中的分数（文件未改动）"]
    out = []
    for rec in records:
        rec = {k: _uncell((v or "").strip()) for k, v in rec.items() if k}
        out.append(ManualEntry(**{c: rec.get(c, "") for c in MANUAL_COLS}))
    return out, []


def merge_manual(path: str | Path, subs, rows, exercises) -> ManualSheet:
    """Merge the run's discussion answers into the manual sheet at *path* and read its scores.

    The file is written back (atomically) only when a row was added or a
    reference column changed; the instructor's ``points`` and ``comment``
    are copied through unchanged.  A sheet without the needed columns is
    left alone.
    """
    from govlib.atomic import atomic_write
    from govlib.grading.report import csv_cell

    p = Path(path)
    old, notes = read_manual(p)
    before = [tuple(getattr(e, c) for c in MANUAL_COLS) for e in old]
    sheet = ManualSheet(notes=notes)
    if notes:
        return sheet
    disc = {e.id: e for e in exercises if not e.graded}
    by_key = {(manual_key(e.student), e.exercise): e for e in old}
    entries = list(old)
    answers = {(r.file, r.exercise): r.answer for r in rows}
    for s in subs:
        if not s.ran:
            continue
        for ex_id, ex in disc.items():
            k = (manual_key(s.student), ex_id)
            ans = answers.get((s.file, ex_id), "")
            mx = f"{float(ex.points):g}"
            e = by_key.get(k)
            if e is None:
                e = ManualEntry(s.student, s.file, ex_id, mx, "", "", ans)
                entries.append(e)
                by_key[k] = e
            else:
                e.file, e.max_points, e.answer = s.file, mx, ans
    for i, e in enumerate(entries, 2):
        k = (manual_key(e.student), e.exercise)
        if e.comment:
            sheet.comments[k] = e.comment
        if not e.points:
            continue
        ex = disc.get(e.exercise)
        try:
            v = float(e.points.replace("，", ".").replace(",", "."))
        except ValueError:
            sheet.notes.append(f"人工评分表第 {i} 行（{e.student}，{e.exercise}）的分数“{e.points}”不是数字：未计入")
            continue
        top = float(ex.points) if ex is not None else None
        if ex is None:
            sheet.notes.append(f"人工评分表第 {i} 行的题目 {e.exercise} 不是本课的讨论题：未计入")
        elif not 0 <= v <= top:
            sheet.notes.append(f"人工评分表第 {i} 行（{e.student}，{e.exercise}）的分数 {e.points} 不在 0 到 {top:g} 之间：未计入")
        else:
            sheet.scores[k] = v
    sheet.entries = entries
    if p.suffix.lower() == ".xlsx":
        if before != [tuple(getattr(e, c) for c in MANUAL_COLS) for e in entries] or not p.is_file():
            _write_xlsx(p, entries)
        return sheet
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(MANUAL_COLS)
    for e in entries:
        w.writerow([csv_cell(getattr(e, c)) for c in MANUAL_COLS])
    text = "\ufeff" + buf.getvalue()
    if not p.is_file() or _decode(p.read_bytes()) != text[1:]:
        if entries or not p.exists():
            atomic_write(p, text)
    return sheet
