"""Exercises with immediate feedback: the registry, answer matching and ``check``.

An exercise is registered in a bank module (``govlib/exercises/bank/<lesson>.py``)
with a function that *computes* its expected answer from the register or from
govlib, so no answer value is typed anywhere and none appears in a student
notebook.  A student notebook only holds::

    ans_qs1 = None   # 你的答案
    check("quanzhou-survey-1", ans_qs1)

The grader (``govlib grade``) reads the answer *variables* from the executed
notebook and calls :func:`grade_answer` in its own process, so redefining
``check`` in a notebook changes nothing.

Besides the modules in ``govlib/exercises/bank/``, the bank loader imports the
modules named in the environment variable ``GOVLIB_EXERCISE_BANKS``
(comma-separated importable module names), so an instructor can add exercises
of their own, and the tests register a fixture lesson the same way.
"""

from __future__ import annotations

import math
import numbers
import os
import re
import unicodedata
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
#: environment variable naming extra bank modules to import
BANKS_ENV = "GOVLIB_EXERCISE_BANKS"

_REGISTRY: dict[str, "Exercise"] = {}
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*-\d+$")
_VAR = re.compile(r"^ans_[a-z0-9_]+$")


@dataclass(frozen=True)
class Exercise:
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
    points : float
        What the exercise is worth in the gradebook (default 1); scored by
        :mod:`govlib.grading.points`.
    part_credit : float
        Share of *points* (0 to 1) a rounding near-miss earns (default 0).
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
    points: float = 1.0
    part_credit: float = 0.0

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


def register(ex: Exercise) -> Exercise:
    """Add an exercise to the registry (ids and variables are unique).

    Registering the very same exercise twice is allowed (a module imported
    again); a different exercise under a used id or variable is an error.
    """
    if not _ID.match(ex.id):
        raise ValueError(f"exercise id {ex.id!r} must look like '<lesson>-<n>'")
    if not ex.id.startswith(ex.lesson + "-") or not ex.id[len(ex.lesson) + 1:].isdigit():
        raise ValueError(f"exercise id {ex.id!r} must be its lesson id {ex.lesson!r} plus '-<n>'")
    if not _VAR.match(ex.variable):
        raise ValueError(f"exercise {ex.id}: answer variable {ex.variable!r} must look like 'ans_…'")
    if ex.kind not in KINDS:
        raise ValueError(f"exercise {ex.id}: kind {ex.kind!r} is not one of {', '.join(KINDS)}")
    if ex.answer not in ANSWER_TYPES:
        raise ValueError(f"exercise {ex.id}: answer {ex.answer!r} is not one of {', '.join(ANSWER_TYPES)}")
    if (ex.answer == "discussion") != (ex.expected is None):
        raise ValueError(f"exercise {ex.id}: discussion questions have no expected value, others must")
    if ex.answer == "discussion" and not ex.rubric_zh:
        raise ValueError(f"exercise {ex.id}: a discussion question needs a rubric (rubric_zh)")
    if ex.answer == "choice" and not ex.choices:
        raise ValueError(f"exercise {ex.id}: a choice question needs choices")
    for opt, _ in ex.synonyms:
        if opt not in ex.choices:
            raise ValueError(f"exercise {ex.id}: synonyms given for {opt!r}, which is not one of its choices")
    if ex.neighbours < 0 or (ex.neighbours and ex.answer != "int"):
        raise ValueError(f"exercise {ex.id}: neighbours is a whole number >= 0, for int answers only")
    if ex.decimals is not None and not 0 <= ex.decimals <= 6:
        raise ValueError(f"exercise {ex.id}: decimals must be 0..6 (got {ex.decimals})")
    unknown = sorted({m[0] for m in _PLACEHOLDER.findall(ex.prompt_zh)} - set(ex.params))
    if unknown:
        raise ValueError(f"exercise {ex.id}: prompt placeholder(s) {unknown} are not among its params")
    if not (ex.tol >= 0 and ex.rtol >= 0):
        raise ValueError(f"exercise {ex.id}: tol and rtol must be >= 0 (got {ex.tol}, {ex.rtol})")
    old = _REGISTRY.get(ex.id)
    if old is not None and not _same(old, ex):
        raise ValueError(f"exercise id {ex.id!r} registered twice")
    clash = [e.id for e in _REGISTRY.values() if e.variable == ex.variable and e.id != ex.id]
    if clash:
        raise ValueError(f"exercise {ex.id}: answer variable {ex.variable!r} already used by {clash[0]}")
    _REGISTRY[ex.id] = ex
    return ex


def _same(a: Exercise, b: Exercise) -> bool:
    """Equal, or the same definition re-imported (same function source location)."""
    if a == b:
        return True

    def key(e: Exercise):
        fn = e.expected
        code = getattr(fn, "__code__", None)
        where = (getattr(fn, "__module__", None), getattr(fn, "__qualname__", None),
                 code.co_filename if code else None, code.co_firstlineno if code else None)
        acc = e.accept
        acc_code = getattr(acc, "__code__", None)
        acc_where = (getattr(acc, "__qualname__", None), acc_code.co_firstlineno if acc_code else None)
        return (e.id, e.lesson, e.variable, e.kind, e.answer, e.prompt_zh, e.hint_zh, where, e.tol,
                e.choices, e.params, e.rubric_zh, e.unit, e.rtol, e.synonyms, acc_where, e.decimals,
                e.decimals_shown, e.neighbours, e.format_zh, e.show_choices, e.uses, e.needs_notebook,
                e.prompt_values)

    return key(a) == key(b)


def _synonyms(syn) -> tuple[tuple[str, tuple[str, ...]], ...]:
    items = syn.items() if isinstance(syn, dict) else syn
    return tuple((str(k), tuple(str(x) for x in ((v,) if isinstance(v, str) else v))) for k, v in items)


def exercise(id: str, *, lesson: str, variable: str, kind: Kind, answer: AnswerType,
             prompt_zh: str, hint_zh: str = "", tol: float = 0.05, choices=(), params=(),
             unit: str = "", rtol: float = 0.0, synonyms=(), accept=None, decimals: int | None = None,
             decimals_shown: int | None = None, neighbours: int = 0, format_zh: str = "",
             show_choices: bool = False, uses=(), needs_notebook: bool = False, prompt_values=None,
             points: float = 1.0, part_credit: float = 0.0):
    """Decorator registering a function that computes an exercise's expected answer.

    The function receives the exercise's ``params`` as keyword arguments and
    returns the expected answer: a number (in percent for ``percent``), an
    int, one of ``choices``, or a bool.

    Examples
    --------
    >>> @exercise("quanzhou-survey-1", lesson="quanzhou-survey", variable="ans_qs1",
    ...           kind="recompute", answer="percent", prompt_zh="……", hint_zh="……")
    ... def _():
    ...     from govlib.data import value
    ...     return 100 - value("qz-wechat-township-over20") - value("qz-wechat-township-10to20")
    """

    def deco(fn):
        register(Exercise(id=id, lesson=lesson, variable=variable, kind=kind, answer=answer,
                          prompt_zh=prompt_zh, hint_zh=hint_zh, expected=fn, tol=tol,
                          choices=tuple(choices), params=tuple(params), unit=unit, rtol=rtol,
                          synonyms=_synonyms(synonyms), accept=accept, decimals=decimals,
                          decimals_shown=decimals_shown, neighbours=neighbours, format_zh=format_zh,
                          show_choices=show_choices, uses=tuple(uses), needs_notebook=needs_notebook,
                          prompt_values=tuple((k, tuple(v.items())) for k, v in (prompt_values or {}).items()),
                          points=points, part_credit=part_credit))
        return fn

    return deco


def discussion(id: str, *, lesson: str, variable: str, prompt_zh: str, rubric_zh, uses=(),
               needs_notebook: bool = False, points: float = 1.0) -> Exercise:
    """Register an open discussion question (not auto-graded) with its rubric."""
    return register(Exercise(id=id, lesson=lesson, variable=variable, kind="discuss",
                             answer="discussion", prompt_zh=prompt_zh, rubric_zh=tuple(rubric_zh),
                             uses=tuple(uses), needs_notebook=needs_notebook, points=points))


def _extra_banks() -> list[str]:
    return [m.strip() for m in os.environ.get(BANKS_ENV, "").split(",") if m.strip()]


def _load_bank(lesson: str | None = None) -> None:
    """Import bank modules.

    With *lesson*: its own module (``bank/<lesson>.py``) and the extra banks
    named in ``GOVLIB_EXERCISE_BANKS``; every module only if that finds no
    exercise of the lesson.  Without: every module.
    """
    import importlib
    import pkgutil

    from govlib.exercises import bank

    mods = sorted(m.name for m in pkgutil.iter_modules(bank.__path__))
    if lesson is not None:
        own = lesson.replace("-", "_")
        if own in mods:
            importlib.import_module(f"govlib.exercises.bank.{own}")
        for mod in _extra_banks():
            importlib.import_module(mod)
        if any(e.lesson == lesson for e in _REGISTRY.values()):
            return
    for mod in mods:
        importlib.import_module(f"govlib.exercises.bank.{mod}")
    for mod in _extra_banks():
        importlib.import_module(mod)


def _lesson_of(ex_id: str) -> str:
    return ex_id.rsplit("-", 1)[0] if "-" in ex_id else ex_id


class UnknownExercise(KeyError):
    """No exercise has this id; the message (Chinese) names the ids that come close."""

    def __init__(self, ex_id: str, close: list[str]):
        super().__init__(ex_id)
        self.ex_id, self.close = ex_id, close

    def __str__(self) -> str:
        msg = f"没有编号为“{self.ex_id}”的练习，请检查练习编号的拼写。"
        if self.close:
            msg += f"相近的编号：{'、'.join(self.close)}。"
        return msg


def get(ex_id: str) -> Exercise:
    """Look an exercise up by id (loads its lesson's bank on first use).

    Raises
    ------
    UnknownExercise
        A ``KeyError`` whose message, in Chinese, lists the ids that come close.
    """
    import difflib

    key = str(ex_id).strip()
    if key not in _REGISTRY:
        _load_bank(_lesson_of(key))
    if key in _REGISTRY:
        return _REGISTRY[key]
    if _lesson_of(key) not in {e.lesson for e in _REGISTRY.values()}:
        _load_bank()  # the lesson part is mistyped too: look among every lesson's ids
    close = difflib.get_close_matches(key, sorted(_REGISTRY), n=3, cutoff=0.6)
    raise UnknownExercise(key, close)


def catalog(lesson: str | None = None) -> list[Exercise]:
    """All exercises (of one lesson), sorted by lesson and number."""
    _load_bank(lesson)
    return sorted((e for e in _REGISTRY.values() if lesson is None or e.lesson == lesson),
                  key=lambda e: (e.lesson, e.number))


# ----------------------------------------------------------------------------
# matching answers
# ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    """Outcome of one answer: ``correct`` is None when unanswered or not auto-graded."""

    exercise: str
    correct: bool | None
    message: str


# a number as text: optional "about", sign, digits, decimals, optional 万/亿, optional unit
_NUM = re.compile(r"^(?:约|大约|≈|~)?([-+]?(?:\d+(?:\.\d*)?|\.\d+))(万|亿)?(%|[^\W\d_]{0,6})$")
# a whole number in Chinese numerals, optional unit (三条, 十二个, 一百零四人)
_CN_NUM = re.compile(r"^(?:约|大约)?([零〇一二两三四五六七八九十百千万]+)([^\W\d_]{0,6})$")
_CN_VALUE = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
_CN_SMALL_UNIT = {"十": 10, "百": 100, "千": 1000}
_SCALE = {"万": 1e4, "亿": 1e8}
_PCT_SUFFIX = {"%", "个百分点", "百分点"}
#: units that name the same thing; an answer may carry any unit of its exercise's group
UNIT_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"人", "名", "位"}),
    frozenset({"户", "家"}),
    frozenset({"个", "条", "项", "次", "篇", "所", "类", "处"}),
    frozenset({"个月", "月"}),
    frozenset({"分"}),
    frozenset({"年"}),
)


def _same_unit(a: str, b: str) -> bool:
    return a == b or any(a in g and b in g for g in UNIT_GROUPS)


@dataclass(frozen=True)
class _Num:
    value: float | None
    pct: bool = False
    suffix: str = ""
    decimals: int | None = None  # digits after the decimal point as written (None: unknown)


def _cn_int(s: str) -> int | None:
    """A whole number written in Chinese numerals (``十二``, ``一百零四``, ``两万``, ``二〇二一``), or None."""
    if not s:
        return None
    if len(s) > 1 and all(ch in _CN_VALUE for ch in s):  # digit by digit, as in a year
        return int("".join(str(_CN_VALUE[ch]) for ch in s))
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in _CN_VALUE:
            digit = _CN_VALUE[ch]
        elif ch in _CN_SMALL_UNIT:
            section += (1 if digit is None else digit) * _CN_SMALL_UNIT[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def _float_decimals(v: float) -> int | None:
    r = repr(float(v))
    if "e" in r or "inf" in r or "nan" in r:
        return None
    frac = r.split(".")[1] if "." in r else ""
    return 0 if frac == "0" else len(frac)


def _parse_number(x) -> _Num:
    if isinstance(x, bool):
        return _Num(None)
    if isinstance(x, numbers.Real):
        try:
            v = float(x)
        except (TypeError, ValueError, OverflowError):
            return _Num(None)
        if not math.isfinite(v):
            return _Num(None)
        return _Num(v, decimals=0 if isinstance(x, numbers.Integral) else _float_decimals(v))
    if hasattr(x, "item") and callable(x.item) and getattr(x, "size", 1) == 1:  # numpy, pandas
        try:
            inner = x.item()
        except (TypeError, ValueError, AttributeError):
            return _Num(None)
        if inner is x:
            return _Num(None)
        return _parse_number(inner)
    if isinstance(x, str):
        s = unicodedata.normalize("NFKC", x).replace(",", "").replace(" ", "").strip().rstrip("。.")
        m = _NUM.match(s)
        if m:
            num = m.group(1)
            v = float(num) * _SCALE.get(m.group(2) or "", 1.0)
            dec = len(num.split(".")[1]) if "." in num else 0
            suffix = m.group(3)
            return _Num(v, suffix in _PCT_SUFFIX, suffix, dec)
        m = _CN_NUM.match(s)
        if m:
            # the longest numeral prefix that parses (三条 -> 三 + 条, 十二个月 -> 十二 + 个月)
            word, suffix = m.group(1), m.group(2)
            v = _cn_int(word)
            if v is not None:
                return _Num(float(v), False, suffix, 0)
        return _Num(None)
    return _Num(None)


_YES = {"是", "对", "正确", "真", "能", "可能", "可以", "会", "有", "达到", "显著", "yes", "y", "true", "t", "1",
        "√", "✓"}
_NO = {"否", "不是", "不对", "错", "错误", "假", "不能", "不可能", "不可以", "不会", "没有", "无", "未达到",
       "没达到", "不显著", "no", "n", "false", "f", "0", "×", "✗"}


def _as_bool(x) -> bool | None:
    if hasattr(x, "item") and callable(x.item) and not isinstance(x, (str, bool, int)):
        try:
            x = x.item()
        except (TypeError, ValueError, AttributeError):
            return None
    if isinstance(x, str):
        s = unicodedata.normalize("NFKC", x).strip().strip("\"'“”‘’。.!！").strip().lower()
        return True if s in _YES else False if s in _NO else None
    if isinstance(x, (bool, int)) and x in (0, 1):
        return bool(x)
    return None


# quotes, brackets, spaces and punctuation that do not change which option is meant
_CHOICE_NOISE = re.compile(r"[\s\"'“”‘’「」『』《》〈〉()（）\[\]【】,，、。.;；:：!！?？·・—\-_]+")


def _norm_choice(x) -> str:
    return _CHOICE_NOISE.sub("", unicodedata.normalize("NFKC", str(x))).casefold()


_T2S = None


def _simplified(text: str) -> str:
    """Traditional characters as Simplified (OpenCC ``t2s``): a reader of the zh-Hant page types 協商."""
    global _T2S
    if _T2S is None:
        try:
            import opencc

            _T2S = opencc.OpenCC("t2s").convert
        except Exception:  # pragma: no cover - opencc is a dependency of the build, not of checking
            _T2S = str
    return _T2S(text)


def _match_choice(ex: Exercise, answer: str) -> tuple[str | None, bool]:
    """The option an answer names, and whether it named it in other words than the option itself.

    Exact wording (ignoring quotes, spaces, punctuation, width and case) or a
    listed synonym first; then an answer that contains exactly one option (or
    synonym), or that is a part of exactly one option.  An answer in
    Traditional characters is read as its Simplified form.
    """
    opt, reworded = _match_choice_text(ex, answer)
    if opt is None and any(ord(ch) > 0x2E80 for ch in answer):
        simple = _simplified(answer)
        if simple != answer:
            opt, _ = _match_choice_text(ex, simple)
            reworded = True
    return opt, reworded


def _match_choice_text(ex: Exercise, answer: str) -> tuple[str | None, bool]:
    got = _norm_choice(answer)
    if not got:
        return None, False
    words: list[tuple[str, str]] = [(_norm_choice(c), c) for c in ex.choices]
    for opt, syns in ex.synonyms:
        words += [(_norm_choice(w), opt) for w in syns]
    for key, opt in words:
        if key == got:
            return opt, _norm_choice(opt) != got
    inside = [(k, o) for k, o in words if len(k) >= 2 and k in got]
    # drop options contained in a longer one that is also named (不拒绝原假设 contains 拒绝原假设)
    inside = [(k, o) for k, o in inside if not any(k != k2 and k in k2 for k2, _ in inside)]
    if len({o for _, o in inside}) == 1:
        return inside[0][1], True
    if len(got) >= 2:
        around = {o for k, o in words if got in k}
        if len(around) == 1:
            return around.pop(), True
    return None, False


def _close_option(ex: Exercise, answer: str) -> bool:
    import difflib

    got = _norm_choice(answer)
    keys = [_norm_choice(c) for c in ex.choices] + [_norm_choice(w) for _, ws in ex.synonyms for w in ws]
    return bool(got) and bool(difflib.get_close_matches(got, keys, n=1, cutoff=0.6))


def _candidates(ex: Exercise, exp: Any, params: dict) -> list[tuple[str, float, float]]:
    """(说明, low, high) of every accepted value: the expected one first, then the alternatives."""
    out = [("", float(exp), float(exp))]
    for desc, v in ex.alternatives(**params).items():
        if isinstance(v, (tuple, list)):
            lo, hi = float(v[0]), float(v[1])
        else:
            lo = hi = float(v)
        out.append((str(desc), min(lo, hi), max(lo, hi)))
    return out


def _decimals_zh(d: int) -> str:
    return f"{'两' if d == 2 else _CN_DIGITS[d]}位小数" if d else "整数"


def _grade_number(ex: Exercise, answer: Any, exp: Any, hint: str, params: dict | None = None) -> Result:
    params = params or {}
    n = _parse_number(answer)
    fmt = ex.answer_format()
    if n.value is None:
        what = f"“{answer}”" if isinstance(answer, str) else "不是数字的内容"
        return Result(ex.id, False, f"答案应是一个数字，收到的是{what}。作答格式：{fmt}")
    if n.suffix and not n.pct:
        if ex.answer == "percent":
            return Result(ex.id, False, f"这道题的答案是一个百分数：写百分号前的数字，或带“%”的文字。{hint}")
        if ex.unit and not _same_unit(n.suffix, ex.unit):
            return Result(ex.id, False, f"单位不对：这道题的答案以“{ex.unit}”计。{hint}")
    if n.pct and ex.answer == "int":
        return Result(ex.id, False, f"这道题的答案是一个整数，不是百分数。{hint}")
    exp = float(exp)
    tol = max(ex.tol, ex.rtol * abs(exp)) + 1e-9
    readings = [(n.value, "")]
    if ex.answer == "percent" and not n.pct and abs(n.value) <= 1 and abs(exp) > 1:
        readings.append((n.value * 100, "（已把小数按百分数理解）"))
    elif ex.answer == "number" and n.pct:
        readings.append((n.value / 100, "（已把百分数换算成小数）"))
    cands = _candidates(ex, exp, params)
    if ex.answer == "int" and not float(n.value).is_integer():
        return Result(ex.id, False, f"这道题的答案是一个整数。{hint}")
    for got, note in readings:
        for i, (desc, lo, hi) in enumerate(cands):
            if ex.answer == "int":
                slack = ex.neighbours if i == 0 else 0
                ok = math.ceil(lo - 1e-9) - slack <= got <= math.floor(hi + 1e-9) + slack \
                    or (lo == hi and abs(got - round(lo)) <= slack)
            else:
                ok = lo - tol <= got <= hi + tol
            if ok:
                if i == 0 and ex.answer == "int" and got != round(exp):
                    note += "（与精确计算只差舍入：本页数字经过四舍五入，这个答案也算对）"
                if desc:
                    note += f"（按{desc}）"
                return Result(ex.id, True, f"正确{note}。")
    got = n.value
    d, k = ex.decimals, n.decimals
    if ex.answer != "int" and d and k is not None and 1 <= k < d and abs(got - round(exp, k)) <= 1e-9:
        if k == d - 1:
            return Result(ex.id, True, f"正确（题目要求保留{_decimals_zh(d)}，写满更好）。")
        return Result(ex.id, False, f"数值接近，只是舍入不同：题目要求保留{_decimals_zh(d)}。")
    if exp != 0 and (abs(got * 100 - exp) <= tol or abs(got / 100 - exp) <= tol):
        return Result(ex.id, False, "数量级差了100倍：检查百分数与小数的换算，以及题目要求的单位。")
    if ex.answer == "int":
        if abs(got - round(exp)) <= ex.neighbours + 1:
            if ex.decimals_shown is not None:
                return Result(ex.id, False, "数值接近，可能只是舍入不同：本页数字保留了"
                                            f"{_decimals_zh(ex.decimals_shown)}，请检查取整方向和所用的数字。{hint}")
            return Result(ex.id, False, f"只差一点：检查是否多算或少算了一个，以及取整的方向。{hint}")
        return Result(ex.id, False, f"还不对。{hint}")
    if d is not None and k is not None and k >= d and abs(got - exp) <= 2 * 10.0 ** -d + tol:
        return Result(ex.id, False, f"数值接近，只是舍入不同：题目要求保留{_decimals_zh(d)}（四舍五入），"
                                    "请用未经取舍的数字计算，最后再取舍。")
    if d is None and k is not None and abs(got - round(exp, k)) <= 1e-9:
        return Result(ex.id, False, "数值接近，只是舍入不同：请多保留一位小数。")
    return Result(ex.id, False, f"还不对。{hint}")


def grade_answer(ex_id: str, answer: Any, **params) -> Result:
    """Compare an answer with the expected one.

    Percent answers accept ``41.1``, ``"41.1%"`` or the fraction ``0.411``;
    number answers accept numeric strings (``"1,234"``, ``"3.5万"``,
    ``"312户"`` when the exercise's unit is 户, and any unit of the same
    group in :data:`UNIT_GROUPS`: ``"17人"`` for ``名``) and a percent string
    for a proportion; int answers must be whole and may be Chinese numerals
    (``"三条"``); values of the exercise's ``accept`` alternatives and the
    ``neighbours`` its page's rounding allows are correct too.  Choices ignore
    case, width, spaces, quotes and punctuation, take listed synonyms, and an
    answer that names exactly one option; bool answers accept True/False,
    1/0, 是/否, 对/错, 能/不能 ….  The message never contains the expected
    answer, never lists the options of a choice question, and says when a
    miss is only rounding or only wording.

    Parameters
    ----------
    ex_id : str
        The exercise id.
    answer : object
        The answer; None (or ``...``) means not answered yet.
    **params
        Values of the parameters the exercise declares.

    Returns
    -------
    Result
    """
    ex = get(ex_id)
    if ex.answer == "discussion":
        return Result(ex.id, None, "这是讨论题，不自动评分；请在课堂上与同学交流你的观点。")
    if answer is None or answer is Ellipsis:
        return Result(ex.id, None, f"尚未作答：把答案赋给 {ex.variable} 后重新运行本格。")
    exp = ex.expected_value(**params)
    hint = f"提示：{ex.hint_zh}" if ex.hint_zh else ""
    if ex.answer in ("percent", "number", "int"):
        return _grade_number(ex, answer, exp, hint, params)
    if ex.answer == "bool":
        got = _as_bool(answer)
        if got is None:
            return Result(ex.id, False, f"请回答 True 或 False（也可以写“是”或“否”）。{hint}")
        return Result(ex.id, got == bool(exp), "正确。" if got == bool(exp) else f"还不对。{hint}")
    if ex.answer == "choice":
        if exp not in ex.choices:
            raise ValueError(f"exercise {ex.id}: expected answer is not one of its choices")
        if not isinstance(answer, str):
            return Result(ex.id, False, f"这道题要填写文字（放在引号里）。作答格式：{ex.answer_format()}")
        opt, reworded = _match_choice(ex, answer)
        if opt is None:
            if _close_option(ex, answer):
                return Result(ex.id, False, f"写法与本页的名称不一致，可能只是措辞不同：{ex.answer_format()}")
            return Result(ex.id, False, f"没有认出“{answer.strip()}”指的是哪一项。作答格式：{ex.answer_format()}")
        ok = opt == exp
        if ok:
            return Result(ex.id, True, "正确（写法与本页略有不同，已按同一项理解）。" if reworded else "正确。")
        return Result(ex.id, False, f"还不对。{hint}")
    raise ValueError(f"unknown answer type {ex.answer!r}")  # pragma: no cover


def check(ex_id: str, answer: Any, **params) -> None:
    """Print immediate feedback on an answer, in Chinese.

    A mistyped exercise id or a missing parameter is reported in Chinese
    (with the ids that come close) instead of a traceback.

    Parameters
    ----------
    ex_id : str
        The exercise id, e.g. ``"quanzhou-survey-1"``.
    answer : object
        The student's answer (``None`` while unanswered).
    **params
        Values of the notebook parameters the exercise depends on.
    """
    try:
        res = grade_answer(ex_id, answer, **params)
    except (UnknownExercise, ParameterError) as e:
        print(f"【再想想】 {e}")
        return
    mark = {True: "【正确】", False: "【再想想】", None: "【提示】"}[res.correct]
    print(f"{mark} {ex_id}：{res.message}")


def expected_answer_strings(exercise: Exercise | str, **params) -> list[str]:
    """The strings a leak test searches for in a student edition.

    The expected value formatted with one and with two decimals, and as an
    integer when it is integral; only strings of three or more characters,
    and none for a one-digit whole number.
    Choice, bool and discussion answers give no strings.

    Parameters
    ----------
    exercise : Exercise or str
        The exercise or its id.
    **params
        Values of the parameters the exercise declares.

    Returns
    -------
    list of str
        Distinct strings, in the order: 1 decimal, 2 decimals, integer.

    Examples
    --------
    For an expected value of 41.111… the strings are ``["41.1", "41.11"]``;
    for 312 they are ``["312.0", "312.00", "312"]``; for a one-digit whole
    number such as 5 there are none (``5``/``5.0`` stand on every page).
    """
    ex = exercise if isinstance(exercise, Exercise) else get(exercise)
    if ex.answer in ("choice", "bool", "discussion"):
        return []
    v = float(ex.expected_value(**params))
    if not math.isfinite(v):
        return []
    if v.is_integer() and abs(v) < 10:
        return []  # a one-digit whole number ("3", "3.0") is everywhere on a page: nothing to search
    out = [f"{v:.1f}", f"{v:.2f}"]
    if v.is_integer():
        out.append(str(int(v)))
    seen: list[str] = []
    for s in out:
        if len(s) >= 3 and s not in seen:
            seen.append(s)
    return seen


# ----------------------------------------------------------------------------
# the answer key
# ----------------------------------------------------------------------------

def _fmt_number(v: float, decimals: int) -> str:
    s = f"{v:.{decimals}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def format_expected(exercise: Exercise | str, **params) -> str:
    """The expected answer as an instructor reads it, in Chinese, with its unit.

    Percent answers get two decimals at most and a ``%`` sign, numbers two
    decimals at most and the exercise's unit, whole numbers their unit,
    booleans ``是`` / ``否``, choices the option itself.  Discussion
    questions give ``""`` (see :func:`answer_key` for their rubric).

    Parameters
    ----------
    exercise : Exercise or str
        The exercise or its id.
    **params
        Values of the parameters the exercise declares.

    Returns
    -------
    str

    Examples
    --------
    A percent answer of 41.111… is ``"41.11%"``; an int answer of 312 with
    unit 户 is ``"312户"``; ``True`` is ``"是"``.
    """
    ex = exercise if isinstance(exercise, Exercise) else get(exercise)
    v = ex.expected_value(**params)
    if ex.answer == "discussion" or v is None:
        return ""
    if ex.answer == "bool":
        return "是" if bool(v) else "否"
    if ex.answer == "choice":
        return str(v)
    d = ex.decimals if ex.decimals is not None else 2
    if ex.answer == "percent":
        return _fmt_number(float(v), d) + "%"
    if ex.answer == "int":
        return f"{int(round(float(v)))}{ex.unit}"
    return _fmt_number(float(v), d) + ex.unit


@dataclass(frozen=True)
class KeyEntry:
    """One line of a lesson's answer key (see :func:`answer_key`)."""

    id: str
    number: int
    kind_zh: str
    prompt_zh: str
    graded: bool
    expected_zh: str
    rubric_zh: tuple[str, ...]


def answer_key(lesson: str, params: dict[str, Any] | None = None) -> list[KeyEntry]:
    """Every exercise of *lesson* with its expected answer for *params*.

    The values come from the same functions :func:`check` grades with, so the
    key cannot drift from the checker.

    Parameters
    ----------
    lesson : str
        The lesson id.
    params : dict, optional
        The parameter set's values (extra names are ignored; each exercise
        takes the ones it declares).

    Returns
    -------
    list of KeyEntry
        In exercise order.
    """
    params = dict(params or {})
    out = []
    for ex in catalog(lesson):
        mine = {p: params[p] for p in ex.params if p in params}
        out.append(KeyEntry(ex.id, ex.number, KIND_ZH.get(ex.kind, ex.kind), ex.prompt(**mine), ex.graded,
                            format_expected(ex, **mine), tuple(ex.rubric_zh)))
    return out
