"""Grade the answers read from the notebooks, in the grader's own process.

Each (student file, exercise) pair gives one :class:`Row`.  ``correct`` is
1 or 0 for an auto-graded exercise of a notebook that was run (an
unanswered, missing, unreadable or ungradable answer counts 0 and is
flagged), and empty (None) for discussion questions and for files that were
not run (empty, broken, not a notebook, another lesson).  Expected answers
use the handed-out parameters (:mod:`govlib.grading.handout`); each answer is
graded with a time limit, and one file that makes the scorer fail is
flagged without stopping the others.
The class success rate of a question is the share of 1s among its non-empty
``correct`` values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from govlib.grading.collect import STATUS_ZH, Submission

__all__ = ["Row", "QuestionStat", "answer_text", "ROW_STATUS_ZH", "SCORE_TIMEOUT", "score_submission", "score_all",
           "question_stats", "student_totals"]

#: status of one answer, in Chinese for the reports (file statuses come from STATUS_ZH)
ROW_STATUS_ZH = {
    "correct": "正确",
    "wrong": "错误",
    "unanswered": "未作答",
    "missing": "缺少答案变量",
    "unsupported": "答案类型无法读取",
    "discussion": "讨论题（人工评阅）",
    "invalid": "答案格式不合要求",
    "ungradable": "无法评分（按错误计）",
    "no-answers": "未能读取答案",
    "grader-error": "评分出错",
    "cell-error": "答案所在单元格出错",
    **STATUS_ZH,
}


@dataclass(frozen=True)
class Row:
    """One student file x one exercise.

    Attributes
    ----------
    student, file : str
        Student id and file name.
    exercise, kind : str
        Exercise id and kind.
    answer : str
        The answer read from the notebook, as text (:func:`answer_text`;
        "" if none).
    correct : int or None
        1, 0, or None (not graded).
    status : str
        A key of :data:`ROW_STATUS_ZH`.
    message : str
        The feedback :func:`govlib.exercises.grade_answer` gave, or why the
        answer was not graded (Chinese).
    params : str
        The parameter values used, as JSON ("" if none).
    points : float or None
        Points earned (:mod:`govlib.grading.points`); None when not graded
        (a file not run, a discussion answer before the manual sheet scores it).
    max_points : float
        What the exercise is worth.
    hint : str
        The exercise's hint, for a wrong answer's feedback ("" otherwise).
    """

    student: str
    file: str
    exercise: str
    kind: str
    answer: str
    correct: int | None
    status: str
    message: str = ""
    params: str = ""
    points: float | None = None
    max_points: float = 1.0
    hint: str = ""


def answer_text(value) -> str:
    """An answer as a person would write it: strings as they are, numbers plainly, no Python quotes.

    Examples
    --------
    >>> answer_text("41.1%"), answer_text(41.11), answer_text(None), answer_text(True), answer_text([1, "二"])
    ('41.1%', '41.11', '', 'True', '[1, "二"]')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return str(value)
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)


@dataclass(frozen=True)
class QuestionStat:
    """Class result on one exercise."""

    exercise: str
    kind: str
    prompt: str
    correct: int
    graded: int

    @property
    def rate(self) -> float | None:
        """Share of correct answers (None when nobody was graded)."""
        return self.correct / self.graded if self.graded else None


def _short(text: str, n: int = 200) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


#: seconds one answer may take to grade (computing the expected value included)
SCORE_TIMEOUT = 30.0


class _Grader:
    """Calls :func:`govlib.exercises.grade_answer` with a time limit, once per distinct question.

    Identical (exercise, answer, parameters) triples are graded once (a class
    often gives the same answer); a call still running after
    :data:`SCORE_TIMEOUT` seconds is abandoned (its daemon thread is left to
    finish) and the answer is ungradable.
    """

    def __init__(self, timeout: float = SCORE_TIMEOUT):
        self.timeout = timeout
        self.memo: dict[str, tuple] = {}
        self.stuck: set[str] = set()

    def __call__(self, ex_id: str, value, params: dict):
        import threading

        from govlib.exercises import grade_answer

        key = json.dumps([ex_id, type(value).__name__, value, params], sort_keys=True, ensure_ascii=False,
                         default=str)
        if key in self.memo:
            return self.memo[key]
        if ex_id in self.stuck:
            return ("timeout", None)
        box: list = []

        def work():
            try:
                box.append(("ok", grade_answer(ex_id, value, **params)))
            except BaseException as exc:  # noqa: BLE001 - reported as ungradable
                box.append(("error", exc))

        t = threading.Thread(target=work, daemon=True, name=f"govlib-score-{ex_id}")
        t.start()
        t.join(self.timeout)
        if not box:
            self.stuck.add(ex_id)
            return ("timeout", None)
        self.memo[key] = box[0]
        return box[0]


def score_submission(sub: Submission, exercises, handout=None, grader: _Grader | None = None) -> list[Row]:
    """The rows of one submission (one per exercise, in the given order).

    Every auto-graded exercise of a notebook that ran gets 0 or 1: an
    unanswered, missing, unreadable or ungradable answer counts 0 (and is
    flagged), so the denominator is always every exercise.  Parameters come
    from *handout* (:class:`govlib.grading.handout.Handout`), never from the
    submission.
    """
    grader = grader or _Grader()
    ex_params = handout.exercise_params if handout is not None else {}
    rows = []
    for ex in exercises:
        base = dict(student=sub.student, file=sub.file, exercise=ex.id, kind=ex.kind)
        if sub.answers is None:
            if sub.ran:
                st = sub.status if sub.status in ("timeout", "died") else "no-answers"
                rows.append(Row(**base, answer="", correct=0 if ex.graded else None, status=st,
                                message=ROW_STATUS_ZH[st]))
            else:
                rows.append(Row(**base, answer="", correct=None, status=sub.status,
                                message=ROW_STATUS_ZH.get(sub.status, sub.status)))
            continue
        enc = sub.answers.get(ex.variable, {"missing": True})
        if not isinstance(enc, dict):
            enc = {"invalid": True}
        if not ex.graded:
            text = enc.get("v") if "v" in enc else ""
            rows.append(Row(**base, answer="" if text is None else _short(str(text), 2000), correct=None,
                            status="discussion", message=ROW_STATUS_ZH["discussion"]))
            continue
        if "v" not in enc:
            if "repr" in enc:
                rows.append(Row(**base, answer=_short(str(enc["repr"]) or f"<{enc.get('type', '?')}>"), correct=0,
                                status="unsupported",
                                message=f"答案是 {str(enc.get('type', '?'))[:60]} 类型，无法读取，按错误计"))
            elif enc.get("invalid"):
                rows.append(Row(**base, answer="", correct=0, status="invalid",
                                message="读取到的答案不符合格式要求（类型或大小），按错误计"))
            elif ex.variable in sub.answer_errors:
                rows.append(Row(**base, answer="", correct=0, status="cell-error",
                                message=sub.answer_errors[ex.variable] + "：按错误计"))
            else:
                rows.append(Row(**base, answer="", correct=0, status="missing",
                                message=f"笔记本中没有变量 {ex.variable}"))
            continue
        value = enc["v"]
        params = dict(ex_params.get(ex.id, {}))
        ptext = json.dumps(params, ensure_ascii=False, sort_keys=True) if params else ""
        missing = [p for p in ex.params if p not in params]
        if missing:
            rows.append(Row(**base, answer=_short(answer_text(value)), correct=0, status="ungradable",
                            message=f"缺少发放版参数 {'、'.join(missing)}，无法计算标准答案：按错误计，请人工核查",
                            params=ptext))
            continue
        kind, res = grader(ex.id, value, params)
        if kind != "ok":
            why = "评分超时" if kind == "timeout" else f"评分出错（{type(res).__name__}: {_short(str(res), 120)}）"
            rows.append(Row(**base, answer=_short(answer_text(value)), correct=0, status="ungradable",
                            message=f"{why}：按错误计，请人工核查", params=ptext))
            continue
        if res.correct is None:
            st, c = "unanswered", 0
        else:
            st, c = ("correct", 1) if res.correct else ("wrong", 0)
        rows.append(Row(**base, answer=_short(answer_text(value)), correct=c, status=st, message=res.message,
                        params=ptext))
    return rows


def score_all(subs, exercises, handout=None, handout_for=None) -> list[Row]:
    """Rows of every submission, by file then exercise, with points; one file that fails is flagged, never fatal.

    *handout_for*, when given, maps a student id to that student's own
    handout (per-student variants): each file is graded against the variant
    of the student it is named after.
    """
    from govlib.grading.points import with_points

    grader = _Grader()
    rows: list[Row] = []
    by_id = {e.id: e for e in exercises}
    for s in subs:
        try:
            h = handout_for(s.student) if handout_for is not None else handout
            rows.extend(with_points(r, by_id[r.exercise]) for r in score_submission(s, exercises, h, grader))
        except Exception as exc:  # noqa: BLE001 - one bad file never stops the report
            s.problems.append(f"评分程序处理此文件的答案时出错（{type(exc).__name__}）：全部按错误计，请人工核查")
            for ex in exercises:
                rows.append(with_points(Row(s.student, s.file, ex.id, ex.kind, "", 0 if ex.graded and s.ran else None,
                                            "grader-error", ROW_STATUS_ZH["grader-error"]), ex))
    return rows


def as_handed_out(exercises, handout=None) -> list:
    """The exercises with each prompt as the handout showed it (``{parameter}`` placeholders filled in).

    Parameters
    ----------
    exercises : list of Exercise
    handout : Handout, optional
        Supplies each exercise's parameter values; without it, placeholders
        read ``（本页参数 name）``.

    Returns
    -------
    list of Exercise
        Copies for the reports; grading keeps using the registered exercises.
    """
    params = handout.exercise_params if handout is not None else {}
    return [replace(e, prompt_zh=e.prompt(**params.get(e.id, {}))) for e in exercises]


def question_stats(rows, exercises) -> list[QuestionStat]:
    """Per auto-graded exercise: how many graded answers, how many correct."""
    out = []
    for ex in exercises:
        if not ex.graded:
            continue
        vals = [r.correct for r in rows if r.exercise == ex.id and r.correct is not None]
        out.append(QuestionStat(ex.id, ex.kind, ex.prompt_zh, sum(vals), len(vals)))
    return out


def student_totals(rows) -> dict[str, tuple[int, int]]:
    """File name -> (correct answers, graded answers)."""
    out: dict[str, tuple[int, int]] = {}
    for r in rows:
        c, n = out.get(r.file, (0, 0))
        if r.correct is not None:
            c, n = c + r.correct, n + 1
        out[r.file] = (c, n)
    return out
