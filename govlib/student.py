"""Hand a lesson to a student: ``govlib student LESSON [--set NAME] [--dir .]``.

Writes the lesson's student notebook (solutions and instructor notes removed,
the parameter set's values written into the parameters cell, no outputs)
into a folder, together with read-only copies of the course files its text
tells students to open (e.g. ``data/frameworks/xiamen-127.yaml``), so that an
instructor can give a class one line and every file the notebook names is
there.  It needs no checkout: the course files come from wherever
:mod:`govlib.paths` found them (a checkout or the wheel's bundle).

The notebook itself comes from :func:`_student_notebook`, the only place
that knows how the publish step builds one; switch it there.

:func:`show_file` prints a course file's content from a notebook, for
lessons that want to show a framework file instead of sending students to it.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

from govlib import paths
from govlib.errors import GovlibError

__all__ = ["StudentError", "Handout", "write_student", "referenced_files", "show_file", "lesson_choices",
           "lesson_titles", "lesson_label", "resolve_lesson"]

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
    status : str
        ``written`` (there was none), ``kept`` (one existed and was left
        untouched) or ``replaced`` (``overwrite``: the old one was renamed to
        ``backup``).
    backup : Path or None
        Where the replaced notebook was moved.
    """

    notebook: Path
    extras: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    status: str = "written"
    backup: Path | None = None

    def summary_zh(self, label: str = "") -> str:
        """One Chinese line saying what happened to this lesson's notebook."""
        who = f"{label}：" if label else ""
        if self.status == "kept":
            return f"{who}已有 {self.notebook}，保持原样（没有改动你的作答）"
        extra = ""
        if self.extras:
            rel = [str(x.relative_to(self.notebook.parent)) if x.is_relative_to(self.notebook.parent) else str(x)
                   for x in self.extras]
            extra = f"（附带只读参考文件：{'、'.join(rel)}）"
        if self.status == "replaced":
            return f"{who}已重新写入学生笔记本：{self.notebook}（原来的文件已改名为 {self.backup.name}）{extra}"
        return f"{who}已写入学生笔记本：{self.notebook}{extra}"


def lesson_choices(syllabus=None) -> dict[str, list[str]]:
    """Lesson id -> parameter-set names, in syllabus order."""
    from govlib.syllabus import load_syllabus

    syl = syllabus or load_syllabus()
    return {les.id: les.set_names() for les in syl.lessons}


def lesson_titles(syllabus=None) -> dict[str, str]:
    """Lesson id -> Chinese title, in syllabus order."""
    from govlib.syllabus import load_syllabus

    syl = syllabus or load_syllabus()
    return {les.id: les.title_zh for les in syl.lessons}


def lesson_label(lesson: str) -> str:
    """``"quanzhou-survey（泉州基层干部问卷）"``: the id with the short title (before its colon)."""
    title = lesson_titles().get(lesson, "")
    short = re.split(r"[：:]", title, maxsplit=1)[0]
    return f"{lesson}（{short}）" if short else lesson


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def resolve_lesson(text: str, syllabus=None) -> tuple[str, str]:
    """The lesson a student means: an id, an id with ``_`` or capitals, a Chinese title or part of one.

    A title is matched whole, by its part before the colon, or by the
    characters of *text* appearing in it in order (``泉州问卷`` is
    ``泉州基层干部问卷：…``), when exactly one lesson matches.

    Returns
    -------
    (lesson id, note)
        *note* is a Chinese line saying which lesson a title was read as
        (empty when *text* was the id).

    Raises
    ------
    StudentError
        No lesson or several match; the message has 「您是不是要找」 with the
        closest ids and titles, and lists every lesson.
    """
    import difflib

    titles = lesson_titles(syllabus)
    raw = str(text).strip()
    key = raw.lower().replace("_", "-").removesuffix(".ipynb").removesuffix(".md")
    if key in titles:
        return key, ""
    short = {les: re.split(r"[：:]", t, maxsplit=1)[0] for les, t in titles.items()}
    compact = re.sub(r"[\s“”\"'《》「」]", "", raw)
    for test in (lambda les: compact in (titles[les], short[les]),
                 lambda les: len(compact) >= 2 and compact in titles[les],
                 lambda les: len(compact) >= 2 and _subsequence(compact, titles[les])):
        hits = [les for les in titles if test(les)]
        if len(hits) == 1:
            return hits[0], f"“{raw}”即第 {list(titles).index(hits[0]) + 1} 课 {lesson_label(hits[0])}。"
        if len(hits) > 1:
            raise StudentError(f"“{raw}”可以指几课：{'、'.join(lesson_label(h) for h in hits)}。请写课程编号。")
    close = difflib.get_close_matches(key, list(titles), n=3, cutoff=0.5)
    close += [les for les, t in short.items() if les not in close
              and difflib.get_close_matches(compact, [t], n=1, cutoff=0.4)]
    hint = f"您是不是要找：{'、'.join(lesson_label(c) for c in close[:3])}？\n" if close else ""
    raise StudentError(f"没有编号为“{raw}”的课。{hint}可选的课：\n{_choices_text(lesson_choices(syllabus))}")


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
    titles = lesson_titles()
    return "\n".join(f"  {les}（参数集：{'、'.join(sets)}）  {titles.get(les, '')}" for les, sets in choices.items())


def _writable_folder(folder: Path) -> Path:
    """*folder* made absolute and created; a Chinese StudentError when it is no folder one can write into."""
    folder = Path(folder).expanduser().absolute()
    if folder.exists() and not folder.is_dir():
        raise StudentError(f"“{folder}”是一个文件，不是文件夹：请用 --dir 指定一个文件夹。")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StudentError(f"无法创建文件夹“{folder}”：{_why(exc)}。请用 --dir 指定你自己的文件夹。") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StudentError(f"文件夹“{folder}”不可写（没有写入权限）：请用 --dir 指定你自己的文件夹。")
    return folder


def _why(exc: OSError) -> str:
    """An OSError's reason in Chinese."""
    import errno

    words = {errno.EACCES: "没有权限", errno.EPERM: "不允许这样操作", errno.EROFS: "这是只读的文件系统",
             errno.ENOSPC: "磁盘已满", errno.ENOTDIR: "路径中有一段不是文件夹", errno.EEXIST: "已经存在",
             errno.ENOENT: "路径不存在", errno.EISDIR: "这是一个文件夹"}
    return words.get(exc.errno, exc.strerror or str(exc))


def write_student(lesson: str, set_name: str = "default", folder: str | Path = ".", *,
                  overwrite: bool = False, keep_existing: bool = False,
                  student: str | None = None) -> Handout:
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
        Hand the lesson out again over an existing notebook of the same name:
        the old one is first renamed ``<name>.旧-<date>-<time>.ipynb`` (never
        deleted).  Without it an existing file (a student's work) is never
        touched.
    keep_existing : bool
        An existing notebook is left as it is and reported (``status``
        ``kept``) instead of raising: what ``govlib student --all`` does, so it
        can be run again to restore deleted lessons.
    student : str, optional
        Write this student's own variant
        (:func:`govlib.grading.variants.variant_notebook`; needs the course key).

    Returns
    -------
    Handout

    Raises
    ------
    StudentError
        Unknown lesson or parameter set (the message lists the choices), a
        folder that cannot be written, or a notebook that already exists
        (without ``overwrite`` or ``keep_existing``).
    """
    import nbformat

    from govlib.atomic import atomic_write

    choices = lesson_choices()
    if lesson not in choices:
        raise StudentError(f"没有编号为“{lesson}”的课。可选的课：\n{_choices_text(choices)}")
    if set_name not in choices[lesson]:
        from govlib.cli_zh import suggest

        raise StudentError(f"课“{lesson}”没有名为“{set_name}”的参数集。{suggest(set_name, choices[lesson])}"
                           f"可选：{'、'.join(choices[lesson])}")
    name = f"{lesson}.ipynb" if set_name == "default" else f"{lesson}--{set_name}.ipynb"
    folder = _writable_folder(folder)
    target = folder / name
    exists = target.exists() or target.is_symlink()
    if exists and not overwrite:
        if keep_existing:
            return Handout(notebook=target, status="kept")
        raise StudentError(f"{target} 已存在，为免覆盖你的作答，没有改写。要重新领取，请先改名或删除该文件，"
                           "或加 --overwrite（旧文件会改名保存）。")
    if student:
        from govlib.errors import ParameterError
        from govlib.grading.variants import variant_notebook

        try:
            nb = variant_notebook(lesson, student, set_name=set_name)
        except ParameterError as exc:
            raise StudentError(str(exc)) from None
    else:
        nb = _student_notebook(lesson, set_name)
    out = Handout(notebook=target, status="replaced" if exists else "written")
    try:
        if exists:
            stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
            out.backup = target.with_name(f"{target.stem}.旧-{stamp}.ipynb")
            target.rename(out.backup)
        atomic_write(target, (nbformat.writes(nb) + "\n").encode("utf-8"))
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
    except OSError as exc:
        where = exc.filename or target
        raise StudentError(f"无法写入“{where}”：{_why(exc)}。请用 --dir 指定你自己的文件夹。") from None
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
