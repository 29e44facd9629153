"""One student's answer key: ``govlib key LESSON --student NAME``.

The key uses exactly what the grader uses: the handed-out parameters
(:mod:`govlib.grading.handout`) with the student's own variant
(:mod:`govlib.grading.variants`), and the expected answers of the exercise
bank (:func:`govlib.exercises.format_expected`), so it cannot drift from the
grading.  For the instructor only: it needs the course key.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from govlib.exercises.model import Labelled

__all__ = ["StudentKeyEntry", "student_key", "student_key_text"]


@dataclass(frozen=True)
class StudentKeyEntry(Labelled):
    """One exercise of a student's key."""

    id: str
    number: int
    prompt_zh: str
    graded: bool
    expected_zh: str
    points: float
    rubric_zh: tuple[str, ...] = ()
    warmup: bool = False


@dataclass(frozen=True)
class StudentKey:
    """A student's variant and answers for one lesson."""

    lesson: str
    student: str
    values: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)
    fingerprint: str = ""
    entries: tuple[StudentKeyEntry, ...] = ()


def student_key(lesson: str, student: str, *, set_name: str = "default", syllabus=None, key: bytes | None = None):
    """The :class:`StudentKey` of *student* (see the module docstring)."""
    from govlib.errors import ParameterError
    from govlib.exercises import catalog
    from govlib.exercises.core import format_expected
    from govlib.grading.handout import load_handout
    from govlib.grading.variants import variant_for

    exercises = catalog(lesson)
    if not exercises:
        raise ParameterError(f"课程 {lesson} 没有练习")
    handout = load_handout(lesson, exercises, set_name=set_name, syllabus=syllabus)
    var = variant_for(lesson, student, set_name=set_name, key=key, syllabus=syllabus)
    h = handout.for_student(student, var.values) if var.values else handout
    entries = []
    for ex in exercises:
        params = h.exercise_params.get(ex.id, {})
        entries.append(StudentKeyEntry(ex.id, ex.number, ex.prompt(**params), ex.graded,
                                       format_expected(ex, **params) if ex.graded else "",
                                       float(ex.points), tuple(ex.rubric_zh), ex.warmup))
    return StudentKey(lesson, student, dict(var.values), dict(var.labels), var.fingerprint, tuple(entries))


def student_key_text(lesson: str, student: str, **kw) -> str:
    """The key as Chinese text for the terminal."""
    k = student_key(lesson, student, **kw)
    lines = [f"【{k.lesson}】学生 {k.student} 的答案" + (f"（专属数字编号 {k.fingerprint}）" if k.fingerprint else "")]
    if k.values:
        lines.append("专属数字：" + "；".join(f"{name}（{k.labels.get(name, '')}）= {v}" for name, v in k.values.items()))
    else:
        lines.append("本课所有学生的数字相同。")
    for e in k.entries:
        lines.append(f"  {e.label_zh}（{e.points:g} 分）：{e.prompt_zh}")
        if e.graded:
            lines.append(f"    答案：{e.expected_zh}")
        else:
            lines.append("    讨论题，评分要点：" + "；".join(e.rubric_zh))
    return "\n".join(lines)
