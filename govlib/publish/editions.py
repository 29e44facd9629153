"""From one executed notebook to every edition: normalise, split, render, convert.

Editions of one lesson x parameter set (file names under
``lessons/<lesson>/<params>/``):

``instructor.html``
    everything shown (solutions and teaching notes marked);
``student.html``
    cells tagged ``solution`` or ``instructor`` removed -- source *and*
    outputs, so their text is nowhere in the file -- and ``exercise`` outputs
    cleared;
``student.ipynb``
    the notebook to hand out: as the student edition, unexecuted (no outputs),
    with the parameter set's values written into the parameters cell;
``instructor.zh-Hant.html``, ``student.zh-Hant.html``
    Traditional Chinese copies (see :mod:`govlib.publish.hant`), converting
    only runs of non-ASCII text outside code, so markup, code, parameter
    values and base64 images are untouched; charts are their Traditional
    renders (:mod:`govlib.publish.charts`).

The other outputs (answer key, slides, PDFs) are registered in
:mod:`govlib.publish.outputs`.

Normalisation makes two builds byte-identical: cell ids become ``cell-<n>``;
papermill/nbclient timing, kernel and jupytext metadata are dropped; adjacent
stream outputs are merged (nbconvert's ``CoalesceStreamsPreprocessor``); SVG dates and random ids are fixed.
"""

from __future__ import annotations

import copy
import html
import json
import re
from pathlib import Path
from typing import Any

from govlib.publish.params import python_literal

__all__ = [
    "REMOVED_TAGS", "normalise", "student_notebook", "instructor_notebook", "handout_notebook", "render_html",
    "to_traditional", "figure_ids", "external_resources", "rewrite_parameters",
]

#: cells with these tags are removed from the student editions
REMOVED_TAGS = frozenset({"solution", "instructor"})
EXERCISE_TAG = "exercise"
REMOVE_INPUT_TAG = "remove-input"
EDITION_LABELS = {"instructor": "教师版", "student": "学生版"}
#: first line of the cell papermill injects with the set's values (papermill writes "# Parameters")
PARAMETERS_HEADING = "# 本次运行的参数"

_FIG_RE = re.compile(r"""<span\b[^>]*\bclass=["'][^"']*\bgv-fig\b[^"']*["'][^>]*>""")
_DATA_FIG_RE = re.compile(r"""\bdata-fig=["']([^"']+)["']""")


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags") or [])


def _coalesce(cell) -> None:
    """Merge adjacent stream outputs (nbconvert's ``CoalesceStreamsPreprocessor``)."""
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    CoalesceStreamsPreprocessor().preprocess_cell(cell, {}, 0)


_SVG_DATE = re.compile(r"<dc:date>.*?</dc:date>", re.S)
_SVG_ID = re.compile(r"\b(p[0-9a-f]{10})\b")


def _fix_svg(svg: str) -> str:
    svg = _SVG_DATE.sub("", svg)
    mapping: dict[str, str] = {}

    def sub(m):
        return mapping.setdefault(m.group(1), f"p{len(mapping):010d}")

    return _SVG_ID.sub(sub, svg)


def normalise(nb, *, meta: dict[str, Any] | None = None, keep_error_markers: bool = False):
    """Return a deterministic copy of an executed notebook.

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook (papermill's output).
    meta : dict, optional
        Stored as ``metadata.govlib`` (lesson id, parameter set, values).
    keep_error_markers : bool
        Keep papermill's error-marker cells (for failed notebooks kept for
        inspection).
    """
    import nbformat

    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        tags = _tags(cell)
        if not keep_error_markers and "papermill-error-cell-tag" in tags:
            continue
        md = {}
        if tags:
            md["tags"] = tags
        if cell.get("metadata", {}).get("jupyter"):
            jup = {k: v for k, v in cell.metadata.jupyter.items() if k in ("source_hidden", "outputs_hidden")}
            if jup:
                md["jupyter"] = jup
        if cell.get("metadata", {}).get("slideshow"):
            md["slideshow"] = cell.metadata.slideshow  # where the cell goes on the slides
        cell.metadata = nbformat.from_dict(md)
        if "injected-parameters" in tags and meta is not None and meta.get("values"):
            # papermill writes non-ASCII strings as \\u escapes; show the same values readably
            cell.source = PARAMETERS_HEADING + "\n" + "".join(f"{k} = {python_literal(v)}\n" for k, v in meta["values"].items())
        elif "injected-parameters" in tags and cell.source.startswith("# Parameters"):
            cell.source = PARAMETERS_HEADING + cell.source[len("# Parameters"):]
        if cell.cell_type == "code":
            outs = []
            _coalesce(cell)
            for out in cell.get("outputs", []):
                out.pop("transient", None)
                data = out.get("data")
                if data:
                    data.pop("application/vnd.jupyter.widget-view+json", None) if len(data) > 1 else None
                    if "image/svg+xml" in data:
                        data["image/svg+xml"] = _fix_svg(data["image/svg+xml"])
                outs.append(out)
            cell.outputs = outs
        cell.pop("attachments", None) if not cell.get("attachments") else None
        cells.append(cell)
    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i}"
    nb.cells = cells
    keep = {k: nb.metadata[k] for k in ("kernelspec", "language_info") if k in nb.metadata}
    if meta is not None:
        keep["govlib"] = meta
    nb.metadata = nbformat.from_dict(keep)
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def student_notebook(nb):
    """Remove ``solution``/``instructor`` cells and clear ``exercise`` outputs."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        tags = _tags(cell)
        if REMOVED_TAGS.intersection(tags):
            continue
        if cell.cell_type == "code" and EXERCISE_TAG in tags:
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    nb.cells = cells
    return nb


#: a line ``check()`` prints for an empty answer cell or a discussion question: ``【提示】 <id>：…``
_PENDING_CHECK = re.compile(r"^【提示】 [a-z0-9]+(?:-[a-z0-9]+)*-\d+：.*$\n?", re.M)


def instructor_notebook(nb):
    """The instructor edition's notebook: the exercise cells without the student's pending-check lines.

    An exercise cell runs ``check(id, None)`` in the build, which prints
    ``【提示】 id：尚未作答…`` (or, for a discussion question, that it is not
    graded).  That message is for a student; the instructor edition drops it
    and shows, in the solution cell below, the check run on the worked answer
    (:func:`govlib.exercises.show.solution`).  Any other output of the cell
    (a table, a chart) stays.
    """
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type != "code" or EXERCISE_TAG not in _tags(cell):
            continue
        outs = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                text = "".join(out.text) if isinstance(out.text, list) else out.text
                out.text = _PENDING_CHECK.sub("", text)
                if not out.text:
                    continue
            outs.append(out)
        cell.outputs = outs
    return nb


def rewrite_parameters(source: str, values: dict[str, Any]) -> str:
    """Write *values* into a parameters cell, keeping the types and help comments."""
    import ast

    if not values:
        return source
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id in values:
            v = node.value
            if v.lineno != v.end_lineno:
                continue
            line = lines[v.lineno - 1]
            # col offsets are in UTF-8 bytes
            b = line.encode("utf-8")
            val = values[node.target.id]
            lit = json.dumps(val, ensure_ascii=False) if isinstance(val, str) else repr(val)
            new = b[:v.col_offset] + lit.encode("utf-8") + b[v.end_col_offset:]
            lines[v.lineno - 1] = new.decode("utf-8")
    return "".join(lines)


def handout_notebook(student_nb, *, values: dict[str, Any]):
    """The student notebook to hand out: no outputs, the set's values in the parameters cell."""
    nb = copy.deepcopy(student_nb)
    cells = []
    for cell in nb.cells:
        tags = _tags(cell)
        if "injected-parameters" in tags:
            continue
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            if "parameters" in tags:
                cell.source = rewrite_parameters(cell.source, values)
            if REMOVE_INPUT_TAG in tags:
                # plumbing: collapsed in JupyterLab, still runnable
                cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
        cells.append(cell)
    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i}"
    nb.cells = cells
    nb.metadata.pop("language_info", None)
    return nb


def figure_ids(nb) -> list[str]:
    """Distinct ``data-fig`` ids of ``gv-fig`` spans in the notebook's HTML outputs, sorted."""
    found: set[str] = set()
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            text = (out.get("data") or {}).get("text/html")
            if not text:
                continue
            text = "".join(text) if isinstance(text, list) else text
            for tag in _FIG_RE.findall(text):
                m = _DATA_FIG_RE.search(tag)
                if m:
                    found.add(html.unescape(m.group(1)))
    return sorted(found)


_EXPORTER = None


def _exporter():
    global _EXPORTER
    if _EXPORTER is None:
        from nbconvert import HTMLExporter
        from traitlets.config import Config

        from govlib import paths

        c = Config()
        c.HTMLExporter.template_name = "govlib"
        c.HTMLExporter.extra_template_basedirs = [str(paths.TEMPLATES)]
        c.HTMLExporter.embed_images = True
        c.HTMLExporter.language_code = "zh"
        c.HTMLExporter.exclude_anchor_links = False
        c.HTMLExporter.require_js_url = ""
        c.HTMLExporter.mathjax_url = ""
        _EXPORTER = HTMLExporter(config=c)
    return _EXPORTER


def render_html(nb, *, edition: str, course_title: str, lesson_title: str, set_name: str,
                values: dict[str, Any], index_href: str, links: list[dict], notebook_dir: Path,
                footer: str = "", answer_key: str = "", set_description: str = "") -> str:
    """Render one edition to a self-contained HTML page (Simplified Chinese).

    ``remove-input`` cells show their output only; formulas become MathML
    (:mod:`govlib.publish.maths`); each chart's alternative text is its title
    (else "图表").  Every value shown in the header is HTML-escaped by the
    template; *answer_key* (HTML) is appended to the page, *footer* is text.
    The header names the parameter set in Chinese (默认版本/变体版本 and its
    *set_description* from the syllabus), not by its code name *set_name*.
    """
    from govlib.publish.maths import notebook_maths, put_back
    from govlib.syllabus import set_label_zh

    formulas: dict[str, str] = {}
    if edition == "instructor":
        nb = instructor_notebook(nb)
    nb = copy.deepcopy(notebook_maths(nb, formulas))
    for cell in nb.cells:
        if REMOVE_INPUT_TAG in _tags(cell):
            cell.metadata["transient"] = {"remove_source": True}
    resources = {
        "metadata": {"name": lesson_title, "path": str(notebook_dir)},
        "govlib": {
            "edition": edition,
            "edition_label": EDITION_LABELS[edition],
            "course_title": course_title,
            "lesson_title": lesson_title,
            "set_name": set_name,
            "set_label": set_label_zh(set_name),
            "set_description": set_description,
            "vals": [(k, python_literal(v)) for k, v in values.items()],
            "index_href": index_href,
            "links": links,
            "footer": footer,
            "answer_key": answer_key,
        },
    }
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    body = body.replace('<html lang="zh">', '<html lang="zh-Hans">', 1)
    body = put_back(body, formulas)
    alts = iter(chart_alts(nb))
    body = _NO_ALT.sub(lambda m: f'alt="{html.escape(next(alts, "图表"))}"', body)
    # trailing whitespace varies with nothing but template internals; keep files tidy
    return "\n".join(line.rstrip() for line in body.splitlines()) + "\n"


_NO_ALT = re.compile(r'alt="No description has been provided for this image"')
_TITLE_ARG = re.compile(r"""\b(?:title|caption)\s*=\s*(?:f?["']([^"'{}]+)["'])""")


def chart_alts(nb) -> list[str]:
    """The alternative text of each PNG output, in page order: the chart's title in the cell, else "图表"."""
    alts = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        m = _TITLE_ARG.search(cell.source)
        for out in cell.get("outputs", []):
            if "image/png" in (out.get("data") or {}):
                alts.append(f"图表：{m.group(1)}" if m else "图表")
    return alts


def to_traditional(page: str, keep: Any = ()) -> str:
    """Convert a Simplified Chinese page to Traditional Chinese (see :mod:`govlib.publish.hant`).

    Only runs of non-ASCII text outside code are converted, so tags, code,
    URLs and base64 data are untouched, and so are the strings in *keep* (the
    set's parameter values).  Links to sibling editions and the index point
    to their Traditional copies; ``lang`` becomes ``zh-Hant``.
    """
    from govlib.publish.hant import to_traditional as convert

    out = convert(page, keep=keep)
    out = out.replace('<html lang="zh-Hans">', '<html lang="zh-Hant">', 1)
    return _LINK.sub(_retarget, out)


_LINK = re.compile(r"""<a\b([^>]*\bdata-gv-link=["'](\w+)["'][^>]*)>([^<]*)</a>""")
_HREF = re.compile(r"""\bhref=(["'])([^"']*)\1""")


def _retarget(m: re.Match) -> str:
    """Point a header link of a Traditional page at the right sibling."""
    attrs, kind, label = m.group(1), m.group(2), m.group(3)
    h = _HREF.search(attrs)
    if not h:
        return m.group(0)
    href, hash_, fragment = h.group(2).partition("#")
    if kind in ("edition", "index") and href.endswith(".html") and not href.endswith(".zh-Hant.html"):
        href = href[:-5] + ".zh-Hant.html"
    elif kind == "script" and href.endswith(".zh-Hant.html"):
        href, label = href[:-len(".zh-Hant.html")] + ".html", "簡體版"
    href += hash_ + fragment
    attrs = attrs[:h.start()] + f'href="{href}"' + attrs[h.end():]
    return f"<a{attrs}>{label}</a>"


# --------------------------------------------------------------------------- offline check

_RESOURCE_ATTR = re.compile(
    r"""<(script|link|img|iframe|frame|embed|source|video|audio|track|object|input|image|use)\b([^>]*)>""",
    re.I | re.S)
_ATTR = re.compile(r"""\b(src|href|data|srcset|poster|xlink:href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)""", re.I)
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style>", re.I | re.S)
_STYLE_ATTR = re.compile(r"""\bstyle\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*['"]?([^'")\s;]+)""", re.I)


def _is_external(url: str) -> bool:
    u = url.strip()
    if not u or u.startswith(("data:", "#", "about:blank")):
        return False
    return True


def external_resources(page: str) -> list[str]:
    """List every resource a page would load from outside itself.

    Scans ``<script src>``, ``<link href>`` (stylesheets, icons, preloads),
    ``<img src/srcset>``, frames, media, ``<object data>``, SVG ``<use>``/
    ``<image>``, and CSS ``url(...)`` / ``@import``.  ``data:`` URIs and
    in-page anchors are fine; anything else -- another host, a protocol-relative
    URL, or a local file next to the page -- is listed.  Ordinary links
    (``<a href>``) are not resources and are not listed.
    """
    found: list[str] = []
    for m in _RESOURCE_ATTR.finditer(page):
        tag, attrs = m.group(1).lower(), m.group(2)
        for am in _ATTR.finditer(attrs):
            name = am.group(1).lower()
            value = html.unescape(am.group(2) or am.group(3) or am.group(4) or "")
            if tag == "link" and name == "href":
                rel = re.search(r"""\brel\s*=\s*["']?([^"'>]+)""", attrs, re.I)
                if rel and rel.group(1).strip().lower() in ("canonical", "alternate", "next", "prev"):
                    continue
            if name == "srcset":
                urls = [part.strip().split(" ")[0] for part in value.split(",")]
            else:
                urls = [value]
            found += [f"<{tag} {name}={u}>" for u in urls if _is_external(u)]
    css = [m.group(1) for m in _STYLE_BLOCK.finditer(page)]
    css += [html.unescape(m.group(1) or m.group(2)) for m in _STYLE_ATTR.finditer(page)]
    for block in css:
        for m in _CSS_URL.finditer(block):
            if _is_external(m.group(2)):
                found.append(f"url({m.group(2)})")
        for m in _CSS_IMPORT.finditer(block):
            found.append(f"@import {m.group(1)}")
    return found
