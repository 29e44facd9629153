"""The edition handed out: which parameter values each exercise is graded with.

Students are graded against the parameters of the edition the instructor
handed out, never against values read from their own notebook, its metadata
or the arguments of their ``check`` calls (those are only compared with the
handed-out ones, and differences are reported).

Where the values come from (:func:`load_handout`):

``--build DIR``
    the build's ``manifest.json``: the ``student-notebook`` entry of the
    lesson and parameter set; the handed-out ``student.ipynb`` must still
    have the SHA-256 the manifest records.  The values are the entry's
    ``values`` (once the build records them) or else the notebook's
    ``metadata.govlib.values``, written by the build;
otherwise
    the syllabus (``course/course.yml`` or ``--syllabus``): the lesson's
    parameter set over the notebook's declared defaults.

Either way each value is checked against the declaration in the lesson's
parameters cell (:mod:`govlib.publish.params`) and clamped to its declared
range, and each exercise's parameters are mapped to lesson parameters
through the handed-out notebook's own ``check("<id>", …, p=name)`` calls.
"""

from __future__ import annotations

import ast
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govlib.errors import ParameterError

__all__ = ["Handout", "load_handout"]


@dataclass
class Handout:
    """The handed-out edition of one lesson.

    Attributes
    ----------
    lesson, set_name : str
        Lesson id and parameter-set name.
    values : dict
        Lesson parameter -> handed-out value (checked, clamped).
    exercise_params : dict
        Exercise id -> exercise parameter -> value to grade with.
    check_exprs : dict
        (exercise id, exercise parameter) -> the expression the handout's
        ``check`` call passes (e.g. ``"n_households"``).
    kernel : str
        The handout's kernel name.
    fixed_cells : list of str
        Sources of the handout's code cells a student has no reason to edit
        (not tagged exercise, parameters, solution or instructor).
    origin : str
        Where the values come from (Chinese).
    notes : list of str
        Clamped values and other remarks for the report.
    fixed_cells : list of str
        Sources of the handout's code cells a student has no reason to edit.
    defaults : dict
        Lesson parameter -> the notebook's declared default (the notebook
        metadata records only what a set changes from these).
    student : str
        The student this handout is for ("" for the class's common edition;
        see :meth:`for_student`).
    variant : dict
        The per-student values drawn for *student* ({} when none vary).
    """

    lesson: str
    set_name: str
    values: dict[str, Any]
    exercise_params: dict[str, dict[str, Any]] = field(default_factory=dict)
    check_exprs: dict[tuple[str, str], str] = field(default_factory=dict)
    kernel: str = "python3"
    origin: str = ""
    notes: list[str] = field(default_factory=list)
    fixed_cells: list[str] = field(default_factory=list)
    defaults: dict[str, Any] = field(default_factory=dict)
    student: str = ""
    variant: dict[str, Any] = field(default_factory=dict)

    def for_student(self, student: str, variant: dict[str, Any]) -> "Handout":
        """This handout with one student's own values (:mod:`govlib.grading.variants`).

        The exercise parameters are mapped again through the handout's
        ``check`` expressions, so every exercise is graded with the
        student's variant; the common handout is not changed.
        """
        from dataclasses import replace

        values = {**self.values, **variant}
        ex_params = {ex_id: {p: _resolve(ex_id, p, self.check_exprs[(ex_id, p)], values)
                             if (ex_id, p) in self.check_exprs else v for p, v in ps.items()}
                     for ex_id, ps in self.exercise_params.items()}
        return replace(self, values=values, exercise_params=ex_params, student=student, variant=dict(variant),
                       notes=list(self.notes))


def _clamp(specs, values: dict, notes: list[str]) -> dict:
    out = {}
    for name, value in values.items():
        spec = specs.get(name)
        if spec is None:
            out[name] = value
            continue
        v, problem = spec.check(value)
        if problem is None:
            out[name] = v
            continue
        if spec.type in ("int", "float") and isinstance(value, (int, float)) and not isinstance(value, bool):
            lo = spec.low if spec.low is not None else value
            hi = spec.high if spec.high is not None else value
            c = min(max(value, lo), hi)
            c = int(c) if spec.type == "int" else float(c)
            if spec.check(c)[1] is None:
                notes.append(f"参数 {name} 的值 {value!r} 超出声明范围 {spec.expected()}，按 {c!r} 评分")
                out[name] = c
                continue
        raise ParameterError(f"参数 {name} 的发放值 {value!r} 不符合声明（{spec.expected()}）")
    return out


def _resolve(ex_id: str, p: str, expr: str, values: dict) -> Any:
    if expr in values:
        return values[expr]
    try:
        return ast.literal_eval(expr)
    except (ValueError, SyntaxError):
        raise ParameterError(f"无法从发放版确定练习 {ex_id} 的参数 {p}（check 调用中写的是 {expr}）") from None


def _from_build(build: Path, lesson: str, set_name: str):
    import nbformat

    man = build / "manifest.json"
    try:
        doc = json.loads(man.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ParameterError(f"无法读取构建清单 {man}（{exc}）") from None
    arts = doc.get("artifacts") if isinstance(doc, dict) else None
    hits = [a for a in arts or [] if isinstance(a, dict) and a.get("lesson") == lesson
            and a.get("params") == set_name and a.get("edition") == "student-notebook"]
    if len(hits) != 1:
        sets = sorted({str(a.get("params")) for a in arts or [] if isinstance(a, dict) and a.get("lesson") == lesson})
        raise ParameterError(f"构建清单 {man} 中没有课程 {lesson} 参数集 {set_name} 的学生笔记本"
                             f"（已有参数集：{'、'.join(sets) or '无'}）")
    entry = hits[0]
    path = (build / str(entry.get("path", ""))).resolve()
    try:
        path.relative_to(build.resolve())
        raw = path.read_bytes()
    except (ValueError, OSError):
        raise ParameterError(f"无法读取发放的学生笔记本 {path}") from None
    if hashlib.sha256(raw).hexdigest() != entry.get("sha256"):
        raise ParameterError(f"发放的学生笔记本 {path} 与构建清单记录的 SHA-256 不符（构建后被改动过）")
    nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
    meta = nb.metadata.get("govlib", {})
    values = entry.get("values")
    if not isinstance(values, dict):
        values = meta.get("values") if isinstance(meta, dict) else None
    if not isinstance(values, dict):
        raise ParameterError(f"构建清单和发放的笔记本都没有记录参数值：{path}")
    return nb, dict(values), path, f"构建 {build}（清单已核对）参数集 {set_name}"


def _from_syllabus(syllabus: Path | None, lesson: str, set_name: str):
    import jupytext

    from govlib.errors import DataError
    from govlib.publish.params import read_parameters, validate_parameter_set
    from govlib.syllabus import load_syllabus

    try:
        syl = load_syllabus(syllabus, check_notebooks=False)
        les = syl.lesson(lesson)
    except (DataError, KeyError, ValueError) as exc:
        raise ParameterError(f"课程大纲中找不到课程 {lesson}，无法确定发放的参数（{str(exc)[:200]}）；"
                             f"可用 --build 指定构建文件夹") from None
    if set_name not in les.params:
        raise ParameterError(f"课程 {lesson} 没有参数集 {set_name}（已有：{'、'.join(les.params)}）")
    nb_path = syl.notebook_path(les)
    params = read_parameters(nb_path)
    coerced, problems = validate_parameter_set(params, les.params[set_name] or {}, lesson=lesson, set_name=set_name)
    if problems:
        raise ParameterError("；".join(problems))
    values = {**params.defaults(), **coerced}
    return jupytext.read(nb_path), values, nb_path, f"课程大纲参数集 {set_name}"


def load_handout(lesson: str, exercises, *, set_name: str = "default", syllabus: str | Path | None = None,
                 build: str | Path | None = None) -> Handout:
    """The handed-out parameters of *lesson* (see the module docstring).

    Raises
    ------
    ParameterError
        The lesson, set or build entry is missing, the build was altered, a
        value does not fit its declaration, or an exercise parameter cannot
        be mapped to a handed-out value.
    """
    from govlib.grading.collect import Spec
    from govlib.grading.files import check_params
    from govlib.publish.params import extract_parameters_source, parse_parameters

    needs = any(e.params for e in exercises)
    if build is not None:
        nb, values, path, origin = _from_build(Path(build), lesson, set_name)
    else:
        try:
            nb, values, path, origin = _from_syllabus(Path(syllabus) if syllabus else None, lesson, set_name)
        except ParameterError:
            if needs:
                raise
            return Handout(lesson, set_name, {}, origin="（本课练习不需要参数）")
    notes: list[str] = []
    if path.suffix == ".ipynb":
        specs = parse_parameters(extract_parameters_source(path), str(path))
        values = {**{n: s.default for n, s in specs.items()}, **values}
    else:
        from govlib.publish.params import read_parameters

        specs = read_parameters(path).specs
    defaults = {n: s.default for n, s in specs.items()}
    values = _clamp(specs, values, notes)
    spec = Spec.from_exercises(lesson, exercises)
    exprs = check_params(nb, spec)
    ex_params: dict[str, dict[str, Any]] = {}
    check_exprs: dict[tuple[str, str], str] = {}
    for ex_id, ps in exprs.items():
        ex_params[ex_id] = {}
        for p, expr in ps.items():
            check_exprs[(ex_id, p)] = expr
            ex_params[ex_id][p] = _resolve(ex_id, p, expr, values)
    kernel = str((nb.metadata.get("kernelspec") or {}).get("name", "python3"))
    skip = {"exercise", "parameters", "injected-parameters", "solution", "instructor"}
    fixed = [c.source.strip() for c in nb.cells if c.cell_type == "code" and c.source.strip()
             and not skip & set(c.get("metadata", {}).get("tags", []))]
    return Handout(lesson, set_name, values, ex_params, check_exprs, kernel, origin, notes, fixed, defaults)
