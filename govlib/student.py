"""Hand a lesson to a student: ``govlib student LESSON [--set NAME] [--dir .]``.

Writes the lesson's student notebook (solutions and instructor notes removed,
the parameter set's values written into the parameters cell, no outputs)
into a folder, together with read-only copies of the course files its text
tells students to open (e.g. ``data/frameworks/quanzhou.yaml``), so that an
instructor can give a class one line and every file the notebook names is
there.  It needs no checkout: the course files come from wherever
:mod:`govlib.paths` found them (a checkout or the wheel's bundle).

The notebook itself comes from :func:`_student_notebook`, the only place
that knows how the publish step builds one; switch it there.

:func:`show_file` prints a course file's content from a notebook, for
lessons that want to show a framework file instead of sending students to it.
"""

from __future__ import annotations

import re
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

from govlib import paths
from govlib.errors import GovlibError

__all__ = ["StudentError", "Handout", "write_student", "referenced_files", "show_file", "lesson_choices"]

#: a course file named in a notebook's text: data/..., course/course.yml
_REF_RE = re.compile(r"(?<![\w/.-])((?:data|course)/[\w./-]*\w\.(?:ya?ml|csv|md|txt))")


class StudentError(GovlibError):
    """An unknown lesson or parameter set, or a folder that cannot be written (message in Chinese)."""


@dataclass
class Handout:
    """What :func:`write_student` wrote.

    Attributes
    ----------
    notebook : Path
        The student notebook.
    extras : list of Path
        Read-only copies of course files the notebook's text names.
    missing : list of str
        Files the text names that the course does not have (to report to the author).
    """

    notebook: Path
    extras: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def lesson_choices(syllabus=None) -> dict[str, list[str]]:
    """Lesson id -> parameter-set names, in syllabus order."""
    from govlib.syllabus import load_syllabus

    syl = syllabus or load_syllabus()
    return {les.id: les.set_names() for les in syl.lessons}


def _student_notebook(lesson: str, set_name: str):
    """The student notebook of *lesson* with parameter set *set_name* (an ``nbformat`` node).

    The one adapter between ``govlib student`` and the course build: it is
    :func:`govlib.publish.student_notebook_for`, so a student who types the
    command gets byte for byte the ``student.ipynb`` the build hands out.
    """
    from govlib.errors import ParameterError
    from govlib.publish import student_notebook_for

    try:
        return student_notebook_for(lesson, set_name)
    except ParameterError as exc:
        raise StudentError(str(exc)) from None


def referenced_files(nb, lesson: str | None = None) -> list[str]:
    """Course files (``data/...``, ``course/...``) a student is told about, sorted.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        Its markdown and code cells are searched.
    lesson : str, optional
        Also search this lesson's exercise prompts and hints (the notebook
        shows them from the exercise bank when it runs, so they are not in
        its cells).
    """
    texts = [cell.source for cell in nb.cells]
    if lesson is not None:
        from govlib.exercises import catalog

        texts += [t for ex in catalog(lesson) for t in (ex.prompt_zh, ex.hint_zh)]
    found: set[str] = set()
    for text in texts:
        found.update(m.group(1) for m in _REF_RE.finditer(text))
    return sorted(found)


def _choices_text(choices: dict[str, list[str]]) -> str:
    return "\n".join(f"  {les}（参数集：{'、'.join(sets)}）" for les, sets in choices.items())


def write_student(lesson: str, set_name: str = "default", folder: str | Path = ".", *,
                  overwrite: bool = False, student: str | None = None) -> Handout:
    """Write *lesson*'s student notebook for *set_name* into *folder*.

    Parameters
    ----------
    lesson : str
        Lesson id from the syllabus (``course/course.yml``).
    set_name : str
        Parameter-set name of that lesson (``default`` unless the instructor says otherwise).
    folder : str or Path
        Where to write; created if missing.
    overwrite : bool
        Replace an existing notebook of the same name.  Without it an existing
        file (a student's work) is never overwritten.
    student : str, optional
        Write this student's own variant
        (:func:`govlib.grading.variants.variant_notebook`; needs the course key).

    Returns
    -------
    Handout

    Raises
    ------
    StudentError
        Unknown lesson or parameter set (the message lists the choices), or a
        notebook that already exists.
    """
    import nbformat

    from govlib.atomic import atomic_write

    choices = lesson_choices()
    if lesson not in choices:
        raise StudentError(f"没有编号为“{lesson}”的课。可选的课：\n{_choices_text(choices)}")
    if set_name not in choices[lesson]:
        raise StudentError(f"课“{lesson}”没有名为“{set_name}”的参数集。可选：{'、'.join(choices[lesson])}")
    folder = Path(folder).absolute()
    name = f"{lesson}.ipynb" if set_name == "default" else f"{lesson}--{set_name}.ipynb"
    target = folder / name
    if target.exists() and not overwrite:
        raise StudentError(f"{target} 已存在，为免覆盖你的作答，没有改写。要重新领取，请先改名或删除该文件，"
                           "或加 --overwrite。")
    if student:
        from govlib.errors import ParameterError
        from govlib.grading.variants import variant_notebook

        try:
            nb = variant_notebook(lesson, student, set_name=set_name)
        except ParameterError as exc:
            raise StudentError(str(exc)) from None
    else:
        nb = _student_notebook(lesson, set_name)
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(target, (nbformat.writes(nb) + "\n").encode("utf-8"))
    out = Handout(notebook=target)
    for rel in referenced_files(nb, lesson):
        src = paths.ROOT / rel
        if not src.is_file():
            out.missing.append(rel)
            continue
        dst = folder / rel
        if dst.exists():
            dst.chmod(dst.stat().st_mode | stat.S_IWUSR)
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        dst.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)  # a copy to read, not the register
        out.extras.append(dst)
    return out


def show_file(rel: str) -> None:
    """Print a course file (e.g. ``"data/frameworks/quanzhou.yaml"``) in a notebook.

    Parameters
    ----------
    rel : str
        Path relative to the course root, as the lessons name it.
    """
    p = (paths.ROOT / rel).resolve()
    if paths.ROOT not in p.parents or not p.is_file():
        raise StudentError(f"课程中没有文件“{rel}”。")
    print(f"# {rel}\n" + p.read_text(encoding="utf-8"))
