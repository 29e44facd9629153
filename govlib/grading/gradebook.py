"""The gradebook: ``gradebook.xlsx`` (Excel/WPS) and a wide ``gradebook.csv``, one row per student.

Columns: 学生, 文件, 状态, one per exercise (points earned; empty = not
graded or not yet marked), 总分, 满分, 得分率（%）, 迟交, 待人工评分.  The
header names each exercise with its points (``练习1（2分）``).  The xlsx holds
values, not formulas (a spreadsheet shows the same totals with or without
recalculating), a second sheet lists the exercises, a third says how the
points were given.  Text cells are written as text (openpyxl does not turn
``=…`` into a formula when the cell is typed as a string; the CSV goes
through :func:`govlib.grading.report.csv_cell`).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from govlib.atomic import atomic_write

from govlib.grading.collect import STATUS_ZH

__all__ = ["header", "records", "gradebook_csv", "write_gradebook_xlsx"]


def _pts(x: float) -> str:
    return f"{x:g}"


def _width(v) -> float:
    """Display width of a cell in spreadsheet character units (a CJK character counts two)."""
    text = "" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))
    return sum(2 if ord(ch) > 0x2E80 else 1.1 for ch in text)


def header(exercises) -> list[str]:
    """The gradebook's column titles (Chinese)."""
    ex_cols = [f"{e.label_zh}{'（讨论）' if not e.graded else ''}（{_pts(float(e.points))}分）" for e in exercises]
    return ["学生", "文件", "状态", *ex_cols, "总分", "满分", "得分率（%）", "迟交", "待人工评分"]


def records(totals, exercises) -> list[list]:
    """One list of cell values per student (numbers as numbers, empty as None)."""
    out = []
    for t in totals:
        row = [t.student, t.file, STATUS_ZH.get(t.status, t.status)]
        row += [t.points.get(e.id) for e in exercises]
        row += [t.total if t.ran else None, t.max_points, t.percent, "是" if t.late else "",
                "、".join(t.pending)]
        out.append(row)
    return out


def gradebook_csv(totals, exercises) -> str:
    """``gradebook.csv`` as text: UTF-8 with BOM, formula-safe."""
    from govlib.grading.report import csv_cell

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header(exercises))
    for rec in records(totals, exercises):
        w.writerow([csv_cell("" if v is None else (_pts(v) if isinstance(v, float) else v)) for v in rec])
    return "\ufeff" + buf.getvalue()


def write_gradebook_xlsx(path: str | Path, totals, exercises, *, lesson: str, title: str = "",
                         notes=()) -> Path:
    """Write ``gradebook.xlsx`` (through a temporary file and a rename).

    Sheets: 成绩册 (one row per student), 题目 (each exercise with its
    prompt and points), 说明 (how points were given; the run's notes).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "成绩册"
    head = header(exercises)
    ws.append(head)
    bold = Font(bold=True)
    for c in ws[1]:
        c.font = bold
        c.fill = PatternFill("solid", fgColor="F2DCDB")
        c.alignment = Alignment(wrap_text=True, vertical="center")
    for rec in records(totals, exercises):
        ws.append(rec)
        for c in ws[ws.max_row]:
            if isinstance(c.value, str):
                c.data_type = "s"  # text stays text, whatever it starts with
    ws.freeze_panes = "C2"
    for i, col in enumerate(ws.iter_cols(values_only=True), 1):
        ws.column_dimensions[get_column_letter(i)].width = max(8, min(40, max(_width(v) for v in col) + 2))
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    qs = wb.create_sheet("题目")
    qs.append(["编号", "题号", "类型", "分值", "部分分（舍入差异）", "题目"])
    for c in qs[1]:
        c.font = bold
    for e in exercises:
        qs.append([e.id, e.label_zh, "讨论题（人工评分）" if not e.graded else "自动评分", float(e.points),
                   float(getattr(e, "part_credit", 0.0)) * float(e.points), e.prompt_zh])
    qs.column_dimensions["F"].width = 80
    info = wb.create_sheet("说明")
    lines = [f"课程：{title or lesson}（{lesson}）",
             "每题得分：答对得该题分值；只差舍入时得该题声明的部分分；其余为 0。",
             "讨论题的分数来自人工评分表 manual.csv（教师填写，再次评分时并入，不会被覆盖）；未填的列在“待人工评分”。",
             "空格表示未评分（文件未能运行）。得分率 = 总分 ÷ 满分。",
             *notes]
    for line in lines:
        info.append([line])
    info.column_dimensions["A"].width = 100
    path = Path(path)
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write(path, buf.getvalue())
    return path
