"""A lesson's deck, designed from its slide plan: the slides, their speaker notes, and ``slides.html``.

The deck is a list of :class:`Slide` built by :func:`build_deck` from

* the lesson's slide plan (``notebooks/<name>.slides.yaml``, see
  :mod:`govlib.publish.slideplan` for why a plan file and what it holds);
* the executed lesson, for the charts and tables the plan points to;
* the register, for every number on a slide (``{fig:ID}``) and the citation
  of each in the speaker notes;
* the answer key of the projected set (:func:`govlib.exercises.answer_key`,
  the computation ``check`` grades with), for the exercise slides' notes;
* the syllabus, for the title slide, the objectives and the minutes.

What a deck is made of
    a title slide (lesson, course, the set's description in Chinese, minutes);
    the learning objectives; the planned slides (one idea each: a few points,
    or one chart with its caption, or a short table excerpt with
    「完整表格见讲义」); one slide per exercise of the answer key, asked as a
    question to the class (no answer-format or variable instructions: those
    belong in the notebook); the discussion questions; the 小结.  Every
    exercise of the lesson's bank is on a slide, placed by the plan or, if the
    plan does not name it, before the 小结.

Speaker notes (plain Chinese paragraphs)
    content slides: what to say (the plan), the source of every number shown
    (the register's citation), the timing (the plan's minutes, counted from the
    start of the class); exercise slides: the worked answer for the projected
    set (the key entry's value and, when the handouts give them, its steps);
    discussion slides: the rubric.  Neither file names nor code.

:func:`render_reveal` writes the reveal.js page; :mod:`govlib.publish.pptx_deck`
writes the PowerPoint file from the same list, slide for slide;
:func:`traditional_deck` gives the Traditional copy of both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Callable

from govlib import paths
from govlib.publish.slideplan import PLACEHOLDER, PlanError, PlanSlide, SlidePlan

__all__ = ["Block", "Slide", "build_deck", "render_reveal", "traditional_deck", "projector_prompt",
           "VENDOR", "MORE"]

#: vendored reveal.js (npm ``reveal.js``, MIT licence in the folder)
VENDOR = Path(paths.TEMPLATES) / "vendor" / "revealjs"
#: under a table excerpt
MORE = "完整表格见讲义"


@dataclass
class Block:
    """One piece of a slide.

    ``kind`` is ``points`` (``items``: short lines), ``question`` (``items[0]``:
    the question, further items: options), ``image`` (``png_b64`` with ``alt``
    and ``caption``) or ``table`` (``rows``, the first row the header, and
    ``caption``).  All text is plain; templates escape it.
    """

    kind: str
    items: list[str] = field(default_factory=list)
    png_b64: str = ""
    alt: str = ""
    caption: str = ""
    rows: list[list[str]] = field(default_factory=list)
    more: str = ""


@dataclass
class Slide:
    """A slide: title, blocks and speaker notes (plain paragraphs).

    ``kind``: ``title``, ``objectives``, ``content``, ``exercise``,
    ``discussion`` or ``summary``.
    """

    title: str
    blocks: list[Block] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kind: str = "content"
    subtitle: str = ""
    exercise: str = ""

    @property
    def is_content(self) -> bool:
        """Every slide but the title slide carries the lesson (and needs notes)."""
        return self.kind != "title"


# --------------------------------------------------------------------------- text pieces

_SENTENCE = re.compile(r"[^。？！]*[。？！]?")
_PAREN_CODE = re.compile(r"（[^（）]*`[^（）]*）|\([^()]*`[^()]*\)")


def projector_prompt(prompt: str) -> str:
    """An exercise prompt as a question to the class: no code, no hints on how to type the answer.

    Sentences that name code (backticks) or start with 提示 are left out, and
    so are brackets that name code.

    Examples
    --------
    >>> projector_prompt("平均得分是多少？提示：`recode(answers)` 给出答卷。")
    '平均得分是多少？'
    """
    text = _PAREN_CODE.sub("", prompt)
    kept = [s for s in _SENTENCE.findall(text) if s.strip() and "`" not in s and not s.strip().startswith("提示")]
    return "".join(kept).strip()


def _fig_text(fig_id: str) -> str:
    from govlib.data import figure

    return figure(fig_id).text


def cite_zh(fig_id: str) -> str:
    """The register's citation of a figure, in words only (a derived figure names its inputs by label)."""
    from govlib.data import derived_ids, load_register

    reg = load_register()
    fig = reg.figure(fig_id)
    if not fig.derived:
        return reg.cite(fig_id)
    src = reg.source(fig.source)
    who = src["authors"] or src["short_zh"]
    inputs = "、".join(reg.figure(i).label_zh for i in derived_ids(fig.derived_from) if i in reg)
    return f"{who}·{fig.locator}；由{inputs}推算"


def _value_text(v: Any) -> str:
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _fill(text: str, values: dict[str, Any], used: list[str]) -> str:
    def sub(m: re.Match) -> str:
        if m.group(1) == "fig":
            used.append(m.group(2))
            return _fig_text(m.group(2))
        if m.group(2) not in values:
            raise PlanError(f"幻灯片计划引用了参数 {m.group(2)}，本课没有这个参数")
        return _value_text(values[m.group(2)])

    return PLACEHOLDER.sub(sub, text)


# --------------------------------------------------------------------------- the executed lesson


def _cell_for(nb, fragment: str, lesson: str, what: str):
    for cell in nb.cells:
        if cell.cell_type == "code" and fragment in cell.source:
            return cell
    raise PlanError(f"课程 {lesson} 的幻灯片计划要的{what}找不到：没有一个代码格含有「{fragment}」")


def _images(cell) -> list[str]:
    out = []
    for o in cell.get("outputs", []):
        png = (o.get("data") or {}).get("image/png")
        if png:
            out.append(("".join(png) if isinstance(png, list) else png).replace("\n", ""))
    return out


def _alt(cell) -> str:
    m = re.search(r"title\s*=\s*[\"']([^\"'{}]+)[\"']", cell.get("source", ""))
    return m.group(1) if m else ""


class _TableParser(HTMLParser):
    """The first ``<table>`` of an HTML fragment: rows of (text, is_header_cell), and where the body starts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[tuple[str, bool]]] = []
        self.body_start: int | None = None
        self.depth = 0
        self.done = False
        self.row: list[tuple[str, bool]] | None = None
        self.cell: list[str] | None = None
        self.th = False
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if self.done:
            return
        if tag in ("style", "script"):
            self.skip += 1
        elif tag == "table":
            self.depth += 1
        elif self.depth == 1 and tag == "tbody" and self.body_start is None:
            self.body_start = len(self.rows)
        elif self.depth == 1 and tag == "tr":
            self.row = []
        elif self.depth == 1 and tag in ("td", "th") and self.row is not None:
            self.cell, self.th = [], tag == "th"
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag):
        if self.done:
            return
        if tag in ("style", "script"):
            self.skip -= 1
        elif tag == "table":
            self.depth -= 1
            self.done = self.depth == 0
        elif self.depth == 1 and tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append((re.sub(r"\s+", " ", "".join(self.cell)).strip(), self.th))
            self.cell = None
        elif self.depth == 1 and tag == "tr" and self.row is not None:
            if self.row:
                self.rows.append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.cell is not None and not self.skip:
            self.cell.append(data)


def table_rows(fragment: str) -> list[list[str]]:
    """The first table of an HTML fragment as rows of text, header first, without a pandas row-label column.

    A first column of row numbers (pandas' default index: header cells
    0, 1, 2 ... in the body) is dropped; a meaningful index (names) is kept
    as an ordinary column.  A header row with nothing but an index name is
    dropped too.
    """
    p = _TableParser()
    p.feed(fragment)
    p.close()
    rows = p.rows
    if not rows:
        return []
    start = p.body_start if p.body_start is not None else 1
    heads, body = rows[:start], rows[start:]
    labels = [r[0][0] for r in body if r]
    if (body and all(r and r[0][1] for r in body) and any(not c[1] for r in body for c in r)
            and all(x.isdigit() for x in labels)
            and [int(x) for x in labels] == list(range(int(labels[0]), int(labels[0]) + len(labels)))):
        heads, body = [r[1:] for r in heads], [r[1:] for r in body]  # pandas' row numbers
    heads = [r for r in heads if any(t for t, _ in r)]
    if not heads:
        heads, body = body[:1], body[1:]
    return [[t for t, _ in heads[0]]] + [[t for t, _ in r] for r in body]


def _tables(cell) -> list[list[list[str]]]:
    out = []
    for o in cell.get("outputs", []):
        text = (o.get("data") or {}).get("text/html")
        if text:
            rows = table_rows("".join(text) if isinstance(text, list) else text)
            if rows:
                out.append(rows)
    return out


# --------------------------------------------------------------------------- the deck


@dataclass
class _Clock:
    minutes: float = 0.0

    def note(self, m: float | None) -> str:
        if not m:
            return ""
        a, self.minutes = self.minutes, self.minutes + m
        return f"用时：约{_num(m)}分钟（本课第{_num(a)}—{_num(self.minutes)}分钟）。"


def _num(m: float) -> str:
    return f"{m:.0f}" if abs(m - round(m)) < 0.05 else f"{m:.1f}"


def _source_notes(ids: list[str]) -> list[str]:
    from govlib.data import figure

    seen, out = set(), []
    for i in ids:
        if i in seen:
            continue
        seen.add(i)
        f = figure(i)
        out.append(f"数字出处：{f.label_zh}「{f.text}」——{cite_zh(i)}。")
    return out


def build_deck(nb, *, plan: SlidePlan | None, lesson: str, lesson_title: str, course_title: str,
               objectives: list[str], minutes: int | None, set_description: str = "",
               values: dict[str, Any] | None = None, key: list | None = None) -> list[Slide]:
    """The designed deck of an executed (instructor) notebook; see the module docstring.

    Parameters
    ----------
    nb : NotebookNode
        The executed lesson.
    plan : SlidePlan or None
        The lesson's slide plan (:func:`govlib.publish.slideplan.load_plan`);
        without one, the deck is the title, objectives, every chart of the
        lesson with its title as caption, and the exercises.
    values : dict
        The set's parameter values (for ``{param:name}``).
    key : list of KeyEntry
        ``answer_key(lesson, values)``.

    Raises
    ------
    PlanError
        A chart or table the plan points to is not in the executed lesson.
    """
    values = dict(values or {})
    key = list(key or [])
    clock = _Clock()
    title = Slide(lesson_title, kind="title", subtitle=course_title)
    lines = []
    if set_description:
        lines.append(f"本版：{set_description}")
    if minutes:
        lines.append(f"课时约 {int(minutes)} 分钟")
    if lines:
        title.blocks.append(Block("points", items=lines))
    planned = plan.slides if plan is not None else _default_plan(nb)
    title.notes.append(f"开场：说明本课要回答的问题与课堂安排（共{len(planned)}个环节）。"
                       + (f"本课计划{int(minutes)}分钟。" if minutes else ""))
    slides = [title]
    if objectives:
        slides.append(Slide("学习目标", [Block("points", items=list(objectives))], kind="objectives",
                            notes=["逐条读出本课的学习目标，请学员记下最想弄明白的一条；小结时回到这些目标。"]))
    by_id = {e.id: e for e in key}
    placed = set(plan.exercise_ids()) if plan is not None else set()
    graded_left = [e for e in key if e.graded and e.id not in placed]
    disc_left = [e for e in key if not e.graded and e.id not in placed]
    summary_at = None
    for ps in planned:
        if ps.kind == "exercises":
            todo, graded_left[:] = list(graded_left), []
            each = ps.minutes / len(todo) if ps.minutes and todo else None
            slides += [_exercise_slide(e, clock, each) for e in todo]
        elif ps.kind == "discussion" and not ps.exercise:
            todo, disc_left[:] = list(disc_left), []
            each = ps.minutes / len(todo) if ps.minutes and todo else None
            slides += [_discussion_slide(e, clock, each) for e in todo]
        elif ps.kind in ("exercise", "discussion"):
            e = by_id.get(ps.exercise)
            if e is not None:
                make = _exercise_slide if e.graded else _discussion_slide
                slides.append(make(e, clock, ps.minutes))
        else:
            if ps.kind == "summary" and summary_at is None:
                summary_at = len(slides)
            slides.append(_content_slide(nb, ps, lesson, values, clock))
    rest = [_exercise_slide(e, clock, None) for e in graded_left] + \
        [_discussion_slide(e, clock, None) for e in disc_left]
    if rest:
        at = summary_at if summary_at is not None else len(slides)
        slides[at:at] = rest
    return slides


def _default_plan(nb) -> list[PlanSlide]:
    out = []
    for cell in nb.cells:
        if cell.cell_type == "code" and "solution" not in (cell.metadata.get("tags") or []):
            for i, _ in enumerate(_images(cell)):
                if cell.source.strip():  # built, not read from a file: no validation of written text
                    out.append(PlanSlide.model_construct(title=_alt(cell) or "图", chart=cell.source, chart_index=i,
                                                         caption=_alt(cell) or "图", kind="content", points=[],
                                                         table=None, notes="以图为主讲解本节要点。", sources=[],
                                                         exercise=None, minutes=None))
    return out + [PlanSlide(kind="exercises"), PlanSlide(kind="discussion")]


def _content_slide(nb, ps: PlanSlide, lesson: str, values: dict, clock: _Clock) -> Slide:
    used: list[str] = []
    s = Slide(_fill(ps.title or "小结", values, used), kind=ps.kind if ps.kind == "summary" else "content")
    if ps.points:
        s.blocks.append(Block("points", items=[_fill(p, values, used) for p in ps.points]))
    caption = _fill(ps.caption, values, used) if ps.caption else ""
    if ps.chart:
        cell = _cell_for(nb, ps.chart, lesson, "图")
        imgs = _images(cell)
        if len(imgs) <= ps.chart_index:
            raise PlanError(f"课程 {lesson} 的幻灯片计划要的图（含「{ps.chart}」的代码格第 {ps.chart_index + 1} 张图）"
                            "在执行后的讲义里没有")
        s.blocks.append(Block("image", png_b64=imgs[ps.chart_index], alt=caption or _alt(cell) or s.title,
                              caption=caption))
    elif ps.table:
        cell = _cell_for(nb, ps.table.cell, lesson, "表")
        tables = _tables(cell)
        if not tables:
            raise PlanError(f"课程 {lesson} 的幻灯片计划要的表（含「{ps.table.cell}」的代码格）在执行后的讲义里没有")
        rows = tables[0]
        cols = ps.table.columns
        if cols:
            rows = [[r[c] for c in cols if c < len(r)] for r in rows]
        head, body = rows[0], rows[1:]
        shown = body[:ps.table.rows]
        cut = len(shown) < len(body) or bool(cols and len(cols) < len(tables[0][0]))
        s.blocks.append(Block("table", rows=[head] + shown, caption=caption, more=MORE if cut else ""))
    elif caption:
        s.blocks.append(Block("points", items=[caption]))
    if ps.notes:
        s.notes.append(_fill(ps.notes, values, used))
    s.notes += _source_notes(used + list(ps.sources))
    timing = clock.note(ps.minutes)
    if timing:
        s.notes.append(timing)
    return s


def _choices(entry) -> list[str]:
    from govlib.exercises import get

    try:
        ex = get(entry.id)
    except Exception:  # noqa: BLE001 - an entry without a registered exercise shows no options
        return []
    return list(ex.choices) if ex.show_choices else []


def _steps(entry) -> list[str]:
    steps = getattr(entry, "steps", None) or ()
    if isinstance(steps, str):
        steps = [steps]
    return [projector_prompt(str(t)) or str(t) for t in steps if "`" not in str(t)]


def _exercise_slide(entry, clock: _Clock, minutes: float | None) -> Slide:
    s = Slide(entry.label_zh, kind="exercise", exercise=entry.id)
    s.blocks.append(Block("question", items=[projector_prompt(entry.prompt_zh)] + _choices(entry)))
    s.notes.append(f"参考答案（本版参数）：{entry.expected_zh}。")
    steps = _steps(entry)
    if steps:
        s.notes.append("解题步骤：" + "；".join(steps))
    s.notes.append("先请几位学员说出答案和思路，再公布参考答案，讲清每一步依据的数字或规则。")
    timing = clock.note(minutes)
    if timing:
        s.notes.append(timing)
    return s


def _discussion_slide(entry, clock: _Clock, minutes: float | None) -> Slide:
    s = Slide(f"讨论（{entry.label_zh}）", kind="discussion", exercise=entry.id)
    s.blocks.append(Block("question", items=[projector_prompt(entry.prompt_zh)]))
    s.notes.append("分组讨论后请两三组汇报。评分要点：" + "；".join(entry.rubric_zh) + "。")
    timing = clock.note(minutes)
    if timing:
        s.notes.append(timing)
    return s


# --------------------------------------------------------------------------- Traditional copy


def traditional_deck(deck: list[Slide], convert: Callable[[str], str], images: dict[str, str]) -> list[Slide]:
    """The deck with every text converted by *convert* and every chart swapped for its Traditional render."""
    def block(b: Block) -> Block:
        return replace(b, items=[convert(t) for t in b.items], alt=convert(b.alt), caption=convert(b.caption),
                       rows=[[convert(c) for c in r] for r in b.rows], more=convert(b.more),
                       png_b64=images.get(b.png_b64, b.png_b64))

    return [replace(s, title=convert(s.title), subtitle=convert(s.subtitle), notes=[convert(n) for n in s.notes],
                    blocks=[block(b) for b in s.blocks]) for s in deck]


# --------------------------------------------------------------------------- reveal.js


def _inline_js(path: Path) -> str:
    return path.read_text(encoding="utf-8").replace("</script", "<\\/script")


def render_reveal(deck: list[Slide], *, lesson_title: str, course_title: str, lang: str = "zh-Hans") -> str:
    """The self-contained reveal.js page (reveal.js and its notes plugin inlined)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(paths.TEMPLATES)),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    page = env.get_template("site/slides.html.j2").render(
        deck=deck, lesson_title=lesson_title, course_title=course_title, lang=lang,
        reveal_css=(VENDOR / "reveal.css").read_text(encoding="utf-8"),
        reveal_js=_inline_js(VENDOR / "reveal.js"), notes_js=_inline_js(VENDOR / "notes.js"))
    return "\n".join(line.rstrip() for line in page.splitlines()) + "\n"
