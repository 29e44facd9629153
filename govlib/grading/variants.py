"""Per-student variants: each student's own values for a lesson's assumptions and exercise data.

The syllabus declares, per lesson, which parameters vary and over what
(``variants:`` in ``course/course.yml``, :class:`govlib.syllabus.VariantRange`)::

    - id: quanzhou-survey
      variants:
        n_township: {low: 600, high: 1600, step: 50}
        seed: {low: 1, high: 99999}
      variants_note_zh: 两类干部的样本量是本课的假设……

A student's values are drawn deterministically from (course key, lesson,
parameter set, student name) with HMAC-SHA256 (:func:`draw`): the same
student always gets the same notebook, a classmate gets other numbers, and
without the key nobody can compute another student's values.  Only a
lesson's own assumptions and exercise data may vary (parameters whose help
comment says they are assumed, synthetic or set by the instructor); a
published figure lives in the register and is never a parameter.  A
parameter the handed-out set changes keeps the set's value.

The course key (:func:`course_key`) lives outside the repository: the
environment variable ``GOVLIB_COURSE_KEY`` (the key itself), or the file
named by ``GOVLIB_COURSE_KEY_FILE``, or ``~/.config/govlib/course-key``.  A
key file inside the course checkout is refused.

The grader recomputes each submission's variant from the file name (the
student) and the key, never from the notebook (:func:`variant_for`); the hub
calls :func:`write_student_variant` at login.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govlib.errors import ParameterError

__all__ = ["KEY_ENV", "KEY_FILE_ENV", "DEFAULT_KEY_FILE", "Variant", "course_key", "student_key", "draw",
           "check_variants", "variant_for", "variant_notebook", "write_student_variant", "MIN_KEY_LENGTH"]

#: environment variable holding the course key itself
KEY_ENV = "GOVLIB_COURSE_KEY"
#: environment variable naming a file that holds the course key
KEY_FILE_ENV = "GOVLIB_COURSE_KEY_FILE"
#: where the key is looked for last
DEFAULT_KEY_FILE = Path("~/.config/govlib/course-key")
#: the shortest key accepted (characters)
MIN_KEY_LENGTH = 16


@dataclass(frozen=True)
class Variant:
    """One student's values for one lesson.

    Attributes
    ----------
    lesson, set_name, student : str
    values : dict
        Varying parameter -> this student's value (empty when the lesson has
        no varying parameter).
    labels : dict
        Varying parameter -> its help text from the parameters cell (Chinese).
    fingerprint : str
        12 hex digits identifying the variant (printed on the feedback page;
        reveals nothing about the key).
    note_zh : str
        The syllabus's sentence on what varies and why.
    """

    lesson: str
    set_name: str
    student: str
    values: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    fingerprint: str = ""
    note_zh: str = ""


def course_key(*, required: bool = True) -> bytes | None:
    """The course key (see the module docstring).

    Raises
    ------
    ParameterError
        When *required* and no key is set, or the key is too short, or the
        key file is inside the course checkout.
    """
    from govlib import paths

    text = os.environ.get(KEY_ENV)
    where = f"环境变量 {KEY_ENV}"
    if not text:
        f = os.environ.get(KEY_FILE_ENV)
        p = Path(f).expanduser() if f else DEFAULT_KEY_FILE.expanduser()
        where = f"密钥文件 {p}"
        try:
            inside = p.resolve().is_relative_to(paths.ROOT.resolve())
        except OSError:
            inside = False
        if p.is_file():
            if inside:
                raise ParameterError(f"课程密钥文件 {p} 在课程仓库里：密钥不能随课程公开，请放到仓库之外"
                                     f"（如 {DEFAULT_KEY_FILE}）")
            text = p.read_text(encoding="utf-8").strip()
    if not text:
        if required:
            raise ParameterError(f"没有设置课程密钥：每名学生的专属数字由它算出。请设置环境变量 {KEY_ENV}，"
                                 f"或把密钥写入 {DEFAULT_KEY_FILE}（仓库之外，至少 {MIN_KEY_LENGTH} 个字符）")
        return None
    if len(text) < MIN_KEY_LENGTH:
        raise ParameterError(f"{where}中的课程密钥太短（{len(text)} 个字符，至少 {MIN_KEY_LENGTH} 个）")
    return text.encode("utf-8")


def student_key(name: str) -> str:
    """The form of a student name the variant is drawn from: NFKC, trimmed, case-folded.

    ``"Alice"``, ``" alice"`` and ``"ALICE"`` (a file renamed only in case)
    get the same values, and so do full-width forms (``"张三２"`` and ``"张三2"``):
    NFKC is what :func:`govlib.grading.files.student_id` reads a file name with and
    what the hub logs a name in with, so the notebook handed out and the grade agree.
    """
    return unicodedata.normalize("NFKC", str(name)).strip().casefold()


def _index(key: bytes, lesson: str, set_name: str, student: str, param: str, count: int) -> int:
    msg = "\x1f".join(["govlib-variant-1", lesson, set_name, student_key(student), param]).encode("utf-8")
    digest = hmac.new(key, msg, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") % count


def _values_of(rng, spec) -> list:
    if rng.choices is not None:
        return list(rng.choices)
    is_int = spec is not None and spec.type == "int"
    step = rng.step if rng.step is not None else (1 if is_int else (rng.high - rng.low) / 100)
    count = int(math.floor((rng.high - rng.low) / step + 1e-9)) + 1
    vals = [rng.low + i * step for i in range(count)]
    return [int(round(v)) for v in vals] if is_int else [round(float(v), 10) for v in vals]


def draw(lesson: str, set_name: str, student: str, ranges: dict, key: bytes, specs: dict | None = None) -> dict:
    """A student's values: one HMAC-SHA256 draw per varying parameter.

    Parameters
    ----------
    lesson, set_name, student : str
    ranges : dict
        Parameter -> :class:`govlib.syllabus.VariantRange`.
    key : bytes
        The course key.
    specs : dict, optional
        Parameter -> :class:`govlib.publish.params.ParamSpec` (int parameters
        get whole numbers, step 1 by default).

    Returns
    -------
    dict
        Parameter -> value, in sorted parameter order.
    """
    out = {}
    for name in sorted(ranges):
        vals = _values_of(ranges[name], (specs or {}).get(name))
        out[name] = vals[_index(key, lesson, set_name, student, name, len(vals))]
    return out


def check_variants(lesson, specs) -> list[str]:
    """Problems with a lesson's ``variants:`` against its parameters cell (Chinese; empty when fine).

    Every varying parameter must be declared in the parameters cell, and
    every value it can take must pass the declaration (type, range, choices).
    """
    problems = []
    for name, rng in lesson.variants.items():
        spec = specs.get(name)
        if spec is None:
            problems.append(f"课程 {lesson.id} 的 variants 中的 {name} 不是笔记本参数单元格声明的参数")
            continue
        vals = _values_of(rng, spec)
        for v in (vals[0], vals[-1]) if rng.choices is None else vals:
            if spec.check(v)[1] is not None:
                problems.append(f"课程 {lesson.id} 的 variants › {name} 可取到 {v!r}，不符合参数声明 {spec.expected()}")
                break
    return problems


def _lesson_and_specs(lesson: str, syllabus=None):
    from govlib.errors import DataError
    from govlib.publish.params import read_parameters
    from govlib.syllabus import load_syllabus

    try:
        syl = load_syllabus(syllabus, check_notebooks=False)
        les = syl.lesson(lesson)
    except (DataError, KeyError, ValueError) as exc:
        raise ParameterError(f"课程大纲中找不到课程 {lesson}（{str(exc)[:160]}）") \
            from None
    return syl, les, read_parameters(syl.notebook_path(les))


def variant_for(lesson: str, student: str, *, set_name: str = "default", key: bytes | None = None,
                syllabus=None) -> Variant:
    """The variant of *student* for *lesson* (recomputed from the name and the key, never read from a notebook).

    A lesson without ``variants:`` gives an empty variant and needs no key.
    Parameters the set *set_name* changes are not varied.

    Raises
    ------
    ParameterError
        Unknown lesson, no course key for a lesson with variants, or a
        ``variants:`` entry that does not fit the parameters cell.
    """
    _, les, nbp = _lesson_and_specs(lesson, syllabus)
    ranges = {k: v for k, v in les.variants.items() if k not in (les.params.get(set_name) or {})}
    if not ranges:
        return Variant(lesson, set_name, student)
    problems = check_variants(les, nbp.specs)
    if problems:
        raise ParameterError("；".join(problems))
    key = key if key is not None else course_key()
    values = draw(lesson, set_name, student, ranges, key, nbp.specs)
    fp = hmac.new(key, ("govlib-fingerprint\x1f" + repr(sorted(values.items()))).encode("utf-8"),
                  hashlib.sha256).hexdigest()[:12]
    labels = {k: (nbp.specs[k].help or k) for k in values}
    return Variant(lesson, set_name, student, values, labels, fp, les.variants_note_zh)


def variant_cell_source(var: Variant) -> str:
    """The Markdown cell that shows a student their own numbers (Chinese)."""
    from govlib.publish.params import python_literal

    lines = [f"**你的专属数字**（学生：{var.student}；编号 {var.fingerprint}）", "",
             "本课下面这些假设值是按你的名字生成的，同学之间各不相同；练习的题目、check() 的反馈和评分都用你的这些数字。"
             "文章公布的数字对每个人都一样，没有改动。", "", "| 参数 | 含义 | 你的值 |", "|---|---|---|"]
    for k, v in var.values.items():
        lines.append(f"| `{k}` | {var.labels.get(k, '')} | `{python_literal(v)}` |")
    if var.note_zh:
        lines += ["", var.note_zh]
    lines += ["", "请不要修改参数单元格：评分按你的名字重新算出这些值，不读取笔记本里的数字。"]
    return "\n".join(lines)


def variant_notebook(lesson: str, student: str, *, set_name: str = "default", key: bytes | None = None,
                     syllabus=None):
    """The student notebook of *lesson* with *student*'s own values (an ``nbformat`` node).

    The same notebook ``govlib student`` hands out (the build's student
    edition), with the variant written into the parameters cell and the
    metadata, and a Markdown cell after the parameters cell showing the
    student their numbers.  A lesson without variants gives the common
    notebook unchanged.
    """
    import nbformat

    from govlib.publish import editions
    from govlib.publish.student import student_notebook_for

    var = variant_for(lesson, student, set_name=set_name, key=key, syllabus=syllabus)
    nb = student_notebook_for(lesson, set_name, syllabus=syllabus)
    if not var.values:
        return nb
    meta = nb.metadata.setdefault("govlib", {})
    values = {**(meta.get("values") or {}), **var.values}
    meta["values"] = values
    meta["student"] = student
    meta["variant"] = var.fingerprint
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            cell.source = editions.rewrite_parameters(cell.source, values)
            cells.append(cell)
            cells.append(nbformat.v4.new_markdown_cell(variant_cell_source(var),
                                                       metadata={"tags": ["govlib-variant"]}))
            continue
        cells.append(cell)
    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i}"
    nb.cells = cells
    return nb


def write_student_variant(lesson: str, folder: str | Path, student: str, *, set_name: str = "default",
                          overwrite: bool = False, syllabus=None) -> Path:
    """Write *student*'s own notebook of *lesson* into *folder* (the hub calls this at login).

    The file is ``<lesson>.ipynb`` (``<lesson>--<set>.ipynb`` for another
    set), the name ``govlib student`` uses; an existing file (the student's
    work) is never replaced unless *overwrite*.

    Returns
    -------
    Path
        The notebook written (or the one already there).
    """
    import nbformat

    from govlib.atomic import atomic_write

    folder = Path(folder)
    target = folder / (f"{lesson}.ipynb" if set_name == "default" else f"{lesson}--{set_name}.ipynb")
    if target.exists() and not overwrite:
        return target
    nb = variant_notebook(lesson, student, set_name=set_name, syllabus=syllabus)
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(target, (nbformat.writes(nb) + "\n").encode("utf-8"))
    return target
