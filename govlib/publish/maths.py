"""Formulas without a network: LaTeX in Markdown cells becomes MathML at build time.

``$$...$$`` (display) and ``$...$`` (inline) in Markdown cells are converted
with `latex2mathml <https://pypi.org/project/latex2mathml/>`_ before the page
is rendered.  Browsers (Chromium 109+, Firefox, Safari) draw MathML natively,
so pages, slides, PDFs and the Traditional copies show formulas with no
script and no web font.  Code cells are left alone, and so is the student
notebook (JupyterLab renders ``$`` itself).  A dollar sign that is not maths
(``\\$``, a lone ``$``) is left as it is.
"""

from __future__ import annotations

import copy
import re

__all__ = ["latex_to_mathml", "markdown_maths", "notebook_maths", "put_back"]

_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE = re.compile(r"(?<![\\$\w])\$(?!\s)([^$\n]+?)(?<!\s)\$(?![\w$])")
_FENCE = re.compile(r"(```.*?```|`[^`\n]*`)", re.S)


def latex_to_mathml(tex: str, display: bool = False) -> str:
    """One LaTeX formula as a ``<math>`` element (on one line).

    Examples
    --------
    >>> latex_to_mathml("k").startswith('<math')
    True
    """
    from latex2mathml.converter import convert

    return convert(tex.strip(), display="block" if display else "inline").replace("\n", "")


def _convert(text: str, store: dict[str, str] | None) -> str:
    def put(mml: str) -> str:
        if store is None:
            return mml
        token = f"GVMATH{len(store):05d}Z"
        store[token] = mml
        return token

    text = _DISPLAY.sub(lambda m: "\n\n" + put(latex_to_mathml(m.group(1), True)) + "\n\n", text)
    return _INLINE.sub(lambda m: put(latex_to_mathml(m.group(1))), text)


def markdown_maths(source: str, store: dict[str, str] | None = None) -> str:
    """Markdown *source* with its formulas as MathML; code spans and fences untouched.

    With *store*, each formula is replaced by a token (``GVMATH00000Z``) and the
    MathML kept in *store*: nbconvert's Markdown renderer, when it embeds
    images, re-parses raw inline HTML tag by tag and would break the MathML
    apart, so :func:`put_back` inserts it after rendering.
    """
    if "$" not in source:
        return source
    parts = _FENCE.split(source)
    return "".join(p if i % 2 else _convert(p, store) for i, p in enumerate(parts))


def notebook_maths(nb, store: dict[str, str] | None = None):
    """A copy of *nb* whose Markdown cells carry MathML (or tokens, see :func:`markdown_maths`) for LaTeX."""
    if not any(c.cell_type == "markdown" and "$" in c.source for c in nb.cells):
        return nb
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = markdown_maths(cell.source, store)
    return nb


def put_back(html: str, store: dict[str, str]) -> str:
    """Replace the tokens of *store* in rendered *html* by their MathML."""
    for token, mml in store.items():
        html = html.replace(token, mml)
    return html
