"""The syllabus, ``course/course.yml``: ordered lessons with their parameter sets.

Format::

    title_zh: 党建引领社区治理：数据研读课程
    description_zh: >-
      一句话介绍课程。
    lessons:
      - id: intro                      # [a-z0-9-]+, unique; names the output folder
        title_zh: 导论
        notebook: notebooks/intro.md   # relative to the repository root
        objectives:
          - 了解五篇文章
        minutes: 45                    # expected class time
        depends: [course/course.yml]   # optional: other files the lesson reads
        params:
          default: {}                  # required; may be empty (notebook defaults)
          brief: {show_register: false}
        descriptions_zh:               # one Chinese sentence per parameter set:
          default: 登记表全部展开。     # what it changes and what to compare
          brief: 登记表默认收起。

Notebook paths (and ``depends``) are relative to the repository root, which
is the parent of the folder holding the syllabus (``course/course.yml`` ->
the repo root); fixture courses in tests follow the same layout.  Lessons are
appended at the end of the ``lessons:`` list.

Loading checks the file like the data: an unknown notebook, a duplicate id, a
bad id or parameter-set name, a malformed parameter set or an unknown key is a
:class:`~govlib.errors.DataError` naming the file, line, lesson id and key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import (BaseModel, ConfigDict, Field, PrivateAttr, StrictInt, StrictStr,
                      ValidationError, field_validator, model_validator)

from govlib import paths
from govlib.errors import DataError, Problem, display_path
from govlib.schemas import SLUG
from govlib.yamlfile import pydantic_zh

__all__ = ["Lesson", "VariantRange", "Syllabus", "load_syllabus", "lessons_frame", "lessons_table", "SLUG",
           "set_label_zh"]

class VariantRange(BaseModel):
    """How one parameter varies per student (``variants:`` of a lesson).

    Either a numeric range ``{low, high, step}`` (every value
    ``low + k * step`` up to ``high``) or ``{choices: [...]}``.  Only a
    lesson's own assumptions and exercise data may vary, never a published
    figure; the declared range must lie inside the parameter's declared range
    (checked by :func:`govlib.grading.variants.check_variants`).
    """

    model_config = ConfigDict(extra="forbid")

    low: float | None = None
    high: float | None = None
    step: float | None = None
    choices: list[bool | int | float | str] | None = None

    @model_validator(mode="after")
    def _shape(self):
        if self.choices is not None:
            if self.low is not None or self.high is not None or self.step is not None:
                raise ValueError("choices 与 low/high/step 只能二选一")
            if len(self.choices) < 2:
                raise ValueError("choices 至少要有两个值")
            return self
        if self.low is None or self.high is None:
            raise ValueError("变化的参数要给出 low 和 high（或 choices）")
        if not self.low < self.high:
            raise ValueError(f"low（{self.low}）应小于 high（{self.high}）")
        if self.step is not None and not self.step > 0:
            raise ValueError(f"step 应为正数（现为 {self.step}）")
        return self


class Lesson(BaseModel):
    """One lesson of the syllabus.

    Parameters
    ----------
    id : str
        Slug (``[a-z0-9-]+``), unique in the syllabus; names the output folder.
    title_zh : str
        Title shown in the index and the page header.
    notebook : str
        Path of the lesson notebook, relative to the repository root.
    objectives : list of str
        Learning objectives (at least one).
    minutes : int
        Expected class time in minutes.
    params : dict
        Parameter-set name -> {parameter: value}.  ``default`` is required and
        may be empty (the notebook's own defaults).
    depends : list of str
        Other files (relative to the repository root) whose content the lesson
        reads; a change to one re-executes the lesson.
    descriptions_zh : dict
        Parameter-set name -> one Chinese sentence saying what the set changes
        and what to compare with the default.  Optional per lesson (fixture
        courses omit it); when given, every key must name a parameter set and
        every text must be non-blank Chinese.  The course's own syllabus gives
        one for every set (checked by the tests).  Read it with
        :meth:`description`.
    variants : dict
        Parameter -> :class:`VariantRange`: the parameters that differ per
        student (``govlib student LESSON --student NAME``), drawn from the
        course key (:mod:`govlib.grading.variants`).  Empty: every student
        gets the same values.
    variants_note_zh : str
        One Chinese sentence shown to the student beside their numbers: why
        these values may differ and that no published figure does.
    """

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=SLUG)
    title_zh: StrictStr = Field(min_length=1)
    notebook: StrictStr = Field(min_length=1)
    objectives: list[StrictStr] = Field(min_length=1)
    minutes: StrictInt = Field(gt=0, le=600)
    params: dict[str, Any]
    depends: list[StrictStr] = Field(default_factory=list)
    descriptions_zh: dict[str, StrictStr] = Field(default_factory=dict)
    variants: dict[str, VariantRange] = Field(default_factory=dict)
    variants_note_zh: StrictStr = ""

    @field_validator("variants")
    @classmethod
    def _variant_names(cls, v: dict) -> dict:
        for key in v:
            if not isinstance(key, str) or not key.isidentifier():
                raise ValueError(f"variants：“{key}”不是参数名")
        return v

    @field_validator("title_zh")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("不能为空")
        return v.strip()

    @field_validator("objectives")
    @classmethod
    def _objectives(cls, v: list[str]) -> list[str]:
        if any(not o.strip() for o in v):
            raise ValueError("有一条学习目标是空的")
        return [o.strip() for o in v]

    @field_validator("params")
    @classmethod
    def _param_sets(cls, v: dict) -> dict:
        import re

        for name in v:
            if not re.match(SLUG, name):
                raise ValueError(f"参数集名称“{name}”只能用小写字母、数字和连字符（如 default、big-sample）")
        if "default" not in v:
            raise ValueError("缺少参数集 default（可以为空：写 default: {}）")
        out = {}
        for name, values in v.items():
            if values is None:
                values = {}
            if not isinstance(values, dict):
                raise ValueError(f"参数集 {name} 应写成“参数: 值”的映射，现为 {values!r}")
            for key, val in values.items():
                if not isinstance(key, str) or not key.isidentifier():
                    raise ValueError(f"参数集 {name}：“{key}”不是参数名")
                if not isinstance(val, (bool, int, float, str)):
                    raise ValueError(f"参数集 {name}：参数 {key} 应为单个整数、数、文字或 true/false，现为 {val!r}")
            out[name] = dict(values)
        return out

    @field_validator("notebook", "depends")
    @classmethod
    def _relative(cls, v):
        for p in [v] if isinstance(v, str) else v:
            pp = Path(p)
            if pp.is_absolute() or ".." in pp.parts:
                raise ValueError(f"“{p}”应是相对于仓库根目录的路径，且不能含 ..")
        return v

    @model_validator(mode="after")
    def _descriptions(self):
        import re

        for name, text in self.descriptions_zh.items():
            if name not in self.params:
                raise ValueError(f"descriptions_zh 写了“{name}”，但本课没有这个参数集（参数集：{'、'.join(self.set_names())}）")
            if not text.strip():
                raise ValueError(f"descriptions_zh › {name} 是空的")
            if not re.search(r"[\u4e00-\u9fff]", text):
                raise ValueError(f"descriptions_zh › {name} 应当用中文写（现为“{text}”）")
        self.descriptions_zh = {k: v.strip() for k, v in self.descriptions_zh.items()}
        return self

    def description(self, set_name: str) -> str:
        """The Chinese description of a parameter set ('' when the syllabus gives none).

        Raises
        ------
        KeyError
            When *set_name* is not a parameter set of this lesson.
        """
        if set_name not in self.params:
            raise KeyError(set_name)
        return self.descriptions_zh.get(set_name, "")

    def set_for(self, values) -> str:
        """Which parameter set a run used, from the parameter values the notebook holds.

        A set matches when every value it overrides equals the notebook's
        value; among matching sets the one overriding most parameters wins
        (``default`` overrides none, so it matches when no other set does).

        Parameters
        ----------
        values : mapping
            Parameter name -> value, e.g. ``globals()`` of the notebook.

        Returns
        -------
        str
            The set name (``default`` when none of the variants match).
        """
        best, best_n = "default", -1
        for name in self.set_names():
            over = self.params[name]
            if all(k in values and values[k] == v for k, v in over.items()) and len(over) > best_n:
                best, best_n = name, len(over)
        return best

    def set_names(self) -> list[str]:
        """Parameter-set names, ``default`` first, then as written."""
        return ["default"] + [n for n in self.params if n != "default"]


class Hub(BaseModel):
    """Where a class's JupyterHub is: the index then links every lesson through nbgitpuller.

    Parameters
    ----------
    url : str
        The hub's address (``https://hub.example.edu.cn``).
    repo : str
        The git repository nbgitpuller pulls the course from.
    branch : str
        Its branch (default ``main``).
    """

    model_config = ConfigDict(extra="forbid")

    url: StrictStr = Field(pattern=r"^https?://\S+$")
    repo: StrictStr = Field(min_length=1)
    branch: StrictStr = Field(default="main", min_length=1)


class Syllabus(BaseModel):
    """The whole syllabus.  ``path`` and ``root`` are set by :func:`load_syllabus`."""

    model_config = ConfigDict(extra="forbid")

    title_zh: StrictStr = Field(min_length=1)
    description_zh: StrictStr = ""
    lessons: list[Lesson] = Field(min_length=1)
    hub: Hub | None = None

    _path: Path = PrivateAttr(default=None)
    _root: Path = PrivateAttr(default=None)

    @property
    def path(self) -> Path:
        """The syllabus file."""
        return self._path

    @property
    def root(self) -> Path:
        """The repository root the notebook paths are relative to."""
        return self._root

    def lesson(self, lesson_id: str) -> Lesson:
        """The lesson with id *lesson_id* (KeyError if none)."""
        for les in self.lessons:
            if les.id == lesson_id:
                return les
        raise KeyError(lesson_id)

    def notebook_path(self, lesson: Lesson) -> Path:
        """Absolute path of a lesson's notebook."""
        return (self._root / lesson.notebook).resolve()


# --------------------------------------------------------------------------- loading


def set_label_zh(set_name: str) -> str:
    """How a page names a parameter set: 默认版本 (the ``default`` set) or 变体版本 (any other).

    The set's code name (``brief``) is shown only where a user has to type it
    (``govlib student … --set brief``); pages name the set this way, followed
    by its ``descriptions_zh`` sentence.
    """
    return "默认版本" if set_name == "default" else "变体版本"


def _line_map(text: str) -> tuple[dict[tuple, int], list[tuple[tuple, int]]]:
    """Map key paths to 1-based line numbers; also list duplicate mapping keys."""
    import yaml

    lines: dict[tuple, int] = {}
    dups: list[tuple[tuple, int]] = []
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return lines, dups

    def walk(node, path):
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for k, v in node.value:
                key = k.value
                if key in seen:
                    dups.append((path + (key,), k.start_mark.line + 1))
                seen.add(key)
                lines[path + (key,)] = k.start_mark.line + 1
                walk(v, path + (key,))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                walk(v, path + (i,))

    if root is not None:
        walk(root, ())
    return lines, dups


def _where(loc: tuple, data: Any) -> str:
    """Human key path: ``课程 intro › params › big``."""
    parts: list[str] = []
    rest = list(loc)
    if len(rest) >= 2 and rest[0] == "lessons" and isinstance(rest[1], int):
        idx = rest[1]
        lid = None
        try:
            lid = data["lessons"][idx].get("id")
        except (KeyError, IndexError, TypeError, AttributeError):
            pass
        parts.append(f"课程 {lid}" if lid else f"第 {idx + 1} 课")
        rest = rest[2:]
    parts += [str(x) for x in rest]
    return " › ".join(parts) if parts else "（顶层）"


def _line_for(loc: tuple, lines: dict[tuple, int]) -> int | None:
    loc = tuple(loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get(())


def load_syllabus(path: str | Path | None = None, *, check_notebooks: bool = True) -> Syllabus:
    """Read and validate a syllabus file.

    Parameters
    ----------
    path : str or Path, optional
        The syllabus (default ``course/course.yml``).
    check_notebooks : bool
        Also check that each notebook and ``depends`` file exists.

    Returns
    -------
    Syllabus

    Raises
    ------
    DataError
        Listing every problem, each naming the file, line, lesson id and key.
    """
    import yaml

    p = Path(path) if path is not None else paths.SYLLABUS
    shown = display_path(p)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(Problem(shown, f"无法读取课程大纲（{exc.strerror}）")) from None
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError(Problem(shown, f"不是有效的 YAML（{getattr(exc, 'problem', exc)}）",
                                row=mark.line + 1 if mark else None)) from None
    if not isinstance(data, dict):
        raise DataError(Problem(shown, "课程大纲的顶层应是含 title_zh、description_zh、lessons 的映射"))
    lines, dups = _line_map(text)
    problems: list[Problem] = []
    for key_path, line in dups:
        problems.append(Problem(shown, "键重复（YAML 只会悄悄保留最后一个）",
                                row=line, column=_where(key_path, data)))
    try:
        syl = Syllabus.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            msg = pydantic_zh(err)
            value = err.get("input") if not isinstance(err.get("input"), (dict, list)) else None
            problems.append(Problem(shown, msg, row=_line_for(loc, lines), column=_where(loc, data), value=value))
        raise DataError(problems) from None
    root = p.resolve().parent.parent
    seen: dict[str, int] = {}
    for i, les in enumerate(syl.lessons):
        if les.id in seen:
            problems.append(Problem(shown, f"课程编号 {les.id} 重复（第 {seen[les.id] + 1} 课已经用了它）",
                                    row=_line_for(("lessons", i, "id"), lines), column=f"课程 {les.id} › id"))
        seen.setdefault(les.id, i)
        if check_notebooks:
            nb = root / les.notebook
            if not nb.is_file():
                problems.append(Problem(shown, f"找不到笔记本：{les.notebook} 不存在",
                                        row=_line_for(("lessons", i, "notebook"), lines),
                                        column=f"课程 {les.id} › notebook"))
            elif nb.suffix not in (".md", ".ipynb"):
                problems.append(Problem(shown, "课程笔记本应是 MyST 的 .md（或 .ipynb）文件",
                                        row=_line_for(("lessons", i, "notebook"), lines),
                                        column=f"课程 {les.id} › notebook", value=les.notebook))
            for j, dep in enumerate(les.depends):
                if not (root / dep).is_file():
                    problems.append(Problem(shown, f"依赖的文件 {dep} 不存在",
                                            row=_line_for(("lessons", i, "depends", j), lines),
                                            column=f"课程 {les.id} › depends"))
    if problems:
        raise DataError(problems)
    syl._path = p.resolve()
    syl._root = root
    return syl


def lessons_frame(path: str | Path | None = None):
    """The syllabus as a table for notebooks: one row per lesson.

    Columns (in Chinese): 序号, 课题, 主要内容 (objectives joined), 课时（分钟）.

    Returns
    -------
    pandas.DataFrame
    """
    import pandas as pd

    syl = load_syllabus(path, check_notebooks=False)
    rows = [{"序号": i, "课题": les.title_zh, "学习目标": "；".join(les.objectives),
             "课时（分钟）": les.minutes} for i, les in enumerate(syl.lessons, 1)]
    return pd.DataFrame(rows).set_index("序号")


class _HTMLTable:
    """An HTML fragment Jupyter displays (``_repr_html_``), with a plain-text fallback."""

    def __init__(self, html_text: str, plain: str):
        self.html, self.plain = html_text, plain

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.plain


def lessons_table(path: str | Path | None = None) -> _HTMLTable:
    """The syllabus as an HTML table for notebooks: number, title, objectives (a list), minutes.

    Every text is HTML-escaped.
    """
    from html import escape

    syl = load_syllabus(path, check_notebooks=False)
    rows = []
    for i, les in enumerate(syl.lessons, 1):
        objectives = "".join(f"<li>{escape(o)}</li>" for o in les.objectives)
        rows.append(f"<tr><td>第{i}课</td><td>{escape(les.title_zh)}</td><td><ul>{objectives}</ul></td>"
                    f"<td>{les.minutes} 分钟</td></tr>")
    total = sum(les.minutes for les in syl.lessons)
    html_text = (f'<table class="gv-syllabus"><caption>{escape(syl.title_zh)}：共 {len(syl.lessons)} 课，'
                 f"约 {total} 分钟</caption><thead><tr><th>序号</th><th>课题</th><th>学习目标</th>"
                 f'<th>课时</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
    plain = "\n".join(f"{i}. {les.title_zh}（{les.minutes} 分钟）" for i, les in enumerate(syl.lessons, 1))
    return _HTMLTable(html_text, plain)
