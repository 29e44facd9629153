"""Points and partial credit: what each graded answer earns, and each student's total.

Every exercise declares ``points`` (default 1) and ``part_credit`` (the share
of its points a rounding near-miss earns, default 0) in its bank
(:func:`govlib.exercises.exercise`).  An answer scores:

- correct: the exercise's points;
- wrong, but a near-miss by rounding only (the checker says so: its feedback
  names 舍入): ``part_credit * points``;
- anything else auto-graded: 0;
- a discussion answer: what the instructor writes in the manual sheet
  (:mod:`govlib.grading.manual`); until then None ("to be marked");
- a file that was not run: None.

The rounding test reads the checker's own verdict rather than repeating it;
:func:`is_near_miss` is the one place that knows the wording (a test pins
it to :func:`govlib.exercises.grade_answer`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

__all__ = ["NEAR_MISS_MARK", "is_near_miss", "with_points", "StudentTotal", "totals"]

#: the words :func:`govlib.exercises.grade_answer` uses for a miss that is only rounding
NEAR_MISS_MARK = "舍入不同"


def is_near_miss(row) -> bool:
    """True for a wrong auto-graded answer the checker calls a rounding difference."""
    return row.status == "wrong" and NEAR_MISS_MARK in row.message


def _clean(x: float) -> float:
    return round(float(x), 4)


def with_points(row, ex):
    """*row* with ``points``, ``max_points`` and (for a wrong answer) ``hint`` filled in from *ex*."""
    pts = float(getattr(ex, "points", 1.0))
    share = float(getattr(ex, "part_credit", 0.0))
    hint = ex.hint_zh if row.correct == 0 and ex.hint_zh else ""
    if row.correct == 1:
        got = pts
    elif row.correct == 0:
        got = _clean(pts * share) if share and is_near_miss(row) else 0.0
    else:
        got = None
    return replace(row, points=got, max_points=pts, hint=hint)


@dataclass
class StudentTotal:
    """One student file's line in the gradebook.

    Attributes
    ----------
    student, file, status : str
    points : dict
        Exercise id -> points earned (None: not graded / not yet marked).
    total, max_points : float
        Points earned (discussion points from the manual sheet included) and
        the most that could be earned.
    pending : list of str
        Discussion exercises still to be marked in the manual sheet.
    late : bool
    ran : bool
    """

    student: str
    file: str
    status: str
    points: dict[str, float | None] = field(default_factory=dict)
    total: float = 0.0
    max_points: float = 0.0
    pending: list[str] = field(default_factory=list)
    late: bool = False
    ran: bool = False

    @property
    def percent(self) -> float | None:
        """Total as a percentage of the maximum (None when the file was not run)."""
        if not self.ran or not self.max_points:
            return None
        return round(100 * self.total / self.max_points, 1)


def totals(subs, rows, exercises, manual: dict | None = None) -> list[StudentTotal]:
    """Per submission: points per exercise, total, maximum, pending discussion marks.

    Parameters
    ----------
    subs : list of Submission
    rows : list of Row
        From :func:`govlib.grading.score.score_all`.
    exercises : list of Exercise
    manual : dict, optional
        (student key, exercise id) -> points, from
        :func:`govlib.grading.manual.merge_manual`.
    """
    from govlib.grading.manual import manual_key

    manual = manual or {}
    by = {(r.file, r.exercise): r for r in rows}
    out = []
    for s in subs:
        if s.status in ("folder", "symlink", "special", "hidden"):
            continue
        t = StudentTotal(s.student, s.file, s.status, late=s.late, ran=s.ran)
        for ex in exercises:
            r = by.get((s.file, ex.id))
            pts = r.points if r is not None else None
            if not ex.graded and s.ran:
                pts = manual.get((manual_key(s.student), ex.id))
                if pts is None:
                    t.pending.append(ex.id)
            t.points[ex.id] = pts
            t.max_points += float(getattr(ex, "points", 1.0))
            t.total += pts or 0.0
        t.total = _clean(t.total)
        t.max_points = _clean(t.max_points)
        out.append(t)
    return out
