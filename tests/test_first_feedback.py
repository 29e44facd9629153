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


@pytest.mark.parametrize(("lid", "nb"), LESSONS, ids=[lid for lid, _ in LESSONS])
def test_exercises_are_named_in_the_order_the_lesson_shows_them(lid, nb):
    """A warm-up comes before 练习1: listings put it first and call it 热身练习, never 练习7 (its id keeps 7)."""
    from govlib.exercises import catalog

    text = nb.read_text(encoding="utf-8")
    shown = list(dict.fromkeys(re.findall(r'(?:show_exercise|check|show_rubric)\("([a-z0-9-]+)"', text)))
    exs = catalog(lid)
    assert [e.id for e in exs] == shown, f"{lid}: the exercise listings do not follow the lesson"
    labels = [e.label_zh for e in exs if not e.warmup]
    assert labels == [f"练习{n}" for n in range(1, len(labels) + 1)], f"{lid}: {labels}"
    for e in exs:
        assert e.warmup == (e is exs[0] and e.number != 1), f"{lid}: {e.id} warmup={e.warmup}"
        if e.warmup:
            assert e.label_zh == "热身练习"


def test_a_warm_up_is_called_热身练习_on_the_page_key_and_slides():
    from govlib.exercises import answer_key
    from govlib.exercises.show import show_exercise
    from govlib.publish.answers import key_html

    box = show_exercise("chengdu-7")
    assert "<strong>热身练习（重算）</strong>" in box.html and "练习7" not in box.html + repr(box)
    key = answer_key("chengdu")
    assert key[0].id == "chengdu-7" and key[0].label_zh == "热身练习" and key[1].label_zh == "练习1"
    page = key_html(key)
    assert page.index("热身练习") < page.index("练习1") and "练习7" not in page
