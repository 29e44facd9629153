"""Type size on printed handouts: the words of a PDF with their boxes (``pdftotext -bbox``, poppler-utils).

A handout must stay readable on paper: the print stylesheet keeps tables at
8 pt or more and splits or turns wide tables rather than shrinking them.
:func:`small_text_pages` finds pages that still carry small type, from the
height of each word's box (in PDF points, 1/72 inch), which is the font size
of the word's line as poppler measures it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PageSize", "word_heights", "small_text_pages", "MIN_PT"]

#: smallest type a printed page may carry (points)
MIN_PT = 7.0
_PAGE = re.compile(r"<page\b[^>]*>(.*?)</page>", re.S)
_WORD = re.compile(r'<word\b[^>]*\byMin="([\d.]+)"[^>]*\byMax="([\d.]+)"[^>]*>([^<]*)</word>')


@dataclass(frozen=True)
class PageSize:
    """Small words of one PDF page."""

    page: int          # 1-based
    words: int         # words on the page
    small: int         # words whose box is lower than the limit
    sample: str        # a few of those words


def word_heights(pdf: str | Path) -> list[list[tuple[float, str]]]:
    """Per page, each word's box height (points) and text.

    Raises
    ------
    RuntimeError
        When ``pdftotext`` (poppler-utils) is not installed or fails.
    """
    exe = shutil.which("pdftotext")
    if exe is None:
        raise RuntimeError("未找到 pdftotext：请安装 poppler-utils（见 .ci/system-packages）")
    with tempfile.TemporaryDirectory(prefix="govlib-pdftext-") as tmp:
        out = Path(tmp) / "words.html"
        res = subprocess.run([exe, "-bbox", str(pdf), str(out)], capture_output=True, text=True)
        if res.returncode != 0:
            raise RuntimeError(f"pdftotext 读取 {pdf} 失败：{res.stderr.strip()}")
        text = out.read_text(encoding="utf-8", errors="replace")
    return [[(float(y1) - float(y0), w) for y0, y1, w in _WORD.findall(page)] for page in _PAGE.findall(text)]


def small_text_pages(pdf: str | Path, *, min_pt: float = MIN_PT, allow: int = 2) -> list[PageSize]:
    """Pages of *pdf* with more than *allow* words set smaller than *min_pt*.

    A stray index or superscript is allowed (*allow* words a page); a table
    scaled down to fit the column is not.

    Parameters
    ----------
    pdf : path
    min_pt : float
        Smallest acceptable word height, in points.
    allow : int
        Small words tolerated on a page.

    Returns
    -------
    list of PageSize
        Empty when every page is readable.
    """
    found = []
    for i, words in enumerate(word_heights(pdf), 1):
        small = [w for h, w in words if h < min_pt]
        if len(small) > allow:
            found.append(PageSize(i, len(words), len(small), " ".join(small[:8])))
    return found
