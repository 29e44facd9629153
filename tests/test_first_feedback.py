"""Feedback comes early in every lesson: the first check() is within the lesson's first ten code cells."""

from __future__ import annotations

import re

import pytest
import yaml

from govlib import paths

SYLLABUS = yaml.safe_load(paths.SYLLABUS.read_text(encoding="utf-8"))
LESSONS = [(lesson["id"], paths.ROOT / lesson["notebook"]) for lesson in SYLLABUS["lessons"]]
LIMIT = 10


def first_check_cell(nb_path) -> int | None:
    """1-based position, among the code cells of the lesson source, of the first cell calling check(…)."""
    import jupytext

    code = [c for c in jupytext.read(nb_path).cells if c.cell_type == "code"]
    for i, cell in enumerate(code, 1):
        if re.search(r"(?<![\w.])check\(", cell.source):
            return i
    return None


@pytest.mark.parametrize(("lid", "nb"), LESSONS, ids=[lid for lid, _ in LESSONS])
def test_first_check_is_within_the_first_ten_code_cells(lid, nb):
    pos = first_check_cell(nb)
    assert pos is not None, f"{lid}: no code cell calls check()"
    assert pos <= LIMIT, (f"{lid}: the first check() is in code cell {pos} of {nb.name}; a student should get "
                          f"feedback within the first {LIMIT} code cells (move an exercise up or add a warm-up)")


def test_the_counter_sees_a_late_check(tmp_path):
    """The rule can fail: a lesson whose check is in its 12th code cell is reported as 12."""
    import jupytext
    import nbformat

    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_markdown_cell("# 示例")]
    nb.cells += [nbformat.v4.new_code_cell(f"x{i} = {i}") for i in range(11)]
    nb.cells += [nbformat.v4.new_code_cell('check("t-1", x0)')]
    jupytext.write(nb, tmp_path / "late.md", fmt="md:myst")
    nb = tmp_path / "late.md"
    assert first_check_cell(nb) == 12
