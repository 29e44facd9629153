"""A lesson's slide plan: ``notebooks/<name>.slides.yaml``, beside the lesson it designs a deck for.

Why a plan file and not Jupyter's ``slideshow`` cell metadata
    A deck designed for teaching is not the notebook cut at its headings: a
    slide says one idea in a few short points, shows one chart with its
    caption, asks one exercise as a question to the class, and its speaker
    notes say what to tell the class.  Most of that text is not in any cell
    (points and notes are written for the projector, not the page), so
    metadata on the cells could only pick and order cells.  The lessons'
    ``notebooks/*.md`` are also edited by other people at the same time
    (narrative, outputs, warm-up cells); a separate file keeps the deck's
    design from colliding with theirs.  The plan points into the executed
    lesson only for what must come from running it -- a chart or a table --
    by a fragment of the code cell's source, and into the register for every
    number (``{fig:ID}``), so no number is typed here either.

The file
    ::

        lesson: xiamen-127
        slides:
          - title: 一、“127”机制：一分管理、两分协商、七分服务
            points:
              - 管理：……
              - 季度考评中民意测评占{fig:xm-weight-poll}
            notes: 先问学员……
            minutes: 8
          - title: 二、一个季度的成绩
            chart: ev.plot_quarter(        # a fragment of the code cell whose chart is shown
            caption: 三项成绩按权重合成……
            sources: [xm-weight-self]       # register figures behind the chart (cited in the notes)
            minutes: 6
          - kind: exercises                 # every graded exercise of the answer key, one per slide
            minutes: 20
          - kind: discussion                # every discussion question, with its rubric in the notes
            minutes: 10
          - kind: summary
            title: 小结
            points: [……]

    The title slide (lesson, the set's description, minutes) and the learning
    objectives (from the syllabus) come first without being planned.  An
    exercise of the lesson's answer key that the plan does not place is put on
    a slide anyway (before the 小结), so an exercise added to the bank later
    is on the slides without touching the plan.

Rules checked when the plan is read (:func:`load_plan`)
    * no digit in written text (titles, points, captions, notes) outside
      a quoted name such as “127”: numbers come from ``{fig:ID}`` (the
      register's published wording) or ``{param:name}`` (the set's value);
    * every ``{fig:ID}`` and every ``sources`` id is in the register, every
      exercise id is in the lesson's bank;
    * at most one chart or table per slide.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from govlib.errors import GovlibError
from govlib.yamlfile import pydantic_zh

__all__ = ["PlanSlide", "SlidePlan", "TableExcerpt", "load_plan", "plan_path", "PlanError", "PLACEHOLDER"]

#: ``{fig:ID}`` (a register figure, its published wording) or ``{param:name}`` (the set's value)
PLACEHOLDER = re.compile(r"\{(fig|param):([A-Za-z0-9_-]+)\}")
_QUOTED = re.compile(r"“[^”]*”")
_DIGIT = re.compile(r"[0-9０-９]")


class PlanError(GovlibError):
    """A slide plan that cannot be used (the message names the file and the slide)."""


def _no_typed_numbers(text: str) -> str:
    bare = _QUOTED.sub("", PLACEHOLDER.sub("", text))
    if _DIGIT.search(bare):
        raise ValueError(f"「{text}」里有手写的数字：数字请用 {{fig:编号}} 从登记表取（带引号的名称如“127”除外）")
    if "`" in text:
        raise ValueError(f"「{text}」里有代码标记：幻灯片上不出现代码")
    return text


class TableExcerpt(BaseModel):
    """A readable excerpt of a table the lesson shows: its first rows, the full table in the handout."""

    model_config = ConfigDict(extra="forbid")

    cell: str = Field(description="a fragment of the source of the code cell whose (first) table is shown")
    rows: int = Field(6, ge=1, le=8, description="body rows shown")
    columns: list[int] | None = Field(None, description="which columns (0-based, after the row labels are dropped)")


class PlanSlide(BaseModel):
    """One planned slide (``kind: exercises`` / ``discussion`` may stand for several)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["content", "summary", "discussion", "exercises", "exercise"] = "content"
    title: str = ""
    points: list[str] = Field(default_factory=list)
    chart: str | None = None
    chart_index: int = Field(0, ge=0)
    caption: str = ""
    table: TableExcerpt | None = None
    notes: str = ""
    sources: list[str] = Field(default_factory=list)
    exercise: str | None = None
    minutes: float | None = Field(None, gt=0, le=120)

    @field_validator("title", "caption", "notes")
    @classmethod
    def _text(cls, v: str) -> str:
        return _no_typed_numbers(v) if v else v

    @field_validator("points")
    @classmethod
    def _points(cls, v: list[str]) -> list[str]:
        for p in v:
            _no_typed_numbers(p)
        if len(v) > 5:
            raise ValueError("一页最多五条要点：一页只讲一个意思")
        return v

    @model_validator(mode="after")
    def _shape(self):
        if self.chart and self.table:
            raise ValueError("一页只放一张图或一张表")
        if self.kind == "content" and not self.title:
            raise ValueError("内容页要有标题")
        if self.kind == "content" and not (self.points or self.chart or self.table):
            raise ValueError(f"「{self.title}」只有标题：请写要点、放一张图或一张表")
        if self.kind == "exercise" and not self.exercise:
            raise ValueError("kind: exercise 要写出 exercise: 练习编号")
        return self


class SlidePlan(BaseModel):
    """A lesson's slide plan (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")

    lesson: str
    slides: list[PlanSlide] = Field(min_length=1)

    def figure_ids(self) -> set[str]:
        ids = set()
        for s in self.slides:
            ids.update(s.sources)
            for text in [s.title, s.caption, s.notes, *s.points]:
                ids.update(m.group(2) for m in PLACEHOLDER.finditer(text) if m.group(1) == "fig")
        return ids

    def exercise_ids(self) -> list[str]:
        return [s.exercise for s in self.slides if s.exercise]


def plan_path(notebook: str | Path) -> Path:
    """``notebooks/xiamen_127.md`` -> ``notebooks/xiamen_127.slides.yaml``."""
    p = Path(notebook)
    return p.with_name(p.stem + ".slides.yaml")


def load_plan(notebook: str | Path, *, lesson: str | None = None) -> SlidePlan | None:
    """Read and check the slide plan beside *notebook* (``None`` when the lesson has none).

    Raises
    ------
    PlanError
        In Chinese, naming the file and the slide: bad YAML, a field the model
        does not know, a typed number, an unknown figure or exercise.
    """
    import yaml

    path = plan_path(notebook)
    if not path.is_file():
        return None
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"第 {mark.line + 1} 行" if mark else ""
        raise PlanError(f"幻灯片计划 {path.name} {line}不是有效的 YAML：{getattr(exc, 'problem', exc)}") from None
    if not isinstance(raw, dict):
        raise PlanError(f"幻灯片计划 {path.name} 的顶层应是一个映射（lesson:、slides:）")
    try:
        plan = SlidePlan.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = err["loc"]
            where = f"第 {loc[1] + 1} 页" if len(loc) > 1 and loc[0] == "slides" and isinstance(loc[1], int) else ""
            field = ".".join(str(x) for x in loc[2:]) if where else ".".join(str(x) for x in loc)
            lines.append(f"{where} {field}：{pydantic_zh(err)}".strip())
        raise PlanError(f"幻灯片计划 {path.name} 有误：\n" + "\n".join(lines)) from None
    if lesson is not None and plan.lesson != lesson:
        raise PlanError(f"幻灯片计划 {path.name} 写的是课程 {plan.lesson}，但它旁边的笔记本属于 {lesson}")
    _check_refs(plan, path)
    return plan


def _check_refs(plan: SlidePlan, path: Path) -> None:
    from govlib.data import load_register
    from govlib.exercises import catalog

    reg = load_register()
    unknown = sorted(i for i in plan.figure_ids() if i not in reg)
    if unknown:
        raise PlanError(f"幻灯片计划 {path.name}：登记表里没有这些数字编号：{'、'.join(unknown)}")
    try:
        known = {e.id for e in catalog(plan.lesson)}
    except Exception:  # noqa: BLE001 - a lesson without a bank
        known = set()
    bad = [i for i in plan.exercise_ids() if i not in known]
    if bad:
        raise PlanError(f"幻灯片计划 {path.name}：本课练习库里没有 {'、'.join(bad)}")
