"""The exercise model: :class:`Exercise` (one question and how its answer is compared) and :class:`Result`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from govlib.errors import ParameterError

AnswerType = Literal["percent", "number", "int", "choice", "bool", "discussion"]
Kind = Literal["recompute", "interpret", "apply", "diagnose", "discuss"]

ANSWER_TYPES = ("percent", "number", "int", "choice", "bool", "discussion")
KINDS = ("recompute", "interpret", "apply", "diagnose", "discuss")
#: Chinese names of the exercise kinds (for reports)
KIND_ZH = {"recompute": "重算", "interpret": "解读", "apply": "应用模型", "diagnose": "框架诊断",
           "discuss": "讨论"}


#: how a page names a warm-up exercise (it comes before 练习1 in its lesson; its id keeps a higher number)
WARMUP_ZH = "热身练习"


class Labelled:
    """Mixin for anything with an exercise's ``number`` and ``warmup``: the name a page shows.

    A warm-up was added to a lesson after its exercises were numbered, so its
    id (``chengdu-7``) says 7 although the lesson shows it first; pages, slides,
    keys and reports call it 「热身练习」 instead of 练习7.  Ids, slide plans and
    grading keep the id.
    """

    @property
    def label_zh(self) -> str:
        """``练习3``, or ``热身练习`` for a warm-up."""
        return WARMUP_ZH if self.warmup else f"练习{self.number}"


@dataclass(frozen=True)
class Exercise(Labelled):
    """One exercise.

    Parameters
    ----------
    id : str
        ``<lesson>-<n>``, e.g. ``quanzhou-survey-1``.
    lesson : str
        The lesson id in ``course/course.yml``.
    variable : str
        Name of the answer variable in the notebook (``ans_…``).
    kind : str
        recompute, interpret, apply, diagnose or discuss.
    answer : str
        How answers are compared: percent, number, int, choice, bool, discussion.
    prompt_zh : str
        The question, in Chinese (shown by the grader's report).
    hint_zh : str
        Shown when an answer is wrong.
    expected : callable or None
        Computes the expected answer; receives the values of ``params`` as
        keyword arguments.  None for discussion questions.
    tol : float
        Absolute tolerance for percent and number answers (in the answer's unit).
    choices : tuple of str
        Allowed answers for ``choice``.
    params : tuple of str
        Notebook parameters the expected value depends on.
    rubric_zh : tuple of str
        Marking points for discussion questions (instructor edition only).
    unit : str
        Unit a number answer may carry when given as text (e.g. ``"户"``:
        ``"312户"`` is read as 312; ``"312人"`` is rejected with a unit hint).
    rtol : float
        Relative tolerance, added to ``tol``: an answer is accepted when it is
        within ``max(tol, rtol * |expected|)``.
    synonyms : tuple of (str, tuple of str)
        For ``choice``: other wordings accepted for an option (the article's
        own wording, a near-synonym), as ``((option, (wording, …)), …)``.
    accept : callable or None
        Other methods a careful student may reasonably use where the prompt
        leaves the method open, or the value reached from the rounded inputs
        the page shows: receives the same parameters as ``expected`` and
        returns ``{说明: value}`` where value is a number or a ``(low, high)``
        range.  An answer matching one is correct, and the feedback names the
        method.
    decimals : int or None
        Decimals the prompt asks for (shown in the answer format).  An answer
        given with one decimal fewer that equals the expected value rounded
        that way is accepted, with a note; a near miss is told it is only
        rounding.
    decimals_shown : int or None
        Decimals of the inputs the page shows for this exercise (for the
        rounding feedback: "本页数字保留了两位小数").
    neighbours : int
        For ``int`` answers: whole numbers this far from the expected one are
        accepted as well, because the page's rounded inputs can lead there.
    format_zh : str
        How to write the answer (shown under the prompt and in the feedback to
        an answer of the wrong form).  A default is derived from ``answer``.
    show_choices : bool
        List the options under the prompt (a choice among given sentences);
        otherwise the student names the answer and the options stay unlisted.
    uses : tuple of str
        Figure ids (register) the exercise needs from the page.
    needs_notebook : bool
        True when the answer needs running code in the notebook (a model, a
        simulation, synthetic data): it cannot be read from the page alone.
    prompt_values : tuple of (str, tuple of (value, str))
        Words the prompt shows for a parameter's values (``vote_reading``:
        ``inclusive`` -> ``含本数``), so no code value reaches the page.
    key_note_zh : str
        For the answer key (instructor only): why the accepted values are what
        they are, e.g. why a value between two accepted ones is not accepted;
        ``{between}`` names those values (see :func:`govlib.exercises.key.key_note`).
    points : float
        What the exercise is worth in the gradebook (default 1); scored by
        :mod:`govlib.grading.points`.
    part_credit : float
        Share of *points* (0 to 1) a rounding near-miss earns (default 0).
    warmup : bool
        A warm-up placed before exercise 1 in the lesson: pages call it
        热身练习, and listings put it first (its id keeps its number).
    """

    id: str
    lesson: str
    variable: str
    kind: Kind
    answer: AnswerType
    prompt_zh: str
    hint_zh: str = ""
    expected: Callable[..., Any] | None = None
    tol: float = 0.05
    choices: tuple[str, ...] = ()
    params: tuple[str, ...] = ()
    rubric_zh: tuple[str, ...] = field(default_factory=tuple)
    unit: str = ""
    rtol: float = 0.0
    synonyms: tuple[tuple[str, tuple[str, ...]], ...] = ()
    accept: Callable[..., dict[str, Any]] | None = None
    decimals: int | None = None
    decimals_shown: int | None = None
    neighbours: int = 0
    format_zh: str = ""
    show_choices: bool = False
    uses: tuple[str, ...] = ()
    needs_notebook: bool = False
    prompt_values: tuple[tuple[str, tuple[tuple[Any, str], ...]], ...] = ()
    key_note_zh: str = ""
    points: float = 1.0
    part_credit: float = 0.0
    warmup: bool = False

    @property
    def number(self) -> int:
        """The exercise's number within its lesson."""
        return int(self.id.rsplit("-", 1)[1])

    @property
    def graded(self) -> bool:
        """False for discussion questions, which are not auto-graded."""
        return self.answer != "discussion"

    def expected_value(self, **params) -> Any:
        """The expected answer for the given parameter values.

        Raises
        ------
        ParameterError
            When a declared parameter is missing or an undeclared one is given.
        """
        if self.expected is None:
            return None
        missing = [p for p in self.params if p not in params]
        if missing:
            raise ParameterError(f"练习 {self.id} 还需要参数 {'、'.join(missing)}：请照练习格原样调用，例如 "
                                 f"check(\"{self.id}\", {self.variable}, {missing[0]}={missing[0]})")
        unknown = sorted(set(params) - set(self.params))
        if unknown:
            takes = "、".join(self.params) or "无"
            raise ParameterError(f"练习 {self.id} 不认识参数 {'、'.join(unknown)}；它需要的参数：{takes}")
        return self.expected(**{p: params[p] for p in self.params})

    def alternatives(self, **params) -> dict[str, Any]:
        """The other accepted values (see ``accept``) for the given parameters."""
        if self.accept is None:
            return {}
        self.expected_value(**params)  # the same parameter checks
        return dict(self.accept(**{p: params[p] for p in self.params}))

    def prompt(self, **params) -> str:
        """The prompt with ``{parameter}`` placeholders filled in.

        Placeholders whose parameter is not given are shown as
        ``（本页参数 name）``.
        """

        def sub(m):
            name, spec = m.group(1), m.group(2) or ""
            if name not in params:
                return f"（本页参数 {name}）"
            v = params[name]
            words = dict(dict(self.prompt_values).get(name, ()))
            if v in words:
                return words[v]
            if spec:
                return format(v, spec)
            if isinstance(v, float):
                return _fmt_number(v, 4)
            return str(v)

        return _PLACEHOLDER.sub(sub, self.prompt_zh)

    def answer_format(self) -> str:
        """How to write the answer, in Chinese (``format_zh`` or a default)."""
        if self.format_zh:
            return self.format_zh
        dec = f"，保留{_decimals_zh(self.decimals)}" if self.decimals else ""
        if self.answer == "percent":
            return f"填写百分数：百分号前的数字（如 12.3），也可写成“12.3%”{dec}。"
        if self.answer == "number":
            unit = f"（单位：{self.unit}）" if self.unit else ""
            return f"填写一个数字{unit}{dec}。"
        if self.answer == "int":
            unit = f"（单位：{self.unit}）" if self.unit else ""
            return f"填写一个整数{unit}，阿拉伯数字或汉字数字都可以。"
        if self.answer == "bool":
            return "回答 `True` 或 `False`（也可以写“是”或“否”）。"
        if self.answer == "choice":
            if self.show_choices:
                return "从下列选项中选一项，照原样填写（可以复制）。"
            return "填写一个名称，照本页的写法。"
        return "写下你的要点，课堂交流，不自动评分。"


_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)(?::([^{}]*))?\}")
_CN_DIGITS = "零一二三四五六七八九"


def _fmt_number(v: float, decimals: int) -> str:
    s = f"{v:.{decimals}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s



def _decimals_zh(d: int) -> str:
    return f"{'两' if d == 2 else _CN_DIGITS[d]}位小数" if d else "整数"



@dataclass(frozen=True)
class Result:
    """Outcome of one answer: ``correct`` is None when unanswered or not auto-graded."""

    exercise: str
    correct: bool | None
    message: str

