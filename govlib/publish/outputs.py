"""The outputs of a lesson x parameter set: ONE registry that the build, the index and the tests iterate.

Adding an output is one :func:`register` call here: a file name, who it is
for, a short Chinese description for the index, and a renderer
``render(ctx) -> bytes``.  The build writes every registered output of every
job (:mod:`govlib.publish.execute`), the manifest lists them, the index links
them with their descriptions (:mod:`govlib.publish.site`), and the tests
check every student output for answers.

A renderer receives a :class:`Context`: the executed notebook of the job and
lazily computed, cached pieces shared by several outputs (the student
notebook, the rendered pages, the answer key, the slide deck, one headless
browser for both PDFs).

``audience``
    ``student`` (handed to students), ``class`` (projected to the class; its
    visible text must hold no answer, its speaker notes may) or ``instructor``.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

__all__ = ["Output", "OUTPUTS", "register", "edition_files", "Context", "render_all",
           "footer_text"]


@dataclass(frozen=True)
class Output:
    """One registered output (see the module docstring)."""

    edition: str
    filename: str
    label_zh: str
    description_zh: str
    audience: str
    render: Callable[["Context"], bytes] = field(repr=False, compare=False)
    tools: tuple[str, ...] = ()

    @property
    def is_html(self) -> bool:
        return self.filename.endswith(".html")


#: edition -> Output, in the order the index lists them
OUTPUTS: dict[str, Output] = {}


def register(output: Output) -> Output:
    """Add *output* to :data:`OUTPUTS` (an edition name may be registered once)."""
    if output.edition in OUTPUTS:
        raise ValueError(f"output {output.edition!r} is registered twice")
    if output.audience not in ("student", "class", "instructor"):
        raise ValueError(f"output {output.edition!r}: unknown audience {output.audience!r}")
    OUTPUTS[output.edition] = output
    return output


def edition_files(lesson: str, set_name: str) -> dict[str, str]:
    """Edition -> path relative to the output folder, for every registered output."""
    return {ed: f"lessons/{lesson}/{set_name}/{o.filename}" for ed, o in OUTPUTS.items()}


@functools.cache
def footer_text() -> str:
    """The footer every built page carries (the version, so a page says what built it)."""
    from govlib import __version__

    return f"由 govlib {__version__} 构建 · 离线可读"


# --------------------------------------------------------------------------- the context


class Context:
    """What the renderers of one job share; every piece is computed once, on first use."""

    def __init__(self, *, clean, lesson: str, set_name: str, values: dict[str, Any], course_title: str,
                 lesson_title: str, notebook_dir: Path, objectives: list[str] | None = None,
                 minutes: int | None = None, description: str = "", resolved: dict[str, Any] | None = None,
                 notebook: Path | None = None):
        from govlib.publish.charts import take_hant_images

        #: Simplified chart (base64) -> its Traditional render, taken out of the notebook
        self.hant_images = take_hant_images(clean)
        self.clean = clean
        self.lesson, self.set_name, self.values = lesson, set_name, values
        #: every parameter's value for this set (the notebook's defaults with the set's changes)
        self.resolved = dict(resolved if resolved is not None else values)
        self.course_title, self.lesson_title = course_title, lesson_title
        self.notebook_dir = Path(notebook_dir)
        #: the lesson's source notebook (its slide plan lies beside it); None: no plan
        self.notebook = Path(notebook) if notebook is not None else None
        self.objectives, self.minutes, self.description = list(objectives or []), minutes, description
        self._browser = None
        self._tmp: tempfile.TemporaryDirectory | None = None

    # ---- notebooks
    @functools.cached_property
    def student(self):
        from govlib.publish import editions

        return editions.student_notebook(self.clean)

    @functools.cached_property
    def handout(self):
        from govlib.publish import editions

        return editions.handout_notebook(self.student, values=self.values)

    # ---- the answer key
    @functools.cached_property
    def key(self) -> list:
        from govlib.publish.answers import key_entries

        return key_entries(self.lesson, self.resolved)

    @functools.cached_property
    def vals(self) -> list[tuple[str, str]]:
        from govlib.publish.params import python_literal

        return [(k, python_literal(v)) for k, v in self.values.items()]

    @functools.cached_property
    def keep(self) -> tuple[str, ...]:
        """Strings a Traditional copy must show unchanged in its text: the set's name-like string values.

        Every value is shown unchanged in code and in the header anyway (``<code>``);
        in running text only values that read as names (mixing in Latin letters or
        digits, such as 示例社区B) are kept, so an ordinary word like 机制 still reads
        機制 in Traditional prose.
        """
        return tuple(sorted(v for v in self.resolved.values()
                            if isinstance(v, str) and not v.isascii() and re.search(r"[A-Za-z0-9]", v)))

    # ---- pages
    @functools.cache
    def page(self, edition: str) -> str:
        """The Simplified page of ``instructor`` or ``student``."""
        from govlib.publish import editions
        from govlib.publish.answers import key_html

        nb = self.clean if edition == "instructor" else self.student
        return editions.render_html(
            nb, edition=edition, course_title=self.course_title, lesson_title=self.lesson_title,
            set_name=self.set_name, values=self.values, index_href="../../../index.html",
            links=links(edition), notebook_dir=self.notebook_dir, footer=footer_text(),
            answer_key=key_html(self.key) if edition == "instructor" and not baseline_only() else "",
            set_description=self.description)

    def hant(self, page: str) -> str:
        """The Traditional copy of a page: text converted, charts swapped for their Traditional renders."""
        from govlib.publish import editions
        from govlib.publish.charts import swap_images

        return swap_images(editions.to_traditional(page, keep=self.keep), self.hant_images)

    # ---- slides
    @functools.cached_property
    def deck(self):
        """The designed deck (:mod:`govlib.publish.slides`) from the lesson's slide plan."""
        from govlib.publish.slideplan import load_plan
        from govlib.publish.slides import build_deck

        plan = load_plan(self.notebook, lesson=self.lesson) if self.notebook is not None else None
        return build_deck(self.clean, plan=plan, lesson=self.lesson, lesson_title=self.lesson_title,
                          course_title=self.course_title, objectives=self.objectives, minutes=self.minutes,
                          set_description=self.description, values=self.resolved, key=self.key)

    @functools.cached_property
    def deck_hant(self):
        """The Traditional copy of :attr:`deck` (text through OpenCC, charts in their Traditional renders)."""
        from govlib.publish.hant import convert_text
        from govlib.publish.slides import traditional_deck

        return traditional_deck(self.deck, lambda t: convert_text(t, self.keep), self.hant_images)

    # ---- printing
    @property
    def browser(self):
        if self._browser is None:
            from govlib.publish.browser import Browser

            self._browser = Browser().__enter__()
        return self._browser

    def print_pdf(self, page: str, *, edition: str) -> bytes:
        """Print a page as an A4 handout (see ``govlib.css``, ``body.gv-handout``)."""
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="govlib-print-")
        html = page.replace('<body class="', '<body class="gv-handout ', 1).replace("</body>", _FIT_JS + "</body>", 1)
        path = Path(self._tmp.name) / f"{edition}.html"
        path.write_text(html, encoding="utf-8")
        label = {"student": "学生讲义", "instructor": "教师讲义"}[edition]
        return self.browser.pdf(path, header=f"{self.lesson_title} · {label}")

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


#: printing only: a table or code block wider than the A4 text column is scaled down to fit it
_FIT_JS = """<script>
(function () {
  var main = document.querySelector("main") || document.body, avail = main.clientWidth;
  document.querySelectorAll("table, pre").forEach(function (el) {
    var w = el.scrollWidth;
    if (w > avail + 1) { el.style.zoom = (avail / w).toFixed(3); }
  });
})();
</script>
"""


def links(edition: str) -> list[dict]:
    """Header links of a lesson page (relative to ``lessons/<lesson>/<params>/``)."""
    out = []
    if edition == "instructor":
        out.append({"kind": "edition", "href": "student.html", "label": "学生版"})
        out.append({"kind": "file", "href": "answers.html", "label": "答案页"})
        out.append({"kind": "file", "href": "slides.html", "label": "幻灯片"})
        out.append({"kind": "file", "href": "instructor.pdf", "label": "教师讲义 PDF"})
    else:
        out.append({"kind": "file", "href": "student.pdf", "label": "学生讲义 PDF"})
    out.append({"kind": "script", "href": f"{edition}.zh-Hant.html", "label": "繁體版"})
    out.append({"kind": "notebook", "href": "student.ipynb", "label": "下载学生笔记本 (.ipynb)"})
    return out


def render_all(ctx: Context) -> dict[str, bytes]:
    """Every registered output of one job (edition -> bytes).

    Raises
    ------
    OfflineError
        An HTML output would load something from outside itself.
    """
    from govlib.publish.editions import external_resources

    files: dict[str, bytes] = {}
    try:
        for ed, out in OUTPUTS.items():
            data = out.render(ctx)
            if out.is_html:
                # inline script bodies (vendored reveal.js) are code, not markup that loads anything
                bad = external_resources(_INLINE_SCRIPT.sub("<script></script>", data.decode("utf-8")))
                if bad:
                    raise OfflineError(f"{out.filename}: the page would load external resources: "
                                       + ", ".join(bad[:5]))
            files[ed] = data
    finally:
        ctx.close()
    return files


_INLINE_SCRIPT = re.compile(r"<script>.*?</script>", re.S)


class OfflineError(RuntimeError):
    """A rendered page refers to a resource outside itself."""


# --------------------------------------------------------------------------- the outputs


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


def _notebook(ctx: Context) -> bytes:
    import nbformat

    return _utf8(nbformat.writes(ctx.handout) + "\n")


def _answers(ctx: Context) -> bytes:
    from govlib.publish.answers import render_answers

    return _utf8(render_answers(ctx.key, course_title=ctx.course_title, lesson_title=ctx.lesson_title,
                                set_name=ctx.set_name, vals=ctx.vals, footer=footer_text(),
                                set_description=ctx.description))


def _slides(ctx: Context) -> bytes:
    from govlib.publish.slides import render_reveal

    return _utf8(render_reveal(ctx.deck, lesson_title=ctx.lesson_title, course_title=ctx.course_title))


def _slides_hant(ctx: Context) -> bytes:
    from govlib.publish.hant import convert_text
    from govlib.publish.slides import render_reveal

    return _utf8(render_reveal(ctx.deck_hant, lesson_title=convert_text(ctx.lesson_title, ctx.keep),
                               course_title=convert_text(ctx.course_title, ctx.keep), lang="zh-Hant"))


def _pptx(ctx: Context) -> bytes:
    from govlib.publish.pptx_deck import render_pptx

    return render_pptx(ctx.deck)


def _pptx_hant(ctx: Context) -> bytes:
    from govlib.publish.pptx_deck import render_pptx

    return render_pptx(ctx.deck_hant, hant=True)


register(Output("instructor", "instructor.html", "教师版", "完整讲义：含参考答案、教学提示、时间安排与讨论评分要点", "instructor",
                lambda c: _utf8(c.page("instructor"))))
register(Output("student", "student.html", "学生版", "学生讲义网页：叙述、图表与练习题，不含答案", "student",
                lambda c: _utf8(c.page("student"))))
register(Output("instructor.zh-Hant", "instructor.zh-Hant.html", "教師版（繁體）", "教师版的繁体中文副本（图表亦为繁体）",
                "instructor", lambda c: _utf8(c.hant(c.page("instructor")))))
register(Output("student.zh-Hant", "student.zh-Hant.html", "學生版（繁體）", "学生版的繁体中文副本（图表亦为繁体）",
                "student", lambda c: _utf8(c.hant(c.page("student")))))
register(Output("student-notebook", "student.ipynb", "学生笔记本", "发给学生在 JupyterLab 中运行、作答的笔记本",
                "student", _notebook))
register(Output("answers", "answers.html", "答案页", "一页纸答案：本参数集每道练习的参考值（含单位）与讨论题评分要点",
                "instructor", _answers))
register(Output("slides", "slides.html", "幻灯片", "课堂投影用 reveal.js 幻灯片（按 S 键看讲者备注），离线可用",
                "class", _slides))
register(Output("slides-pptx", "slides.pptx", "可编辑幻灯片", "同一套幻灯片的 PowerPoint／WPS 可编辑版，含讲者备注",
                "class", _pptx))
register(Output("slides.zh-Hant", "slides.zh-Hant.html", "幻燈片（繁體）", "幻灯片的繁体中文副本（图表亦为繁体），按 S 键看讲者备注",
                "class", _slides_hant))
register(Output("slides-pptx.zh-Hant", "slides.zh-Hant.pptx", "可編輯幻燈片（繁體）", "可编辑幻灯片的繁体中文副本（图表亦为繁体）",
                "class", _pptx_hant))
register(Output("student-pdf", "student.pdf", "学生讲义 PDF", "A4 打印用练习讲义，练习后留有作答空白",
                "student", lambda c: c.print_pdf(c.page("student"), edition="student"), tools=("chromium",)))
register(Output("instructor-pdf", "instructor.pdf", "教师讲义 PDF", "A4 打印用教师讲义：教学提示、时间安排与答案要点",
                "instructor", lambda c: c.print_pdf(c.page("instructor"), edition="instructor"),
                tools=("chromium",)))


#: benchmarks/build_speed.py only: build just the outputs that existed before the classroom materials
#: (pages, zh-Hant copies, student.ipynb; no answer key, no Traditional chart renders) to measure their cost
BASELINE_ENV = "GOVLIB_BENCH_BASELINE_OUTPUTS"
BASELINE_EDITIONS = ("instructor", "student", "instructor.zh-Hant", "student.zh-Hant", "student-notebook")


def baseline_only() -> bool:
    """Is the benchmark's baseline mode on (see :data:`BASELINE_ENV`)?"""
    return os.environ.get(BASELINE_ENV, "") not in ("", "0")


if baseline_only():
    for _ed in [e for e in OUTPUTS if e not in BASELINE_EDITIONS]:
        del OUTPUTS[_ed]
