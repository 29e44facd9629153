"""What a reader sees as plain output on a rendered page: finding raw Python output (used by the course tests).

A lesson page shows each cell output in one MIME type.  HTML outputs are
formatted by govlib (tables, sentences with units); a ``text/plain`` output
-- a ``print`` or the value of a cell's last line -- is shown as it is.  Such
output must read as a Chinese sentence, never as a Python repr: a dict, a
list, a tuple, ``True``/``False``/``None``, a bare number, a pandas Series or
DataFrame, a numpy array or an object repr (``<… at 0x…>``).

:func:`plain_outputs` lists the ``text/plain`` outputs of a page (nbconvert's
``data-mime-type="text/plain"`` output divs, streams included), and
:func:`repr_lines` the lines of one output that look like a repr.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from html.parser import HTMLParser

__all__ = ["PlainOutput", "plain_outputs", "repr_lines", "repr_outputs"]

_VOID = frozenset({"br", "img", "meta", "link", "input", "hr", "area", "base", "col", "embed", "source", "wbr"})
_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?%?$")
_FRAGMENTS = (
    re.compile(r"[\[{(]\s*['\"]"),            # ['a', …]  {'a': …}  ('a', …)
    re.compile(r"['\"]\s*:\s*[-\d\[{'\"TFN]"),  # 'key': value
    re.compile(r"\bdtype:\s*\w+"),            # Series repr footer
    re.compile(r"^Name: .*, dtype"),
    re.compile(r"\[\d+ rows x \d+ columns\]"),  # DataFrame repr footer
    re.compile(r"\barray\(\["),                # numpy array
    re.compile(r"<[\w.]+(?: object)? at 0x[0-9a-f]+>"),  # object repr
    re.compile(r"^<(?:Figure|Axes|matplotlib)[^>]*>$"),
    re.compile(r"^\s*\d+\s+\S+\s*$"),          # a row-numbered line of a frame repr: "0  a"
    re.compile(r"^[A-Za-z_]\w*(?:\s+[-+]?\d[\d.]*)+$"),  # a code value and a number: "over 3.0"
)


@dataclass(frozen=True)
class PlainOutput:
    """One ``text/plain`` output of a page and the tags of its cell."""

    tags: tuple[str, ...]
    text: str


class _Outputs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.cell: tuple[int, tuple[str, ...]] | None = None
        self.current: tuple[int, list[str]] | None = None
        self.found: list[PlainOutput] = []

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        self.depth += 1
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "div" and "jp-Cell" in classes and self.cell is None:
            tags = tuple(c[len("celltag_"):] for c in classes if c.startswith("celltag_"))
            self.cell = (self.depth, tags)
        if tag == "div" and a.get("data-mime-type") == "text/plain" and self.current is None:
            self.current = (self.depth, [])

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        if self.current is not None and self.current[0] == self.depth:
            self.found.append(PlainOutput(self.cell[1] if self.cell else (), "".join(self.current[1])))
            self.current = None
        if self.cell is not None and self.cell[0] == self.depth:
            self.cell = None
        self.depth -= 1

    def handle_data(self, data):
        if self.current is not None:
            self.current[1].append(data)


def plain_outputs(page: str) -> list[PlainOutput]:
    """The ``text/plain`` outputs of a rendered page, in order."""
    p = _Outputs()
    p.feed(page)
    p.close()
    return p.found


def _is_literal(text: str) -> bool:
    """True when *text* parses as a Python literal that is not a plain string (a dict, list, tuple, bool, number)."""
    try:
        v = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    return not isinstance(v, str)


def repr_lines(text: str) -> list[str]:
    """The lines of an output that read as raw Python output (empty when the output reads as prose).

    Examples
    --------
    >>> repr_lines("{'inclusive': True}")
    ["{'inclusive': True}"]
    >>> repr_lines("40名代表中34名同意：按“含本数”读，通过。")
    []
    """
    whole = text.strip()
    if not whole:
        return []
    if _is_literal(whole):
        return [whole]
    bad = []
    for line in whole.splitlines():
        s = line.strip()
        if not s:
            continue
        if s in ("True", "False", "None") or _NUMBER.match(s) or _is_literal(s) or any(f.search(s) for f in _FRAGMENTS):
            bad.append(s)
    return bad


def repr_outputs(page: str) -> list[str]:
    """Every repr-like line of the page's plain outputs, as ``[tags] line`` (empty when the page is clean)."""
    out = []
    for o in plain_outputs(page):
        out += [f"[{','.join(o.tags) or '-'}] {line}" for line in repr_lines(o.text)]
    return out
