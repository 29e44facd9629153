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

__all__ = ["latex_to_mathml", "markdown_maths", "notebook_maths"]

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


def _convert(text: str) -> str:
    text = _DISPLAY.sub(lambda m: "\n\n" + latex_to_mathml(m.group(1), True) + "\n\n", text)
    return _INLINE.sub(lambda m: latex_to_mathml(m.group(1)), text)


def markdown_maths(source: str) -> str:
    """Markdown *source* with its formulas as MathML; code spans and fences untouched."""
    if "$" not in source:
        return source
    parts = _FENCE.split(source)
    return "".join(p if i % 2 else _convert(p) for i, p in enumerate(parts))


def notebook_maths(nb):
    """A copy of *nb* whose Markdown cells carry MathML instead of LaTeX."""
    if not any(c.cell_type == "markdown" and "$" in c.source for c in nb.cells):
        return nb
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = markdown_maths(cell.source)
    return nb
