"""Grade the answers read from the notebooks, in the grader's own process.

Each (student file, exercise) pair gives one :class:`Row`.  ``correct`` is
1 or 0 for an auto-graded exercise of a notebook that was run (an
unanswered, missing or unreadable answer counts 0), and empty (None) for
discussion questions, for files that were not run (empty, broken, not a
notebook, another lesson) and when the grader itself failed on an answer.
The class success rate of a question is the share of 1s among its non-empty
``correct`` values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from govlib.grading.collect import STATUS_ZH, Submission

__all__ = ["Row", "QuestionStat", "ROW_STATUS_ZH", "score_submission", "score_all",
           "question_stats", "student_totals"]

#: status of one answer, in Chinese for the reports (file statuses come from STATUS_ZH)
ROW_STATUS_ZH = {
    "correct": "正确",
    "wrong": "错误",
    "unanswered": "未作答",
    "missing": "缺少答案变量",
    "unsupported": "答案类型无法读取",
    "discussion": "讨论题（人工评阅）",
    "no-answers": "未能读取答案",
    "grader-error": "评分出错",
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
        ``repr`` of the answer read from the notebook ("" if none).
    correct : int or None
        1, 0, or None (not graded).
    status : str
        A key of :data:`ROW_STATUS_ZH`.
    message : str
        The feedback :func:`govlib.exercises.grade_answer` gave, or why the
        answer was not graded (Chinese).
    params : str
        The parameter values used, as JSON ("" if none).
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


def _param_values(sub: Submission, ex) -> tuple[dict, str]:
    values, missing = {}, []
    for p in ex.params:
        enc = sub.params.get(ex.id, {}).get(p, {})
        if "v" in enc:
            values[p] = enc["v"]
        elif p in sub.handout:
            values[p] = sub.handout[p]
        else:
            missing.append(p)
    return values, "、".join(missing)


def score_submission(sub: Submission, exercises) -> list[Row]:
    """The rows of one submission (one per exercise, in the given order)."""
    from govlib.exercises import grade_answer

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
                                message=ROW_STATUS_ZH[sub.status]))
            continue
        enc = sub.answers.get(ex.variable, {"missing": True})
        if not ex.graded:
            text = enc.get("v") if "v" in enc else enc.get("repr", "")
            rows.append(Row(**base, answer="" if text is None else _short(str(text), 2000), correct=None,
                            status="discussion", message=ROW_STATUS_ZH["discussion"]))
            continue
        if "v" not in enc:
            if "repr" in enc:
                rows.append(Row(**base, answer=_short(enc["repr"]), correct=0, status="unsupported",
                                message=f"答案是 {enc.get('type', '?')} 类型，无法读取，按错误计"))
            else:
                rows.append(Row(**base, answer="", correct=0, status="missing",
                                message=f"笔记本中没有变量 {ex.variable}"))
            continue
        value = enc["v"]
        params, missing = _param_values(sub, ex)
        ptext = json.dumps(params, ensure_ascii=False, sort_keys=True) if params else ""
        if missing:
            rows.append(Row(**base, answer=_short(repr(value)), correct=None, status="grader-error",
                            message=f"缺少参数 {missing}，无法计算标准答案", params=ptext))
            continue
        try:
            res = grade_answer(ex.id, value, **params)
        except Exception as exc:
            rows.append(Row(**base, answer=_short(repr(value)), correct=None, status="grader-error",
                            message=f"评分出错：{type(exc).__name__}: {_short(str(exc), 160)}", params=ptext))
            continue
        if res.correct is None:
            st, c = "unanswered", 0
        else:
            st, c = ("correct", 1) if res.correct else ("wrong", 0)
        rows.append(Row(**base, answer=_short(repr(value)), correct=c, status=st, message=res.message,
                        params=ptext))
    return rows


def score_all(subs, exercises) -> list[Row]:
    """Rows of every submission, by file then exercise."""
    return [r for s in subs for r in score_submission(s, exercises)]


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
