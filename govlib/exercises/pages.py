"""Checking the exercises on rendered lesson pages (used by the course tests).

Reads the HTML that ``govlib build`` writes (nbconvert's ``jp-Cell`` divs,
with a ``celltag_<tag>`` class per cell tag) with the standard library's
parser, and answers three questions:

* does every ``solution`` cell of an instructor page show a reference value
  (``<span class="gv-answer-value">``) and no 【再想想】 / 【提示】?
* which exercises does a page show (``<div class="gv-exercise">``)?
* is every exercise answerable from what a student page shows (its
  ``uses`` figures are on the page), or marked ``needs_notebook``?
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["PageCell", "page_cells", "solution_problems", "shown_exercises", "page_figures",
           "unanswerable_exercises"]

#: marks check() prints when an answer is wrong or missing; a solution cell must show neither
BAD_MARKS = ("【再想想】", "【提示】")


@dataclass
class PageCell:
    """One notebook cell of a rendered page."""

    classes: tuple[str, ...]
    text: str = ""          # all visible text of the cell
    output: str = ""        # visible text of its outputs
    answers: list[str] = field(default_factory=list)    # texts of gv-answer-value spans
    exercises: list[str] = field(default_factory=list)  # data-exercise of gv-exercise divs

    @property
    def tags(self) -> set[str]:
        return {c[len("celltag_"):] for c in self.classes if c.startswith("celltag_")}

    @property
    def is_code(self) -> bool:
        return "jp-CodeCell" in self.classes


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.cells: list[PageCell] = []
        self._div_depth = 0
        self._cell_depth: int | None = None
        self._out_depth: int | None = None
        self._answer = False
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "span" and "gv-answer-value" in classes and self._cell_depth is not None:
            self._answer = True
            self.cells[-1].answers.append("")
        if tag != "div":
            return
        self._div_depth += 1
        if "jp-Cell" in classes and self._cell_depth is None:
            self._cell_depth = self._div_depth
            self.cells.append(PageCell(tuple(classes)))
        elif self._cell_depth is not None:
            if "jp-Cell-outputWrapper" in classes and self._out_depth is None:
                self._out_depth = self._div_depth
            if "gv-exercise" in classes and a.get("data-exercise"):
                self.cells[-1].exercises.append(a["data-exercise"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        if tag == "span":
            self._answer = False
        if tag != "div":
            return
        if self._out_depth == self._div_depth:
            self._out_depth = None
        if self._cell_depth == self._div_depth:
            self._cell_depth = None
        self._div_depth -= 1

    def handle_data(self, data):
        if self._cell_depth is None or self._skip:
            return
        cell = self.cells[-1]
        cell.text += data
        if self._out_depth is not None:
            cell.output += data
        if self._answer:
            cell.answers[-1] += data


def page_cells(page: str) -> list[PageCell]:
    """The cells of a rendered page, in order."""
    parser = _Cells()
    parser.feed(page)
    parser.close()
    return parser.cells


def solution_problems(page: str) -> list[str]:
    """What is wrong with the solution code cells of an instructor page (empty when all is well).

    A solution code cell must show a reference value and must not show the
    marks :func:`govlib.exercises.check` prints for a wrong or missing answer.
    """
    problems = []
    for i, cell in enumerate(page_cells(page)):
        if not (cell.is_code and "solution" in cell.tags):
            continue
        where = f"solution cell {i}"
        for mark in BAD_MARKS:
            if mark in cell.output:
                line = next((ln for ln in cell.output.splitlines() if mark in ln), mark)
                problems.append(f"{where} shows {mark}: {line.strip()}")
        if not any(a.strip() for a in cell.answers):
            problems.append(f"{where} shows no reference value (call solution(...) in it)")
    return problems


def shown_exercises(page: str) -> list[str]:
    """Ids of the exercises whose prompt the page shows, in order."""
    return [e for cell in page_cells(page) for e in cell.exercises]


_FIG = re.compile(r"""\bdata-fig=["']([^"']+)["']""")


def page_figures(page: str) -> set[str]:
    """Register figure ids the page shows (``data-fig`` of its figure spans)."""
    return set(_FIG.findall(page))


def unanswerable_exercises(lesson: str, page: str) -> list[str]:
    """Exercises of *lesson* a student cannot answer from this student page.

    An exercise is answerable when its prompt is on the page and every figure
    it ``uses`` is shown there, or when it is marked ``needs_notebook`` (its
    prompt must still be on the page).
    """
    from govlib.exercises.core import catalog

    shown = set(shown_exercises(page))
    figs = page_figures(page)
    out = []
    for ex in catalog(lesson):
        if ex.id not in shown:
            out.append(f"{ex.id}: prompt not shown")
            continue
        if ex.needs_notebook:
            continue
        missing = [f for f in ex.uses if f not in figs]
        if missing:
            out.append(f"{ex.id}: page does not show {', '.join(missing)}")
    return out
