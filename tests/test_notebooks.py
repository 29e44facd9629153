"""Static checks of the lesson sources: one typed parameters cell, no published number typed,
and every lesson's exercises present, checked and solved."""

from __future__ import annotations

import re

import pytest
import yaml

from govlib import paths

SYLLABUS = yaml.safe_load(paths.SYLLABUS.read_text(encoding="utf-8")) if paths.SYLLABUS.exists() else {"lessons": []}
LESSONS = [(lesson["id"], paths.ROOT / lesson["notebook"]) for lesson in SYLLABUS["lessons"]]
# numbers that are arithmetic, not published figures (percent total)
ALLOWED = {"100"}


def _read(nb_path):
    import jupytext

    return jupytext.read(nb_path)


def _tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


def test_every_syllabus_lesson_has_a_notebook():
    assert len(LESSONS) >= 8
    for lid, nb in LESSONS:
        assert nb.is_file(), f"{lid}: {nb} missing"
        assert nb.suffix == ".md", f"{lid}: lessons are stored as MyST Markdown"


@pytest.mark.parametrize(("lid", "nb"), LESSONS, ids=[lid for lid, _ in LESSONS])
def test_one_parameters_cell_with_typed_commented_lines(lid, nb):
    cells = [c for c in _read(nb).cells if "parameters" in _tags(c)]
    assert len(cells) == 1, f"{lid}: {len(cells)} parameters cells"
    lines = [ln for ln in cells[0].source.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    assert lines
    for ln in lines:
        assert re.match(r"^\w+\s*:\s*(int|float|str|bool)\s*=\s*.+#\s*\S", ln), f"{lid}: {ln!r}"


def _published_tokens(register):
    tokens = {}
    for rec in register.figures.to_dict("records"):
        if rec["derived_from"] == rec["derived_from"] and rec["derived_from"]:
            continue
        for tok in re.findall(r"\d+(?:\.\d+)?", rec["wording"]):
            if len(tok) >= 3 and tok not in ALLOWED:
                tokens.setdefault(tok, rec["id"])
    return tokens


@pytest.mark.parametrize(("lid", "nb"), LESSONS, ids=[lid for lid, _ in LESSONS])
def test_no_published_number_is_typed_in_a_lesson(register, lid, nb):
    # figure ids (cd-since-2017) and exercise ids name numbers; they are not typed numbers
    prefixes = "|".join(register.sources["prefix"])
    text = re.sub(rf"\b(?:{prefixes})-[a-z0-9-]+", " ", nb.read_text(encoding="utf-8"))
    found = []
    for tok, fid in _published_tokens(register).items():
        if re.search(rf"(?<![\d.]){re.escape(tok)}(?![\d])", text):
            found.append((tok, fid))
    assert found == [], f"{lid} types published numbers instead of loading them: {found}"


@pytest.mark.parametrize(("lid", "nb"), LESSONS, ids=[lid for lid, _ in LESSONS])
def test_exercises_are_shown_checked_and_solved_from_the_bank(lid, nb):
    """Each exercise: its prompt shown from the bank (student-visible), an unanswered exercise cell that checks it,
    a solution cell that shows the reference value; each discussion question: its prompt visible to students and
    its rubric in an instructor-only cell."""
    from govlib.exercises import catalog

    exercises = catalog(lid)
    assert len(exercises) >= 4, f"{lid}: only {len(exercises)} exercises"
    assert sum(e.kind == "discuss" for e in exercises) >= 1
    assert len({e.kind for e in exercises}) >= 3, f"{lid}: exercises of fewer than three kinds"
    cells = _read(nb).cells
    hidden = {"solution", "instructor"}
    for ex in exercises:
        shown = [c for c in cells if c.cell_type == "code" and f'show_exercise("{ex.id}"' in c.source]
        assert len(shown) == 1, f"{ex.id}: {len(shown)} cells show its prompt (want one show_exercise call)"
        assert not hidden & _tags(shown[0]), f"{ex.id}: its prompt is in a cell students do not see"
        assert "remove-input" in _tags(shown[0]), f"{ex.id}: the prompt cell should show its output only"
        if ex.kind == "discuss":
            rubric = [c for c in cells if f'show_rubric("{ex.id}")' in c.source]
            assert rubric and "instructor" in _tags(rubric[0]), f"{ex.id}: rubric missing or not instructor-only"
            continue
        call = f'check("{ex.id}"'
        asked = [c for c in cells if "exercise" in _tags(c) and call in c.source]
        solved = [c for c in cells if "solution" in _tags(c) and f'solution("{ex.id}"' in c.source]
        assert asked, f"{ex.id}: no exercise cell calls {call}"
        assert solved, f"{ex.id}: no solution cell shows solution(\"{ex.id}\", …)"
        assert f"{ex.variable} = None" in asked[0].source, f"{ex.id}: exercise cell must start unanswered"
        assert cells.index(shown[0]) < cells.index(asked[0]) < cells.index(solved[0]), f"{ex.id}: cells out of order"


def _runs(text: str, n: int = 12) -> set[str]:
    """Every run of *n* characters of *text* that holds at least n - 2 Chinese characters and no book title
    (a title such as 《社区发展治理促进条例》 is a name the narrative may use too)."""
    out = set()
    for i in range(len(text) - n + 1):
        run = text[i:i + n]
        if "《" in run or "》" in run:
            continue
        if sum("\u4e00" <= ch <= "\u9fff" for ch in run) >= n - 2:
            out.add(run)
    return out


@pytest.mark.parametrize(("lid", "nb"), LESSONS, ids=[lid for lid, _ in LESSONS])
def test_no_prompt_or_rubric_is_written_in_the_notebook_too(lid, nb):
    """One source per exercise: no 12-character run of a bank prompt or rubric point appears in the notebook."""
    from govlib.exercises import catalog

    text = nb.read_text(encoding="utf-8")
    found = []
    for ex in catalog(lid):
        for part in (ex.prompt_zh, *ex.rubric_zh):
            hits = sorted(r for r in _runs(part) if r in text)
            if hits:
                found.append((ex.id, hits[0]))
    assert not found, f"{lid}: exercise text written in the notebook as well as in the bank: {found}"


def test_course_has_thirty_exercises():
    from govlib.exercises import catalog

    assert len(catalog()) >= 30


@pytest.mark.parametrize(("lid", "nb"), LESSONS, ids=[lid for lid, _ in LESSONS])
def test_lesson_is_exactly_what_jupytext_writes(lid, nb):
    """Saving a lesson unchanged from JupyterLab (jupytext) must not rewrite it (no stray ``+++`` markers)."""
    import jupytext

    src = nb.read_text(encoding="utf-8")
    assert jupytext.writes(jupytext.reads(src, fmt="md:myst"), fmt="md:myst") == src, (
        f"{lid}: {nb.name} is not in jupytext's own form; normalise it with jupytext before committing")
